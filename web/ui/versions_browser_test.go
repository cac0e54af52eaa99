package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/presswatch/presswatch/internal/browsertest"
)

// The incident page, rendered by Chromium at 1280 and 390 px, shows the
// updated article once with its versions and does not scroll sideways on
// a phone. Screenshots go to $PRESSWATCH_ARTIFACTS/browser (else a
// temporary directory).
func TestBrowserIncidentVersions(t *testing.T) {
	chrome := browsertest.Chromium()
	if chrome == "" {
		t.Skip("no Chromium found (apt-get install -y chromium); browser test skipped")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	dir := browsertest.Artifacts(t)
	e := newEnv(t, envOpts{})
	al := reprintedIncident(t, e)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.Flag("headless", true), chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "vi-VN"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	// Started outside run's timeouts, which would close it.
	if err := chromedp.Run(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	run := func(actions ...chromedp.Action) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("browser: %v", err)
		}
	}
	shot := func(name string) {
		t.Helper()
		var buf []byte
		run(chromedp.FullScreenshot(&buf, 100))
		if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	// Vietnamese first, as the officers' browsers ask.
	run(network.Enable(), network.SetExtraHTTPHeaders(network.Headers{"Accept-Language": "vi-VN,vi;q=0.9"}))
	run(chromedp.Navigate(e.srv.URL+"/login"), chromedp.WaitVisible(`#name`, chromedp.ByID),
		chromedp.SetValue(`#name`, "canbo", chromedp.ByID), chromedp.SetValue(`#password`, "mat-khau-canbo", chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID), chromedp.WaitVisible(`.who`, chromedp.ByQuery))

	var badge string
	var items, versions int
	run(chromedp.Navigate(e.srv.URL+"/alerts/"+al.ID), chromedp.WaitVisible(`.versions`, chromedp.ByQuery),
		chromedp.Text(`.versions .badge`, &badge, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("ol.items > li").length`, &items),
		chromedp.Evaluate(`document.querySelectorAll(".versions li").length`, &versions))
	if badge != "3 phiên bản" || items != 2 || versions != 3 {
		t.Errorf("incident page: badge %q, %d articles, %d versions listed; want \"3 phiên bản\", 2, 3", badge, items, versions)
	}
	run(chromedp.ScrollIntoView(`.versions`, chromedp.ByQuery))
	shot("p15-incident-versions-1280")

	run(chromedp.EmulateViewport(390, 844))
	var width int
	run(chromedp.Navigate(e.srv.URL+"/alerts/"+al.ID), chromedp.WaitVisible(`.versions`, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &width))
	if width > 390 {
		t.Errorf("incident page with versions at 390 px is %d px wide", width)
	}
	shot("p15-incident-versions-390")

	// The article page's list of its story, from the clusterer's records.
	docs := clusteredStory(t, e)
	run(chromedp.Navigate(e.srv.URL+"/articles/"+docs[0].ID), chromedp.WaitVisible(`.story .versions`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("ol.story > li").length`, &items), chromedp.Evaluate(`document.documentElement.scrollWidth`, &width))
	if items != 2 || width > 390 {
		t.Errorf("article page at 390 px: %d articles in its story, %d px wide; want 2 and no sideways scroll", items, width)
	}
	shot("p15-article-story-390")
	run(chromedp.EmulateViewport(1280, 900), chromedp.Reload(), chromedp.WaitVisible(`.story .versions`, chromedp.ByQuery))
	shot("p15-article-story-1280")
}
