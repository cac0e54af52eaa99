package alerts_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

// Two alert processes on one NATS share the work; together they send one
// notification per group and interval. A second rule joining each story
// (on whichever process takes the article) becomes a reason of the same
// incident, not another alert.
func TestTwoServicesSendEachNotificationOnce(t *testing.T) {
	t.Parallel()
	b1 := openBus(t)
	o := bustest.Options(t)
	o.StoreDir, o.Listen, o.URL, o.Name, o.AckWait = "", "", b1.ClientURL(), "second", 2*time.Second
	b2 := bustest.Open(t, o)

	clk := newClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	rt := mustRoute(t, route.Spec{Receivers: []string{"chat"}, Timing: route.Timing{GroupWait: time.Second, GroupInterval: time.Minute, RepeatInterval: 24 * time.Hour}})
	sinks := []*sink{{}, {}}
	var store *alerts.Store
	for i, b := range []*bus.Bus{b1, b2} {
		reg := prometheus.NewRegistry()
		st, err := alerts.NewStore(b, reg, clk.Now)
		if err != nil {
			t.Fatal(err)
		}
		store = st
		svc, err := alerts.NewService(b, alerts.Options{Receivers: []alerts.Receiver{{Name: "chat", Notifier: sinks[i]}}, Route: rt,
			Store: st, Now: clk.Now, Registerer: reg, Tick: 5 * time.Millisecond, Concurrency: 4})
		if err != nil {
			t.Fatal(err)
		}
		running(t, svc)
	}
	total := func() map[string]int {
		keys := map[string]int{}
		for _, s := range sinks {
			for _, n := range s.list() {
				keys[n.Key]++
			}
		}
		return keys
	}
	sent := func() int {
		n := 0
		for _, c := range total() {
			n += c
		}
		return n
	}
	const stories = 6
	wave := func(from, to int) {
		for i := from; i < to; i++ {
			for s := range stories {
				a := storyArticle(fmt.Sprintf("w%d-%d", i, s), fmt.Sprintf("story-%d", s), fmt.Sprintf("outlet-%d", i), article.SeverityHigh, "so-y-te")
				if i == 1 || i == 6 {
					a.Matches = append(a.Matches, article.Match{RuleID: "disaster.landslide", Title: "Sạt lở", Severity: article.SeverityMedium, Department: "so-y-te"})
				}
				publish(t, b1, a)
			}
		}
	}
	wave(0, 5)
	waitCount := func(n int) {
		wait.Until(t, 15*time.Second, fmt.Sprintf("%d alerts with %d articles each", stories, n), func() bool {
			l, _ := store.List(context.Background(), alerts.ListOptions{})
			if len(l) != stories {
				return false
			}
			for _, al := range l {
				if al.ArticleCount != n {
					return false
				}
			}
			return true
		})
	}
	waitCount(5)
	waitGrouped(t, b1.KV(bus.BucketAlertGroups), store)
	clk.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "one notification per story", func() bool { return sent() >= stories })
	time.Sleep(300 * time.Millisecond)
	wave(5, 8)
	waitCount(8)
	waitGrouped(t, b1.KV(bus.BucketAlertGroups), store)
	clk.Add(2 * time.Minute)
	wait.Until(t, 15*time.Second, "one follow-up per story", func() bool { return sent() >= 2*stories })
	time.Sleep(300 * time.Millisecond)
	clk.Add(2 * time.Minute)
	time.Sleep(300 * time.Millisecond)
	keys := total()
	if len(keys) != 2*stories || sent() != 2*stories {
		t.Fatalf("%d notifications under %d keys, want %d once each: %v", sent(), len(keys), 2*stories, keys)
	}
	l, _ := store.List(context.Background(), alerts.ListOptions{})
	for _, al := range l {
		if len(al.Rules) != 2 {
			t.Errorf("incident %s has %d reasons, want 2", al.ID, len(al.Rules))
		}
	}
	if sinks[0].count() == 0 || sinks[1].count() == 0 {
		t.Logf("one process sent everything (%d, %d): allowed, but the work was not shared this time", sinks[0].count(), sinks[1].count())
	}
}
