package spike

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

// now is the tests' clock: the articles' classification times are set
// around it, whatever the machine's time.
var testNow = time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)

func publishClassified(t *testing.T, b *bus.Bus, id, source string, at time.Time) uint64 {
	t.Helper()
	a := flagged("disaster.flood", source, "")
	a.ID, a.Title, a.Classified = id, "Lũ quét", at
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	ack, err := b.JetStream().Publish(context.Background(), bus.SubjectClassified, data)
	if err != nil {
		t.Fatal(err)
	}
	return ack.Sequence
}

// steadyDay publishes one flood article every two hours over the day
// before testNow, and returns the last sequence.
func steadyDay(t *testing.T, b *bus.Bus) uint64 {
	var seq uint64
	for h := 24; h >= 2; h -= 2 {
		seq = publishClassified(t, b, fmt.Sprintf("base%d", h), "a", testNow.Add(-time.Duration(h)*time.Hour))
	}
	return seq
}

// surge publishes eight articles from four outlets at testNow.
func surge(t *testing.T, b *bus.Bus) uint64 {
	var seq uint64
	for i := range 8 {
		seq = publishClassified(t, b, fmt.Sprintf("surge%d", i), fmt.Sprintf("s%d", i%4), testNow)
	}
	return seq
}

type running struct {
	f      *Follower
	reg    *prometheus.Registry
	cancel context.CancelFunc
	done   chan error
}

func startFollower(t *testing.T, b *bus.Bus) *running {
	t.Helper()
	reg := prometheus.NewRegistry()
	f, err := NewFollower(b, New(Options{}), FollowOptions{Now: func() time.Time { return testNow }, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{f: f, reg: reg, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- f.Run(ctx) }()
	t.Cleanup(r.stop)
	return r
}

func (r *running) stop() {
	r.cancel()
	<-r.done
	r.done <- nil // a second stop returns at once
}

func (r *running) waitFor(t *testing.T, seq uint64) {
	t.Helper()
	wait.For(t, 10*time.Second, func() error {
		if got := r.f.Seq(); got < seq {
			return fmt.Errorf("follower read up to %d, want %d", got, seq)
		}
		return nil
	})
}

func (r *running) published(window string) int {
	return int(testutil.ToFloat64(r.f.events.WithLabelValues(window)))
}

// spikeEvents returns the events on the SPIKES stream.
func spikeEvents(t *testing.T, b *bus.Bus) []Event {
	t.Helper()
	ctx := context.Background()
	s, err := b.JetStream().Stream(ctx, bus.StreamSpikes)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []Event
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		var e Event
		if err := json.Unmarshal(m.Data, &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func ruleHourEvent(t *testing.T, events []Event) Event {
	t.Helper()
	var found []Event
	for _, e := range events {
		if e.Key == "rule:disaster.flood" && e.Window == "hour" {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one hourly spike for the rule, got %d: %+v", len(found), events)
	}
	return found[0]
}

// TestRestartKeepsTheBaseline: a detector started after the steady day
// was classified rebuilds it from the stream, so the surge is measured
// against it; and a detector started after the surge does not announce it
// again.
func TestRestartKeepsTheBaseline(t *testing.T) {
	b := bustest.Start(t)
	first := startFollower(t, b)
	first.waitFor(t, steadyDay(t, b))
	first.stop()

	second := startFollower(t, b)
	second.waitFor(t, surge(t, b))
	ev := ruleHourEvent(t, spikeEvents(t, b))
	// The steady day: 12 articles in the 24 hours before the surge; the
	// fifth article of the surge reaches the hourly minimum.
	if ev.Count != 5 || ev.Baseline != 0.5 || ev.Ratio != 10 || len(ev.Sources) != 4 || ev.Terms[0] != "lũ quét" {
		t.Errorf("spike after restart = %+v", ev)
	}
	second.stop()

	before := len(spikeEvents(t, b))
	third := startFollower(t, b)
	third.waitFor(t, surge(t, b)) // the same articles again: counted once
	if n := len(spikeEvents(t, b)); n != before {
		t.Errorf("a restart re-published spikes: %d events, had %d", n, before)
	}
	if n := third.published("hour"); n != 0 {
		t.Errorf("the restarted detector published %d hourly events", n)
	}
}

// TestTwoFollowersPublishEachSpikeOnce: two classifier processes on one
// NATS both see the surge; one event per key and window reaches the
// stream, published by exactly one of them.
func TestTwoFollowersPublishEachSpikeOnce(t *testing.T) {
	b := bustest.Start(t)
	x, y := startFollower(t, b), startFollower(t, b)
	steadyDay(t, b)
	last := surge(t, b)
	x.waitFor(t, last)
	y.waitFor(t, last)

	events := spikeEvents(t, b)
	ruleHourEvent(t, events)
	seen := map[string]bool{}
	for _, e := range events {
		if seen[e.ID()] {
			t.Errorf("event %s published twice", e.ID())
		}
		seen[e.ID()] = true
	}
	// Both counted everything: each would have published every event.
	if got := x.published("hour") + y.published("hour"); got != len(events) {
		t.Errorf("the followers published %d events between them, the stream holds %d", got, len(events))
	}
}

// TestFailedPublishLeavesTheEventForAnotherTry: when the spike cannot be
// published, its key is released so another process can publish it.
func TestFailedPublishLeavesTheEventForAnotherTry(t *testing.T) {
	b := bustest.Start(t)
	fb := &failingBus{Bus: b}
	f, err := NewFollower(fb, New(Options{}), FollowOptions{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	ev := Event{Key: "rule:x", Window: "hour", Count: 6, At: testNow}
	fb.fail(true)
	if err := f.emit(context.Background(), ev); err == nil {
		t.Fatal("emit reported no error on a failed publish")
	}
	fb.fail(false)
	if err := f.emit(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if n := len(spikeEvents(t, b)); n != 1 {
		t.Errorf("%d events on the stream after the retry", n)
	}
}

type failingBus struct {
	*bus.Bus
	mu    sync.Mutex
	fails bool
}

func (f *failingBus) fail(v bool) { f.mu.Lock(); f.fails = v; f.mu.Unlock() }

func (f *failingBus) Publish(ctx context.Context, subject, msgID string, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails {
		return fmt.Errorf("publish %s: injected failure", subject)
	}
	return f.Bus.Publish(ctx, subject, msgID, data)
}

// TestAnArticleCountsOnce: the same article classified again (an edit, a
// redelivery) is not counted twice.
func TestAnArticleCountsOnce(t *testing.T) {
	d := New(Options{})
	for range 10 {
		a := flagged("r", "a", "")
		a.ID = "same"
		if ev := d.Observe(a, testNow); len(ev) != 0 {
			t.Fatalf("one article spiked: %+v", ev)
		}
	}
	if n := d.s["rule:r"].hours[testNow.Unix()/3600]; n != 1 {
		t.Errorf("counted %d times", n)
	}
}
