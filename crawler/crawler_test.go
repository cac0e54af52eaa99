package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/presswatch/presswatch/sourcehealth"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/extract"
	"github.com/presswatch/presswatch/crawler/fetch"
	"github.com/presswatch/presswatch/demosite"
)

// harness runs a crawler on a real embedded bus against local servers.
type harness struct {
	t       *testing.T
	b       *bus.Bus
	c       *Crawler
	reg     *prometheus.Registry
	mu      sync.Mutex
	sources []config.Source
}

func newHarness(t *testing.T, sources []config.Source, tweak func(*Options)) *harness {
	t.Helper()
	return newHarnessWith(t, sources, tweak, nil)
}

// newHarnessWith lets prepare change the crawler before it runs (to wrap
// one of its stores).
func newHarnessWith(t *testing.T, sources []config.Source, tweak func(*Options), prepare func(*Crawler)) *harness {
	t.Helper()
	h := &harness{t: t, b: bustest.Start(t), reg: prometheus.NewRegistry(), sources: sources}
	f, err := fetch.New(fetch.Options{UserAgent: "presswatch-test (+https://example.org)", Timeout: 10 * time.Second,
		MaxBody: 4 << 20, AllowPrivate: []string{"127.0.0.1"}, PerHostConcurrency: 4, MinHostDelay: fetch.NoDelay})
	if err != nil {
		t.Fatal(err)
	}
	x, err := extract.New(extract.Options{Languages: []string{"vi", "en", "fr"}})
	if err != nil {
		t.Fatal(err)
	}
	o := Options{
		Sources: func() ([]config.Source, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			return h.sources, nil
		},
		SourcesReload: 100 * time.Millisecond,
		Concurrency:   4, PauseAfter: 3, Fetcher: f, Extractor: x,
		Logger: testLogger(), Registerer: h.reg,
	}
	if tweak != nil {
		tweak(&o)
	}
	c, err := New(h.b, o)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	if prepare != nil {
		prepare(c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = c.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

// published returns the articles on article.fetched, and how often each ID
// was published.
func (h *harness) published() (map[string]*article.Article, map[string]int) {
	h.t.Helper()
	ctx := context.Background()
	s, err := h.b.JetStream().Stream(ctx, bus.StreamFetched)
	if err != nil {
		h.t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	arts, counts := map[string]*article.Article{}, map[string]int{}
	for seq := info.State.FirstSeq; seq > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			continue
		}
		var a article.Article
		if err := json.Unmarshal(m.Data, &a); err != nil {
			h.t.Fatalf("bad article on the stream: %v", err)
		}
		arts[a.ID] = &a
		counts[a.ID]++
	}
	return arts, counts
}

func (h *harness) waitFor(what string, d time.Duration, cond func() bool) {
	h.t.Helper()
	wait.Until(h.t, d, what, cond)
}

func siteServer(t *testing.T, n int) (*demosite.Site, *httptest.Server) {
	t.Helper()
	site := demosite.New(demosite.Options{Initial: n, Limit: n})
	srv := httptest.NewServer(site.Handler())
	t.Cleanup(srv.Close)
	return site, srv
}

func idsOf(t *testing.T, base string, items []demosite.Item) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, it := range items {
		id, _, err := article.IDFromURL(base + it.Path)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = it.Title
	}
	return out
}

// TestEveryKindYieldsItsArticlesOnce points one source of each kind at a
// local site and checks that every expected article is published exactly
// once.
func TestEveryKindYieldsItsArticlesOnce(t *testing.T) {
	t.Parallel()
	feedSite, feedSrv := siteServer(t, 4)
	smSite, smSrv := siteServer(t, 4)
	webSite, webSrv := siteServer(t, 4)
	searchSite, searchSrv := siteServer(t, 3)
	// The search endpoint answers with the site's feed for any query, so
	// both queries list the same items: they must still be fetched once.
	searchMux := http.NewServeMux()
	searchMux.HandleFunc("/search", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("q") == "" {
			http.Error(w, "no query", http.StatusBadRequest)
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawQuery = "/rss.xml", ""
		searchSite.Handler().ServeHTTP(w, r2)
	})
	searchMux.Handle("/", searchSite.Handler())
	searchSrv.Config.Handler = searchMux

	yt, err := os.ReadFile("../../shared/testdata/feeds/rss-parser/atom-feed-youtube.xml")
	if err != nil {
		t.Skipf("shared test data absent: %v", err)
	}
	tg, err := os.ReadFile("testdata/telegram-channel.html")
	if err != nil {
		t.Fatal(err)
	}
	other := http.NewServeMux()
	other.HandleFunc("/feeds/videos.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Write(yt)
	})
	other.HandleFunc("/s/tinnhanhdienbien", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(tg)
	})
	otherSrv := httptest.NewServer(other)
	t.Cleanup(otherSrv.Close)

	// The sources come from a sources.yaml, as an operator writes them.
	yaml := fmt.Sprintf(`sources:
  - {id: feed, kind: feed, url: "%s/rss.xml", interval: 1h}
  - {id: sitemap, kind: sitemap, url: "%s/sitemap-news.xml", interval: 1h}
  - id: site
    kind: site
    url: "%s/"
    depth: 1
    article_pattern: '/tin/[^/]+\.html$'
    interval: 1h
  - id: search
    kind: search
    url: "%s/search?q={query}"
    queries: ["Điện Biên", "Mường Chà"]
    interval: 1h
  - {id: youtube, kind: youtube, url: "%s/feeds/videos.xml", interval: 1h}
  - {id: telegram, kind: telegram, url: "%s/s/tinnhanhdienbien", interval: 1h}
`, feedSrv.URL, smSrv.URL, webSrv.URL, searchSrv.URL, otherSrv.URL, otherSrv.URL)
	file := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Crawler.SourcesFile = file
	sources, err := config.Sources(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, sources, nil)

	want := map[string]string{}
	for id, title := range idsOf(t, feedSrv.URL, feedSite.Published()) {
		want[id] = "feed: " + title
	}
	for id, title := range idsOf(t, smSrv.URL, smSite.Published()) {
		want[id] = "sitemap: " + title
	}
	for id, title := range idsOf(t, webSrv.URL, webSite.Published()) {
		want[id] = "site: " + title
	}
	for id, title := range idsOf(t, searchSrv.URL, searchSite.Published()) {
		want[id] = "search: " + title
	}
	ytEntries := strings.Count(string(yt), "<entry>")
	// Three of the four Telegram posts have text; the photo-only one is no
	// article.
	wantCount := len(want) + ytEntries + 3

	h.waitFor(fmt.Sprintf("%d articles", wantCount), 60*time.Second, func() bool {
		arts, _ := h.published()
		return len(arts) >= wantCount
	})
	time.Sleep(300 * time.Millisecond)
	arts, counts := h.published()
	for id, what := range want {
		a, ok := arts[id]
		if !ok {
			t.Errorf("missing %s", what)
			continue
		}
		if a.Text == "" || a.Title == "" || a.Partial {
			t.Errorf("%s: title %q, %d bytes of text, partial %v", what, a.Title, len(a.Text), a.Partial)
		}
	}
	for id, n := range counts {
		if n != 1 {
			t.Errorf("article %s (%s) published %d times", id, arts[id].URL, n)
		}
	}
	if len(arts) != wantCount {
		t.Errorf("published %d articles, want %d", len(arts), wantCount)
	}
	bySource := map[string]int{}
	for _, a := range arts {
		bySource[a.SourceID]++
	}
	if bySource["youtube"] != ytEntries || bySource["telegram"] != 3 {
		t.Errorf("by source: %v (want %d youtube, 3 telegram)", bySource, ytEntries)
	}
	for _, a := range arts {
		switch a.SourceID {
		case "telegram":
			if !strings.HasPrefix(a.URL, otherSrv.URL+"/tinnhanhdienbien/") || a.Published.IsZero() {
				t.Errorf("telegram article: url %s published %v", a.URL, a.Published)
			}
			if strings.Contains(a.Text, "Mường Chà") && !strings.Contains(a.Text, "\n") {
				t.Errorf("telegram line breaks lost: %q", a.Text)
			}
		case "youtube":
			if a.Text == "" || a.Evidence != "" {
				t.Errorf("youtube article %s: text %q evidence %q", a.URL, a.Text, a.Evidence)
			}
		default:
			if a.Evidence == "" {
				t.Errorf("%s article %s has no evidence", a.SourceID, a.URL)
			}
		}
	}
	// Evidence is the raw page, retrievable by name.
	for _, a := range arts {
		if a.Evidence == "" {
			continue
		}
		raw, err := h.b.Objects(bus.ObjectEvidence).GetBytes(context.Background(), a.Evidence)
		if err != nil || !strings.Contains(string(raw), "<html") {
			t.Errorf("evidence %s of %s: %v (%d bytes)", a.Evidence, a.URL, err, len(raw))
		}
		break
	}
}

func TestBrokenSourceIsPausedWhileOthersFlow(t *testing.T) {
	t.Parallel()
	site, good := siteServer(t, 3)
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<?xml version='1.0'?><rss><channel><item><title>unterminated")
	}))
	t.Cleanup(bad.Close)
	sources := []config.Source{
		{ID: "bad", Kind: "feed", URL: bad.URL + "/rss.xml", Interval: config.Duration(time.Second), MinInterval: config.Duration(100 * time.Millisecond), MaxInterval: config.Duration(200 * time.Millisecond)},
		{ID: "good", Kind: "feed", URL: good.URL + "/rss.xml", Interval: config.Duration(time.Hour)},
	}
	h := newHarness(t, sources, nil)
	h.waitFor("good articles", 30*time.Second, func() bool { arts, _ := h.published(); return len(arts) == len(site.Published()) })
	ctx := context.Background()
	h.waitFor("bad source paused", 30*time.Second, func() bool {
		hs, err := sourcehealth.Store{KV: h.b.KV(bus.BucketSourceHealth)}.List(ctx)
		return err == nil && hs["bad"] != nil && hs["bad"].Paused
	})
	hs, _ := sourcehealth.Store{KV: h.b.KV(bus.BucketSourceHealth)}.List(ctx)
	b := hs["bad"]
	if b.ConsecutiveFailures < 3 || !strings.Contains(b.LastError, "parse") || !strings.Contains(b.PausedReason, "3 consecutive failures") {
		t.Errorf("bad source health = %+v", b)
	}
	if g := hs["good"]; g == nil || g.Paused || g.LastSuccess.IsZero() || g.LastError != "" {
		t.Errorf("good source health = %+v", g)
	}
	st := StatusOf(sources[0], b)
	if !st.Paused || st.LastError == "" {
		t.Errorf("status = %+v", st)
	}
	// An admin resumes it; it fails again but is polled first.
	if err := ResumeSource(ctx, h.b.KV(bus.BucketSourceHealth), "bad"); err != nil {
		t.Fatal(err)
	}
	hs, _ = sourcehealth.Store{KV: h.b.KV(bus.BucketSourceHealth)}.List(ctx)
	if hs["bad"].Paused || hs["bad"].ConsecutiveFailures != 0 {
		t.Errorf("after resume: %+v", hs["bad"])
	}
	if err := ResumeSource(ctx, h.b.KV(bus.BucketSourceHealth), "nope"); err == nil {
		t.Error("resuming an unknown source succeeded")
	}
}

func TestSourcesReloadAddsASource(t *testing.T) {
	t.Parallel()
	site, srv := siteServer(t, 2)
	h := newHarness(t, nil, nil)
	time.Sleep(200 * time.Millisecond)
	h.mu.Lock()
	h.sources = []config.Source{{ID: "late", Kind: "feed", URL: srv.URL + "/rss.xml", Interval: config.Duration(time.Hour)}}
	h.mu.Unlock()
	h.waitFor("articles of the added source", 30*time.Second, func() bool { arts, _ := h.published(); return len(arts) == len(site.Published()) })
}

func TestSubmittedLinkIsFetchedOnce(t *testing.T) {
	t.Parallel()
	site, srv := siteServer(t, 2)
	h := newHarness(t, nil, nil)
	link := srv.URL + site.Published()[1].Path + "?utm_source=zalo"
	ctx := context.Background()
	id1, err := Submit(ctx, h.b, link, "officer", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id2, err := Submit(ctx, h.b, srv.URL+site.Published()[1].Path, "officer", time.Now())
	if err != nil || id1 != id2 {
		t.Fatalf("ids %s %s, err %v", id1, id2, err)
	}
	h.waitFor("submitted article", 30*time.Second, func() bool { arts, _ := h.published(); return arts[id1] != nil })
	time.Sleep(300 * time.Millisecond)
	arts, counts := h.published()
	if counts[id1] != 1 || arts[id1].SourceID != manualSource || arts[id1].Title == "" {
		t.Errorf("submitted article: %d times, %+v", counts[id1], arts[id1])
	}
	if _, err := Submit(ctx, h.b, "javascript:alert(1)", "officer", time.Now()); err == nil {
		t.Error("a javascript: link was accepted")
	}
}

// testLogger is silent unless PRESSWATCH_TEST_DEBUG is set.
func testLogger() *slog.Logger {
	if os.Getenv("PRESSWATCH_TEST_DEBUG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// A feed whose items all link to one URL (a broken CMS) yields one article.
func TestFeedItemsSharingOneLinkYieldOneArticle(t *testing.T) {
	t.Parallel()
	site, srv := siteServer(t, 1)
	page := srv.URL + site.Published()[0].Path
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>` + srv.URL + `/</link><description>d</description>`)
	for i := range 40 {
		fmt.Fprintf(&b, `<item><title>Tin %d</title><link>%s?utm_source=item%d</link><guid>g%d</guid></item>`, i, page, i, i)
	}
	b.WriteString(`</channel></rss>`)
	feedBody := b.String()
	mux := http.NewServeMux()
	mux.HandleFunc("/one.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, feedBody)
	})
	var mu sync.Mutex
	pageHits := 0
	mux.HandleFunc(site.Published()[0].Path, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		pageHits++
		mu.Unlock()
		site.Handler().ServeHTTP(w, r)
	})
	mux.Handle("/", site.Handler())
	srv.Config.Handler = mux
	h := newHarness(t, []config.Source{{ID: "one", Kind: "feed", URL: srv.URL + "/one.xml", Interval: config.Duration(time.Hour)}}, nil)
	h.waitFor("the article", 30*time.Second, func() bool { arts, _ := h.published(); return len(arts) == 1 })
	time.Sleep(500 * time.Millisecond)
	if arts, counts := h.published(); len(arts) != 1 {
		t.Errorf("published %d articles (%v), want 1", len(arts), counts)
	}
	mu.Lock()
	defer mu.Unlock()
	if pageHits != 1 {
		t.Errorf("the page was fetched %d times, want 1", pageHits)
	}
}

// TestAClaimLapsesUnlessItsPollerRenewsIt: a process killed mid-poll keeps
// the source from the others for one lease only, while a live poll keeps
// its claim for as long as it works and never overwrites what the poll
// recorded.
func TestAClaimLapsesUnlessItsPollerRenewsIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, nil)
	c := h.c
	ctx := context.Background()
	src := config.Source{ID: "slow", Kind: "feed", URL: "https://slow.example/rss"}
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

	lease, ok, _ := c.claim(ctx, src, t0)
	if !ok || !lease.Equal(t0.Add(leaseFor)) {
		t.Fatalf("first claim: %v, lease %v", ok, lease)
	}
	if _, ok, _ := c.claim(ctx, src, t0.Add(leaseFor-time.Second)); ok {
		t.Fatal("claimed while the lease holds")
	}
	// Its owner died: the next process claims it once the lease is over.
	lease, ok, _ = c.claim(ctx, src, lease)
	if !ok {
		t.Fatal("a dead owner's lease never lapses")
	}

	// A live poll renews: NextPoll moves past the lease it started with.
	stop := c.holdLease(ctx, src.ID, lease, time.Millisecond)
	h.waitFor("renewal", 10*time.Second, func() bool {
		hl, _, err := c.health.Get(ctx, src.ID)
		return err == nil && hl.NextPoll.After(lease)
	})
	if _, ok, _ := c.claim(ctx, src, lease); ok {
		t.Error("claimed a renewed lease")
	}
	// The poll records its outcome; the renewal must leave it alone.
	recorded := t0.Add(time.Hour)
	if _, err := c.health.Update(ctx, src.ID, func(hl *sourcehealth.Health) error { hl.NextPoll = recorded; return nil }); err != nil {
		t.Fatal(err)
	}
	stop()
	hl, _, err := c.health.Get(ctx, src.ID)
	if err != nil || !hl.NextPoll.Equal(recorded) {
		t.Errorf("next poll %v (%v), want the recorded %v", hl.NextPoll, err, recorded)
	}
}
