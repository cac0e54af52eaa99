package bus_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

func streamMsgs(t *testing.T, b *bus.Bus, stream string) uint64 {
	t.Helper()
	s, err := b.JetStream().Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

func TestPublishDeduplicatesByMsgID(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := b.Publish(ctx, bus.SubjectFetched, "same-id", []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Publish(ctx, bus.SubjectFetched, "other-id", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if got := streamMsgs(t, b, bus.StreamFetched); got != 2 {
		t.Fatalf("stream holds %d messages, want 2 (duplicates dropped)", got)
	}
}

// collect runs a consumer until n messages were handled or the deadline.
func runConsumer(t *testing.T, b *bus.Bus, spec bus.ConsumerSpec, h bus.Handler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Consume(ctx, spec, h) }()
	return func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("consume: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("consumer did not stop")
		}
	}
}

func TestConsumeAcksEachMessageOnce(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	ctx := context.Background()
	const n = 50
	for i := range n {
		if err := b.Publish(ctx, bus.SubjectFetched, fmt.Sprint(i), []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[string]int{}
	stop := runConsumer(t, b, bus.ClassifierConsumer(), func(_ context.Context, m jetstream.Msg) error {
		mu.Lock()
		seen[string(m.Data())]++
		mu.Unlock()
		return nil
	})
	wait.Until(t, 20*time.Second, "all messages", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == n })
	stop()
	// A second consumer run on the same durable sees nothing new.
	stop = runConsumer(t, b, bus.ClassifierConsumer(), func(_ context.Context, m jetstream.Msg) error {
		mu.Lock()
		seen[string(m.Data())]++
		mu.Unlock()
		return nil
	})
	time.Sleep(1500 * time.Millisecond)
	stop()
	for k, c := range seen {
		if c != 1 {
			t.Errorf("message %s handled %d times, want 1", k, c)
		}
	}
}

func TestFailingMessageGoesToDeadLetterAfterMaxDeliver(t *testing.T) {
	t.Parallel()
	o := bustest.Options(t)
	o.MaxDeliver = 2
	reg := prometheus.NewRegistry()
	o.Registerer = reg
	b := bustest.Open(t, o)
	ctx := context.Background()
	if err := b.Publish(ctx, bus.SubjectFetched, "bad", []byte("bad")); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, bus.SubjectFetched, "good", []byte("good")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	attempts := map[string]int{}
	stop := runConsumer(t, b, bus.ClassifierConsumer(), func(_ context.Context, m jetstream.Msg) error {
		mu.Lock()
		attempts[string(m.Data())]++
		mu.Unlock()
		if string(m.Data()) == "bad" {
			return errors.New("dependency down")
		}
		return nil
	})
	wait.Until(t, 20*time.Second, "dead letter", func() bool { n, _ := b.DeadLetterCount(ctx); return n == 1 })
	stop()
	mu.Lock()
	defer mu.Unlock()
	if attempts["bad"] != 2 {
		t.Errorf("bad message tried %d times, want 2", attempts["bad"])
	}
	if attempts["good"] != 1 {
		t.Errorf("good message tried %d times, want 1", attempts["good"])
	}
	dl, err := b.JetStream().Stream(ctx, bus.StreamDeadLetter)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := dl.GetLastMsgForSubject(ctx, bus.SubjectDeadLetterPrefix+"classifier")
	if err != nil {
		t.Fatal(err)
	}
	if string(raw.Data) != "bad" || raw.Header.Get(bus.HeaderOriginalSubject) != bus.SubjectFetched ||
		!strings.Contains(raw.Header.Get(bus.HeaderError), "dependency down") {
		t.Errorf("dead letter = %q headers %v", raw.Data, raw.Header)
	}
	if got := sumMetric(t, reg, "presswatch_bus_dead_lettered_total"); got != 1 {
		t.Errorf("dead_lettered_total = %v, want 1", got)
	}
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "presswatch_bus_dead_letter_messages" && mf.GetMetric()[0].GetGauge().GetValue() != 1 {
			t.Errorf("dead_letter_messages = %v, want 1", mf.GetMetric()[0].GetGauge().GetValue())
		}
	}
}

func sumMetric(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			var sum float64
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
			return sum
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

func TestPermanentErrorAndPanicDeadLetterAtOnce(t *testing.T) {
	t.Parallel()
	o := bustest.Options(t)
	o.MaxDeliver = 5
	b := bustest.Open(t, o)
	ctx := context.Background()
	for _, s := range []string{"poison", "panic", "ok"} {
		if err := b.Publish(ctx, bus.SubjectFetched, s, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	attempts := map[string]int{}
	stop := runConsumer(t, b, bus.ClassifierConsumer(), func(_ context.Context, m jetstream.Msg) error {
		mu.Lock()
		attempts[string(m.Data())]++
		mu.Unlock()
		switch string(m.Data()) {
		case "poison":
			return bus.Permanent(errors.New("malformed"))
		case "panic":
			panic("boom")
		}
		return nil
	})
	wait.Until(t, 20*time.Second, "two dead letters", func() bool { n, _ := b.DeadLetterCount(ctx); return n == 2 })
	stop()
	mu.Lock()
	defer mu.Unlock()
	if attempts["poison"] != 1 || attempts["panic"] != 1 || attempts["ok"] != 1 {
		t.Errorf("attempts = %v, want each once", attempts)
	}
}

func TestBatchAckOnlyAfterHandlerReturns(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	ctx := context.Background()
	for i := range 10 {
		if err := b.Publish(ctx, bus.SubjectClassified, fmt.Sprint(i), []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	// The first batch fails as a whole (as a failed index commit would):
	// every message in it must come back.
	var mu sync.Mutex
	calls := 0
	handled := map[string]int{}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.ConsumeBatches(cctx, bus.IndexerConsumer("t"), bus.ConsumeOptions{Batch: 4, MaxWait: 200 * time.Millisecond},
			func(_ context.Context, msgs []jetstream.Msg) []error {
				mu.Lock()
				defer mu.Unlock()
				calls++
				errs := make([]error, len(msgs))
				for i, m := range msgs {
					if calls == 1 {
						errs[i] = errors.New("commit failed")
						continue
					}
					handled[string(m.Data())]++
				}
				return errs
			})
	}()
	wait.Until(t, 20*time.Second, "all handled", func() bool { mu.Lock(); defer mu.Unlock(); return len(handled) == 10 })
	cancel()
	<-done
	for k, c := range handled {
		if c != 1 {
			t.Errorf("message %s handled %d times after success, want 1", k, c)
		}
	}
}

func TestStateSurvivesRestartOnSameStore(t *testing.T) {
	t.Parallel()
	o := bustest.Options(t)
	ctx := context.Background()
	b1, err := bus.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := b1.Publish(ctx, bus.SubjectFetched, "a", []byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := b1.KV(bus.BucketSeen).Put(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := b1.Close(); err != nil {
		t.Fatal(err)
	}
	o.Registerer = prometheus.NewRegistry()
	b2 := bustest.Open(t, o)
	if got := streamMsgs(t, b2, bus.StreamFetched); got != 1 {
		t.Errorf("after restart stream holds %d, want 1", got)
	}
	e, err := b2.KV(bus.BucketSeen).Get(ctx, "k")
	if err != nil || string(e.Value()) != "v" {
		t.Errorf("kv after restart: %v %v", e, err)
	}
	// The duplicate window survives the restart too.
	if err := b2.Publish(ctx, bus.SubjectFetched, "a", []byte("a")); err != nil {
		t.Fatal(err)
	}
	if got := streamMsgs(t, b2, bus.StreamFetched); got != 1 {
		t.Errorf("duplicate after restart stored: %d messages", got)
	}
}

func TestOpenExternalURLFailsClearly(t *testing.T) {
	t.Parallel()
	_, err := bus.Open(context.Background(), bus.Options{URL: "nats://user:hunter2@127.0.0.1:1", SetupTimeout: time.Second})
	if err == nil {
		t.Fatal("expected error")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %v", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error does not name the server: %v", err)
	}
}

func TestTransientFailureIsRetriedPastMaxDeliver(t *testing.T) {
	t.Parallel()
	o := bustest.Options(t)
	o.MaxDeliver = 2
	b := bustest.Open(t, o)
	ctx := context.Background()
	if err := b.Publish(ctx, bus.SubjectFetched, "x", []byte("x")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	attempts := 0
	stop := runConsumer(t, b, bus.ClassifierConsumer(), func(_ context.Context, m jetstream.Msg) error {
		mu.Lock()
		defer mu.Unlock()
		attempts++
		if attempts <= 2 {
			return bus.Transient(errors.New("receiver down"))
		}
		return nil
	})
	wait.Until(t, 20*time.Second, "success after transient failures", func() bool { mu.Lock(); defer mu.Unlock(); return attempts == 3 })
	stop()
	if n, _ := b.DeadLetterCount(ctx); n != 0 {
		t.Errorf("%d dead letters, want 0: transient failures must not exhaust max_deliver", n)
	}
}
