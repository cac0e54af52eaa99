// Package alerts turns flagged articles into alerts, stores them in NATS KV
// and delivers each alert once to every receiver, however often the
// article's message is redelivered.
package alerts

import (
	"time"

	"github.com/presswatch/presswatch/article"
)

// Status is where an alert stands in the office's response.
type Status string

// Statuses of the alert lifecycle.
const (
	StatusNew Status = "new"
)

// Alert is one issue raised for the officers.
type Alert struct {
	ID       string `json:"id"`
	GroupKey string `json:"group_key"`
	// Type is what raised it: "article" (a flagged article or story),
	// "spike" (a surge in coverage) or "source" (a source gone silent or
	// broken). All three go through the same routing.
	Type    string `json:"type,omitempty"`
	Title   string `json:"title,omitempty"` // one line for subjects and inbox rows
	StoryID string `json:"story_id,omitempty"`

	Status      Status           `json:"status"`
	Severity    article.Severity `json:"severity"`
	Labels      []string         `json:"labels"`
	Rules       []RuleRef        `json:"rules"`
	Departments []string         `json:"departments,omitempty"`
	Articles    []ArticleRef     `json:"articles"`
	Created     time.Time        `json:"created"`
	Updated     time.Time        `json:"updated"`
}

// RuleRef names a rule that fired and the terms it found.
type RuleRef struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Terms []string `json:"terms,omitempty"`
}

// ArticleRef is the part of an article a notification shows.
type ArticleRef struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Source    string    `json:"source"`
	Lang      string    `json:"lang,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Summary   string    `json:"summary,omitempty"`
}

// FromArticle builds the alert for a flagged article. One article raises
// one alert for now; grouping by story comes with story clusters.
func FromArticle(a *article.Article, now time.Time) *Alert {
	al := &Alert{
		ID:       a.ID,
		GroupKey: "article:" + a.ID,
		Status:   StatusNew,
		Severity: a.Severity,
		Labels:   a.Labels,
		Created:  now,
		Updated:  now,
	}
	seen := map[string]bool{}
	for _, m := range a.Matches {
		al.Rules = append(al.Rules, RuleRef{ID: m.RuleID, Title: m.Title, Terms: m.Terms})
		if m.Department != "" && !seen[m.Department] {
			seen[m.Department] = true
			al.Departments = append(al.Departments, m.Department)
		}
	}
	summary := a.Summary
	if summary == "" {
		summary = truncateRunes(a.Text, 280)
	}
	al.Articles = []ArticleRef{{ID: a.ID, URL: a.URL, Title: a.Title, Source: a.SourceID, Lang: a.Lang, Published: a.Published, Summary: summary}}
	return al
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}
