// Package bustest runs a real embedded NATS JetStream server for tests: a
// random port and a temporary store, shut down when the test ends.
package bustest

import (
	"context"
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus"
)

// Options returns bus options for an embedded server on a random loopback
// port with its store in a fresh temp directory. Tests may adjust them
// before calling Open.
func Options(t testing.TB) bus.Options {
	t.Helper()
	return bus.Options{
		StoreDir:   t.TempDir(),
		Listen:     "127.0.0.1:0",
		Name:       t.Name(),
		MaxDeliver: 3,
		AckWait:    5 * time.Second,
	}
}

// Open starts a bus with o and closes it when the test ends.
func Open(t testing.TB, o bus.Options) *bus.Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := bus.Open(ctx, o)
	if err != nil {
		t.Fatalf("open bus: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Logf("close bus: %v", err)
		}
	})
	return b
}

// Start is Open(t, Options(t)).
func Start(t testing.TB) *bus.Bus {
	t.Helper()
	return Open(t, Options(t))
}
