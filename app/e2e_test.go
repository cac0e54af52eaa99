package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/demosite"
	"github.com/presswatch/presswatch/internal/hooksink"
)

const testToken = "e2e-test-token-0123456789"

// The end-to-end tests call t.Parallel: each runs its own app (own data
// directory, embedded NATS, ports, sinks), and most of their time is spent
// waiting on crawl intervals and group intervals, not on the CPU.
//
// TestMain lets the crash test run the app in a child process (the test
// binary itself) that it can kill with SIGKILL.
func TestMain(m *testing.M) {
	if cfgPath := os.Getenv("PRESSWATCH_E2E_CHILD_CONFIG"); cfgPath != "" {
		os.Exit(runChild(cfgPath))
	}
	os.Exit(m.Run())
}

func runChild(cfgPath string) int {
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	a := app.New(cfg, log)
	if err := a.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("LISTEN", a.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Stop(sctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

type fixture struct {
	site     *demosite.Site
	siteURL  string
	sink     *hooksink.Sink
	dataDir  string
	cfgPath  string
	rulesDir string
}

func newFixture(t *testing.T, limit int) *fixture {
	t.Helper()
	site := demosite.New(demosite.Options{Interval: 100 * time.Millisecond, Initial: 2, Limit: limit, FeedSize: limit})
	siteSrv := httptest.NewServer(site.Handler())
	t.Cleanup(siteSrv.Close)
	sink := hooksink.New()
	sinkSrv := httptest.NewServer(sink)
	t.Cleanup(sinkSrv.Close)
	dir := t.TempDir()
	f := &fixture{site: site, siteURL: siteSrv.URL, sink: sink, dataDir: filepath.Join(dir, "data"), rulesDir: "../examples/rules"}
	rules, _ := filepath.Abs(f.rulesDir)
	cfg := fmt.Sprintf(`data_dir: %s
listen: 127.0.0.1:0
nats:
  max_deliver: 5
  ack_wait: 10s
crawler:
  concurrency: 4
  per_host_concurrency: 4
  min_host_delay: 0s
  allow_private_hosts: [127.0.0.1]
  sources:
    - id: demo
      name: Demo
      kind: feed
      url: %s/rss.xml
      tier: local
      lang: vi
      interval: 200ms
    - id: broken
      name: A feed that is not one
      kind: feed
      url: %[2]s/robots.txt
      interval: 200ms
      min_interval: 100ms
      max_interval: 300ms
classifier:
  rules_dir: %s
indexer:
  batch_size: 8
  batch_interval: 200ms
alerts:
  base_url: https://presswatch.e2e.example
  receivers:
    - name: log
      log: {}
    - name: hook
      webhook:
        url: %s/hook
        secret: not-a-real-secret
  route:
    receivers: [log, hook]
    group_wait: 200ms
    group_interval: 1s
api:
  tokens:
    - name: e2e
      role: viewer
      token: %s
`, f.dataDir, siteSrv.URL, rules, sinkSrv.URL, testToken)
	f.cfgPath = filepath.Join(dir, "presswatch.yaml")
	if err := os.WriteFile(f.cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// expected returns the IDs of every article the site published and of
// the sensitive ones.
func (f *fixture) expected(t *testing.T) (all, flagged map[string]string) {
	t.Helper()
	all, flagged = map[string]string{}, map[string]string{}
	for _, it := range f.site.Published() {
		id, _, err := article.IDFromURL(f.siteURL + it.Path)
		if err != nil {
			t.Fatal(err)
		}
		all[id] = it.Title
		// The demo's misinformation article is the province's denial of a
		// rumour: an official response, which raises no alert.
		if it.Sensitive && it.Topic != "misinformation" {
			flagged[id] = it.Title
		}
	}
	return all, flagged
}

func getJSON(t *testing.T, url string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

type searchResp struct {
	Total uint64 `json:"total"`
	Hits  []struct {
		ID        string    `json:"id"`
		URL       string    `json:"url"`
		Title     string    `json:"title"`
		Source    string    `json:"source"`
		Lang      string    `json:"lang"`
		Published time.Time `json:"published"`
		Labels    []string  `json:"labels"`
		Snippet   string    `json:"snippet"`
	} `json:"hits"`
	TookMS *int64 `json:"took_ms"`
}

type alertsResp struct {
	Total  int `json:"total"`
	Alerts []struct {
		ID       string `json:"id"`
		Severity string `json:"severity"`
		Articles []struct {
			ID       string `json:"id"`
			Title    string `json:"title"`
			Versions []struct {
				ID string `json:"id"`
			} `json:"versions"`
		} `json:"articles"`
	} `json:"alerts"`
}

// state reads what the running app has indexed and alerted.
func state(t *testing.T, base string) (ids map[string]int, alerts map[string]int, ok bool) {
	t.Helper()
	var s searchResp
	if getJSON(t, base+"/api/v1/search?limit=1000", &s) != http.StatusOK {
		return nil, nil, false
	}
	var a alertsResp
	if getJSON(t, base+"/api/v1/alerts?limit=1000", &a) != http.StatusOK {
		return nil, nil, false
	}
	ids, alerts = map[string]int{}, map[string]int{}
	for _, h := range s.Hits {
		ids[h.ID]++
	}
	// Every flagged article is listed by an alert, as an article or as a
	// version of one (the demo's follow-up editions are updates of their
	// article by the same outlet), and no alert lists one twice.
	for _, al := range a.Alerts {
		seen := map[string]bool{}
		for _, ar := range al.Articles {
			ids := []string{ar.ID}
			for _, v := range ar.Versions {
				ids = append(ids, v.ID)
			}
			for _, id := range ids {
				if !seen[id] {
					alerts[id] = 1
				} else {
					alerts[id] = 2
				}
				seen[id] = true
			}
		}
	}
	return ids, alerts, true
}

// alertIDs lists the IDs of the alerts the API shows.
func alertIDs(t *testing.T, base string) map[string]int {
	t.Helper()
	var a alertsResp
	getJSON(t, base+"/api/v1/alerts?limit=1000", &a)
	out := map[string]int{}
	for _, al := range a.Alerts {
		out[al.ID] = 1
	}
	return out
}

func sameKeys[V any](got map[string]int, want map[string]V) bool {
	if len(got) != len(want) {
		return false
	}
	for k := range want {
		if got[k] != 1 {
			return false
		}
	}
	return true
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// waitComplete waits until every published article is indexed once and
// every sensitive one has exactly one alert and one webhook delivery.
func (f *fixture) waitComplete(t *testing.T, base string, limit int) {
	t.Helper()
	// A liveness bound, not a timing: on a loaded 2-core machine a restart
	// waits out consumers' ack timeouts (30 s) before redelivery.
	wait.For(t, 180*time.Second, func() error {
		all, flagged := f.expected(t)
		ids, alerts, ok := state(t, base)
		hooks := f.sink.Keys()
		if ok && len(all) == limit && sameKeys(ids, all) && sameKeys(alerts, flagged) && sameKeys(f.sink.AlertIDs(), alertIDs(t, base)) {
			return nil
		}
		return fmt.Errorf("pipeline incomplete:\n published %d, indexed %d (%v)\n sensitive %v\n alerts %v\n webhook keys %v",
			len(all), len(ids), ids, keys(flagged), alerts, hooks)
	})
}

func TestPipelineEndToEndInProcess(t *testing.T) {
	t.Parallel()
	const limit = 22 // the 18 base articles and four follow-up editions
	f := newFixture(t, limit)
	cfg, err := config.Load(f.cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go f.site.Run(ctx)
	base := "http://" + a.Addr()
	f.waitComplete(t, base, limit)

	// The API contract of a search, tone-insensitive.
	var s searchResp
	if code := getJSON(t, base+"/api/v1/search?q=lu+quet+muong+cha", &s); code != http.StatusOK {
		t.Fatalf("search status %d", code)
	}
	if s.Total == 0 || s.TookMS == nil {
		t.Fatalf("search = %+v", s)
	}
	h := s.Hits[0]
	if h.ID == "" || h.URL == "" || !strings.Contains(strings.ToLower(h.Title), "lũ quét") || h.Source != "demo" || h.Lang != "vi" ||
		h.Published.IsZero() || len(h.Labels) == 0 || !strings.Contains(h.Snippet, "<mark>") {
		t.Errorf("first hit = %+v", h)
	}
	// The query language through the API: an error names its column; a
	// phrase typed without tone marks finds the marked article with facets.
	var bad struct {
		Error string `json:"error"`
	}
	if code := getJSON(t, base+"/api/v1/search?q="+url.QueryEscape("lũ AND"), &bad); code != http.StatusBadRequest || !strings.Contains(bad.Error, "col 7: expected a term after AND") {
		t.Errorf("bad query: %d %q", code, bad.Error)
	}
	var faceted struct {
		Total  int                                 `json:"total"`
		Facets map[string][]struct{ Value string } `json:"facets"`
		PerDay []struct{ Count int }               `json:"per_day"`
	}
	if code := getJSON(t, base+"/api/v1/search?facets=true&q="+url.QueryEscape(`"muong cha" AND label:crisis`), &faceted); code != http.StatusOK || faceted.Total == 0 ||
		len(faceted.Facets["label"]) == 0 || len(faceted.PerDay) == 0 {
		t.Errorf("faceted search: %d %+v", code, faceted)
	}
	// A rule preview counts what a rule would have flagged.
	type previewAnswer struct {
		Total   int               `json:"total"`
		Samples []json.RawMessage `json:"samples"`
	}
	previewRule := func(scope string) (int, previewAnswer) {
		preq, _ := http.NewRequest(http.MethodPost, base+"/api/v1/rules/preview", strings.NewReader(`{"query":"(\"lũ quét\" OR flood*) AND @province","since":"7d"`+scope+`}`))
		preq.Header.Set("Authorization", "Bearer "+testToken)
		presp, err := http.DefaultClient.Do(preq)
		if err != nil {
			t.Fatal(err)
		}
		defer presp.Body.Close()
		var ans previewAnswer
		_ = json.NewDecoder(presp.Body).Decode(&ans)
		return presp.StatusCode, ans
	}
	code, preview := previewRule("")
	if code != http.StatusOK || preview.Total < 2 || len(preview.Samples) == 0 {
		t.Errorf("rule preview: %d %+v", code, preview)
	}
	// Within a rule's scope: the demo source is local, so a rule scoped
	// to social sources would have flagged none of it, and one scoped to
	// Vietnamese leaves out the English flood report.
	for scope, want := range map[string]func(n int) bool{
		`,"tiers":["social"]`:               func(n int) bool { return n == 0 },
		`,"tiers":["local"]`:                func(n int) bool { return n == preview.Total },
		`,"tiers":["local"],"langs":["vi"]`: func(n int) bool { return n > 0 && n < preview.Total },
	} {
		if code, scoped := previewRule(scope); code != http.StatusOK || !want(scoped.Total) {
			t.Errorf("rule preview with %s: %d, total %d of %d", scope, code, scoped.Total, preview.Total)
		}
	}
	// The broken source shows its reason while the healthy one flows.
	var srcs struct {
		Sources []struct {
			ID                  string    `json:"id"`
			LastError           string    `json:"last_error"`
			LastSuccess         time.Time `json:"last_success"`
			ConsecutiveFailures int       `json:"consecutive_failures"`
			NewPerDay           float64   `json:"new_per_day"`
		} `json:"sources"`
	}
	if code := getJSON(t, base+"/api/v1/sources", &srcs); code != http.StatusOK || len(srcs.Sources) != 2 {
		t.Fatalf("sources: %d %+v", code, srcs)
	}
	for _, src := range srcs.Sources {
		switch src.ID {
		case "demo":
			if src.LastError != "" || src.LastSuccess.IsZero() || src.NewPerDay < limit {
				t.Errorf("demo source: %+v", src)
			}
		case "broken":
			if !strings.Contains(src.LastError, "robots.txt") || src.ConsecutiveFailures == 0 {
				t.Errorf("broken source: %+v", src)
			}
		}
	}
	// Unauthenticated API calls are refused; health and metrics are open.
	resp, err := http.Get(base + "/api/v1/search?q=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unauthenticated search: %d", resp.StatusCode)
	}
	// /metrics needs a token unless api.metrics_public is true.
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics without a token: %d, want 401", resp.StatusCode)
	}
	mreq, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	mreq.Header.Set("Authorization", "Bearer "+testToken)
	resp, err = http.DefaultClient.Do(mreq)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, series := range []string{"presswatch_crawler_pages_total", "presswatch_classifier_articles_total",
		"presswatch_indexer_articles_total", "presswatch_alerts_raised_total", "presswatch_http_requests_total", "presswatch_bus_published_total"} {
		if !strings.Contains(string(body), series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if code := getJSON(t, base+p, nil); code != http.StatusOK {
			t.Errorf("%s: %d", p, code)
		}
	}
	before, _, _ := state(t, base)
	sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer scancel()
	if err := a.Stop(sctx); err != nil {
		t.Fatal(err)
	}

	// presswatch reindex rebuilds the same index from the stream.
	n, err := app.Reindex(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil || n < limit {
		t.Fatalf("reindex: %d, %v", n, err)
	}
	cfg.Roles = []string{"indexer", "web"}
	a2 := app.New(cfg, slog.New(slog.DiscardHandler))
	if err := a2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a2.Stop(context.Background())
	after, _, ok := state(t, "http://"+a2.Addr())
	if !ok || !sameKeys(after, before) {
		t.Errorf("after reindex %d documents, before %d", len(after), len(before))
	}
}

// child is the app running in a separate process.
type child struct {
	cmd  *exec.Cmd
	base string
}

func startChild(t *testing.T, cfgPath string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PRESSWATCH_E2E_CHILD_CONFIG="+cfgPath)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		buf := make([]byte, 256)
		var acc string
		for {
			n, err := out.Read(buf)
			acc += string(buf[:n])
			if i := strings.Index(acc, "LISTEN "); i >= 0 && strings.Contains(acc[i:], "\n") {
				addr <- strings.TrimSpace(strings.SplitN(acc[i+7:], "\n", 2)[0])
				_, _ = io.Copy(io.Discard, out)
				return
			}
			if err != nil {
				close(addr)
				return
			}
		}
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			_ = cmd.Wait()
			t.Fatal("child exited before listening")
		}
		return &child{cmd: cmd, base: "http://" + a}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("child did not start")
	}
	return nil
}

func TestCrashMidStreamLosesAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	const limit = 26
	f := newFixture(t, limit)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	c1 := startChild(t, f.cfgPath)
	go f.site.Run(ctx)
	// Let part of the stream through, then kill -9 mid-stream.
	if err := wait.Poll(60*time.Second, func() error {
		if ids, _, ok := state(t, c1.base); !ok || len(ids) < 6 {
			return fmt.Errorf("first run indexed %d articles, want 6 before the kill", len(ids))
		}
		return nil
	}); err != nil {
		_ = c1.cmd.Process.Kill()
		t.Fatal(err)
	}
	if err := c1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c1.cmd.Wait()
	published := len(f.site.Published())
	t.Logf("killed first run with %d of %d articles published", published, limit)
	if published >= limit {
		t.Log("the whole stream was out before the kill: the crash still hit in-flight work, but not mid-release")
	}

	c2 := startChild(t, f.cfgPath)
	defer func() {
		_ = c2.cmd.Process.Signal(syscall.SIGTERM)
		_ = c2.cmd.Wait()
	}()
	f.waitComplete(t, c2.base, limit)
	// Stable: nothing more arrives later (no duplicate alert, no extra
	// document).
	time.Sleep(time.Second)
	all, flagged := f.expected(t)
	ids, alerts, _ := state(t, c2.base)
	if !sameKeys(ids, all) || !sameKeys(alerts, flagged) {
		t.Errorf("after settling: %d indexed of %d, alerts %v", len(ids), len(all), alerts)
	}
	for k, n := range f.sink.Keys() {
		if n > 1 {
			// Possible only when the kill fell between the webhook's answer
			// and the delivery record; the idempotency key lets the receiver
			// drop it.
			t.Logf("webhook key %s delivered %d times", k, n)
		}
	}
}
