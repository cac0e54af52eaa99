package bus_test

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/internal/wait"
)

// logCounter is a slog handler counting warnings by message.
type logCounter struct {
	mu   sync.Mutex
	msgs map[string]int
}

func (c *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCounter) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *logCounter) WithGroup(string) slog.Handler            { return c }
func (c *logCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		c.mu.Lock()
		c.msgs[r.Message]++
		c.mu.Unlock()
	}
	return nil
}

func (c *logCounter) count(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for m, k := range c.msgs {
		if strings.HasPrefix(m, prefix) {
			n += k
		}
	}
	return n
}

// A consumer whose stream vanishes gets "no responders" at once on every
// fetch. The loop must back off and warn once per interval (it used to
// warn thousands of times a second), and once the stream is back it must
// find its consumer again and carry on.
func TestConsumerBacksOffWhileTheClusterCannotServeIt(t *testing.T) {
	t.Parallel()
	logs := &logCounter{msgs: map[string]int{}}
	o := bustest.Options(t)
	o.Logger = slog.New(logs)
	o.RetryMax = 500 * time.Millisecond
	o.RetryLogEvery = time.Hour
	b := bustest.Open(t, o)
	ctx := context.Background()

	var handled atomic.Int64
	stop := runConsumer(t, b, bus.ClassifierConsumer(), func(context.Context, jetstream.Msg) error {
		handled.Add(1)
		return nil
	})
	defer stop()
	if err := b.Publish(ctx, bus.SubjectFetched, "before", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, 20*time.Second, "the first message", func() bool { return handled.Load() == 1 })

	if err := b.JetStream().DeleteStream(ctx, bus.StreamFetched); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, 20*time.Second, "the consumer to notice", func() bool { return logs.count("fetch") > 0 })
	// Another process declaring the topology brings the stream back.
	o2 := bustest.Options(t)
	o2.StoreDir, o2.Listen, o2.URL, o2.Name = "", "", b.ClientURL(), "second"
	b2 := bustest.Open(t, o2)
	if err := b2.Publish(ctx, bus.SubjectFetched, "after", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, 20*time.Second, "the message published after the stream came back", func() bool { return handled.Load() == 2 })
	if n := logs.count("fetch"); n != 1 {
		t.Errorf("the outage logged %d fetch warnings, want 1 per interval (1 here): %v", n, logs.msgs)
	}
}

// Processes started together with the NATS cluster find no server at
// first; they must wait for it rather than exit.
func TestOpenWaitsForAClusterThatStartsLater(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()

	o := bustest.Options(t)
	o.StoreDir, o.Listen, o.URL, o.Name = "", "", "nats://127.0.0.1:"+strconv.Itoa(port), "early"
	o.SetupTimeout = time.Minute
	logs := &logCounter{msgs: map[string]int{}}
	o.Logger = slog.New(logs)
	opened := make(chan error, 1)
	var early *bus.Bus
	go func() {
		var err error
		early, err = bus.Open(context.Background(), o)
		opened <- err
	}()
	// The server comes up only once the client has tried and failed.
	wait.Until(t, 20*time.Second, "a failed attempt at the topology", func() bool {
		select {
		case err := <-opened:
			t.Fatalf("Open returned before any server existed: %v", err)
		default:
		}
		return logs.count("declaring the topology failed") > 0
	})
	server := bustest.Options(t)
	server.Listen = "127.0.0.1:" + strconv.Itoa(port)
	bustest.Open(t, server)
	if err := <-opened; err != nil {
		t.Fatalf("Open did not wait for the cluster: %v", err)
	}
	defer early.Close()
	if err := early.Publish(context.Background(), bus.SubjectFetched, "x", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
}
