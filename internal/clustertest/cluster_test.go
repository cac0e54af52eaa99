package clustertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/demosite"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/internal/hooksink"
	"github.com/presswatch/presswatch/internal/wait"
)

const (
	outlets   = 4
	perOutlet = 500 // 2,000 articles in all
	token     = "cluster-test-token-0123456789"
	// patience bounds each wait; it is a liveness bound, not a timing
	// under test.
	patience = 6 * time.Minute
)

// cluster is the system under test: three NATS nodes, nine presswatch
// processes, four news sites and a webhook sink.
type cluster struct {
	dir     string
	nats    []*proc
	roles   []*proc
	byName  map[string]*proc
	natsURL string
	sites   []*demosite.Site
	siteURL []string
	sink    *hooksink.Sink
	// progress counts what problems last saw done (articles indexed and
	// alerted, alerts told), for telling a slow pipeline from a stalled one.
	progress int
}

func newCluster(t *testing.T, dir, presswatch, natsServer string) *cluster {
	t.Helper()
	c := &cluster{dir: dir, byName: map[string]*proc{}, sink: hooksink.New()}
	ports := freePorts(t, 6)
	clientPorts, routePorts := ports[:3], ports[3:]
	var urls []string
	for i := range 3 {
		name := fmt.Sprintf("nats-%d", i+1)
		conf := filepath.Join(dir, name+".conf")
		cfg := natsNodeConfig(name, clientPorts[i], routePorts[i], routePorts, filepath.Join(dir, name))
		if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		p := &proc{name: name, bin: natsServer, args: []string{"-c", conf}, logPath: filepath.Join(dir, name+".log")}
		c.nats = append(c.nats, p)
		c.byName[name] = p
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", clientPorts[i]))
	}
	c.natsURL = strings.Join(urls, ",")
	for range outlets {
		site := demosite.New(demosite.Options{Interval: 40 * time.Millisecond, Initial: 2, Limit: perOutlet, FeedSize: perOutlet})
		srv := httptest.NewServer(site.Handler())
		t.Cleanup(srv.Close)
		c.sites, c.siteURL = append(c.sites, site), append(c.siteURL, srv.URL)
	}
	hook := httptest.NewServer(c.sink)
	t.Cleanup(hook.Close)
	cfgPath := c.writeConfig(t, hook.URL)
	for _, r := range []struct{ name, roles, replica string }{
		{"crawler-1", "crawler", ""}, {"crawler-2", "crawler", ""},
		{"classifier-1", "classifier", ""}, {"classifier-2", "classifier", ""},
		{"alerts-1", "alerts", ""}, {"alerts-2", "alerts", ""},
		{"indexer-a", "indexer", "a"}, {"indexer-b", "indexer", "b"},
		{"web", "web", ""},
	} {
		env := []string{"PRESSWATCH_DATA_DIR=" + filepath.Join(dir, "data", r.name)}
		if r.replica != "" {
			env = append(env, "PRESSWATCH_INDEXER_REPLICA="+r.replica)
		}
		p := &proc{name: r.name, bin: presswatch, env: env, logPath: filepath.Join(dir, r.name+".log"),
			args: []string{"serve", "--config", cfgPath, "--roles", r.roles, "--nats-url", c.natsURL}}
		c.roles = append(c.roles, p)
		c.byName[r.name] = p
	}
	t.Cleanup(func() {
		for _, p := range append(c.roles, c.nats...) {
			p.stop(15 * time.Second)
		}
		if t.Failed() {
			for _, p := range append(c.roles, c.nats...) {
				t.Logf("---- %s (last lines)\n%s", p.name, p.tail(15))
			}
		}
	})
	return c
}

func (c *cluster) writeConfig(t *testing.T, hookURL string) string {
	t.Helper()
	rules, err := filepath.Abs("../../examples/rules")
	if err != nil {
		t.Fatal(err)
	}
	var sources strings.Builder
	for i, u := range c.siteURL {
		fmt.Fprintf(&sources, "    - {id: outlet-%d, name: Outlet %d, kind: feed, url: %s/rss.xml, tier: local, lang: vi, interval: 300ms}\n", i, i, u)
	}
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
log: {format: json, level: info}
nats:
  replicas: 3
  max_deliver: 5
  ack_wait: 10s
crawler:
  concurrency: 8
  per_host_concurrency: 8
  min_host_delay: 0s
  allow_private_hosts: [127.0.0.1]
  sources:
%sclassifier:
  rules_dir: %s
indexer:
  batch_size: 100
  batch_interval: 300ms
alerts:
  base_url: https://presswatch.cluster.example
  receivers:
    - name: hook
      webhook: {url: %s/hook, secret: not-a-real-secret}
  route:
    receivers: [hook]
    group_wait: 500ms
    group_interval: 3s
api:
  tokens:
    - {name: cluster-test, role: viewer, token: %s}
`, sources.String(), rules, hookURL, token)
	path := filepath.Join(c.dir, "presswatch.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitReady waits until every presswatch process answers /readyz, failing
// at once if one exits: a cold start must wait for the cluster, not quit.
func (c *cluster) waitReady(t *testing.T) {
	t.Helper()
	wait.For(t, patience, func() error {
		ready := 0
		for _, p := range c.roles {
			if !p.running() {
				t.Fatalf("%s exited (code %d) during the cold start:\n%s", p.name, p.exitCode(), p.tail(20))
			}
			if addr := p.listenAddr(); addr != "" && status(addr, "/readyz") == http.StatusOK {
				ready++
			}
		}
		if ready < len(c.roles) {
			return fmt.Errorf("only %d of %d processes ready", ready, len(c.roles))
		}
		return nil
	})
}

func status(addr, path string) int {
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (c *cluster) api(path string, out any) error {
	req, _ := http.NewRequest(http.MethodGet, "http://"+c.byName["web"].listenAddr()+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// indexed lists, through the web role's search API (which asks an indexer
// over NATS), every article ID the index holds, with how often each came.
func (c *cluster) indexed() (map[string]int, error) {
	ids := map[string]int{}
	cursor := ""
	for {
		var res struct {
			Hits       []struct{ ID string }
			NextCursor string `json:"next_cursor"`
		}
		if err := c.api("/api/v1/search?sort=newest&limit=1000&cursor="+url.QueryEscape(cursor), &res); err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ids[h.ID]++
		}
		if res.NextCursor == "" || len(res.Hits) == 0 {
			return ids, nil
		}
		cursor = res.NextCursor
	}
}

type alertView struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	ArticleCount int    `json:"article_count"`
	Articles     []struct {
		ID string `json:"id"`
	} `json:"articles"`
}

func (c *cluster) alerts() ([]alertView, error) {
	var res struct{ Alerts []alertView }
	err := c.api("/api/v1/alerts?limit=1000", &res)
	return res.Alerts, err
}

// expected returns every article the sites published and the sensitive
// ones, by ID.
func (c *cluster) expected(t *testing.T) (all, flagged map[string]bool) {
	t.Helper()
	all, flagged = map[string]bool{}, map[string]bool{}
	for i, site := range c.sites {
		for _, it := range site.Published() {
			id, _, err := article.IDFromURL(c.siteURL[i] + it.Path)
			if err != nil {
				t.Fatal(err)
			}
			all[id] = true
			// The demo's misinformation article is the province's denial
			// of a rumour: an official response, which raises no alert.
			if it.Sensitive && it.Topic != "misinformation" {
				flagged[id] = true
			}
		}
	}
	return all, flagged
}

// problems compares what the cluster shows with what it should, and lists
// every difference (none when the pipeline is complete).
func (c *cluster) problems(t *testing.T) []string {
	t.Helper()
	all, flagged := c.expected(t)
	var out []string
	if len(all) != outlets*perOutlet {
		out = append(out, fmt.Sprintf("sites published %d of %d", len(all), outlets*perOutlet))
	}
	ids, err := c.indexed()
	if err != nil {
		return append(out, "search: "+err.Error())
	}
	out = append(out, diffCounts("indexed", ids, all)...)
	als, err := c.alerts()
	if err != nil {
		return append(out, "alerts: "+err.Error())
	}
	listed, apiIDs := map[string]int{}, map[string]bool{}
	for _, al := range als {
		apiIDs[al.ID] = true
		seen := map[string]bool{}
		for _, a := range al.Articles {
			if seen[a.ID] {
				out = append(out, fmt.Sprintf("alert %s lists article %s twice", al.ID, a.ID))
			}
			seen[a.ID] = true
			listed[a.ID] = 1
		}
		if al.Type == "article" && al.ArticleCount != len(al.Articles) {
			out = append(out, fmt.Sprintf("alert %s counts %d articles but lists %d (an article counted twice)", al.ID, al.ArticleCount, len(al.Articles)))
		}
	}
	out = append(out, diffCounts("alerted", listed, flagged)...)
	told := c.sink.AlertIDs()
	c.progress = len(ids) + len(listed) + len(told)
	for id := range apiIDs {
		if told[id] == 0 {
			out = append(out, "no notification told of alert "+id)
		}
	}
	for id := range told {
		if !apiIDs[id] {
			out = append(out, "a notification told of unknown alert "+id)
		}
	}
	return out
}

// diffCounts reports IDs missing from got, present in got but not
// wanted, or counted more than once.
func diffCounts(what string, got map[string]int, want map[string]bool) []string {
	var missing, extra, twice []string
	for id := range want {
		if got[id] == 0 {
			missing = append(missing, id)
		}
	}
	for id, n := range got {
		if !want[id] {
			extra = append(extra, id)
		}
		if n > 1 {
			twice = append(twice, id)
		}
	}
	var out []string
	for _, l := range []struct {
		name string
		ids  []string
	}{{"missing", missing}, {"unexpected", extra}, {"more than once", twice}} {
		if len(l.ids) > 0 {
			sort.Strings(l.ids)
			out = append(out, fmt.Sprintf("%s: %d %s (e.g. %s)", what, len(l.ids), l.name, l.ids[0]))
		}
	}
	return out
}

// waitComplete waits until problems reports none, logging progress. On a
// shared machine the pace varies tenfold, so what fails the test is a
// stall (no article indexed or alerted and no alert told for stall), not
// slowness; completion is still bounded.
func (c *cluster) waitComplete(t *testing.T) {
	t.Helper()
	const stall = 3 * time.Minute
	lastLog, lastProgress, best := time.Now(), time.Now(), -1
	wait.For(t, 20*time.Minute, func() error {
		p := c.problems(t)
		if len(p) == 0 {
			return nil
		}
		if c.progress > best {
			best, lastProgress = c.progress, time.Now()
		}
		if time.Since(lastProgress) > stall {
			t.Fatalf("no progress for %s:\n  %s", stall, strings.Join(p, "\n  "))
		}
		if time.Since(lastLog) > 20*time.Second {
			t.Logf("waiting: %s", strings.Join(p, "; "))
			lastLog = time.Now()
		}
		return fmt.Errorf("pipeline incomplete:\n  %s", strings.Join(p, "\n  "))
	})
}

// waitIndexedAtLeast waits until the search API counts n articles.
func (c *cluster) waitIndexedAtLeast(t *testing.T, n int) {
	t.Helper()
	wait.For(t, patience, func() error {
		var res struct{ Total int }
		if err := c.api("/api/v1/search?limit=1&exact_total=true", &res); err != nil {
			return err
		}
		if res.Total < n {
			return fmt.Errorf("%d of the %d articles wanted indexed", res.Total, n)
		}
		return nil
	})
}

func (c *cluster) js(t *testing.T) (jetstream.JetStream, func()) {
	t.Helper()
	nc, err := nats.Connect(c.natsURL)
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js, nc.Close
}

// bucketKeys lists a KV bucket's keys (none for an empty bucket).
func bucketKeys(t *testing.T, js jetstream.JetStream, bucket string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kv, err := js.KeyValue(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := kv.Keys(ctx)
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		t.Fatal(err)
	}
	return keys
}

// checkDeadLetters fails if any message or notification failed for good.
func (c *cluster) checkDeadLetters(t *testing.T) {
	t.Helper()
	js, done := c.js(t)
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, bus.StreamDeadLetter)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 0 {
		t.Errorf("%d messages in the dead-letter stream", info.State.Msgs)
	}
	if keys := bucketKeys(t, js, bus.BucketAlertDeadLetters); len(keys) != 0 {
		t.Errorf("%d notifications dead-lettered: %v", len(keys), keys)
	}
}

// checkNotifications compares what the alert processes recorded as sent
// with what the webhook received, by idempotency key. A process killed
// between the receiver's answer and the delivery record sends that one
// notification again with the same key (the receiver drops it); anything
// beyond one such repeat per killed alerts process is a bug.
func (c *cluster) checkNotifications(t *testing.T, alertsKilled int) {
	t.Helper()
	js, done := c.js(t)
	defer done()
	recorded := map[string]bool{}
	for _, k := range bucketKeys(t, js, bus.BucketNotified) {
		if key, ok := strings.CutPrefix(k, "hook."); ok {
			recorded[key] = true
		}
	}
	got := c.sink.Keys()
	repeats := 0
	for k, n := range got {
		if !recorded[k] {
			t.Errorf("webhook got key %s that no alert process recorded as sent", k)
		}
		if n > 1 {
			repeats += n - 1
			t.Logf("webhook key %s delivered %d times", k, n)
		}
	}
	for k := range recorded {
		if got[k] == 0 {
			t.Errorf("notification %s recorded as sent never reached the webhook", k)
		}
	}
	if repeats > alertsKilled {
		t.Errorf("%d repeated deliveries, at most %d expected (one per killed alerts process)", repeats, alertsKilled)
	}
	t.Logf("notifications: %d distinct keys delivered, %d repeats", len(got), repeats)
}

// checkIndexes opens each indexer replica's own index, once its process
// has stopped, and checks it holds every article exactly once.
func (c *cluster) checkIndexes(t *testing.T, all map[string]bool) {
	t.Helper()
	for _, name := range []string{"indexer-a", "indexer-b"} {
		p := c.byName[name]
		p.stop(45 * time.Second)
		if code := p.exitCode(); code != 0 {
			t.Errorf("%s stopped with exit code %d", name, code)
		}
		idx, err := indexer.Open(filepath.Join(c.dir, "data", name, "index"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n, err := idx.Count()
		if err != nil {
			t.Fatal(err)
		}
		missing := 0
		for id := range all {
			if _, err := idx.Get(context.Background(), id); err != nil {
				missing++
			}
		}
		_ = idx.Close()
		if n != uint64(len(all)) || missing != 0 {
			t.Errorf("%s holds %d documents for %d articles, %d missing", name, n, len(all), missing)
		}
	}
}

// checkLogFloods fails when a process logged bus failures in a tight loop
// (it once logged "no responders" 25,270 times in 6 s).
func (c *cluster) checkLogFloods(t *testing.T) {
	t.Helper()
	for _, p := range c.roles {
		n := len(p.logLines("no responders"))
		warns := len(p.logLines(`"level":"WARN"`))
		t.Logf("%s: %d warnings, %d mention no responders, peak RSS %s", p.name, warns, n, p.peakRSS())
		if n > 100 {
			t.Errorf("%s logged 'no responders' %d times: a retry loop does not back off", p.name, n)
		}
	}
}

// The roles run as separate processes on a real 3-node JetStream cluster.
// Everything starts at once; mid-stream a classifier, an alerts process,
// an indexer and a NATS node die by SIGKILL (and come back, as a
// supervisor would bring them). Every article must end up indexed once in
// each indexer replica, every sensitive article in an alert, every alert
// told to the webhook, and nothing dead-lettered.
func TestClusterSurvivesSIGKILLAndLosesOrRepeatsNothing(t *testing.T) {
	if os.Getenv("PRESSWATCH_CLUSTER_TEST") == "" {
		t.Skip("set PRESSWATCH_CLUSTER_TEST=1 (make test-cluster) to run the 3-node cluster test")
	}
	began := time.Now()
	dir := t.TempDir()
	pw, ns := buildBinaries(t, dir)
	t.Logf("binaries built in %s", time.Since(began).Round(time.Second))
	c := newCluster(t, dir, pw, ns)

	started := time.Now()
	for _, p := range append(c.nats, c.roles...) {
		p.start(t)
	}
	c.waitReady(t)
	t.Logf("cold start: all 12 processes started at once, every role ready after %s", time.Since(started).Round(time.Second))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, s := range c.sites {
		go s.Run(ctx)
	}
	c.waitIndexedAtLeast(t, 300)
	victims := []string{"classifier-1", "alerts-1", "indexer-a", "nats-3"}
	for _, v := range victims {
		c.byName[v].kill(t)
	}
	all, _ := c.expected(t)
	t.Logf("SIGKILL %v with %d of %d articles published", victims, len(all), outlets*perOutlet)
	time.Sleep(3 * time.Second)
	for _, v := range victims {
		c.byName[v].start(t)
	}

	c.waitComplete(t)
	t.Logf("complete %s after the start", time.Since(started).Round(time.Second))
	// Settled: nothing more arrives (no late duplicate).
	time.Sleep(5 * time.Second)
	if p := c.problems(t); len(p) != 0 {
		t.Errorf("after settling:\n  %s", strings.Join(p, "\n  "))
	}
	c.checkDeadLetters(t)
	c.checkNotifications(t, 1)
	c.checkLogFloods(t)
	all, _ = c.expected(t)
	c.checkIndexes(t, all)
	t.Logf("cluster test took %s (%s without the build)", time.Since(began).Round(time.Second), time.Since(started).Round(time.Second))
}
