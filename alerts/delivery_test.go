package alerts_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify/webhook"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/article"
)

// scripted is an HTTP receiver answering from a script, then 200.
type scripted struct {
	mu     sync.Mutex
	script []func(w http.ResponseWriter)
	keys   []string // Idempotency-Key of every request
	ok     []string // keys answered 200
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.Header.Get(webhook.HeaderIdempotency)
	s.keys = append(s.keys, key)
	if len(s.script) > 0 {
		f := s.script[0]
		s.script = s.script[1:]
		f(w)
		return
	}
	s.ok = append(s.ok, key)
}

func (s *scripted) counts() (requests, delivered int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys), len(s.ok)
}

func status(code int, header ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
	}
}

func hookReceiver(t *testing.T, name string, h http.Handler) alerts.Receiver {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	n, err := webhook.New(webhook.Config{URL: srv.URL + "/hook/secret-token", Secret: "k"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return alerts.Receiver{Name: name, Notifier: n}
}

func counter(t *testing.T, reg prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if matchLabels(m, labels) {
				sum += m.GetCounter().GetValue() + float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum
}

func matchLabels(m *dto.Metric, want map[string]string) bool {
	for k, v := range want {
		found := false
		for _, lp := range m.GetLabel() {
			if lp.GetName() == k && lp.GetValue() == v {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// hung is a receiver that does not answer, not even to its deadline,
// until released.
type hung struct{ release chan struct{} }

func (h hung) Notify(context.Context, *alerts.Notification) error {
	<-h.release
	return nil
}

func TestRetriesDeadLettersAndReplay(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	stuck := hung{release: make(chan struct{})}
	flaky := &scripted{script: []func(http.ResponseWriter){status(503), status(429, "Retry-After", "1")}}
	refusing := &scripted{script: []func(http.ResponseWriter){status(400)}}
	down := &scripted{script: []func(http.ResponseWriter){status(502), status(503), status(500), status(504)}}
	recvs := []alerts.Receiver{hookReceiver(t, "flaky", flaky), hookReceiver(t, "refusing", refusing), hookReceiver(t, "down", down),
		{Name: "stuck", Notifier: stuck}}
	h := start(t, b, alerts.Options{
		Receivers: recvs,
		Route:     mustRoute(t, route.Spec{Receivers: []string{"flaky", "refusing", "down", "stuck"}, Timing: route.Timing{GroupWait: time.Second}}),
		Retry:     alerts.Retry{Attempts: 3, Base: 10 * time.Millisecond, Timeout: 3 * time.Second},
	})
	t.Cleanup(func() { close(stuck.release) }) // before the service stops
	publish(t, b, storyArticle("r1", "s-retry", "vnexpress", article.SeverityHigh, "so-y-te"))
	waitArticles(t, h.store, 1)
	h.grouped(t)
	h.clock.Add(2 * time.Second)

	// The stuck receiver holds none of the others up, and its notification
	// shows in the outbox meanwhile.
	wait.Until(t, 15*time.Second, "flaky delivered after a 503 and a 429", func() bool { _, ok := flaky.counts(); return ok == 1 })
	// The flaky receiver has answered; its outbox message is acked just
	// after, so the count is awaited rather than read once.
	wait.Until(t, 15*time.Second, "only the stuck receiver's notification pending in the outbox", func() bool {
		pending, err := h.svc.OutboxPending(context.Background())
		return err == nil && pending["stuck"] == 1 && pending["flaky"] == 0
	})
	wait.Until(t, 15*time.Second, "the refused and the exhausted notification dead-lettered", func() bool {
		dl, err := h.store.DeadLetters(context.Background())
		return err == nil && len(dl) == 2
	})
	if n, _ := refusing.counts(); n != 1 {
		t.Errorf("a 400 was retried: %d requests", n)
	}
	if n, _ := down.counts(); n != 3 {
		t.Errorf("down receiver: %d requests, want 3 attempts", n)
	}
	dl, _ := h.store.DeadLetters(context.Background())
	for _, d := range dl {
		if strings.Contains(d.Error, "secret-token") {
			t.Errorf("dead letter reveals the webhook URL: %s", d.Error)
		}
		if d.Notification == nil || d.Notification.Kind != alerts.KindNew {
			t.Errorf("dead letter without its notification: %+v", d)
		}
	}
	for labels, want := range map[[2]string]float64{
		{"flaky", "retry"}: 2, {"flaky", "sent"}: 1, {"refusing", "failed"}: 1, {"down", "retry"}: 2, {"down", "dead"}: 1,
	} {
		if got := counter(t, h.reg, "presswatch_alerts_notifications_total", map[string]string{"receiver": labels[0], "result": labels[1]}); got != want {
			t.Errorf("notifications_total{receiver=%s,result=%s} = %v, want %v", labels[0], labels[1], got, want)
		}
	}

	// An admin replays both; the receivers are back.
	replayed, err := h.store.Replay(context.Background(), nil)
	if err != nil || len(replayed) != 2 {
		t.Fatalf("replay: %v, %v", replayed, err)
	}
	wait.Until(t, 15*time.Second, "replayed notifications delivered", func() bool {
		_, a := refusing.counts()
		_, b := down.counts()
		return a == 1 && b == 1
	})
	if refusing.keys[0] != refusing.ok[0] || down.keys[0] != down.ok[0] {
		t.Errorf("replay changed the idempotency key: %v %v / %v %v", refusing.keys, refusing.ok, down.keys, down.ok)
	}
	wait.Until(t, 15*time.Second, "no dead letters left after replay", func() bool {
		dl, err := h.store.DeadLetters(context.Background())
		return err == nil && len(dl) == 0
	})
	if _, err := h.store.Replay(context.Background(), []string{"nope.x/1"}); !errors.Is(err, alerts.ErrNotFound) {
		t.Errorf("replaying an unknown key: %v", err)
	}
}
