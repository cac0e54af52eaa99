package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"
)

const agent = "presswatch-test"

func TestParseRobots(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		allowed []string
		denied  []string
		delay   time.Duration
	}{
		{name: "empty", body: "", allowed: []string{"/", "/anything"}},
		{name: "star group", body: "User-agent: *\nDisallow: /private\n",
			allowed: []string{"/", "/public"}, denied: []string{"/private", "/private/x", "/private?q=1"}},
		{name: "our group wins over star", body: "User-agent: *\nDisallow: /\n\nUser-agent: presswatch-test\nDisallow: /admin\n",
			allowed: []string{"/", "/news"}, denied: []string{"/admin"}},
		{name: "product token with version, any case", body: "User-agent: PressWatch-Test/2.1\nDisallow: /x\n",
			denied: []string{"/x"}},
		{name: "a prefix of our name is another robot", body: "User-agent: presswatch\nDisallow: /\n",
			allowed: []string{"/", "/x"}},
		{name: "a longer name is another robot", body: "User-agent: presswatch-testing\nDisallow: /\n",
			allowed: []string{"/"}},
		{name: "other robots only", body: "User-agent: Googlebot\nDisallow: /\n", allowed: []string{"/"}},
		{name: "grouped agents", body: "User-agent: googlebot\nUser-agent: presswatch-test\nDisallow: /g\n\nUser-agent: *\nDisallow: /\n",
			allowed: []string{"/a"}, denied: []string{"/g"}},
		{name: "empty disallow allows all and ends the group", body: "User-agent: presswatch-test\nDisallow:\n\nUser-agent: *\nDisallow: /\n",
			allowed: []string{"/", "/x"}},
		{name: "longest match wins", body: "User-agent: *\nDisallow: /news\nAllow: /news/public\n",
			allowed: []string{"/news/public/1"}, denied: []string{"/news/secret"}},
		{name: "wildcards", body: "User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?sessionid=\n",
			allowed: []string{"/a.pdf.html", "/a?x=1"}, denied: []string{"/docs/a.pdf", "/p?sessionid=1"}},
		{name: "crawl-delay", body: "User-agent: *\nCrawl-delay: 2.5\nDisallow: /x\n", denied: []string{"/x"}, delay: 2500 * time.Millisecond},
		{name: "bad crawl-delay keeps the rest", body: "User-agent: *\nCrawl-delay: 5s\nDisallow: /x\n", allowed: []string{"/"}, denied: []string{"/x"}},
		{name: "negative crawl-delay", body: "User-agent: *\nCrawl-delay: -5\nDisallow: /x\n", denied: []string{"/x"}},
		{name: "absurd crawl-delay is capped", body: "User-agent: *\nCrawl-delay: 1e300\n", allowed: []string{"/"}, delay: maxCrawlDelay},
		{name: "crawl-delay of another robot", body: "User-agent: slowbot\nCrawl-delay: 30\n\nUser-agent: *\nCrawl-delay: 1\n", delay: time.Second},
		{name: "rules before any user-agent are ignored", body: "Disallow: /\nUser-agent: *\nDisallow: /x\n", allowed: []string{"/"}, denied: []string{"/x"}},
		{name: "BOM, CRLF, comments, odd spacing", body: "\ufeffUser-Agent : * # all\r\nDISALLOW:/tmp # temp\r\n  Allow:   /tmp/ok  \r\n",
			allowed: []string{"/tmp/ok"}, denied: []string{"/tmp/x"}},
		{name: "Vietnamese path", body: "User-agent: *\nDisallow: /tìm-kiếm\n",
			allowed: []string{"/tin-tuc"}, denied: []string{"/t%C3%ACm-ki%E1%BA%BFm?q=b%C3%A3o"}},
		{name: "junk and HTML", body: "<html><body>Not found</body></html>\nfoo bar\n:::\nUser-agent: *\nDisallow: /x\n", denied: []string{"/x"}},
		{name: "field without a colon", body: "User-agent *\nDisallow /x\nDisallow /a /b\n", allowed: []string{"/a"}, denied: []string{"/x"}},
		{name: "our group without rules at the end", body: "User-agent: *\nDisallow: /\nUser-agent: presswatch-test\n", denied: []string{"/"}},
		{name: "other robots' groups in between", body: "User-agent: *\nDisallow: /x\n\nUser-agent: googlebot\nDisallow: /\nCrawl-delay: 9\n\nUser-agent: presswatch-test\nDisallow: /y\n",
			allowed: []string{"/x", "/"}, denied: []string{"/y"}},
		{name: "same agent in two groups", body: "User-agent: presswatch-test\nDisallow: /a\n\nUser-agent: bingbot\nDisallow: /\n\nUser-agent: presswatch-test\nDisallow: /b\n",
			allowed: []string{"/c"}, denied: []string{"/a", "/b"}},
		{name: "sitemap and host lines", body: "Sitemap: https://example.org/sitemap.xml\nHost: example.org\nUser-agent: *\nDisallow: /x\n", denied: []string{"/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := parseRobots([]byte(tt.body), agent)
			if err != nil {
				t.Fatalf("parseRobots: %v", err)
			}
			for _, p := range tt.allowed {
				if !r.allowed(p) {
					t.Errorf("%s denied, want allowed", p)
				}
			}
			for _, p := range tt.denied {
				if r.allowed(p) {
					t.Errorf("%s allowed, want denied", p)
				}
			}
			if r.crawlDelay != tt.delay {
				t.Errorf("crawl delay %s, want %s", r.crawlDelay, tt.delay)
			}
		})
	}
}

// TestRobotsHostile: files built to make parsing or matching expensive
// stay cheap (a generous bound; they took ~50s before cleaning) or close
// the host.
func TestRobotsHostile(t *testing.T) {
	t.Parallel()
	limit := func(s string) []byte { return []byte(s[:min(len(s), robotsMaxBytes)]) }
	tests := []struct {
		name        string
		body        []byte
		overLimit   bool
		wantAllowed bool
	}{
		{"many agents times many rules", limit(strings.Repeat("User-agent: a\n", 18000) + strings.Repeat("Disallow: /x\n", 18000)), false, true},
		{"many stars times many rules", limit(strings.Repeat("User-agent: *\n", 18000) + strings.Repeat("Disallow: /x\n", 18000)), true, false},
		{"many wildcard rules", limit("User-agent: *\n" + strings.Repeat("Disallow: /*a*b$\n", 30000)), true, false},
		{"just under the rule limit", []byte("User-agent: *\n" + strings.Repeat("Disallow: /x\n", maxRobotsRules)), false, true},
		{"one long wildcard", limit("User-agent: *\nDisallow: /" + strings.Repeat("*a", 200000) + "\n"), true, false},
		{"the longest wildcard we take", []byte("User-agent: *\nDisallow: /" + strings.Repeat("*a", maxRobotsRuleBytes/2-1) + "\n"), false, true},
		{"long rules of other robots", limit("User-agent: slurp\nDisallow: /" + strings.Repeat("*a", 200000) + "\n"), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				r   *robotsRules
				err error
			)
			within(t, 20*time.Second, func() {
				r, err = parseRobots(tt.body, agent)
				if err == nil {
					for range 10 {
						r.allowed("/news/2025/03/bao-so-3-gay-mua-lon-o-thua-thien-hue.html?utm_source=x")
					}
				}
			})
			var le *robotsLimitError
			if got := errors.As(err, &le); got != tt.overLimit {
				t.Fatalf("parseRobots: %v, want over a limit: %v", err, tt.overLimit)
			}
			if err == nil && r.allowed("/news") != tt.wantAllowed {
				t.Errorf("/news allowed %v, want %v", !tt.wantAllowed, tt.wantAllowed)
			}
		})
	}
}

func TestRobotsPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://x":                  "/",
		"http://x/a/b?c=d&e":        "/a/b?c=d&e",
		"http://x/tìm kiếm":         "/t%C3%ACm%20ki%E1%BA%BFm",
		"http://x/a%2Fb?q=%C3%A3#f": "/a%2Fb?q=%C3%A3",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := robotsPath(u); got != want {
			t.Errorf("robotsPath(%s) = %q, want %q", in, got, want)
		}
	}
}

// FuzzRobots feeds arbitrary robots.txt bodies through the parsing the
// fetcher does: it must never fail or panic, cleaning must be stable, and
// the results must stay in range.
func FuzzRobots(f *testing.F) {
	for _, seed := range []string{
		"",
		"User-agent: *\nDisallow: /\n",
		"User-agent: presswatch-test\nAllow: /news\nDisallow: /\nCrawl-delay: 3\n",
		"User-agent: *\nDisallow: /*.pdf$\nAllow: /*?*\n",
		"Disallow: /\nUser-agent:\nCrawl-delay: NaN\nCrawl-delay: -Inf\nCrawl-delay: 1e309\n",
		"\ufeffUSER-AGENT:*\r\nDisallow:/tìm-kiếm\r\n",
		"User-agent: *\nDisallow: /a**b$$\nDisallow: $\nDisallow: *\n",
		"User-agent: *\nDisallow: /\xff\xfe\x00\n",
		strings.Repeat("User-agent: a\n", 100) + "Disallow: /x\n",
		"User-agent presswatch-test\nDisallow /x y\nAllow /x/y\n",
		"User-agent: googlebot\nUser-agent: PressWatch-Test/1\nDisallow: /g\nUser-agent: *\nUser-agent: *\nDisallow:\n",
	} {
		f.Add([]byte(seed), "/news/a?x=1")
	}
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		if len(body) > robotsMaxBytes {
			body = body[:robotsMaxBytes]
		}
		clean, err := cleanRobots(body, agent)
		var limit *robotsLimitError
		if errors.As(err, &limit) {
			return
		}
		if err != nil {
			t.Fatalf("cleanRobots: %v", err)
		}
		if again, _ := cleanRobots(clean, agent); !bytes.Equal(again, clean) {
			t.Fatalf("cleaning is not stable:\n%q\n%q", clean, again)
		}
		r, err := parseRobots(body, agent)
		if err != nil {
			t.Fatalf("parseRobots rejected the cleaned file: %v\n%q", err, clean)
		}
		if r.crawlDelay < 0 || r.crawlDelay > maxCrawlDelay {
			t.Fatalf("crawl delay %s out of range", r.crawlDelay)
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		r.allowed(path)
		if len(bytes.TrimSpace(body)) == 0 && !r.allowed(path) {
			t.Fatalf("an empty robots.txt denied %q", path)
		}
	})
}

// robotsServer serves robots.txt from fn and counts requests per path.
func robotsServer(t *testing.T, fn http.HandlerFunc) (*httptest.Server, *hits) {
	t.Helper()
	var h hits
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add(r.URL.Path)
		if r.URL.Path == "/robots.txt" {
			fn(w, r)
			return
		}
		_, _ = w.Write([]byte("page " + r.URL.Path))
	}))
	return srv, &h
}

func robotsOn(o *Options) { o.IgnoreRobots = false }

func TestRobotsDisallow(t *testing.T) {
	t.Parallel()
	srv, h := robotsServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.UserAgent() != testUA {
			t.Errorf("robots.txt fetched as %q", r.UserAgent())
		}
		fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: presswatch-test\nDisallow: /private\nAllow: /private/ok\n")
	})
	f := newTestFetcher(t, func(o *Options) {
		robotsOn(o)
		o.PerHostConcurrency = 4
	})
	var wg sync.WaitGroup
	var denied atomic.Int32
	for i := range 30 {
		wg.Go(func() {
			path := fmt.Sprintf("/news/%d", i)
			if i%3 == 0 {
				path = fmt.Sprintf("/private/%d", i)
			}
			_, err := f.Get(context.Background(), Request{URL: srv.URL + path})
			if i%3 != 0 {
				if err != nil {
					t.Errorf("%s: %v", path, err)
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) || fe.Kind != KindRobots || fe.Temporary() || !strings.Contains(err.Error(), `disallowed by robots.txt for user agent "presswatch-test"`) {
				t.Errorf("%s: %v, want a permanent KindRobots", path, err)
				return
			}
			denied.Add(1)
		})
	}
	wg.Wait()
	if _, err := f.Get(context.Background(), Request{URL: srv.URL + "/private/ok"}); err != nil {
		t.Errorf("/private/ok: %v", err)
	}
	if n := h.get("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times for 31 requests, want 1", n)
	}
	for i := 0; i < 30; i += 3 {
		if n := h.get(fmt.Sprintf("/private/%d", i)); n != 0 {
			t.Errorf("/private/%d reached the server", i)
		}
	}
	if denied.Load() != 10 {
		t.Errorf("%d denied, want 10", denied.Load())
	}
}

// TestRobotsStatus covers what an unusual robots.txt answer means.
func TestRobotsStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		robots    http.HandlerFunc
		allowed   bool
		temporary bool
	}{
		{"404 allows all", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, true, false},
		{"410 allows all", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(410) }, true, false},
		{"403 allows all", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) }, true, false},
		{"500 closes the host", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }, false, true},
		{"503 closes the host", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }, false, true},
		{"429 closes the host", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) }, false, true},
		{"reset closes the host", func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.(*net.TCPConn).SetLinger(0)
			_ = conn.Close()
		}, false, true},
		{"timeout closes the host", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Minute):
			}
		}, false, true},
		{"redirect loop allows all", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/robots.txt", http.StatusFound)
		}, true, false},
		{"redirect is followed", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/real-robots", http.StatusMovedPermanently)
		}, false, false},
		{"gzip-encoded robots.txt", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(encode(t, "gzip", []byte("User-agent: *\nDisallow: /page\n")))
		}, false, false},
		{"robots.txt beyond 512 KiB is ignored", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, strings.Repeat("# padding padding padding padding padding padding\n", 12000)+"User-agent: *\nDisallow: /\n")
		}, true, false},
		{"robots.txt with too many rules closes the host", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "User-agent: *\n"+strings.Repeat("Disallow: /x\n", maxRobotsRules+1))
		}, false, false},
		{"robots.txt within 512 KiB is read", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /page\n"+strings.Repeat("# padding padding padding padding padding padding\n", 12000))
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h hits
			srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h.add(r.URL.Path)
				switch r.URL.Path {
				case "/robots.txt":
					tt.robots(w, r)
				case "/real-robots":
					fmt.Fprint(w, "User-agent: *\nDisallow: /page\n")
				default:
					_, _ = w.Write([]byte("page"))
				}
			}))
			f := newTestFetcher(t, func(o *Options) {
				robotsOn(o)
				o.Timeout = 500 * time.Millisecond
			})
			_, err := f.Get(context.Background(), Request{URL: srv.URL + "/page"})
			if tt.allowed {
				if err != nil {
					t.Fatalf("got %v, want allowed", err)
				}
				return
			}
			fe := asError(t, err, KindRobots)
			if fe.Temporary() != tt.temporary {
				t.Errorf("%v: temporary %v, want %v", err, fe.Temporary(), tt.temporary)
			}
			if tt.temporary && (fe.RetryAfter <= 0 || fe.RetryAfter > defaultRobotsErrorTTL) {
				t.Errorf("%v: RetryAfter %s, want the time until robots.txt is asked again", err, fe.RetryAfter)
			}
			if h.get("/page") != 0 {
				t.Error("the page was fetched although robots.txt kept the host closed")
			}
		})
	}
}

// TestRobotsExpiry: a host closed by a failing robots.txt is asked again
// after RobotsErrorTTL; good rules are asked again after RobotsTTL.
func TestRobotsExpiry(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv, h := robotsServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.WriteHeader(503)
		case 2:
			fmt.Fprint(w, "User-agent: *\nDisallow: /old\n")
		default:
			fmt.Fprint(w, "User-agent: *\nDisallow: /new\n")
		}
	})
	f := newTestFetcher(t, func(o *Options) {
		robotsOn(o)
		o.RobotsErrorTTL = 100 * time.Millisecond
		// Long enough that no stall on a loaded machine expires the
		// rules between two consecutive requests.
		o.RobotsTTL = 2 * time.Second
	})
	ctx := context.Background()
	_, err := f.Get(ctx, Request{URL: srv.URL + "/a"})
	asError(t, err, KindRobots)
	// Poll: the expiry is a lower bound, the test only needs "eventually".
	wait.Until(t, 20*time.Second, "the condition", func() bool {
		_, err := f.Get(ctx, Request{URL: srv.URL + "/a"})
		return err == nil
	})
	if _, err := f.Get(ctx, Request{URL: srv.URL + "/old"}); err == nil {
		t.Error("/old allowed by the second robots.txt")
	}
	wait.Until(t, 20*time.Second, "the condition", func() bool {
		_, err := f.Get(ctx, Request{URL: srv.URL + "/old"})
		return err == nil
	})
	if _, err := f.Get(ctx, Request{URL: srv.URL + "/new"}); err == nil {
		t.Error("/new allowed by the third robots.txt")
	}
	if n := h.get("/robots.txt"); n != 3 {
		t.Errorf("robots.txt fetched %d times, want 3", n)
	}
}

// TestRobotsKeepsOldRulesOnError: when a refresh fails, the rules from the
// last good fetch still apply.
func TestRobotsKeepsOldRulesOnError(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv, _ := robotsServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			fmt.Fprint(w, "User-agent: *\nDisallow: /x\n")
			return
		}
		w.WriteHeader(500)
	})
	f := newTestFetcher(t, func(o *Options) {
		robotsOn(o)
		o.RobotsTTL = 50 * time.Millisecond
	})
	ctx := context.Background()
	if _, err := f.Get(ctx, Request{URL: srv.URL + "/a"}); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, 20*time.Second, "the condition", func() bool {
		_, _ = f.Get(ctx, Request{URL: srv.URL + "/a"})
		return calls.Load() >= 2
	})
	if _, err := f.Get(ctx, Request{URL: srv.URL + "/a"}); err != nil {
		t.Errorf("/a after a failed refresh: %v", err)
	}
	_, err := f.Get(ctx, Request{URL: srv.URL + "/x"})
	asError(t, err, KindRobots)
}

// TestRobotsAbandoned: a robots.txt fetch cut short by its caller's
// deadline is not cached as the host's failure; the next caller fetches
// again and succeeds.
func TestRobotsAbandoned(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv, _ := robotsServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Minute):
			}
			return
		}
		fmt.Fprint(w, "User-agent: *\nDisallow: /x\n")
	})
	f := newTestFetcher(t, robotsOn)
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := f.Get(short, Request{URL: srv.URL + "/a"})
	asError(t, err, KindTimeout)
	if _, err := f.Get(context.Background(), Request{URL: srv.URL + "/a"}); err != nil {
		t.Errorf("after an abandoned robots.txt fetch: %v", err)
	}
}

func TestCrawlDelay(t *testing.T) {
	t.Parallel()
	var a arrivals
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.3\n")
			return
		}
		a.add()
		_, _ = w.Write([]byte("ok"))
	}))
	f := newTestFetcher(t, func(o *Options) {
		robotsOn(o)
		o.PerHostConcurrency = 4
	})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			if _, err := f.Get(context.Background(), Request{URL: fmt.Sprintf("%s/%d", srv.URL, i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if gap, n := a.minGap(); n != 4 || gap < 150*time.Millisecond {
		t.Errorf("%d requests, smallest gap %s; want 4 at least ~300ms apart", n, gap)
	}
}
