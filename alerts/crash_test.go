package alerts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify/webhook"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
)

// TestMain lets the crash test run an alert process as a child (this test
// binary) that it can kill with SIGKILL.
func TestMain(m *testing.M) {
	if natsURL := os.Getenv("PRESSWATCH_TEST_ALERTS_CHILD_NATS"); natsURL != "" {
		os.Exit(runChild(natsURL, os.Getenv("PRESSWATCH_TEST_ALERTS_CHILD_HOOK")))
	}
	os.Exit(m.Run())
}

func runChild(natsURL, hookURL string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	b, err := bus.Open(ctx, bus.Options{URL: natsURL, Name: "alerts-child", MaxDeliver: 5, AckWait: 2 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer b.Close()
	hook, err := webhook.New(webhook.Config{URL: hookURL, Timeout: time.Second}, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rt, _ := route.New(route.Spec{Receivers: []string{"hook"}, Timing: route.Timing{GroupWait: 200 * time.Millisecond, GroupInterval: time.Hour, RepeatInterval: 24 * time.Hour}})
	reg := prometheus.NewRegistry()
	st, _ := alerts.NewStore(b, reg, nil)
	svc, err := alerts.NewService(b, alerts.Options{Receivers: []alerts.Receiver{{Name: "hook", Notifier: hook}}, Route: rt, Store: st,
		Retry: alerts.Retry{Timeout: time.Second, Base: 50 * time.Millisecond}, Tick: 20 * time.Millisecond, Registerer: reg,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("READY")
	if err := svc.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// crashHook counts webhook deliveries by idempotency key and alert; the
// first request is held until the test has killed the sender.
type crashHook struct {
	mu      sync.Mutex
	keys    map[string]int
	alerts  map[string]bool
	first   chan struct{}
	release chan struct{}
	once    sync.Once
}

func (h *crashHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p webhook.Payload
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &p)
	h.mu.Lock()
	h.keys[p.IdempotencyKey]++
	for _, al := range p.Notification.Alerts {
		h.alerts[al.ID] = true
	}
	h.mu.Unlock()
	held := false
	h.once.Do(func() { held = true })
	if held {
		close(h.first)
		<-h.release
	}
}

func (h *crashHook) snapshot() (map[string]int, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := map[string]int{}
	for k, v := range h.keys {
		keys[k] = v
	}
	return keys, len(h.alerts)
}

func startAlertsChild(t *testing.T, natsURL, hookURL string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PRESSWATCH_TEST_ALERTS_CHILD_NATS="+natsURL, "PRESSWATCH_TEST_ALERTS_CHILD_HOOK="+hookURL)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := io.ReadFull(out, buf); err != nil || string(buf) != "READY\n" {
		_ = cmd.Process.Kill()
		t.Fatalf("child did not start: %q %v", buf, err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return cmd
}

// An alert process killed with SIGKILL while sending loses nothing: the
// next one sends what was decided, and anything sent twice carries the
// same idempotency key.
func TestCrashMidSendLosesNothingAndDuplicatesOnlyByKey(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	hook := &crashHook{keys: map[string]int{}, alerts: map[string]bool{}, first: make(chan struct{}), release: make(chan struct{})}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		select {
		case <-hook.release:
		default:
			close(hook.release)
		}
	})
	const stories = 6
	for i := range 2 * stories {
		publish(t, b, storyArticle(fmt.Sprintf("c%d", i), fmt.Sprintf("story-%d", i%stories), "vnexpress", article.SeverityHigh, "so-y-te"))
	}
	c1 := startAlertsChild(t, b.ClientURL(), srv.URL+"/hook")
	select {
	case <-hook.first:
	case <-time.After(30 * time.Second):
		_ = c1.Process.Kill()
		t.Fatal("no notification reached the receiver")
	}
	if err := c1.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c1.Wait()
	close(hook.release)
	keys, _ := hook.snapshot()
	t.Logf("killed mid-send with %d notification(s) received", len(keys))

	c2 := startAlertsChild(t, b.ClientURL(), srv.URL+"/hook")
	defer func() {
		_ = c2.Process.Signal(syscall.SIGTERM)
		_ = c2.Wait()
	}()
	wait.Until(t, 15*time.Second, "every story notified", func() bool {
		keys, notified := hook.snapshot()
		return len(keys) >= stories && notified >= stories
	})
	// Past the outbox ack wait (2 × 1 s + 2 s): a notification held by
	// the killed process has been redelivered by now.
	time.Sleep(5 * time.Second)
	keys, notified := hook.snapshot()
	if len(keys) != stories || notified != stories {
		t.Fatalf("%d keys for %d alerts, want %d each: %v", len(keys), notified, stories, keys)
	}
	st, err := alerts.NewStore(b, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := st.List(context.Background(), alerts.ListOptions{})
	if len(list) != stories {
		t.Errorf("%d alerts, want %d", len(list), stories)
	}
	for _, al := range list {
		if al.ArticleCount != 2 {
			t.Errorf("alert of %s counts %d articles, want 2", al.StoryID, al.ArticleCount)
		}
	}
	for k, n := range keys {
		if n > 1 {
			t.Logf("key %s delivered %d times (the kill fell between the receiver's answer and the delivery record)", k, n)
		}
	}
}
