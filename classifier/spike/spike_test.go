package spike

import (
	"fmt"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
)

func flagged(rule, source, story string) *article.Article {
	return &article.Article{SourceID: source, StoryID: story,
		Matches: []article.Match{{RuleID: rule, Labels: []string{"crisis"}, Terms: []string{"lũ quét"}}}}
}

func TestHourSpikeAgainstTheDayBefore(t *testing.T) {
	d := New(Options{})
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	// A steady day: one flood article every two hours.
	for h := 0; h < 24; h += 2 {
		if ev := d.Observe(flagged("disaster.flood", "a", ""), t0.Add(time.Duration(h)*time.Hour)); len(ev) != 0 {
			t.Fatalf("steady coverage spiked at hour %d: %+v", h, ev)
		}
	}
	// Then eight articles from four outlets within one hour.
	var events []Event
	at := t0.Add(25 * time.Hour)
	for i := range 8 {
		events = append(events, d.Observe(flagged("disaster.flood", fmt.Sprintf("s%d", i%4), "story1"), at.Add(time.Duration(i)*time.Minute))...)
	}
	got := map[string]Event{}
	for _, e := range events {
		if _, dup := got[e.ID()]; dup {
			t.Errorf("event %s emitted twice", e.ID())
		}
		got[e.ID()] = e
	}
	var hour *Event
	for _, e := range got {
		if e.Key == "rule:disaster.flood" && e.Window == "hour" {
			hour = &e
		}
	}
	if hour == nil {
		t.Fatalf("no hourly spike for the rule: %+v", got)
	}
	// The day before holds 11 articles (hours 2 to 22): a mean of 11/24.
	if hour.Count != 5 || hour.Baseline != 11.0/24 || hour.Ratio < 10 || hour.Terms[0] != "lũ quét" || len(hour.Sources) != 4 {
		t.Errorf("hour spike = %+v", *hour)
	}
	labelOrStory := 0
	for _, e := range got {
		if e.Key == "label:crisis" || e.Key == "story:story1" {
			labelOrStory++
		}
	}
	if labelOrStory < 2 {
		t.Errorf("label and story spikes missing: %+v", got)
	}
}

func TestNoSpikeBelowTheMinimumOrWithinTheBaseline(t *testing.T) {
	d := New(Options{})
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	// Busy every hour for two weeks: ten an hour is normal here.
	for h := range 15 * 24 {
		for i := range 10 {
			if ev := d.Observe(flagged("traffic", "a", ""), t0.Add(time.Duration(h)*time.Hour+time.Duration(i)*time.Minute)); h >= 24 && len(ev) != 0 {
				t.Fatalf("usual volume spiked at hour %d: %+v", h, ev)
			}
		}
	}
	// Four articles on a new rule: below the hourly minimum of five.
	for i := range 4 {
		if ev := d.Observe(flagged("new.rule", "a", ""), t0.Add(16*24*time.Hour+time.Duration(i)*time.Minute)); len(ev) != 0 {
			t.Fatalf("spike below the minimum: %+v", ev)
		}
	}
}

func TestDaySpikeAgainstTwoWeeks(t *testing.T) {
	d := New(Options{MinHour: 1000}) // only the day window
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for day := range 15 {
		for i := range 2 {
			d.Observe(flagged("land", "a", ""), t0.Add(time.Duration(day)*24*time.Hour+time.Duration(i)*time.Hour))
		}
	}
	var got []Event
	for i := range 12 {
		got = append(got, d.Observe(flagged("land", "b", ""), t0.Add(15*24*time.Hour+time.Duration(i)*time.Hour))...)
	}
	found := false
	for _, e := range got {
		if e.Key == "rule:land" && e.Window == "day" {
			found = e.Count >= 10 && e.Baseline == 2
		}
	}
	if !found {
		t.Errorf("no day spike: %+v", got)
	}
}
