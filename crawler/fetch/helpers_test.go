package fetch

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

const testUA = "presswatch-test/1.0 (+https://example.org/bot)"

// newTestFetcher allows 127.0.0.1, disables the host delay and robots.txt
// (tests about those turn them back on) and logs to the test's output.
func newTestFetcher(t *testing.T, mod func(*Options)) *Fetcher {
	t.Helper()
	o := Options{
		UserAgent:    testUA,
		AllowPrivate: []string{"127.0.0.1"},
		MinHostDelay: NoDelay,
		IgnoreRobots: true,
		Timeout:      10 * time.Second,
		Logger:       slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&o)
	}
	f, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(f.CloseIdleConnections)
	return f
}

// serve starts h on addr ("" for 127.0.0.1). Handlers that stall must
// watch r.Context(): Close waits for them.
func serve(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	if addr != "" {
		l, err := net.Listen("tcp", addr+":0")
		if err != nil {
			t.Fatalf("listen on %s: %v", addr, err)
		}
		srv.Listener.Close()
		srv.Listener = l
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// asError fails the test unless err is an *Error of kind want.
func asError(t *testing.T, err error, want Kind) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("got %T %v, want *fetch.Error", err, err)
	}
	if fe.Kind != want {
		t.Fatalf("got kind %v (%v), want %v", fe.Kind, err, want)
	}
	return fe
}

// within fails the test when fn has not returned after limit: the bound
// is generous, it catches hangs, not slowness.
func within(t *testing.T, limit time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("did not finish within %s", limit)
	}
}

// hits counts requests per path.
type hits struct {
	mu sync.Mutex
	n  map[string]int
}

func (h *hits) add(path string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = make(map[string]int)
	}
	h.n[path]++
}

func (h *hits) get(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[path]
}
