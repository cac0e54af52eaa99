package app_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/presswatch/presswatch/app/apptest"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/demosite"
	"github.com/presswatch/presswatch/internal/wait"
	"github.com/presswatch/presswatch/web/auth"
)

// TestSourcesPageShowsAHostCoolingDown: a site answering its article
// pages with 429 and Retry-After: 3600 shows, on the sources page in a
// real browser at desktop and phone width, that it waits for its host,
// until when and why, while the other source's articles come in.
func TestSourcesPageShowsAHostCoolingDown(t *testing.T) {
	t.Parallel()
	chrome := findChromium()
	if chrome == "" || testing.Short() {
		t.Skip("no Chromium, or -short")
	}
	cooling := demosite.New(demosite.Options{Initial: 3, Limit: 3})
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	coolSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/tin/") {
			w.Header().Set("Retry-After", "3600")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		cooling.Handler().ServeHTTP(w, r)
	}))
	coolSrv.Listener.Close()
	coolSrv.Listener = l
	coolSrv.Start()
	t.Cleanup(coolSrv.Close)
	site := demosite.New(demosite.Options{Initial: 3, Limit: 3})
	siteSrv := httptest.NewServer(site.Handler())
	t.Cleanup(siteSrv.Close)

	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Listen = "127.0.0.1:0"
	cfg.Classifier.RulesDir = "../examples/rules"
	cfg.Crawler.AllowPrivateHosts = []string{"127.0.0.0/8"}
	cfg.Crawler.MinHostDelay = 0
	cfg.Crawler.Sources = []config.Source{
		{ID: "bao-qua-tai", Name: "Báo quá tải", Kind: "feed", URL: coolSrv.URL + "/rss.xml", Tier: "local", Lang: "vi", Interval: config.Duration(time.Minute)},
		{ID: "demo", Name: demosite.SiteName, Kind: "feed", URL: siteSrv.URL + "/rss.xml", Tier: "local", Lang: "vi", Interval: config.Duration(time.Minute)},
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a := apptest.Start(t, cfg)
	base := "http://" + a.Addr()
	if _, err := a.Accounts().Users.Add(context.Background(), "admin", auth.RoleAdmin, "mat-khau-quan-tri"); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, chrome, base)
	b.run(chromedp.Navigate(base + "/login?lang=vi"))
	b.login("admin", "mat-khau-quan-tri")

	var state string
	// The source first waits while its host is busy with the pages that
	// get the 429, then for the cool-down; either way the page says so.
	wait.For(t, 60*time.Second, func() error {
		b.run(chromedp.Navigate(base+"/sources"), chromedp.Text(`table.sources tbody`, &state, chromedp.ByQuery))
		if !strings.Contains(state, "Chờ máy chủ của nguồn đến") ||
			!strings.Contains(state, "cooling down after HTTP 429") && !strings.Contains(state, "requests in flight") {
			return fmt.Errorf("sources page: %q", state)
		}
		return nil
	})
	b.shot("sources-waiting-1280")
	b.run(chromedp.EmulateViewport(390, 844))
	b.run(chromedp.Navigate(base + "/sources"))
	b.shot("sources-waiting-390")
}
