package alerts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

// clock is a settable time source, so tests move through group_wait,
// group_interval and quiet hours without sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sink records what a receiver was sent; fail, when set, decides each
// attempt's error.
type sink struct {
	mu    sync.Mutex
	got   []*alerts.Notification
	calls int
	fail  func(call int, n *alerts.Notification) error
}

func (s *sink) Notify(_ context.Context, n *alerts.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		if err := s.fail(s.calls, n); err != nil {
			return err
		}
	}
	s.got = append(s.got, n)
	return nil
}

func (s *sink) list() []*alerts.Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*alerts.Notification(nil), s.got...)
}

func (s *sink) count() int { return len(s.list()) }

func storyArticle(id, story, source string, sev article.Severity, dept string) *article.Article {
	return &article.Article{
		ID: id, URL: "https://" + source + ".example/" + id, Title: "Lũ quét ở Mường Chà " + id, Text: "Lũ quét ở Mường Chà, nhiều nhà bị cuốn trôi.",
		SourceID: source, Tier: "local", Lang: "vi", StoryID: story, Fetched: time.Now(), Severity: sev, Labels: []string{"crisis"},
		Matches: []article.Match{{RuleID: "disaster.flood", Title: "Lũ quét", Severity: sev, Department: dept, Terms: []string{"lũ quét"}}},
	}
}

func publish(t testing.TB, b *bus.Bus, a *article.Article) {
	t.Helper()
	data, _ := json.Marshal(a)
	if err := b.Publish(context.Background(), bus.SubjectClassified, fmt.Sprintf("%s:%d", a.ID, time.Now().UnixNano()), data); err != nil {
		t.Fatal(err)
	}
}

// running starts svc and stops it when the test ends.
func running(t *testing.T, svc *alerts.Service) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
}

func openBus(t *testing.T) *bus.Bus {
	t.Helper()
	o := bustest.Options(t)
	o.AckWait = 2 * time.Second
	return bustest.Open(t, o)
}

// alertOf waits for the alert of story and rule to count n articles.
func waitArticles(t *testing.T, st *alerts.Store, n int) *alerts.Alert {
	t.Helper()
	var found *alerts.Alert
	wait.Until(t, 15*time.Second, fmt.Sprintf("an alert with %d articles", n), func() bool {
		list, err := st.List(context.Background(), alerts.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, al := range list {
			if al.ArticleCount == n {
				found = al
				return true
			}
		}
		return false
	})
	return found
}

// waitGrouped waits until every open alert's articles are counted in its
// notification groups, so that a test moving the clock cannot overtake
// the service still handling an article.
func waitGrouped(t *testing.T, kv jetstream.KeyValue, st *alerts.Store) {
	t.Helper()
	ctx := context.Background()
	wait.Until(t, 15*time.Second, "every alert grouped", func() bool {
		list, err := st.List(ctx, alerts.ListOptions{})
		if err != nil {
			return false
		}
		counted := map[string]int{}
		lister, err := kv.ListKeys(ctx)
		if err != nil {
			return false
		}
		for key := range lister.Keys() {
			if !strings.HasPrefix(key, "g.") {
				continue
			}
			e, err := kv.Get(ctx, key)
			if err != nil {
				return false
			}
			var g struct {
				Members map[string]int `json:"members"`
			}
			if json.Unmarshal(e.Value(), &g) != nil {
				return false
			}
			for id, n := range g.Members {
				counted[id] = max(counted[id], n)
			}
		}
		for _, al := range list {
			if al.Status.Open() && counted[al.ID] < al.ArticleCount {
				return false
			}
		}
		return true
	})
}
