package alerts_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify/template"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/alerts/schedule"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/classifier/spike"
	"github.com/presswatch/presswatch/sourcehealth"
)

func storiesOf(ns []*alerts.Notification) []string {
	var out []string
	for _, n := range ns {
		for _, al := range n.Alerts {
			out = append(out, al.StoryID)
		}
	}
	slices.Sort(out)
	return out
}

func TestSilenceMutesUntilExpired(t *testing.T) {
	t.Parallel()
	h, rc := startChat(t)
	b := h.b
	ctx := context.Background()
	sl, err := h.svc.Silences().Create(ctx, silence.Silence{Matchers: []string{"department=so-y-te", "severity<=high"}, Ends: h.clock.Now().Add(2 * time.Hour),
		CreatedBy: "officer", Comment: "đã có thông cáo"}, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Silences().Create(ctx, silence.Silence{Ends: h.clock.Now().Add(time.Hour), CreatedBy: "x", Comment: "y"}, h.clock.Now()); err == nil {
		t.Error("a silence without matchers was stored")
	}
	publish(t, b, storyArticle("m1", "s-health", "vnexpress", article.SeverityHigh, "so-y-te"))
	publish(t, b, storyArticle("m2", "s-land", "vnexpress", article.SeverityHigh, "so-tnmt"))
	publish(t, b, storyArticle("m3", "s-critical", "vnexpress", article.SeverityCritical, "so-y-te"))
	wait.Until(t, 15*time.Second, "three alerts", func() bool { l, _ := h.store.List(ctx, alerts.ListOptions{}); return len(l) == 3 })
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "the unsilenced alerts", func() bool { return rc.count() == 2 })
	settle(t, h)
	if got := storiesOf(rc.list()); !slices.Equal(got, []string{"s-critical", "s-land"}) {
		t.Fatalf("sent %v while silenced", got)
	}
	if _, err := h.svc.Silences().Expire(ctx, sl.ID, "officer", h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.clock.Add(2 * time.Minute)
	wait.Until(t, 15*time.Second, "the alert once the silence expired", func() bool { return rc.count() == 3 })
	list, _ := h.svc.Silences().List(ctx)
	if len(list) != 1 || list[0].ExpiredBy != "officer" || list[0].Active(h.clock.Now()) {
		t.Errorf("silences = %+v", list)
	}
}

func TestQuietHoursDeferAllButCritical(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	rc := &sink{}
	quiet := schedule.Window{Start: 22 * 60, End: 6*60 + 30, Loc: time.UTC}
	h := start(t, b, alerts.Options{
		Receivers: []alerts.Receiver{{Name: "chat", Notifier: rc, QuietHours: &quiet}},
		Route:     mustRoute(t, route.Spec{Receivers: []string{"chat"}, Timing: route.Timing{GroupWait: time.Second, RepeatInterval: 24 * time.Hour}}),
	})
	h.clock.Add(14 * time.Hour) // 23:00
	publish(t, b, storyArticle("q1", "s-night", "vnexpress", article.SeverityHigh, "so-y-te"))
	publish(t, b, storyArticle("q2", "s-urgent", "vnexpress", article.SeverityCritical, "so-y-te"))
	wait.Until(t, 15*time.Second, "two alerts", func() bool { l, _ := h.store.List(context.Background(), alerts.ListOptions{}); return len(l) == 2 })
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "the critical alert at night", func() bool { return rc.count() == 1 })
	h.clock.Add(7 * time.Hour) // 06:00, still quiet
	settle(t, h)
	if got := storiesOf(rc.list()); !slices.Equal(got, []string{"s-urgent"}) {
		t.Fatalf("sent %v during quiet hours", got)
	}
	h.clock.Add(31 * time.Minute) // 06:31
	wait.Until(t, 15*time.Second, "the deferred alert after quiet hours", func() bool { return rc.count() == 2 })
}

func TestDigestBatchesLowerSeverity(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	rc := &sink{}
	h := start(t, b, alerts.Options{
		Receivers: []alerts.Receiver{{Name: "mail", Notifier: rc, Digest: &alerts.Digest{Every: time.Hour, MaxSeverity: article.SeverityMedium}}},
		Route:     mustRoute(t, route.Spec{Receivers: []string{"mail"}, Timing: route.Timing{GroupWait: time.Second}}),
	})
	publish(t, b, storyArticle("d1", "s-a", "vnexpress", article.SeverityLow, "so-y-te"))
	publish(t, b, storyArticle("d2", "s-b", "vnexpress", article.SeverityMedium, "so-y-te"))
	publish(t, b, storyArticle("d3", "s-c", "vnexpress", article.SeverityMedium, "so-tnmt"))
	publish(t, b, storyArticle("d4", "s-d", "vnexpress", article.SeverityHigh, "so-tnmt"))
	wait.Until(t, 15*time.Second, "four alerts", func() bool { l, _ := h.store.List(context.Background(), alerts.ListOptions{}); return len(l) == 4 })
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "the high alert on its own", func() bool { return rc.count() == 1 })
	h.clock.Add(30 * time.Minute)
	settle(t, h)
	if rc.count() != 1 {
		t.Fatalf("lower-severity alerts sent one by one: %d", rc.count())
	}
	h.clock.Add(30 * time.Minute) // 10:00, the hour is over
	wait.Until(t, 15*time.Second, "the digest", func() bool { return rc.count() == 2 })
	h.clock.Add(2 * time.Hour)
	settle(t, h)
	got := rc.list()
	if len(got) != 2 || got[1].Kind != alerts.KindDigest || !slices.Equal(storiesOf(got[1:]), []string{"s-a", "s-b", "s-c"}) {
		t.Fatalf("got %d notifications; digest stories %v", len(got), storiesOf(got[1:]))
	}
}

func TestRouteAddressesDepartmentContactsByDutyHours(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	mail, chat := &sink{}, &sink{}
	yes := true
	dir := alerts.NewDirectory([]alerts.Department{{ID: "so-y-te", Name: "Sở Y tế", Chat: "syt-chat",
		FocalPoints: []alerts.Contact{{Name: "Văn phòng", Email: "vp@syt.example.gov.vn"}},
		OnCall:      []alerts.Contact{{Name: "Trực", Email: "truc@syt.example.gov.vn"}},
		Duty:        schedule.Window{Start: 7 * 60, End: 17 * 60, Loc: time.UTC}}})
	h := start(t, b, alerts.Options{
		Receivers: []alerts.Receiver{{Name: "log", Notifier: &sink{}}, {Name: "mail", Notifier: mail, Channel: alerts.ChannelEmail}, {Name: "syt-chat", Notifier: chat}},
		Directory: dir,
		Route: mustRoute(t, route.Spec{Receivers: []string{"log"}, Timing: route.Timing{GroupWait: time.Second},
			Routes: []route.Spec{{Matchers: []string{"department=so-y-te"}, Receivers: []string{"mail"}, ToDepartment: &yes}}}),
	})
	publish(t, b, storyArticle("t1", "s-day", "vnexpress", article.SeverityCritical, "so-y-te"))
	waitArticles(t, h.store, 1)
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "mail and the department's chat", func() bool { return mail.count() == 1 && chat.count() == 1 })
	if to := mail.list()[0].To; !slices.Equal(to, []string{"vp@syt.example.gov.vn"}) {
		t.Errorf("during duty hours To = %v", to)
	}
	h.clock.Add(10 * time.Hour) // 19:00
	publish(t, b, storyArticle("t2", "s-night", "vnexpress", article.SeverityCritical, "so-y-te"))
	wait.Until(t, 15*time.Second, "two alerts", func() bool { l, _ := h.store.List(context.Background(), alerts.ListOptions{}); return len(l) == 2 })
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "the night alert", func() bool { return mail.count() == 2 })
	if to := mail.list()[1].To; !slices.Equal(to, []string{"truc@syt.example.gov.vn"}) {
		t.Errorf("outside duty hours To = %v, want the on-call contact", to)
	}
}

func TestSpikeAndSourceHealthAlertsAreRouted(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	ops, rest := &sink{}, &sink{}
	h := start(t, b, alerts.Options{
		Receivers:      []alerts.Receiver{{Name: "ops", Notifier: ops}, {Name: "rest", Notifier: rest}},
		WatchedSources: func() ([]string, error) { return []string{"baodienbien"}, nil },
		Route: mustRoute(t, route.Spec{Receivers: []string{"rest"}, Timing: route.Timing{GroupWait: time.Second},
			Routes: []route.Spec{{Matchers: []string{`type=~"spike|source"`}, Receivers: []string{"ops"}}}}),
	})
	ctx := context.Background()
	ev := spike.Event{Key: "rule:disaster.flood", Window: "hour", Count: 40, Baseline: 4, Ratio: 10, At: h.clock.Now(), Sources: []string{"vnexpress"}}
	data, _ := json.Marshal(ev)
	for range 2 { // redelivered: still one alert
		if err := b.Publish(ctx, bus.SubjectSpike, "", data); err != nil {
			t.Fatal(err)
		}
	}
	health, _ := json.Marshal(sourcehealth.Health{SourceID: "baodienbien", Paused: true, PausedReason: "10 failures", PausedAt: h.clock.Now(), LastSuccess: h.clock.Now().Add(-time.Hour)})
	if _, err := b.KV(bus.BucketSourceHealth).Put(ctx, "baodienbien", health); err != nil {
		t.Fatal(err)
	}
	gone, _ := json.Marshal(sourcehealth.Health{SourceID: "removed-source", Paused: true, PausedAt: h.clock.Now()})
	if _, err := b.KV(bus.BucketSourceHealth).Put(ctx, "removed-source", gone); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := h.svc.CheckSources(ctx); err != nil {
			t.Fatal(err)
		}
	}
	wait.Until(t, 15*time.Second, "spike and source alerts", func() bool {
		l, _ := h.store.List(ctx, alerts.ListOptions{})
		return len(l) == 2
	})
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "both at ops", func() bool { return ops.count() == 2 })
	settle(t, h)
	types := []string{ops.list()[0].Alerts[0].Type, ops.list()[1].Alerts[0].Type}
	slices.Sort(types)
	if !slices.Equal(types, []string{alerts.TypeSource, alerts.TypeSpike}) || rest.count() != 0 {
		t.Errorf("types %v, rest got %d", types, rest.count())
	}
	src, _ := h.store.List(ctx, alerts.ListOptions{Type: alerts.TypeSource})
	if len(src) != 1 || src[0].Severity != article.SeverityHigh || src[0].Sources[0] != "baodienbien" {
		t.Errorf("source alert = %+v", src)
	}
	// Their messages explain them: the spike's size, the pause's reason.
	set, err := template.Load(nil, "en")
	if err != nil {
		t.Fatal(err)
	}
	explains := map[string]string{alerts.TypeSpike: "40 articles in the hour to", alerts.TypeSource: "paused: 10 failures"}
	for _, n := range ops.list() {
		text, chat := messages(t, set, n, template.Slack)
		want := explains[n.Alerts[0].Type]
		if !strings.Contains(text, "Details: "+want) || !strings.Contains(chat, want) {
			t.Errorf("%s alert's messages lack its detail %q:\n%s\n%s", n.Alerts[0].Type, want, text, chat)
		}
	}
}
