package alerts_test

import (
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/internal/wait"
)

// An update of an article by its own outlet is a version: the incident
// keeps it as evidence under the article, does not count it and sends no
// follow-up; the same text from another outlet is spread and does. The
// versions here come through another source, which the clusterer would
// not make a version, so that counting them as articles would also show
// as a new outlet and a follow-up.
func TestVersionSendsNoFollowUp(t *testing.T) {
	t.Parallel()
	h, rc := startChat(t)
	a := storyArticle("a0", "s1", "baodienbien", article.SeverityHigh, "so-nnmt")
	publish(t, h.b, a)
	al := waitArticles(t, h.store, 1)
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "the first message", func() bool { return rc.count() == 1 })

	for i, id := range []string{"a0-v1", "a0-v2"} {
		v := storyArticle(id, "s1", "baodienbien-mobile", article.SeverityHigh, "so-nnmt")
		v.VersionOf = a.ID
		v.Published = time.Date(2026, 3, 2, 10+i, 0, 0, 0, time.UTC)
		publish(t, h.b, v)
		publish(t, h.b, v) // redelivered
	}
	wait.Until(t, 15*time.Second, "two versions recorded", func() bool {
		got, err := h.store.Get(t.Context(), al.ID)
		return err == nil && len(got.Articles) == 1 && len(got.Articles[0].Versions) == 2
	})
	h.grouped(t)
	h.clock.Add(61 * time.Second)
	settle(t, h)
	got, err := h.store.Get(t.Context(), al.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ArticleCount != 1 || len(got.Sources) != 1 || got.Articles[0].Versions[0].ID != "a0-v1" || got.Articles[0].Versions[0].URL == "" {
		t.Errorf("after two versions: %d articles, sources %v, versions %+v; want 1 article of 1 outlet with both versions", got.ArticleCount, got.Sources, got.Articles[0].Versions)
	}
	if rc.count() != 1 {
		t.Fatalf("%d messages after two versions, want still 1: %+v", rc.count(), rc.list()[1:])
	}

	// The control: another outlet joining the story is a follow-up.
	r := storyArticle("a1", "s1", "vnexpress", article.SeverityHigh, "so-nnmt")
	publish(t, h.b, r)
	waitArticles(t, h.store, 2)
	h.grouped(t)
	h.clock.Add(61 * time.Second)
	wait.Until(t, 15*time.Second, "a follow-up for the new outlet", func() bool { return rc.count() == 2 })
	if n := rc.list()[1]; n.Kind != alerts.KindFollowUp || n.Update == nil || len(n.Update.NewSources) != 1 || n.Update.NewSources[0] != "vnexpress" || n.Alerts[0].ArticleCount != 2 {
		t.Errorf("second message %s %+v, want a follow-up naming vnexpress and counting 2 articles", n.Kind, n.Update)
	}
}

// A version that reaches the alerts before its article (they are consumed
// in parallel) stands for the article, which then joins it as a version:
// the incident counts one article either way.
func TestVersionBeforeItsArticle(t *testing.T) {
	t.Parallel()
	h, _ := startChat(t)
	item := storyArticle("b0", "s2", "baodienbien", article.SeverityHigh, "so-nnmt")
	v := storyArticle("b0-v1", "s2", "baodienbien", article.SeverityHigh, "so-nnmt")
	v.VersionOf = item.ID
	for _, a := range []*article.Article{v, item, v, item} {
		if err := h.svc.Ingest(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	al := waitArticles(t, h.store, 1)
	if len(al.Articles) != 1 || al.Articles[0].ID != v.ID || len(al.Articles[0].Versions) != 1 || al.Articles[0].Versions[0].ID != item.ID {
		t.Errorf("incident lists %+v; want the version standing for the article, with the article under it", al.Articles)
	}
}
