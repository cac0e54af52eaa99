package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/crawler"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/names"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/savedsearch"
	"github.com/presswatch/presswatch/web"
	"github.com/presswatch/presswatch/web/auth"
	"github.com/presswatch/presswatch/web/ui"
)

// clock is a settable time source for session expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Hostile is what a hostile site could put in an article.
const (
	hostileTitle = `<script>window.pwned=1</script>Lũ quét "giả" <img src=x onerror="window.pwned=2">`
	hostileText  = `Tin lũ quét <b>đậm</b> <script>window.pwned=3</script> và <a href="javascript:window.pwned=4">bấm</a> tại Mường Chà.`
)

type env struct {
	srv     *httptest.Server
	web     *web.Server
	acc     *auth.Accounts
	idx     *indexer.Index
	bus     *bus.Bus
	clock   *clock
	store   *alerts.Store
	alerts  *alerts.Service
	flagged string // ID of the article with a rule match
	hostile string // ID of the hostile article
	links   *actionlink.Signer
}

type envOpts struct {
	proxyHeader string
	trusted     []netip.Prefix
	// index, when set, is searched as it is (benchmarks); otherwise a
	// fresh index holds the flagged and the hostile article.
	index *indexer.Index
	// sources and rules, when set, back the sources and rules pages.
	sources web.SourceBoard
	rules   ui.RuleBook
}

// linkSubmitter queues links on the bus as the app does.
type linkSubmitter struct{ b *bus.Bus }

func (l linkSubmitter) Submit(ctx context.Context, rawURL, by string) (string, error) {
	return crawler.Submit(ctx, l.b, rawURL, by, time.Now())
}

type nopNotifier struct{}

func (nopNotifier) Notify(context.Context, *alerts.Notification) error { return nil }

// rebuttalURL is the official rebuttal the flagged article's rule names.
const rebuttalURL = "https://dienbien.gov.vn/bac-bo?tin=lu-quet&v=1"

func newEnv(t testing.TB, o envOpts) *env {
	t.Helper()
	b := bustest.Start(t)
	c := &clock{t: time.Now()}
	acc := auth.New(auth.Buckets{
		Users: b.KV(bus.BucketUsers), Sessions: b.KV(bus.BucketSessions), Tokens: b.KV(bus.BucketAPITokens),
		JS: b.JetStream(), AuditStream: bus.StreamAudit, AuditSubject: bus.SubjectAudit,
	}, auth.Policy{SessionTTL: time.Hour, MaxFailures: 3, Lockout: 15 * time.Minute, Now: c.now, HashCost: auth.CheapHashCost()})
	now := time.Now().UTC()
	text := "Mưa lớn gây lũ quét tại Mường Chà, nhiều nhà bị cuốn trôi."
	start := strings.Index(text, "lũ quét")
	flagged := &article.Article{ID: "a0000000000000000000000000000001", URL: "https://baodienbien.example/lu-quet", SourceID: "bao-dien-bien", Site: "baodienbien.example",
		Tier: "local", Lang: "vi", Title: "Lũ quét tại Mường Chà", Text: text, Published: now.Add(-2 * time.Hour), Fetched: now.Add(-time.Hour),
		Labels: []string{"disaster"}, Severity: article.SeverityHigh,
		Matches: []article.Match{{RuleID: "lu-quet", Title: "Lũ quét", Labels: []string{"disaster"}, Severity: article.SeverityHigh, Terms: []string{"lũ quét"},
			Offsets: []article.Span{{Field: "text", Start: start, End: start + len("lũ quét")}, {Field: "text", Start: 3, End: 4000}}}}}
	hostile := &article.Article{ID: "a0000000000000000000000000000002", URL: "javascript:window.pwned=5", SourceID: "bao-la", Site: "bao-la.example",
		Lang: "vi", Title: hostileTitle, Text: hostileText, Published: now.Add(-time.Hour), Fetched: now}
	idx := o.index
	if idx == nil {
		var err error
		if idx, err = indexer.Open(t.TempDir()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idx.Close() })
		if err := idx.IndexBatch([]*article.Article{flagged, hostile}); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewRegistry()
	st, err := alerts.NewStore(b, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	// As the web role runs it: lists come from the store's view.
	fctx, stopFollow := context.WithCancel(context.Background())
	followed := make(chan struct{})
	go func() { st.Follow(fctx, slog.New(slog.DiscardHandler)); close(followed) }()
	t.Cleanup(func() { stopFollow(); <-followed })
	svc, err := alerts.NewService(b, alerts.Options{Receivers: []alerts.Receiver{{Name: "log", Notifier: nopNotifier{}}}, Store: st, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	flagged.Matches[0].Department = "so-tai-nguyen"
	flagged.Matches[0].Rebuttal = rebuttalURL
	if err := svc.Ingest(context.Background(), flagged); err != nil {
		t.Fatal(err)
	}
	saved := &savedsearch.Desk{Store: savedsearch.New(b.KV(bus.BucketSavedSearches), func(q string) error {
		_, err := query.Parse(q, query.Options{})
		return err
	}, c.now), Offered: []savedsearch.Receiver{{Name: "email", Email: true}}}
	ws, err := web.New(web.Options{API: true, Search: idx, Alerts: st, Gatherer: reg, Registerer: reg, Saved: saved,
		Accounts: acc, ProxyHeader: o.proxyHeader, TrustedProxies: o.trusted, MetricsPublic: true,
		Tokens: []web.Token{{Name: "cfg", Role: web.RoleViewer, Value: "config-token-0123456789"}}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	links, err := actionlink.NewSigner([]byte(strings.Repeat("k", 32)), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ui.Mount(ui.Deps{Server: ws, Search: idx, Alerts: st, AlertStore: st, Submit: linkSubmitter{b}, Silences: silence.NewStore(b.KV(bus.BucketSilences)),
		Stories: story.Reader{KV: b.KV(bus.BucketStories)},
		Sources: o.sources, Rules: o.rules,
		Departments: names.Departments{{ID: "so-tai-nguyen", Vi: "Sở Tài nguyên và Môi trường", En: "Department of Natural Resources and Environment"}, {ID: "so-y-te", Vi: "Sở Y tế", En: "Department of Health"}},
		Links:       links, LinkLedger: actionlink.NewLedger(b.KV(bus.BucketActionLinks)), Now: c.now, Saved: saved,
		Logger: slog.New(slog.DiscardHandler)}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ws)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	for _, u := range []struct{ name, role string }{{"xem", auth.RoleViewer}, {"canbo", auth.RoleOfficer}, {"quantri", auth.RoleAdmin}} {
		if _, err := acc.Users.Add(ctx, u.name, u.role, "mat-khau-"+u.name); err != nil {
			t.Fatal(err)
		}
	}
	return &env{srv: srv, web: ws, acc: acc, idx: idx, bus: b, clock: c, store: st, alerts: svc, flagged: flagged.ID, hostile: hostile.ID, links: links}
}

// client is a browser-like client with its own cookie jar that does not
// follow redirects, so tests see them.
type client struct {
	t    testing.TB
	base string
	hc   *http.Client
	csrf string
}

func (e *env) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: e.srv.URL, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) do(method, path string, form url.Values, hdr map[string]string) (int, string, http.Header) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if m := csrfRe.FindSubmatch(data); m != nil && !strings.HasPrefix(path, "/login") {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(data), resp.Header
}

func (c *client) get(path string) (int, string) {
	code, body, _ := c.do(http.MethodGet, path, nil, nil)
	return code, body
}

// post sends a form with the session's CSRF token.
func (c *client) post(path string, form url.Values) (int, string) {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf)
	code, body, _ := c.do(http.MethodPost, path, form, nil)
	return code, body
}

// login signs in through the form and loads a page to learn the CSRF
// token; it returns the login's status.
func (c *client) login(name, password string) int {
	c.t.Helper()
	_, page, _ := c.do(http.MethodGet, "/login", nil, nil)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatal("login form has no csrf token")
	}
	code, _, _ := c.do(http.MethodPost, "/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {password}}, nil)
	if code == http.StatusSeeOther {
		c.get("/account")
	}
	return code
}
