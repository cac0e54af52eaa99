package alerts_test

import (
	"context"
	"fmt"
	"strings"
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

type harness struct {
	b     *bus.Bus
	clock *clock
	store *alerts.Store
	svc   *alerts.Service
	reg   *prometheus.Registry
}

func start(t *testing.T, b *bus.Bus, o alerts.Options) *harness {
	t.Helper()
	h := &harness{b: b, clock: newClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), reg: prometheus.NewRegistry()}
	st, err := alerts.NewStore(b, h.reg, h.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	h.store = st
	o.Store, o.Now, o.Registerer = st, h.clock.Now, h.reg
	if o.Tick == 0 {
		o.Tick = 10 * time.Millisecond
	}
	if o.Retry.Base == 0 {
		o.Retry.Base = 5 * time.Millisecond
	}
	h.svc, err = alerts.NewService(b, o)
	if err != nil {
		t.Fatal(err)
	}
	running(t, h.svc)
	return h
}

// startChat starts a service whose one receiver, chat, hears of each
// group a second after it forms and then at most once a minute.
func startChat(t *testing.T) (*harness, *sink) {
	t.Helper()
	rc := &sink{}
	h := start(t, openBus(t), alerts.Options{
		Receivers: []alerts.Receiver{{Name: "chat", Notifier: rc}},
		Route:     mustRoute(t, route.Spec{Receivers: []string{"chat"}, Timing: route.Timing{GroupWait: time.Second, GroupInterval: time.Minute}}),
	})
	return h, rc
}

func mustRoute(t *testing.T, s route.Spec) *route.Route {
	t.Helper()
	r, err := route.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// grouped waits until the service has grouped every article published.
func (h *harness) grouped(t *testing.T) {
	t.Helper()
	waitGrouped(t, h.b.KV(bus.BucketAlertGroups), h.store)
}

// settle gives the service's tick loop time to act on the clock before
// the test checks that nothing (more) was sent.
func settle(t *testing.T, h *harness) {
	t.Helper()
	time.Sleep(100 * time.Millisecond)
	if err := h.svc.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
}

func TestStoryGroupsIntoOneAlertAndTenMoreArticlesOneFollowUp(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	rc := &sink{}
	h := start(t, b, alerts.Options{
		Receivers: []alerts.Receiver{{Name: "chat", Notifier: rc}},
		Route: mustRoute(t, route.Spec{Receivers: []string{"chat"},
			Timing: route.Timing{GroupWait: 30 * time.Second, GroupInterval: 5 * time.Minute, RepeatInterval: 24 * time.Hour}}),
	})
	first := storyArticle("a0", "s1", "baodienbien", article.SeverityHigh, "so-tnmt")
	publish(t, b, first)
	publish(t, b, first) // redelivered or reclassified: changes nothing
	waitArticles(t, h.store, 1)
	h.grouped(t)
	settle(t, h)
	if rc.count() != 0 {
		t.Fatalf("sent before group_wait: %d", rc.count())
	}
	h.clock.Add(31 * time.Second)
	wait.Until(t, 15*time.Second, "the first notification", func() bool { return rc.count() == 1 })

	for i := 1; i <= 10; i++ {
		publish(t, b, storyArticle("a"+string(rune('0'+i%10))+"x", "s1", "outlet"+string(rune('a'+i)), article.SeverityHigh, "so-tnmt"))
	}
	al := waitArticles(t, h.store, 11)
	h.grouped(t)
	h.clock.Add(time.Minute)
	settle(t, h)
	if rc.count() != 1 {
		t.Fatalf("follow-up before group_interval: %d notifications", rc.count())
	}
	h.clock.Add(5 * time.Minute)
	wait.Until(t, 15*time.Second, "one follow-up", func() bool { return rc.count() == 2 })
	h.clock.Add(10 * time.Minute)
	settle(t, h)
	got := rc.list()
	if len(got) != 2 {
		t.Fatalf("%d notifications, want 2 (one new, one follow-up)", len(got))
	}
	if got[0].Kind != alerts.KindNew || got[1].Kind != alerts.KindFollowUp {
		t.Errorf("kinds %s, %s", got[0].Kind, got[1].Kind)
	}
	if len(got[1].Alerts) != 1 || len(got[1].Alerts[0].Articles) != 11 || got[1].Alerts[0].ID != al.ID {
		t.Errorf("follow-up lists %d alerts, want the one alert with all 11 articles", len(got[1].Alerts))
	}
	if got[0].Key == got[1].Key || !strings.HasSuffix(got[0].Key, "/1") || !strings.HasSuffix(got[1].Key, "/2") {
		t.Errorf("keys %q, %q: want group key and sequence", got[0].Key, got[1].Key)
	}
	// Another article from an outlet already named is recorded, not sent.
	publish(t, b, storyArticle("b1", "s1", "outletb", article.SeverityHigh, "so-tnmt"))
	waitArticles(t, h.store, 12)
	h.grouped(t)
	h.clock.Add(10 * time.Minute)
	settle(t, h)
	if rc.count() != 2 {
		t.Errorf("an article from a known outlet sent a follow-up")
	}
	// Severity rising is news.
	publish(t, b, storyArticle("b2", "s1", "outletb", article.SeverityCritical, "so-tnmt"))
	waitArticles(t, h.store, 13)
	h.grouped(t)
	h.clock.Add(10 * time.Minute)
	wait.Until(t, 15*time.Second, "a follow-up for the severity rise", func() bool { return rc.count() == 3 })
}

func TestRepeatsWhileUnacknowledged(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	rc := &sink{}
	h := start(t, b, alerts.Options{
		Receivers: []alerts.Receiver{{Name: "chat", Notifier: rc}},
		Route: mustRoute(t, route.Spec{Receivers: []string{"chat"},
			Timing: route.Timing{GroupWait: time.Second, GroupInterval: time.Minute, RepeatInterval: time.Hour}}),
	})
	publish(t, b, storyArticle("p1", "s-repeat", "vtv", article.SeverityHigh, "so-y-te"))
	al := waitArticles(t, h.store, 1)
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "the first notification", func() bool { return rc.count() == 1 })
	h.clock.Add(61 * time.Minute)
	wait.Until(t, 15*time.Second, "a repeat", func() bool { return rc.count() == 2 })
	if k := rc.list()[1].Kind; k != alerts.KindRepeat {
		t.Errorf("second notification is %s, want repeat", k)
	}
	if _, err := h.store.Act(context.Background(), al.ID, alerts.ActionAck, alerts.ActionInput{}, "officer"); err != nil {
		t.Fatal(err)
	}
	h.clock.Add(3 * time.Hour)
	settle(t, h)
	if rc.count() != 2 {
		t.Errorf("repeated after acknowledgement: %d notifications", rc.count())
	}
}

func TestListEmptyBucket(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	list, err := alerts.List(context.Background(), b.KV(bus.BucketAlerts), alerts.ListOptions{})
	if err != nil || len(list) != 0 {
		t.Fatalf("list = %v, %v", list, err)
	}
}

// BenchmarkList lists 2,000 alerts, as the API does on every request.
func BenchmarkList(b *testing.B) {
	bs := bustest.Start(b)
	reg := prometheus.NewRegistry()
	st, _ := alerts.NewStore(bs, reg, nil)
	svc, err := alerts.NewService(bs, alerts.Options{Receivers: []alerts.Receiver{{Name: "log", Notifier: &sink{}}}, Store: st, Registerer: reg})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 2000 {
		if err := svc.Ingest(context.Background(), storyArticle(fmt.Sprintf("l%d", i), fmt.Sprintf("s%d", i), "vtv", article.SeverityHigh, "so-y-te")); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		l, err := st.List(context.Background(), alerts.ListOptions{Limit: 100})
		if err != nil || len(l) != 100 {
			b.Fatal(len(l), err)
		}
	}
}

func TestSignalMatchesNeverBecomeAlerts(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	h := start(t, b, alerts.Options{Receivers: []alerts.Receiver{{Name: "chat", Notifier: &sink{}}}})
	a := storyArticle("s0", "s9", "facebook", article.SeverityHigh, "so-tnmt")
	a.Matches = append(a.Matches,
		article.Match{RuleID: "signal:rumour", Title: "Dấu hiệu tin đồn", Signal: true, Labels: []string{"rumour"}},
		article.Match{RuleID: "health.food-poisoning", Title: "Ngộ độc", Signal: true, Severity: article.SeverityHigh})
	if err := h.svc.Ingest(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	list, err := h.store.List(context.Background(), alerts.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Rules[0].ID != "disaster.flood" {
		var ids []string
		for _, al := range list {
			ids = append(ids, al.Rules[0].ID)
		}
		t.Fatalf("alerts for rules %v, want only disaster.flood", ids)
	}
}
