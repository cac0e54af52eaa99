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

	"github.com/presswatch/presswatch/alerts"
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
		// Versions are the same outlet's reprints and updates of the
		// article, listed with it rather than as articles of their own.
		Versions []struct {
			ID string `json:"id"`
		} `json:"versions"`
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
			ids := []string{a.ID}
			for _, v := range a.Versions {
				ids = append(ids, v.ID)
			}
			for _, id := range ids {
				if seen[id] {
					out = append(out, fmt.Sprintf("alert %s lists article %s twice", al.ID, id))
				}
				seen[id] = true
				listed[id] = 1
			}
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
		total, err := c.indexedCount()
		if err != nil {
			return err
		}
		if total < n {
			return fmt.Errorf("%d of the %d articles wanted indexed", total, n)
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

// inFlight says what a durable consumer still has to do: messages not
// yet delivered, or delivered and not yet acknowledged (in a process's
// hands, lost with a killed one and waiting for ack_wait, or waiting for a
// retry); "" when it has none.
func inFlight(ci *jetstream.ConsumerInfo) string {
	if ci.NumPending == 0 && ci.NumAckPending == 0 {
		return ""
	}
	return fmt.Sprintf("%s: %d not delivered, %d unacknowledged (%d of them redelivered)",
		ci.Name, ci.NumPending, ci.NumAckPending, ci.NumRedelivered)
}

// durableConsumers returns the state of every durable consumer of every
// stream (the KV buckets' watchers are not durable).
func durableConsumers(ctx context.Context, js jetstream.JetStream) ([]*jetstream.ConsumerInfo, error) {
	var out []*jetstream.ConsumerInfo
	streams := js.ListStreams(ctx)
	for si := range streams.Info() {
		s, err := js.Stream(ctx, si.Config.Name)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", si.Config.Name, err)
		}
		cons := s.ListConsumers(ctx)
		for ci := range cons.Info() {
			if ci.Config.Durable != "" {
				out = append(out, ci)
			}
		}
		if err := cons.Err(); err != nil {
			return nil, fmt.Errorf("consumers of %s: %w", si.Config.Name, err)
		}
	}
	if err := streams.Err(); err != nil {
		return nil, fmt.Errorf("streams: %w", err)
	}
	return out, nil
}

// unsentGroups lists the alert notification groups that still hold news
// not yet told or notifications decided but not yet published: a
// notification will still come from each.
func unsentGroups(ctx context.Context, js jetstream.JetStream) ([]string, error) {
	kv, err := js.KeyValue(ctx, bus.BucketAlertGroups)
	if err != nil {
		return nil, err
	}
	keys, err := kv.Keys(ctx)
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		e, err := kv.Get(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", k, err)
		}
		unsent, err := alerts.Unsent(e.Value())
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", k, err)
		}
		if unsent {
			out = append(out, "alert group "+k+" has news not yet sent")
		}
	}
	return out, nil
}

// waitQuiet waits until nothing is in flight anywhere: every durable
// consumer has had each of its messages delivered and acknowledged, and
// no alert group has anything left to send. Only then does a check show
// the final state: a message lost with a killed process comes back only
// after ack_wait, later than any fixed pause shorter than that.
func (c *cluster) waitQuiet(t *testing.T) {
	t.Helper()
	js, done := c.js(t)
	defer done()
	wait.For(t, patience, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		infos, err := durableConsumers(ctx, js)
		if err != nil {
			return err
		}
		var busy []string
		for _, ci := range infos {
			if s := inFlight(ci); s != "" {
				busy = append(busy, s)
			}
		}
		groups, err := unsentGroups(ctx, js)
		if err != nil {
			return err
		}
		if busy = append(busy, groups...); len(busy) > 0 {
			return fmt.Errorf("still in flight: %s", strings.Join(busy, "; "))
		}
		return nil
	})
}

// logIndexerConsumers logs what each indexer replica's consumer has still
// to do, and how many deliveries it took (more than the stream's messages
// means redeliveries: lost with a killed process or an unacknowledged
// fetch, each after ack_wait).
func (c *cluster) logIndexerConsumers(t *testing.T, when string) {
	t.Helper()
	js, done := c.js(t)
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, r := range []string{"a", "b"} {
		spec := bus.IndexerConsumer(r)
		cons, err := js.Consumer(ctx, spec.Stream, spec.Name)
		if err != nil {
			t.Logf("%s: %s: %v", when, spec.Name, err)
			continue
		}
		ci := cons.CachedInfo()
		state := inFlight(ci)
		if state == "" {
			state = spec.Name + ": nothing in flight"
		}
		// Losing its NATS node also loses what was on the way to and
		// from the process: a cause of redeliveries to a replica that was
		// not killed.
		lost := len(c.byName["indexer-"+r].logLines(`"msg":"nats disconnected"`))
		t.Logf("%s: %s; %d deliveries of %d stream messages; lost its NATS connection %d times",
			when, state, ci.Delivered.Consumer, ci.Delivered.Stream, lost)
	}
}

// waitFailedOver waits until every stream, and every durable consumer
// in consumers, is led by a node other than dead: what the dead node led
// has been elected anew among the survivors.
func (c *cluster) waitFailedOver(t *testing.T, dead string, consumers []*jetstream.ConsumerInfo) {
	t.Helper()
	js, done := c.js(t)
	defer done()
	leaderOf := func(ci *jetstream.ClusterInfo) string {
		if ci == nil {
			return ""
		}
		return ci.Leader
	}
	wait.For(t, patience, func() error {
		// Short: a request to a stream or consumer with no leader yet
		// goes unanswered until this ends, and then it is asked again.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		names := js.StreamNames(ctx)
		for name := range names.Name() {
			s, err := js.Stream(ctx, name)
			if err != nil {
				return fmt.Errorf("stream %s: %w", name, err)
			}
			if l := leaderOf(s.CachedInfo().Cluster); l == "" || l == dead {
				return fmt.Errorf("stream %s is led by %q", name, l)
			}
		}
		if err := names.Err(); err != nil {
			return fmt.Errorf("streams: %w", err)
		}
		for _, ci := range consumers {
			cons, err := js.Consumer(ctx, ci.Stream, ci.Name)
			if err != nil {
				return fmt.Errorf("consumer %s: %w", ci.Name, err)
			}
			if l := leaderOf(cons.CachedInfo().Cluster); l == "" || l == dead {
				return fmt.Errorf("consumer %s is led by %q", ci.Name, l)
			}
		}
		return nil
	})
}

// indexedCount is how many articles the search API counts.
func (c *cluster) indexedCount() (int, error) {
	var res struct{ Total int }
	if err := c.api("/api/v1/search?limit=1&exact_total=true", &res); err != nil {
		return 0, err
	}
	return res.Total, nil
}

// checkIndexes opens each indexer replica's own index, once that replica
// has acknowledged every article (its own consumer, not the search API,
// which any replica answers) and its process has stopped, and checks it
// holds every article exactly once.
func (c *cluster) checkIndexes(t *testing.T, all map[string]bool) {
	t.Helper()
	js, done := c.js(t)
	defer done()
	for _, replica := range []string{"a", "b"} {
		name := "indexer-" + replica
		spec := bus.IndexerConsumer(replica)
		wait.For(t, patience, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			cons, err := js.Consumer(ctx, spec.Stream, spec.Name)
			if err != nil {
				return err
			}
			if s := inFlight(cons.CachedInfo()); s != "" {
				return errors.New(s)
			}
			return nil
		})
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
	js, jsDone := c.js(t)
	lctx, lcancel := context.WithTimeout(ctx, 30*time.Second)
	consumers, err := durableConsumers(lctx, js)
	lcancel()
	jsDone()
	if err != nil {
		t.Fatal(err)
	}
	victims := []string{"classifier-1", "alerts-1", "indexer-a", "nats-3"}
	for _, v := range victims {
		c.byName[v].kill(t)
	}
	killed := time.Now()
	all, _ := c.expected(t)
	var ledByDead []string
	for _, ci := range consumers {
		if ci.Cluster != nil && ci.Cluster.Leader == "nats-3" {
			ledByDead = append(ledByDead, ci.Name)
		}
	}
	t.Logf("SIGKILL %v with %d of %d articles published; nats-3 led the consumers %v", victims, len(all), outlets*perOutlet, ledByDead)
	// The victims stay down until the survivors have taken over: the
	// cluster has re-elected whatever nats-3 led, and the crawlers and
	// the remaining classifier and indexer have carried the stream on by
	// another 100 articles.
	c.waitFailedOver(t, "nats-3", consumers)
	t.Logf("every stream and consumer led by a live node %s after the kill", time.Since(killed).Round(time.Second))
	var before int
	wait.For(t, patience, func() (err error) { before, err = c.indexedCount(); return err })
	c.waitIndexedAtLeast(t, min(before+100, outlets*perOutlet))
	t.Logf("survivors took over in %s; restarting the victims", time.Since(killed).Round(time.Second))
	for _, v := range victims {
		c.byName[v].start(t)
	}

	c.waitComplete(t)
	t.Logf("complete %s after the start (as the search API shows it)", time.Since(started).Round(time.Second))
	c.logIndexerConsumers(t, "at completion")
	// Settled: nothing is left in flight, so nothing more can arrive (no
	// late duplicate, no late article in either replica).
	settling := time.Now()
	c.waitQuiet(t)
	t.Logf("quiet %s after completion", time.Since(settling).Round(time.Second))
	c.logIndexerConsumers(t, "when quiet")
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
