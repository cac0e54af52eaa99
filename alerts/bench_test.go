package alerts_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus/bustest"
)

// BenchmarkRouteAndGroup measures flagged articles per second through
// routing and grouping into NATS KV (alert and group compare-and-set), ten
// articles per story from ten outlets, with a realistic tree; then checks
// that flushing sends exactly one notification per group.
func BenchmarkRouteAndGroup(b *testing.B) {
	bs := bustest.Open(b, bustest.Options(b))
	clk := newClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	yes := true
	rt, err := route.New(route.Spec{Receivers: []string{"log"}, Timing: route.Timing{GroupWait: time.Second, RepeatInterval: 24 * time.Hour},
		Routes: []route.Spec{
			{Matchers: []string{"severity>=critical"}, Receivers: []string{"ioc"}, Continue: true},
			{Matchers: []string{"department=so-y-te"}, Receivers: []string{"mail"}, ToDepartment: &yes},
			{Matchers: []string{`label=~"disaster|flood"`}, Receivers: []string{"mail"}},
		}})
	if err != nil {
		b.Fatal(err)
	}
	sinks := map[string]*sink{"log": {}, "ioc": {}, "mail": {}}
	var recvs []alerts.Receiver
	for n, s := range sinks {
		recvs = append(recvs, alerts.Receiver{Name: n, Notifier: s, Channel: alerts.ChannelEmail})
	}
	reg := prometheus.NewRegistry()
	st, _ := alerts.NewStore(bs, reg, clk.Now)
	svc, err := alerts.NewService(bs, alerts.Options{Receivers: recvs, Route: rt, Store: st, Now: clk.Now, Registerer: reg, Tick: 20 * time.Millisecond,
		Directory: alerts.NewDirectory([]alerts.Department{{ID: "so-y-te", FocalPoints: []alerts.Contact{{Email: "vp@syt.example.gov.vn"}}}})})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	defer func() { cancel(); <-done }()

	depts := []string{"so-y-te", "so-tnmt", "cong-an-tinh"}
	sevs := []article.Severity{article.SeverityMedium, article.SeverityHigh, article.SeverityCritical}
	var next atomic.Int64
	b.SetParallelism(32) // NATS round trips, not CPU, bound one goroutine
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1)) - 1
			s := i / 10
			a := storyArticle(fmt.Sprintf("b%d", i), fmt.Sprintf("story-%d", s), fmt.Sprintf("outlet-%d", i%10), sevs[s%3], depts[s%3])
			if err := svc.Ingest(ctx, a); err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.Logf("%d articles in %s", b.N, elapsed)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "articles/s")

	// Flush: every group once, however many articles it took in.
	// Each story takes one route: the critical ones stop at ioc (a
	// matched child with continue still keeps the default route out).
	want := (b.N + 9) / 10
	clk.Add(2 * time.Second)
	deadline := time.Now().Add(time.Minute)
	total := func() (int, map[string]int) {
		n, keys := 0, map[string]int{}
		for name, s := range sinks {
			for _, nt := range s.list() {
				keys[name+" "+nt.Key]++
				n++
			}
		}
		return n, keys
	}
	for {
		if n, _ := total(); n >= want || time.Now().After(deadline) {
			time.Sleep(200 * time.Millisecond)
			n, keys := total()
			if n != want || len(keys) != want {
				b.Fatalf("%d notifications under %d keys for %d groups", n, len(keys), want)
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}
