// Command presswatch-bench-alerts measures the alert engine on an embedded
// NATS server: flagged articles per second through routing and grouping,
// and the time from an article being published on article.classified to
// its story's first notification leaving for the receiver (p50, p99). It
// also counts notifications per key: every story must be notified exactly
// once, and a story growing from new outlets within group_interval gets
// one follow-up however many articles it took in.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "presswatch-bench-alerts:", err)
		os.Exit(1)
	}
}

// receiver records when each notification left.
type receiver struct {
	mu        sync.Mutex
	published *sync.Map // story ID -> time its first article was published
	latencies []time.Duration
	keys      map[string]int
	kinds     map[alerts.Kind]int
}

func (r *receiver) Notify(_ context.Context, n *alerts.Notification) error {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys[n.Key]++
	r.kinds[n.Kind]++
	if n.Kind == alerts.KindNew && r.keys[n.Key] == 1 {
		if t, ok := r.published.Load(n.Alerts[0].StoryID); ok {
			r.latencies = append(r.latencies, now.Sub(t.(time.Time)))
		}
	}
	return nil
}

// options is the command line.
type options struct {
	n, perStory     int
	tick, groupWait time.Duration
	rate            float64
}

func run() error {
	var o options
	flag.IntVar(&o.n, "n", 5000, "flagged articles")
	flag.IntVar(&o.perStory, "per-story", 5, "articles per story, each from another outlet")
	flag.DurationVar(&o.tick, "tick", 10*time.Millisecond, "how often due groups are looked at (the service default is 1s)")
	flag.DurationVar(&o.groupWait, "group-wait", 10*time.Millisecond, "group_wait of the route")
	flag.Float64Var(&o.rate, "rate", 0, "articles published per second (0: as fast as possible, which measures a backlog)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "presswatch-bench-alerts-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, err := bus.Open(ctx, bus.Options{StoreDir: dir, Name: "bench-alerts", MaxDeliver: 5, AckWait: 30 * time.Second, Logger: log})
	if err != nil {
		return err
	}
	defer b.Close()

	rc := &receiver{published: &sync.Map{}, keys: map[string]int{}, kinds: map[alerts.Kind]int{}}
	svc, err := newService(b, rc, o, log)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()

	stories := (o.n + o.perStory - 1) / o.perStory
	start := time.Now()
	if err := publishArticles(ctx, b, rc, o, stories, start); err != nil {
		return err
	}
	published := time.Since(start)
	if err := waitConsumed(ctx, b); err != nil {
		return err
	}
	ingested := time.Since(start)
	rc.waitNew(stories, time.Now().Add(2*time.Minute))
	time.Sleep(500 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		return err
	}
	return rc.report(o, stories, published, ingested)
}

// newService is the alert engine with one route to rc.
func newService(b *bus.Bus, rc *receiver, o options, log *slog.Logger) (*alerts.Service, error) {
	rt, err := route.New(route.Spec{Receivers: []string{"chat"}, Timing: route.Timing{GroupWait: o.groupWait, GroupInterval: time.Hour, RepeatInterval: 24 * time.Hour}})
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	st, err := alerts.NewStore(b, reg, nil)
	if err != nil {
		return nil, err
	}
	return alerts.NewService(b, alerts.Options{Receivers: []alerts.Receiver{{Name: "chat", Notifier: rc, Workers: 8}}, Route: rt, Store: st,
		Registerer: reg, Tick: o.tick, Logger: log})
}

// publishArticles publishes o.n flagged articles on article.classified at
// o.rate from start, recording when each story's first one left.
func publishArticles(ctx context.Context, b *bus.Bus, rc *receiver, o options, stories int, start time.Time) error {
	for i := range o.n {
		if o.rate > 0 {
			if wait := time.Until(start.Add(time.Duration(float64(i) / o.rate * float64(time.Second)))); wait > 0 {
				time.Sleep(wait)
			}
		}
		s := i % stories // interleaved: a story's articles arrive spread over the run
		story := fmt.Sprintf("story-%d", s)
		a := &article.Article{ID: fmt.Sprintf("a%d", i), URL: fmt.Sprintf("https://outlet-%d.example/%d", i/stories, i), Title: "Lũ quét " + story,
			SourceID: fmt.Sprintf("outlet-%d", i/stories), StoryID: story, Lang: "vi", Fetched: time.Now(), Severity: article.SeverityHigh,
			Matches: []article.Match{{RuleID: "disaster.flood", Severity: article.SeverityHigh, Department: "so-nong-nghiep-moi-truong"}}}
		data, _ := json.Marshal(a)
		rc.published.LoadOrStore(story, time.Now())
		if err := b.Publish(ctx, bus.SubjectClassified, a.ID, data); err != nil {
			return err
		}
	}
	return nil
}

// waitConsumed waits until the alert engine has taken and acknowledged
// every published article.
func waitConsumed(ctx context.Context, b *bus.Bus) error {
	cons, err := b.JetStream().Consumer(ctx, bus.StreamClassified, bus.AlertsConsumer().Name)
	if err != nil {
		return err
	}
	for {
		info, err := cons.Info(ctx)
		if err != nil {
			return err
		}
		if info.NumPending == 0 && info.NumAckPending == 0 {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitNew waits until every story has had its first notification, or the
// deadline has passed: report then says what is missing.
func (r *receiver) waitNew(stories int, deadline time.Time) {
	for {
		r.mu.Lock()
		got := r.kinds[alerts.KindNew]
		r.mu.Unlock()
		if got >= stories || time.Now().After(deadline) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// report prints the figures and fails unless every story was notified
// exactly once.
func (r *receiver) report(o options, stories int, published, ingested time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	dups := 0
	for _, c := range r.keys {
		if c > 1 {
			dups++
		}
	}
	slices.Sort(r.latencies)
	q := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	fmt.Printf("articles %d in %d stories (%d outlets each); published in %s (rate %v/s, 0 = unlimited)\n", o.n, stories, o.perStory, published.Round(time.Millisecond), o.rate)
	fmt.Printf("routing and grouping: %.0f flagged articles/s (all %d handled %s after the first publish)\n", float64(o.n)/ingested.Seconds(), o.n, ingested.Round(time.Millisecond))
	fmt.Printf("first notification of a story, publish -> leaving: p50 %s p99 %s (group_wait %s, tick %s)\n", q(0.5).Round(time.Millisecond), q(0.99).Round(time.Millisecond), o.groupWait, o.tick)
	fmt.Printf("notifications: %d new for %d stories, %d follow-ups, %d keys sent more than once\n", r.kinds[alerts.KindNew], stories, r.kinds[alerts.KindFollowUp], dups)
	if r.kinds[alerts.KindNew] != stories || dups > 0 {
		return fmt.Errorf("want exactly one new notification per story and no key twice")
	}
	return nil
}
