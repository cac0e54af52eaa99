package indexer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
)

// TestTallyAgreesWithCountingTheArticles indexes random articles across a
// month boundary in several batches (several segments, two partitions)
// and checks every count against the articles themselves.
func TestTallyAgreesWithCountingTheArticles(t *testing.T) {
	t.Parallel()
	idx, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	loc := time.FixedZone("ICT", 7*3600)
	start := time.Date(2026, 11, 28, 0, 0, 0, 0, loc) // a week over the month's end (UTC partitions)
	var arts []*article.Article
	for b := range 4 {
		var batch []*article.Article
		for i := range 60 {
			a := &article.Article{
				ID:        fmt.Sprintf("%02d%030d", b, i),
				URL:       fmt.Sprintf("https://x.vn/%d/%d", b, i),
				SourceID:  []string{"baodienbien", "vnexpress", "dantri"}[rng.IntN(3)],
				Tier:      []string{"local", "central", ""}[rng.IntN(3)],
				Lang:      []string{"vi", "en", "fr"}[rng.IntN(3)],
				Title:     []string{"Sạt lở đất", "Lễ hội hoa ban", "Dịch sốt xuất huyết"}[rng.IntN(3)],
				Text:      "nội dung",
				Published: start.Add(time.Duration(rng.IntN(9*24*3600)-24*3600) * time.Second),
				Sentiment: rng.Float64()*2 - 1,
				StoryID:   fmt.Sprintf("s%d", rng.IntN(5)),
			}
			if rng.IntN(2) == 0 {
				a.Labels = []string{"sensitive", []string{"disaster", "health"}[rng.IntN(2)]}
			}
			batch = append(batch, a)
		}
		if err := idx.IndexBatch(batch); err != nil {
			t.Fatal(err)
		}
		arts = append(arts, batch...)
	}
	var bounds []time.Time
	for d := 1; d < 7; d++ {
		bounds = append(bounds, start.AddDate(0, 0, d))
	}
	req := TallyRequest{
		Q: "lở", From: start, To: start.AddDate(0, 0, 7), Bounds: bounds,
		Fields: []string{"source", "tier", "lang", "label", "story", "tone"}, PerBucket: []string{"label", "tone"}, PerTone: []string{"label"},
	}
	got, err := idx.Tally(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := newTally(req)
	for _, a := range arts {
		if a.Published.Before(req.From) || !a.Published.Before(req.To) || a.Title != "Sạt lở đất" {
			continue
		}
		b := int(a.Published.Sub(start) / (24 * time.Hour))
		tone := article.ToneOf(a.Sentiment)
		want.Total++
		want.Buckets[b]++
		vals := map[string][]string{"source": {a.SourceID}, "tier": {a.Tier}, "lang": {a.Lang}, "label": a.Labels, "story": {a.StoryID}, "tone": {tone}}
		for f, vs := range vals {
			for _, v := range vs { // an article without a tier counts as tier ""
				want.Terms[f][v]++
				if bt := want.BucketTerms[f]; bt != nil {
					bt[b][v]++
				}
				if tt := want.ToneTerms[f]; tt != nil {
					tt[tone][v]++
				}
			}
		}
	}
	if want.Total == 0 {
		t.Fatal("fixture has no matches")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tally\n got %+v\nwant %+v", got, want)
	}
}

func TestTallyRefusesABadRequest(t *testing.T) {
	t.Parallel()
	idx, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	now := time.Now()
	for name, req := range map[string]TallyRequest{
		"empty period":  {From: now, To: now},
		"unknown field": {From: now, To: now.Add(time.Hour), Fields: []string{"byline"}},
		"bound outside": {From: now, To: now.Add(time.Hour), Bounds: []time.Time{now.Add(2 * time.Hour)}},
		"bad query":     {From: now, To: now.Add(time.Hour), Q: "a AND ("},
	} {
		if _, err := idx.Tally(context.Background(), req); !errors.Is(err, ErrBadQuery) {
			t.Errorf("%s: %v, want ErrBadQuery", name, err)
		}
	}
}
