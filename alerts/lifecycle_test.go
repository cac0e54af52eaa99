package alerts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/article"
)

func TestLifecycleTransitionsAuditAndResponseTimes(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	h := start(t, b, alerts.Options{Receivers: []alerts.Receiver{{Name: "chat", Notifier: &sink{}}}})
	ctx := context.Background()
	if err := h.svc.Ingest(ctx, storyArticle("l1", "s-life", "vnexpress", article.SeverityHigh, "so-y-te")); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.Ingest(ctx, storyArticle("l2", "s-false", "baomoi", article.SeverityMedium, "so-y-te")); err != nil {
		t.Fatal(err)
	}
	list, err := h.store.List(ctx, alerts.ListOptions{Severity: article.SeverityHigh})
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	id := list[0].ID

	illegal := []struct {
		act  alerts.Action
		in   alerts.ActionInput
		want string
	}{
		{alerts.ActionRespond, alerts.ActionInput{Link: "https://syt.example.gov.vn/tin"}, "cannot respond an alert that is new; acknowledge it first"},
		{alerts.ActionClose, alerts.ActionInput{}, "cannot close an alert that is new"},
	}
	for _, c := range illegal {
		_, err := h.store.Act(ctx, id, c.act, c.in, "officer-a")
		var te *alerts.TransitionError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s on new: %v, want %q", c.act, err, c.want)
		}
	}
	h.clock.Add(10 * time.Minute)
	if _, err := h.store.Act(ctx, id, alerts.ActionAck, alerts.ActionInput{}, "officer-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Act(ctx, id, alerts.ActionAck, alerts.ActionInput{}, "officer-b"); err == nil || !strings.Contains(err.Error(), "acknowledged already") {
		t.Errorf("second ack: %v", err)
	}
	var in *alerts.InputError
	if _, err := h.store.Act(ctx, id, alerts.ActionAssign, alerts.ActionInput{}, "officer-a"); !errors.As(err, &in) {
		t.Errorf("assign without assignee: %v", err)
	}
	if _, err := h.store.Act(ctx, id, alerts.ActionAssign, alerts.ActionInput{Assignee: "so-y-te"}, "officer-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Act(ctx, id, alerts.ActionRespond, alerts.ActionInput{Link: "javascript:alert(1)"}, "officer-a"); !errors.As(err, &in) {
		t.Errorf("respond with a bad link: %v", err)
	}
	h.clock.Add(50 * time.Minute)
	al, err := h.store.Act(ctx, id, alerts.ActionRespond, alerts.ActionInput{Link: "https://syt.example.gov.vn/thong-cao", Note: "Thông cáo báo chí"}, "officer-b")
	if err != nil {
		t.Fatal(err)
	}
	if al.Status != alerts.StatusResponded || al.Response.Link != "https://syt.example.gov.vn/thong-cao" || al.Response.By != "officer-b" {
		t.Errorf("responded alert = %+v", al.Response)
	}
	if _, err := h.store.Act(ctx, id, alerts.ActionDismiss, alerts.ActionInput{Reason: "x"}, "officer-a"); err == nil {
		t.Error("dismissed a responded alert")
	}
	al, err = h.store.Act(ctx, id, alerts.ActionClose, alerts.ActionInput{}, "officer-a")
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, c := range al.History {
		trail = append(trail, c.Action+" by "+c.By)
	}
	want := "raised by presswatch|ack by officer-a|assign by officer-a|respond by officer-b|close by officer-a"
	if strings.Join(trail, "|") != want {
		t.Errorf("history %q, want %q", strings.Join(trail, "|"), want)
	}
	if _, err := h.store.Act(ctx, id, alerts.ActionAck, alerts.ActionInput{}, "x"); err == nil || !strings.Contains(err.Error(), "finished") {
		t.Errorf("ack after close: %v", err)
	}
	if _, err := h.store.Act(ctx, "0000", alerts.ActionAck, alerts.ActionInput{}, "x"); !errors.Is(err, alerts.ErrNotFound) {
		t.Errorf("unknown alert: %v", err)
	}

	// TTA 10 minutes, TTR one hour, per department and severity.
	labels := map[string]string{"department": "so-y-te", "severity": "high"}
	if n := counter(t, h.reg, "presswatch_alerts_time_to_ack_seconds", labels); n != 1 {
		t.Errorf("time_to_ack samples %v", n)
	}
	if n := counter(t, h.reg, "presswatch_alerts_time_to_respond_seconds", labels); n != 1 {
		t.Errorf("time_to_respond samples %v", n)
	}
	mfs, _ := h.reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "presswatch_alerts_time_to_respond_seconds" {
			if s := mf.GetMetric()[0].GetHistogram().GetSampleSum(); s != 3600 {
				t.Errorf("time to respond %v s, want 3600", s)
			}
		}
	}

	// A false positive is dismissed with its reason and kept for tuning.
	other, _ := h.store.List(ctx, alerts.ListOptions{Severity: article.SeverityMedium})
	if _, err := h.store.Act(ctx, other[0].ID, alerts.ActionDismiss, alerts.ActionInput{}, "officer-a"); !errors.As(err, &in) {
		t.Errorf("dismiss without reason: %v", err)
	}
	if _, err := h.store.Act(ctx, other[0].ID, alerts.ActionDismiss, alerts.ActionInput{Reason: "lũ quét là tên một bộ phim"}, "officer-a"); err != nil {
		t.Fatal(err)
	}
	ds, err := h.store.Dismissals(ctx, "disaster.flood")
	if err != nil || len(ds) != 1 || ds[0].Articles[0] != "l2" || ds[0].Reason != "lũ quét là tên một bộ phim" || ds[0].By != "officer-a" {
		t.Errorf("dismissals = %+v, %v", ds, err)
	}
	if closed, _ := h.store.List(ctx, alerts.ListOptions{Status: alerts.StatusDismissed, Department: "so-y-te"}); len(closed) != 1 {
		t.Errorf("filter by status and department: %d", len(closed))
	}
}

func TestEscalatesUnacknowledgedCriticalOnce(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	team, oncall := &sink{}, &sink{}
	dir := alerts.NewDirectory([]alerts.Department{{ID: "ban-pctt", Name: "Ban Chỉ huy PCTT",
		FocalPoints: []alerts.Contact{{Name: "Văn phòng", Telegram: "-100"}}, OnCall: []alerts.Contact{{Name: "Trực ban", Telegram: "-200"}}}})
	h := start(t, b, alerts.Options{
		Receivers:  []alerts.Receiver{{Name: "team", Notifier: team}, {Name: "oncall", Notifier: oncall, Channel: alerts.ChannelTelegram}},
		Route:      mustRoute(t, route.Spec{Receivers: []string{"team"}, Timing: route.Timing{GroupWait: time.Second}}),
		Directory:  dir,
		Escalation: alerts.Escalation{After: 30 * time.Minute, Receivers: []string{"oncall"}},
	})
	publish(t, b, storyArticle("e1", "s-esc", "vtv", article.SeverityCritical, "ban-pctt"))
	publish(t, b, storyArticle("e2", "s-acked", "vtv", article.SeverityCritical, "ban-pctt"))
	waitArticles(t, h.store, 1)
	h.grouped(t)
	wait.Until(t, 15*time.Second, "both alerts", func() bool { l, _ := h.store.List(context.Background(), alerts.ListOptions{}); return len(l) == 2 })
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "first notifications", func() bool { return team.count() == 2 })
	list, _ := h.store.List(context.Background(), alerts.ListOptions{})
	var acked string
	for _, al := range list {
		if al.StoryID == "s-acked" {
			acked = al.ID
			if _, err := h.store.Act(context.Background(), al.ID, alerts.ActionAck, alerts.ActionInput{}, "officer"); err != nil {
				t.Fatal(err)
			}
		}
	}
	h.clock.Add(29 * time.Minute)
	settle(t, h)
	if oncall.count() != 0 {
		t.Fatal("escalated before the timeout")
	}
	h.clock.Add(2 * time.Minute)
	wait.Until(t, 15*time.Second, "the escalation", func() bool { return oncall.count() == 1 })
	h.clock.Add(2 * time.Hour)
	settle(t, h)
	got := oncall.list()
	if len(got) != 1 || got[0].Kind != alerts.KindEscalation || got[0].Alerts[0].ID == acked || len(got[0].To) != 1 || got[0].To[0] != "-200" {
		t.Fatalf("escalations = %d, first %+v", len(got), got[0])
	}
	al, _ := h.store.Get(context.Background(), got[0].Alerts[0].ID)
	if al.Escalated.IsZero() || al.History[len(al.History)-1].Action != "escalated" {
		t.Errorf("escalation not recorded on the alert: %+v", al.History)
	}
}
