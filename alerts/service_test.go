package alerts_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

// countingNotifier fails the first `fail` calls with a retryable error.
type countingNotifier struct {
	mu    sync.Mutex
	fail  int
	calls map[string]int
	sent  map[string]int
}

func (n *countingNotifier) Notify(_ context.Context, nt *alerts.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	a := nt.Alerts[0]
	n.calls[a.ID]++
	if n.fail > 0 {
		n.fail--
		return notify.Temporary(errors.New("receiver down"), 0)
	}
	n.sent[a.ID]++
	return nil
}

func (n *countingNotifier) sentCount(id string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.sent[id]
}

func flagged(id string) *article.Article {
	return &article.Article{ID: id, URL: "http://x/" + id, Title: "Lũ quét " + id, Text: "Lũ quét ở Mường Chà.",
		Fetched: time.Now(), Severity: article.SeverityHigh, Labels: []string{"crisis"},
		Matches: []article.Match{{RuleID: "disaster.flood", Severity: article.SeverityHigh, Department: "so-nn", Terms: []string{"lũ quét"}}}}
}

func publish(t *testing.T, b *bus.Bus, msgID string, a *article.Article) {
	t.Helper()
	data, _ := json.Marshal(a)
	if err := b.Publish(context.Background(), bus.SubjectClassified, msgID, data); err != nil {
		t.Fatal(err)
	}
}

func TestOneAlertAndOneNotificationPerFlaggedArticle(t *testing.T) {
	o := bustest.Options(t)
	o.MaxDeliver = 5
	b := bustest.Open(t, o)
	good := &countingNotifier{calls: map[string]int{}, sent: map[string]int{}}
	flaky := &countingNotifier{fail: 2, calls: map[string]int{}, sent: map[string]int{}}
	svc, err := alerts.NewService(b, []alerts.Receiver{{Name: "good", Notifier: good}, {Name: "flaky", Notifier: flaky}},
		slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	// The same article classified twice (a reclassification or a
	// redelivery past the duplicate window) and one unflagged article.
	publish(t, b, "a:1", flagged("a"))
	publish(t, b, "a:2", flagged("a"))
	publish(t, b, "n", &article.Article{ID: "n", Title: "Hoa ban"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- svc.Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for good.sentCount("a") < 1 || flaky.sentCount("a") < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("not delivered: good=%v flaky=%v", good.sent, flaky.sent)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if good.sent["a"] != 1 || good.calls["a"] != 1 {
		t.Errorf("good receiver: calls %d sent %d, want 1 and 1 (retries must skip receivers that succeeded)", good.calls["a"], good.sent["a"])
	}
	if flaky.sent["a"] != 1 {
		t.Errorf("flaky receiver got %d notifications, want 1", flaky.sent["a"])
	}
	list, err := svc.List(context.Background(), alerts.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != "a" || list[0].Status != alerts.StatusNew || list[0].Departments[0] != "so-nn" {
		t.Fatalf("alerts = %+v", list)
	}
	if n, _ := b.DeadLetterCount(context.Background()); n != 0 {
		t.Errorf("%d dead letters", n)
	}
}

func TestListEmptyBucket(t *testing.T) {
	b := bustest.Start(t)
	list, err := alerts.List(context.Background(), b.KV(bus.BucketAlerts), alerts.ListOptions{})
	if err != nil || len(list) != 0 {
		t.Fatalf("list = %v, %v", list, err)
	}
}
