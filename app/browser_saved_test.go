package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/presswatch/presswatch/app/apptest"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/demosite/sink"
	"github.com/presswatch/presswatch/internal/wait"
	"github.com/presswatch/presswatch/web/auth"
)

// growingFeed is a news site whose feed gains articles while the test
// runs.
type growingFeed struct {
	mu    sync.Mutex
	base  string
	items []feedItem
}

type feedItem struct {
	slug, title string
	pub         time.Time
}

func newGrowingFeed(t *testing.T) *growingFeed {
	f := &growingFeed{}
	mux := http.NewServeMux()
	mux.HandleFunc("/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Báo Mường Chà</title><link>%s/</link><description>tin</description>`, f.base)
		for _, it := range f.items {
			fmt.Fprintf(w, `<item><title>%s</title><link>%s/tin/%s.html</link><pubDate>%s</pubDate></item>`, it.title, f.base, it.slug, it.pub.Format(time.RFC1123Z))
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	mux.HandleFunc("/tin/", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, it := range f.items {
			if r.URL.Path == "/tin/"+it.slug+".html" {
				p := `<p>Mưa lớn kéo dài khiến taluy dương sạt lở tại xã Mường Pồn, huyện Điện Biên; lực lượng chức năng đã có mặt để khắc phục, phân luồng giao thông và hỗ trợ người dân di dời tài sản đến nơi an toàn.</p>`
				fmt.Fprintf(w, `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>%[1]s</title></head><body><article><h1>%[1]s</h1>%[2]s%[2]s%[2]s%[2]s</article></body></html>`, it.title, p)
				return
			}
		}
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.base = srv.URL
	return f
}

func (f *growingFeed) add(slug, title string, pub time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(f.items, feedItem{slug: slug, title: title, pub: pub})
}

const adminToken = "saved-search-admin-token-0123456789"

// apiCall sends an API request with the admin token and decodes the
// answer.
func apiCall(t *testing.T, method, target string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, target, nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// waitSearchable waits until the index has an article titled title.
func waitSearchable(t *testing.T, base, q, title string) {
	t.Helper()
	wait.For(t, 60*time.Second, func() error {
		var res searchResp
		apiCall(t, http.MethodGet, base+"/api/v1/search?"+url.Values{"q": {q}}.Encode(), &res)
		for _, h := range res.Hits {
			if h.Title == title {
				return nil
			}
		}
		return fmt.Errorf("%q not indexed yet (%d hits)", title, len(res.Hits))
	})
}

// An officer signs in in Vietnamese, saves a search (after the form
// refuses a query that does not parse, an empty name and a duplicate
// one at their fields), subscribes it to the daily e-mail digest; a new
// matching article arrives, the digest goes out to the SMTP server with
// the article's title and a working link, and a second run sends nothing.
func TestBrowserSavedSearchDigest(t *testing.T) {
	t.Parallel()
	chrome := findChromium()
	if chrome == "" {
		t.Skip("no Chromium found (apt-get install -y chromium); browser journey skipped")
	}
	if testing.Short() {
		t.Skip("browser journeys skipped in -short mode")
	}
	feed := newGrowingFeed(t)
	const oldTitle = "Sạt lở taluy ở xã Mường Pồn"
	feed.add("cu", oldTitle, time.Now().Add(-2*time.Hour))

	sinks, err := sink.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sinks.Close() })
	smtpHost, smtpPort, _ := strings.Cut(sinks.SMTPAddr(), ":")
	smtpPortN, _ := strconv.Atoi(smtpPort)
	rules, _ := filepath.Abs("../examples/rules")
	cfg := config.Default()
	cfg.Roles = []string{"crawler", "classifier", "indexer", "web"}
	cfg.DataDir = t.TempDir()
	cfg.Listen = freeAddr(t)
	cfg.Classifier.RulesDir = rules
	cfg.Alerts.BaseURL = "http://" + cfg.Listen
	cfg.Alerts.Receivers = []config.Receiver{{Name: "email", Lang: "vi", Email: &config.EmailReceiver{Host: smtpHost, Port: smtpPortN, TLS: "none",
		From: "Presswatch <bantin@presswatch.demo>"}}}
	cfg.Crawler.AllowPrivateHosts = []string{"127.0.0.1"}
	cfg.Crawler.MinHostDelay = 0
	cfg.Crawler.Sources = []config.Source{{ID: "bao-muong-cha", Name: "Báo Mường Chà", Kind: "feed", URL: feed.base + "/rss.xml", Tier: "local", Lang: "vi", Interval: config.Duration(300 * time.Millisecond)}}
	cfg.Indexer.BatchInterval = config.Duration(200 * time.Millisecond)
	cfg.API.Tokens = []config.Token{{Name: "ops", Role: "admin", Token: adminToken}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a := apptest.Start(t, cfg)
	base := "http://" + a.Addr()
	if _, err := a.Accounts().Users.Add(context.Background(), "canbo", auth.RoleOfficer, "mat-khau-can-bo"); err != nil {
		t.Fatal(err)
	}
	const q = `"Mường Pồn"`
	waitSearchable(t, base, q, oldTitle)

	b := newBrowser(t, chrome, base)
	b.run(chromedp.Navigate(base+"/login?lang=vi"), chromedp.WaitVisible(`#name`, chromedp.ByID))
	b.login("canbo", "mat-khau-can-bo")

	// A query that does not parse: the error is at the search box, in
	// Vietnamese.
	b.run(chromedp.Navigate(base+"/search?"+url.Values{"q": {`lu AND (quet`}}.Encode()),
		chromedp.WaitVisible(`#saved-name`, chromedp.ByID), chromedp.SetValue(`#saved-name`, "Lỗi", chromedp.ByID),
		chromedp.Submit(`#saved-name`, chromedp.ByID), chromedp.WaitVisible(`#q-err`, chromedp.ByID))
	if got := b.text(`#q-err`); !strings.Contains(got, "Truy vấn chưa đúng cú pháp (cột") || !strings.Contains(got, "thiếu dấu ) đóng ngoặc") {
		t.Errorf("bad query message %q", got)
	}

	// The search, and saving it without a name.
	b.run(chromedp.Navigate(base+"/search?"+url.Values{"q": {q}}.Encode()), chromedp.WaitVisible(`ol.hits li.hit`, chromedp.ByQuery),
		chromedp.Submit(`#saved-name`, chromedp.ByID), chromedp.WaitVisible(`#saved-name-err`, chromedp.ByID))
	if got := b.text(`#saved-name-err`); got != "Hãy đặt tên cho tìm kiếm." {
		t.Errorf("empty name message %q", got)
	}
	b.run(chromedp.SetValue(`#saved-name`, "Sạt lở Mường Pồn", chromedp.ByID), chromedp.Submit(`#saved-name`, chromedp.ByID))
	b.waitURL("flash=saved.created")
	b.run(chromedp.WaitVisible(`.saved-item .saved-run`, chromedp.ByQuery))
	if got := b.text(`.saved-item .saved-run`); got != "Sạt lở Mường Pồn" {
		t.Errorf("saved list shows %q", got)
	}
	// The same name in capitals is the same name.
	b.run(chromedp.SetValue(`#saved-name`, "SẠT LỞ MƯỜNG PỒN", chromedp.ByID), chromedp.Submit(`#saved-name`, chromedp.ByID),
		chromedp.WaitVisible(`#saved-name-err`, chromedp.ByID))
	if got := b.text(`#saved-name-err`); !strings.Contains(got, "cùng tên") {
		t.Errorf("duplicate name message %q", got)
	}

	// Subscribe to the daily e-mail digest.
	b.run(chromedp.Click(`.saved-item details summary`, chromedp.ByQuery), chromedp.WaitVisible(`.saved-item form.subscribe input[name=to]`, chromedp.ByQuery),
		chromedp.SetValue(`.saved-item form.subscribe input[name=to]`, "canbo@stttt.demo", chromedp.ByQuery),
		chromedp.Click(`.saved-item form.subscribe button[type=submit]`, chromedp.ByQuery))
	b.waitURL("flash=saved.subscribed")
	b.run(chromedp.WaitVisible(`.saved-item .badge.subscribed`, chromedp.ByQuery))
	if got := b.text(`.saved-item .badge.subscribed`); !strings.Contains(got, "canbo@stttt.demo") {
		t.Errorf("subscription badge %q", got)
	}
	b.run(chromedp.Click(`.saved-item details summary`, chromedp.ByQuery), chromedp.WaitVisible(`.saved-item form.subscribe`, chromedp.ByQuery))
	b.shot("p17-saved-search-1280")
	b.run(chromedp.EmulateViewport(390, 844))
	b.shot("p17-saved-search-390")
	b.run(chromedp.EmulateViewport(1280, 900))

	// Nothing new yet: no digest.
	var sent struct {
		Sent int `json:"sent"`
	}
	if code := apiCall(t, http.MethodPost, base+"/api/v1/saved-searches/digest", &sent); code != http.StatusOK || sent.Sent != 0 {
		t.Fatalf("digest before any new article: %d, sent %d", code, sent.Sent)
	}
	// A new matching article arrives (published a second on, so after
	// the subscription even at the feed's one-second precision).
	const newTitle = "Mường Pồn: sạt lở mới chặn Quốc lộ 12"
	published := time.Now().Add(time.Second)
	feed.add("moi", newTitle, published)
	waitSearchable(t, base, q, newTitle)
	// A digest covers what was published up to when it runs: one run
	// before that second has passed would rightly find nothing.
	wait.Until(t, 5*time.Second, "the new article's publication time", func() bool { return time.Now().After(published) })
	if code := apiCall(t, http.MethodPost, base+"/api/v1/saved-searches/digest", &sent); code != http.StatusOK || sent.Sent != 1 {
		t.Fatalf("digest: %d, sent %d", code, sent.Sent)
	}
	var digest *sink.Mail
	for _, m := range sinks.Mail() {
		if strings.Contains(m.Subject, "Sạt lở Mường Pồn") {
			digest = &m
		}
	}
	if digest == nil {
		t.Fatalf("no digest e-mail among %d messages", len(sinks.Mail()))
	}
	if !strings.Contains(digest.Text, newTitle) || strings.Contains(digest.Text, oldTitle) || digest.To[0] != "canbo@stttt.demo" {
		t.Errorf("digest to %v:\n%s\nwant the new article only", digest.To, digest.Text)
	}
	link := ""
	for _, f := range strings.Fields(digest.Text) {
		if strings.HasPrefix(f, base+"/articles/") {
			link = f
		}
	}
	if link == "" {
		t.Fatalf("digest has no link to the article:\n%s", digest.Text)
	}
	b.run(chromedp.Navigate(link), chromedp.WaitVisible(`main h1`, chromedp.ByQuery))
	if got := b.text(`main h1`); got != newTitle {
		t.Errorf("the digest's link opens %q", got)
	}

	// The second run sends nothing new.
	before := len(sinks.Mail())
	if code := apiCall(t, http.MethodPost, base+"/api/v1/saved-searches/digest", &sent); code != http.StatusOK || sent.Sent != 0 {
		t.Fatalf("second digest: %d, sent %d", code, sent.Sent)
	}
	if n := len(sinks.Mail()); n != before {
		t.Errorf("the second run sent %d messages", n-before)
	}
}
