package bus_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/internal/wait"
)

// slowLink is a TCP proxy that delays what the server sends by delay, as
// a loaded machine or a route to another node does.
func slowLink(t *testing.T, target string, delay time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				_ = client.Close()
				return
			}
			t.Cleanup(func() { _ = client.Close(); _ = server.Close() })
			go func() { _, _ = io.Copy(server, client) }()
			go delayCopy(client, server, delay)
		}
	}()
	return "nats://" + ln.Addr().String()
}

// delayCopy copies src to dst, each chunk delay after it was read, in
// order.
func delayCopy(dst io.Writer, src io.Reader, delay time.Duration) {
	type chunk struct {
		data []byte
		due  time.Time
	}
	line := make(chan chunk, 1024)
	go func() {
		defer close(line)
		for {
			buf := make([]byte, 32*1024)
			n, err := src.Read(buf)
			if n > 0 {
				line <- chunk{buf[:n], time.Now().Add(delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range line {
		// The sleep is the latency being modelled, not a wait for an
		// event.
		time.Sleep(time.Until(c.due))
		if _, err := dst.Write(c.data); err != nil && !errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

// A fetch ends when its wait does; what the server sent just before, and
// the client receives just after, must still be taken. A client that
// stopped reading at its own deadline left those messages delivered to
// nobody, and they came back only after ack_wait (30 s by default): late
// articles in the index, late alerts.
func TestFetchTakesWhatTheServerSentBeforeTheWaitEnded(t *testing.T) {
	srv := bustest.Start(t)
	o := bustest.Options(t)
	o.StoreDir, o.Listen, o.Name = "", "", "behind-a-slow-link"
	o.URL = slowLink(t, strings.TrimPrefix(srv.ClientURL(), "nats://"), 40*time.Millisecond)
	// Longer than the test: a message left to redelivery fails it.
	o.AckWait = time.Minute
	client := bustest.Open(t, o)

	var mu sync.Mutex
	seen := map[string]int{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- client.ConsumeBatches(ctx, bus.IndexerConsumer("slow"), bus.ConsumeOptions{Batch: 100, MaxWait: 100 * time.Millisecond},
			func(_ context.Context, msgs []jetstream.Msg) []error {
				mu.Lock()
				defer mu.Unlock()
				for _, m := range msgs {
					seen[string(m.Data())]++
				}
				return make([]error, len(msgs))
			})
	}()
	// Messages arrive all the time, so that every fetch's last moments
	// have some.
	const n = 300
	for i := range n {
		if err := srv.Publish(context.Background(), bus.SubjectClassified, fmt.Sprint(i), []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Millisecond) // the pace of arrivals being modelled
	}
	wait.For(t, 20*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(seen) < n {
			return fmt.Errorf("%d of %d messages handled within ack_wait", len(seen), n)
		}
		return nil
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("message %s handled %d times, want 1", k, c)
		}
	}
}
