package alerts_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/internal/wait"
)

// An incident lists its first 200 articles and counts the rest. JetStream
// delivers at least once, so an article past the 200 comes again when an
// alert process dies before its ack: the incident must count it once all
// the same, and a version of it (here through a sister source, as in
// TestVersionSendsNoFollowUp, so that counting it as an article would also
// show as a new outlet) must neither count nor make a follow-up.
func TestRedeliveryBeyondListedArticlesCountsOnce(t *testing.T) {
	t.Parallel()
	h, rc := startChat(t)
	const n = 230 // 30 past the articles an incident lists
	sources := []string{"baodienbien", "vnexpress", "tuoitre", "thanhnien"}
	arts := map[string]*article.Article{}
	for i := range n {
		a := storyArticle(fmt.Sprintf("a%03d", i), "s1", sources[i%len(sources)], article.SeverityHigh, "so-nnmt")
		arts[a.ID] = a
		publish(t, h.b, a)
	}
	drained(t, h)
	al := waitArticles(t, h.store, n)
	// Articles are handled in parallel: which 200 the incident lists is
	// up to the order they came in.
	var overflow []*article.Article
	for id, a := range arts {
		if !slices.ContainsFunc(al.Articles, func(r alerts.ArticleRef) bool { return r.ID == id }) {
			overflow = append(overflow, a)
		}
	}
	if len(al.Articles) != 200 || len(overflow) != n-200 {
		t.Fatalf("incident lists %d articles and leaves %d out; want 200 and %d", len(al.Articles), len(overflow), n-200)
	}
	// A listed article's versions fill its list of versions.
	versionOf := func(a *article.Article, k int) *article.Article {
		v := storyArticle(fmt.Sprintf("%s-v%02d", a.ID, k), "s1", a.SourceID+"-mobile", article.SeverityHigh, "so-nnmt")
		v.VersionOf = a.ID
		v.Published = time.Date(2026, 3, 2, 10, k, 0, 0, time.UTC)
		return v
	}
	listed := arts[al.Articles[0].ID]
	for k := 1; k <= 50; k++ {
		publish(t, h.b, versionOf(listed, k))
	}
	drained(t, h)
	al, err := h.store.Get(t.Context(), al.ID)
	if err != nil || al.ArticleCount != n || len(al.Articles[0].Versions) != 50 {
		t.Fatalf("after 50 versions of %s: %+v, %v; want %d articles, the first with 50 versions", listed.ID, al, err, n)
	}
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "the first message", func() bool { return rc.count() == 1 })

	// Redelivered: every article past the listed ones, a version past the
	// versions' cap, and a version of an article past the listed ones.
	for _, a := range overflow {
		publish(t, h.b, a)
	}
	for range 2 {
		publish(t, h.b, versionOf(listed, 51))
		publish(t, h.b, versionOf(overflow[0], 1))
	}
	drained(t, h)
	got, err := h.store.Get(t.Context(), al.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ArticleCount != n || got.Changes != al.Changes || !slices.Equal(got.Sources, al.Sources) {
		t.Errorf("after redeliveries: %d articles, %d changes, sources %v; want %d, %d, %v as before",
			got.ArticleCount, got.Changes, got.Sources, n, al.Changes, al.Sources)
	}

	if len(got.Counted) != 8*len(overflow) {
		t.Errorf("incident remembers %d bytes of articles past the listed ones, want %d", len(got.Counted), 8*len(overflow))
	}

	// The control: a new outlet joining is the one follow-up, and tells
	// that outlet only.
	publish(t, h.b, storyArticle("b0", "s1", "dantri", article.SeverityHigh, "so-nnmt"))
	drained(t, h)
	h.grouped(t)
	h.clock.Add(61 * time.Second)
	wait.Until(t, 15*time.Second, "a follow-up for the new outlet", func() bool {
		return slices.ContainsFunc(rc.list(), func(m *alerts.Notification) bool {
			return m.Update != nil && slices.Contains(m.Update.NewSources, "dantri")
		})
	})
	wait.For(t, 15*time.Second, func() error {
		p, err := h.svc.OutboxPending(t.Context())
		if err != nil || p["chat"] != 0 {
			return fmt.Errorf("outbox pending %v: %v", p, err)
		}
		return nil
	})
	msgs := rc.list()
	last := msgs[len(msgs)-1]
	if last.Alerts[0].Counted != nil {
		t.Error("the follow-up carries the incident's bookkeeping of counted articles")
	}
	if len(msgs) != 2 || last.Kind != alerts.KindFollowUp || !slices.Equal(last.Update.NewSources, []string{"dantri"}) || last.Alerts[0].ArticleCount != n+1 {
		t.Errorf("%d messages, the last %s telling %+v with %d articles; want 2, a follow-up telling dantri only with %d",
			len(msgs), last.Kind, last.Update, last.Alerts[0].ArticleCount, n+1)
	}
}

// drained waits until the alert service has handled and acknowledged
// every article published, so that what a test reads next is final.
func drained(t *testing.T, h *harness) {
	t.Helper()
	wait.For(t, 30*time.Second, func() error {
		c, err := h.b.JetStream().Consumer(context.Background(), bus.StreamClassified, bus.AlertsConsumer().Name)
		if err != nil {
			return err
		}
		info, err := c.Info(context.Background())
		if err != nil {
			return err
		}
		if info.NumPending != 0 || info.NumAckPending != 0 {
			return fmt.Errorf("alerts consumer: %d pending, %d unacknowledged", info.NumPending, info.NumAckPending)
		}
		return nil
	})
}
