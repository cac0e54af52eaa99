package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

// The in-memory view answers as the bucket does, and at once: a write by
// another process (straight to the bucket), an action through the store
// and a deletion all show in the next list, without waiting or polling.
func TestViewListsWhatTheBucketHolds(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	st, err := NewStore(b, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	kv := b.KV(bus.BucketAlerts)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	put := func(i int, status Status, sev article.Severity, dept string) string {
		t.Helper()
		at := t0.Add(time.Duration(i) * time.Minute)
		al := Alert{ID: fmt.Sprintf("al%03d", i), Type: TypeArticle, Title: "Tin", Status: status, Severity: sev,
			Departments: []string{dept}, Labels: []string{"disaster"}, Created: at, Updated: at}
		data, _ := json.Marshal(al)
		if _, err := kv.Put(ctx, al.ID, data); err != nil {
			t.Fatal(err)
		}
		return al.ID
	}
	statuses := []Status{StatusNew, StatusAcknowledged, StatusClosed}
	sevs := []article.Severity{article.SeverityHigh, article.SeverityLow}
	for i := range 40 {
		put(i, statuses[i%3], sevs[i%2], []string{"so-y-te", "so-tai-nguyen"}[i%2])
	}
	// Not followed yet: the bucket answers.
	if got, _ := st.List(ctx, ListOptions{}); len(got) != 40 {
		t.Fatalf("before Follow: %d alerts, want 40", len(got))
	}
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { st.Follow(fctx, slog.New(slog.DiscardHandler)); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	for !st.viewReady() {
		time.Sleep(time.Millisecond)
	}

	options := []ListOptions{
		{},
		{Limit: 7},
		{Statuses: []Status{StatusNew, StatusAcknowledged}},
		{Status: StatusClosed, Severity: article.SeverityLow},
		{Department: "so-y-te", Since: t0.Add(10 * time.Minute), Until: t0.Add(30 * time.Minute)},
		{Label: "disaster", Limit: 3},
	}
	same := func(step string) {
		t.Helper()
		for _, o := range options {
			fromView, ok := st.view.current(ctx, st.alerts, o)
			if !ok {
				t.Fatalf("%s: the view did not answer %+v", step, o)
			}
			fromBucket, err := List(ctx, kv, o)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := summary(fromView), summary(fromBucket); !slices.Equal(a, b) {
				t.Errorf("%s, %+v:\n view   %v\n bucket %v", step, o, a, b)
			}
		}
	}
	same("loaded")
	newID := put(100, StatusNew, article.SeverityCritical, "so-y-te")
	same("after another process's write")
	if got, _ := st.List(ctx, ListOptions{Limit: 1}); len(got) != 1 || got[0].ID != newID {
		t.Errorf("newest after the write: %v", summary(got))
	}
	if _, err := st.Act(ctx, newID, ActionAck, ActionInput{}, "canbo"); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.List(ctx, ListOptions{Limit: 1}); len(got) != 1 || got[0].Status != StatusAcknowledged {
		t.Errorf("after ack: %v", summary(got))
	}
	same("after an action")
	if err := kv.Delete(ctx, newID); err != nil {
		t.Fatal(err)
	}
	same("after a deletion")
	// A caller changing what it got does not change the view.
	got, _ := st.List(ctx, ListOptions{Limit: 1})
	got[0].Title = "đã sửa"
	if again, _ := st.List(ctx, ListOptions{Limit: 1}); again[0].Title == "đã sửa" {
		t.Error("a caller's change reached the view")
	}
}

func (s *Store) viewReady() bool {
	s.view.mu.Lock()
	defer s.view.mu.Unlock()
	return s.view.ready
}

func summary(list []*Alert) []string {
	var out []string
	for _, al := range list {
		out = append(out, al.ID+":"+string(al.Status))
	}
	return out
}

// BenchmarkList lists the open alerts of a year's archive (5,000 alerts,
// a tenth open) from the bucket and from the view. See docs/PERFORMANCE.md.
func BenchmarkList(b *testing.B) {
	bs := bustest.Start(b)
	st, err := NewStore(bs, prometheus.NewRegistry(), nil)
	if err != nil {
		b.Fatal(err)
	}
	kv := bs.KV(bus.BucketAlerts)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5000 {
		at := t0.Add(time.Duration(i) * 100 * time.Minute)
		status := StatusClosed
		if i%10 == 0 {
			status = StatusNew
		}
		al := Alert{ID: fmt.Sprintf("al%05d", i), Type: TypeArticle, Title: "Sự cố tại Điện Biên", Status: status, Severity: article.SeverityHigh,
			Departments: []string{fmt.Sprintf("so-%d", i%30)}, Labels: []string{"disaster"}, Created: at, Updated: at,
			Articles: []ArticleRef{{ID: fmt.Sprintf("a%031x", i), URL: "https://bao.example/tin", Title: "Sự cố tại Điện Biên", Source: "bao-1"}},
			History:  []Change{{At: at, By: "presswatch", Action: "raise"}}}
		data, _ := json.Marshal(al)
		if _, err := kv.Put(ctx, al.ID, data); err != nil {
			b.Fatal(err)
		}
	}
	open := ListOptions{Statuses: []Status{StatusNew, StatusAcknowledged, StatusAssigned}, Limit: 1000}
	b.Run("bucket", func(b *testing.B) {
		for b.Loop() {
			if got, err := st.List(ctx, open); err != nil || len(got) != 500 {
				b.Fatalf("%d alerts, %v", len(got), err)
			}
		}
	})
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go st.Follow(fctx, slog.New(slog.DiscardHandler))
	for !st.viewReady() {
		time.Sleep(time.Millisecond)
	}
	b.Run("view", func(b *testing.B) {
		for b.Loop() {
			if got, err := st.List(ctx, open); err != nil || len(got) != 500 {
				b.Fatalf("%d alerts, %v", len(got), err)
			}
		}
	})
}
