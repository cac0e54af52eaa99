package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/indexer"
)

// Index is what a report reads from the article index: a local
// *indexer.Index or indexer.Remote.
type Index interface {
	Tally(ctx context.Context, req indexer.TallyRequest) (*indexer.Tally, error)
	Search(ctx context.Context, req indexer.SearchRequest) (*indexer.SearchResult, error)
	Get(ctx context.Context, id string) (*indexer.ArticleView, error)
}

// Alerts lists alerts (alerts.Store).
type Alerts interface {
	List(ctx context.Context, o alerts.ListOptions) ([]*alerts.Alert, error)
}

// Cases lists the articles marked misleading.
type Cases interface {
	Cases(ctx context.Context) ([]story.Case, error)
}

// Topic is a named query: a policy's coverage or a place.
type Topic struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Query string `json:"query"`
}

// Options shape a report.
type Options struct {
	// Location reckons days; Asia/Ho_Chi_Minh when nil.
	Location *time.Location
	Policies []Topic
	Places   []Topic
	// Departments names departments by ID.
	Departments map[string]string
	// Target is how soon an alert should be answered (default 24h).
	Target time.Duration
	// Stories and Outlets bound the top lists (default 10 and 15).
	Stories, Outlets int
	// Foreign are the foreign languages watched (default en, fr, lo, th).
	Foreign []string
	Now     func() time.Time
}

// ErrNoData is returned for a period in which the index holds no article.
var ErrNoData = errors.New("the index holds no article published in the period")

// Builder computes reports.
type Builder struct {
	idx    Index
	alerts Alerts
	cases  Cases
	o      Options
}

// NewBuilder returns a builder; cases may be nil (no misleading section).
func NewBuilder(idx Index, al Alerts, cases Cases, o Options) (*Builder, error) {
	if idx == nil || al == nil {
		return nil, errors.New("report: an index and an alert store are needed")
	}
	if o.Location == nil {
		loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			return nil, fmt.Errorf("report: time zone: %w", err)
		}
		o.Location = loc
	}
	if o.Target <= 0 {
		o.Target = 24 * time.Hour
	}
	if o.Stories <= 0 {
		o.Stories = 10
	}
	if o.Outlets <= 0 {
		o.Outlets = 15
	}
	if o.Foreign == nil {
		o.Foreign = []string{"en", "fr", "lo", "th"}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Builder{idx: idx, alerts: al, cases: cases, o: o}, nil
}

// Location is where the builder reckons days.
func (b *Builder) Location() *time.Location { return b.o.Location }

// Now is the builder's clock.
func (b *Builder) Now() time.Time { return b.o.Now() }

// Build computes the report of p.
func (b *Builder) Build(ctx context.Context, p Period) (*Report, error) {
	now := b.o.Now()
	if err := p.Check(now); err != nil {
		return nil, err
	}
	p = Period{From: p.From.In(b.o.Location), To: p.To.In(b.o.Location)}
	prevP := p.Previous()
	r := &Report{Period: p, Previous: prevP, Zone: b.o.Location.String(), Generated: now.In(b.o.Location)}
	cur, err := b.idx.Tally(ctx, tallyOf(p, "", true))
	if err != nil {
		return nil, fmt.Errorf("report: count the period: %w", err)
	}
	if cur.Total == 0 {
		return nil, fmt.Errorf("report %s: %w", p.Name(), ErrNoData)
	}
	prev, err := b.idx.Tally(ctx, tallyOf(prevP, "", false))
	if err != nil {
		return nil, fmt.Errorf("report: count the previous period: %w", err)
	}
	b.counts(r, cur, prev)
	steps := []struct {
		what string
		do   func(context.Context, *Report, *indexer.Tally) error
	}{
		{"top stories", b.stories},
		{"policy coverage", func(ctx context.Context, r *Report, _ *indexer.Tally) error {
			r.Policies, err = b.topics(ctx, r, b.o.Policies)
			return err
		}},
		{"places", func(ctx context.Context, r *Report, _ *indexer.Tally) error {
			r.Places, err = b.topics(ctx, r, b.o.Places)
			return err
		}},
		{"alerts", func(ctx context.Context, r *Report, _ *indexer.Tally) error { return b.fromAlerts(ctx, r) }},
		{"misleading cases", func(ctx context.Context, r *Report, _ *indexer.Tally) error { return b.misleading(ctx, r) }},
	}
	for _, s := range steps {
		if err := s.do(ctx, r, cur); err != nil {
			return nil, fmt.Errorf("report: %s: %w", s.what, err)
		}
	}
	return r, nil
}

// tallyOf is the tally of a period; the current period also counts by
// story, day and tone.
func tallyOf(p Period, q string, current bool) indexer.TallyRequest {
	req := indexer.TallyRequest{Q: q, From: p.From, To: p.To, Fields: []string{"source", "tier", "lang", "label", "tone"}}
	if current {
		req.Bounds = p.Days()[1:]
		req.Fields = append(req.Fields, "story")
		req.PerBucket = []string{"label", "tone"}
		req.PerTone = []string{"label"}
	}
	return req
}

// counts fills what the two tallies alone tell.
func (b *Builder) counts(r *Report, cur, prev *indexer.Tally) {
	r.Volume = Volume{Total: int(cur.Total), Previous: int(prev.Total)}
	labels := topKeys(cur.Terms["label"], 8)
	r.Volume.Labels = labels
	for i, d := range r.Period.Days() {
		day := Day{Day: d, Total: int(cur.Buckets[i]), ByLabel: map[string]int{}, ByTone: map[string]int{}}
		for _, l := range labels {
			day.ByLabel[l] = int(cur.BucketTerms["label"][i][l])
		}
		for _, t := range article.Tones() {
			day.ByTone[t] = int(cur.BucketTerms["tone"][i][t])
		}
		r.Volume.Days = append(r.Volume.Days, day)
	}
	for _, t := range article.Tones() {
		r.Tone.Counts = append(r.Tone.Counts, Row{Key: t, Count: int(cur.Terms["tone"][t]), Previous: int(prev.Terms["tone"][t])})
	}
	neg := cur.ToneTerms["label"][article.ToneNegative]
	for _, l := range topKeys(neg, 10) {
		r.Tone.Drivers = append(r.Tone.Drivers, Driver{Label: l, Negative: int(neg[l]), Total: int(cur.Terms["label"][l])})
	}
	r.ByTier = rows(cur.Terms["tier"], prev.Terms["tier"], 0)
	r.ByOutlet = rows(cur.Terms["source"], prev.Terms["source"], b.o.Outlets)
	for _, l := range b.o.Foreign {
		r.Foreign = append(r.Foreign, Row{Key: l, Count: int(cur.Terms["lang"][l]), Previous: int(prev.Terms["lang"][l])})
	}
	// Rising topics: the labels that gained most, at least 3 articles and
	// half again as many as before.
	for _, row := range rows(cur.Terms["label"], prev.Terms["label"], 0) {
		if row.Count >= 3 && 2*row.Count >= 3*row.Previous && row.Count > row.Previous {
			r.Rising = append(r.Rising, row)
		}
	}
	slices.SortStableFunc(r.Rising, func(a, b Row) int { return cmp.Compare(b.Count-b.Previous, a.Count-a.Previous) })
	r.Rising = r.Rising[:min(len(r.Rising), 10)]
}

// rows pairs two counts by key, most in the period first (then by key),
// the first n (all when n is 0).
func rows(cur, prev map[string]uint64, n int) []Row {
	keys := topKeys(cur, n)
	out := make([]Row, 0, len(keys))
	for _, k := range keys {
		out = append(out, Row{Key: k, Count: int(cur[k]), Previous: int(prev[k])})
	}
	return out
}

// topKeys are the keys with a count, most first (ties by key), the first
// n (all when n is 0).
func topKeys(m map[string]uint64, n int) []string {
	var keys []string
	for k, c := range m {
		if c > 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(m[b], m[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if n > 0 && len(keys) > n {
		keys = keys[:n]
	}
	return keys
}

// topics counts each topic's query in the period and the one before.
func (b *Builder) topics(ctx context.Context, r *Report, topics []Topic) ([]Row, error) {
	var out []Row
	for _, t := range topics {
		row := Row{Key: t.ID, Name: t.Name}
		for i, p := range []Period{r.Period, r.Previous} {
			n, err := b.idx.Tally(ctx, indexer.TallyRequest{Q: t.Query, From: p.From, To: p.To})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t.ID, err)
			}
			if i == 0 {
				row.Count = int(n.Total)
			} else {
				row.Previous = int(n.Total)
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// maxStoryArticles bounds the articles read for one story's spread.
const maxStoryArticles = 5000

// stories describes the largest stories of the period.
func (b *Builder) stories(ctx context.Context, r *Report, cur *indexer.Tally) error {
	// The stories with the most articles are the candidates for the widest
	// spread (outlets are counted from their articles).
	for _, id := range topKeys(cur.Terms["story"], 3*b.o.Stories) {
		s := Story{ID: id}
		outlets, tiers := map[string]bool{}, map[string]bool{}
		req := indexer.SearchRequest{From: r.Period.From, To: r.Period.To, Stories: []string{id}, Sort: "newest", Limit: indexer.MaxLimit}
		for s.Articles < maxStoryArticles {
			res, err := b.idx.Search(ctx, req)
			if err != nil {
				return fmt.Errorf("story %s: %w", id, err)
			}
			for _, h := range res.Hits {
				s.Articles++
				outlets[h.Source] = true
				if h.Tier != "" {
					tiers[h.Tier] = true
				}
				if s.LastSeen.IsZero() || h.Published.After(s.LastSeen) {
					s.LastSeen = h.Published
				}
				// Newest first: the last seen hit is the first article.
				if s.FirstSeen.IsZero() || !h.Published.After(s.FirstSeen) {
					s.FirstSeen, s.Title, s.URL = h.Published, h.Title, h.URL
				}
			}
			if res.NextCursor == "" || len(res.Hits) == 0 {
				break
			}
			req.Cursor = res.NextCursor
		}
		s.Outlets = len(outlets)
		for _, t := range article.Tiers() {
			if tiers[t] {
				s.Tiers = append(s.Tiers, t)
			}
		}
		s.FirstSeen, s.LastSeen = s.FirstSeen.In(b.o.Location), s.LastSeen.In(b.o.Location)
		r.Stories = append(r.Stories, s)
	}
	slices.SortStableFunc(r.Stories, func(a, b Story) int {
		if c := cmp.Compare(b.Outlets, a.Outlets); c != 0 {
			return c
		}
		return cmp.Compare(b.Articles, a.Articles)
	})
	r.Stories = r.Stories[:min(len(r.Stories), b.o.Stories)]
	return nil
}
