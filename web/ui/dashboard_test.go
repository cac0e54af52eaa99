package ui

import (
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
)

// A story that concerns two departments has two incidents; the week's
// widest stories list it once, by its most severe incident.
func TestWidestStoriesListEachStoryOnce(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	week := now.AddDate(0, 0, -7)
	inc := func(id, story string, sev article.Severity, sources ...string) *alerts.Alert {
		return &alerts.Alert{ID: id, Type: alerts.TypeArticle, StoryID: story, Title: "story " + story, Severity: sev,
			Created: now.Add(-time.Hour), Sources: sources, ArticleCount: len(sources)}
	}
	list := []*alerts.Alert{
		inc("flood-agri", "flood", article.SeverityMedium, "a", "b", "c"),
		inc("flood-build", "flood", article.SeverityHigh, "a", "b"),
		inc("land-agri", "land", article.SeverityMedium, "a"),
		inc("old", "old", article.SeverityHigh, "a", "b", "c", "d"),
	}
	list[3].Created = week.Add(-time.Hour)
	var d dashboardData
	d.fillStories(list, week)
	if len(d.Stories) != 2 {
		t.Fatalf("rows %+v, want the flood and the land story once each", d.Stories)
	}
	flood := d.Stories[0]
	if flood.ID != "flood-build" || flood.Severity != string(article.SeverityHigh) || flood.Sites != 3 || flood.Articles != 3 {
		t.Errorf("flood row %+v: want the high incident, with the widest spread of the two (3 sites, 3 articles)", flood)
	}
	if d.Stories[1].ID != "land-agri" {
		t.Errorf("second row %+v, want the land story", d.Stories[1])
	}
}
