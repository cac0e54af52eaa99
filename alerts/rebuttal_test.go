package alerts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify/template"
	"github.com/presswatch/presswatch/article"
)

// TestRebuttalTravelsFromTheMatchToTheMessage: the official rebuttal a
// rule (or a misleading case) names reaches the alert and every message
// about it; a newer one replaces it; a javascript: one never gets there.
func TestRebuttalTravelsFromTheMatchToTheMessage(t *testing.T) {
	t.Parallel()
	h, rc := startChat(t)
	b := h.b
	ctx := context.Background()
	const rebuttal = "https://dienbien.gov.example/bac-bo?tin=thu-phi&v=1"
	claim := func(id, source, rule, link string) *article.Article {
		a := storyArticle(id, "", source, article.SeverityHigh, "so-gtvt")
		a.Title = "Từ 1/8 thu phí xe máy " + id
		a.Matches = []article.Match{{RuleID: rule, Title: "Tin sai: thu phí xe máy", Severity: article.SeverityHigh, Labels: []string{"misleading"}, Rebuttal: link}}
		return a
	}
	first := claim("f1", "mxh", "claim.fee", rebuttal)
	first.StoryID = "story-fee"
	publish(t, b, first)
	evil := claim("e1", "mxh2", "claim.evil", "javascript:alert(document.cookie)")
	publish(t, b, evil)
	wait.Until(t, 15*time.Second, "both alerts", func() bool {
		l, _ := h.store.List(ctx, alerts.ListOptions{})
		return len(l) == 2
	})
	byRule := func() map[string]*alerts.Alert {
		l, err := h.store.List(ctx, alerts.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*alerts.Alert{}
		for _, al := range l {
			out[al.Rules[0].ID] = al
		}
		return out
	}
	got := byRule()
	if r := got["claim.fee"].Rules[0].Rebuttal; r != rebuttal {
		t.Errorf("alert rebuttal %q, want %q", r, rebuttal)
	}
	if r := got["claim.evil"].Rules[0].Rebuttal; r != "" {
		t.Errorf("javascript: rebuttal kept on the alert: %q", r)
	}

	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "two notifications", func() bool { return rc.count() == 2 })
	set, err := template.Load(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range rc.list() {
		text, tg := messages(t, set, n, template.Telegram)
		switch n.Alerts[0].Rules[0].ID {
		case "claim.fee":
			if !strings.Contains(text, "Thông tin chính thức bác bỏ: "+rebuttal) {
				t.Errorf("e-mail lacks the rebuttal:\n%s", text)
			}
			if !strings.Contains(tg, `<a href="https://dienbien.gov.example/bac-bo?tin=thu-phi&amp;v=1">`) {
				t.Errorf("telegram message lacks the rebuttal link:\n%s", tg)
			}
		case "claim.evil":
			if strings.Contains(text+tg, "javascript:") || strings.Contains(text+tg, "bác bỏ") {
				t.Errorf("hostile rebuttal shown:\n%s\n%s", text, tg)
			}
		}
	}

	// The office publishes newer information: the next copy carries it.
	const newer = "https://dienbien.gov.example/bac-bo?tin=thu-phi&v=2"
	second := claim("f2", "mxh3", "claim.fee", newer)
	second.StoryID = "story-fee"
	publish(t, b, second)
	wait.Until(t, 15*time.Second, "the newer rebuttal", func() bool {
		al := byRule()["claim.fee"]
		return al.ArticleCount == 2 && al.Rules[0].Rebuttal == newer
	})
	al := byRule()["claim.fee"]
	if last := al.History[len(al.History)-1]; last.Action != "rebuttal" || last.Note != newer {
		t.Errorf("history does not record the new rebuttal: %+v", last)
	}
	// A copy whose match names no rebuttal keeps the one the alert has.
	third := claim("f3", "mxh4", "claim.fee", "")
	third.StoryID = "story-fee"
	publish(t, b, third)
	wait.Until(t, 15*time.Second, "the third article", func() bool { return byRule()["claim.fee"].ArticleCount == 3 })
	if r := byRule()["claim.fee"].Rules[0].Rebuttal; r != newer {
		t.Errorf("rebuttal %q after a match without one, want %q", r, newer)
	}
}

// messages renders n as the default templates write it for e-mail (plain
// text) and for a chat in flavor f.
func messages(t *testing.T, set *template.Set, n *alerts.Notification, f template.Flavor) (text, chat string) {
	t.Helper()
	text, err := set.Render(n, template.Text)
	if err != nil {
		t.Fatal(err)
	}
	if chat, err = set.RenderChat(n, f, 4096); err != nil {
		t.Fatal(err)
	}
	return text, chat
}
