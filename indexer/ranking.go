package indexer

import (
	"context"
	"errors"
	"fmt"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/presswatch/presswatch/query"
)

// countCap is where counting the matches of a broad relevance search stops
// when neither facets nor an exact total are asked for: a result page then
// reads "10,000+", as Elasticsearch's does, and the search costs about what
// its first page costs rather than what counting a million articles costs.
// Counting words is a bitmap walk (about 0.1 µs a match). A phrase or
// proximity match needs positions read, which for common syllables costs
// more than the page itself, so those are not counted past the tiers the
// page needed (0): the total is what those tiers hold, a lower bound.
func countCap(n query.Node) uint64 {
	if positional(n) {
		return 0
	}
	return 10_000
}

// positional reports whether n checks word positions: a phrase or NEAR.
func positional(n query.Node) bool {
	switch n := n.(type) {
	case *query.Term:
		return len(n.Tokens) > 1
	case *query.ListRef:
		return slices.ContainsFunc(n.Terms, func(t *query.Term) bool { return positional(t) })
	case *query.And:
		return slices.ContainsFunc(n.Children, positional)
	case *query.Or:
		return slices.ContainsFunc(n.Children, positional)
	case *query.Not:
		return positional(n.Child)
	case *query.Near:
		return true
	}
	return false
}

// titleImplies reports whether an article whose title holds one of the
// query's title terms (titleTerms) matches the whole query: true for a
// word, a phrase, a list, and ORs of them, since the title is part of
// what unscoped words search. Then the first tier of rankedSearch needs no
// look at the text at all, which for phrases is what costs.
func titleImplies(n query.Node) bool {
	switch n := n.(type) {
	case *query.Term:
		return (n.Field == "" || n.Field == query.FieldTitle) && !n.Exact
	case *query.ListRef:
		for _, t := range n.Terms {
			if !titleImplies(t) {
				return false
			}
		}
		return true
	case *query.Or:
		for _, ch := range n.Children {
			if !titleImplies(ch) {
				return false
			}
		}
		return true
	}
	return false
}

// rankedSearch finds the page [offset, offset+limit) of q's matches by
// relevance without scoring every match. Bleve scores every hit to find the
// best few (it has no dynamic pruning), so a broad query over a million
// articles costs a hundred thousand scorings, and a phrase of common
// syllables as many position checks. The ranking is therefore tiered, as
// search engines' champion lists are (rankTiers): the matches with all the
// query's words in the title, then those with some, then all other
// matches; each tier month by month, newest month first, by score within
// the month. A (tier, month) cell is only searched when a page reaches
// past the cells before it, so a broad query costs about one month's
// title postings. Within a tier the score says little (a title phrase
// scores by the title's length), and for a monitoring office the newer of
// two articles that match alike matters more. A page found before the last
// cell counts the total up to countLimit (0: not past those cells).
func (x *Index) rankedSearch(ctx context.Context, q bq.Query, node query.Node, filters []bq.Query, offset, limit int, from, to time.Time, countLimit uint64) (found, error) {
	if err := ctx.Err(); err != nil {
		return found{}, err // also when there is no partition to search
	}
	need := offset + limit
	sortBy := []string{"-_score"}
	tiers := x.rankCells(q, node, filters, from, to)
	var out found
	var seen uint64 // matches in the tiers searched so far
	shown := map[string]bool{}
	var titled map[string]bool // partitions where the first tier matches (firstTierIn)
	for i, t := range tiers {
		var err error
		if i > 0 && t.exists != nil {
			// The newest month of the first tier did not fill the
			// page: rather than a scored search in each older month,
			// look first in which partitions it matches at all.
			if titled == nil {
				pprof.Do(ctx, pprof.Labels("tier", "exists"), func(ctx context.Context) {
					titled, err = x.firstTierIn(ctx, t.exists, from, t.to) // this month and older
				})
				if err != nil {
					return found{}, err
				}
			}
			if !anyOverlaps(titled, t.from, t.to) {
				continue
			}
		}
		skip := max(0, offset-int(seen))
		sr := x.request(t.q, nil, sortBy, need-max(offset, int(seen)), skip, nil)
		if skip == 0 {
			// Every hit of the cell is on the page: its stored fields
			// come from the snapshot that found it, instead of a second
			// search by ID afterwards (loadFields). Past an offset the
			// skipped hits would be loaded too.
			sr.Fields = storedFields
		}
		var res *bleve.SearchResult
		// Labelled so that a CPU profile (presswatch-bench-search
		// -cpuprofile, then pprof -tags) shows what each tier costs.
		pprof.Do(ctx, pprof.Labels("tier", strconv.Itoa(t.level), "month", t.from.Format("2006-01")), func(ctx context.Context) {
			res, err = x.searchPartitions(ctx, sr, t.from, t.to)
		})
		if err != nil {
			return found{}, err
		}
		seen += res.Total
		for _, h := range res.Hits {
			// An article caught in two months by a date change (see
			// IndexBatch) is shown and counted once (counted once only
			// when both copies reach this page: the stale copy lasts
			// until the article's next upsert).
			if shown[h.ID] {
				seen--
				continue
			}
			shown[h.ID] = true
			out.hits = append(out.hits, h)
		}
		if seen >= uint64(need) && i < len(tiers)-1 {
			out.total, out.lowerBound = seen, true
			if countLimit > 0 {
				var total uint64
				pprof.Do(ctx, pprof.Labels("tier", "count"), func(ctx context.Context) {
					total, out.lowerBound, err = x.count(ctx, q, from, to, countLimit)
				})
				out.total = max(total, seen)
			}
			return out, err
		}
	}
	out.total = seen
	return out, nil
}

// rankCell is one (tier, month) cell of rankedSearch, or a week of the
// month.
type rankCell struct {
	q        bq.Query
	exists   bq.Query // the tier's (rankTier), or nil
	from, to time.Time
	level    int // which of rankTiers' selections
}

// rankCells lists rankedSearch's cells in the order it searches them:
// tier by tier, newest month first.
func (x *Index) rankCells(q bq.Query, node query.Node, filters []bq.Query, from, to time.Time) []rankCell {
	months := x.monthsNewestFirst(from, to)
	var cells []rankCell
	selections := rankTiers(q, node, filters)
	for i, tier := range selections {
		sel := tier.q
		if i > 0 {
			// Each tier holds the one before it: leave that out.
			sel = bq.NewBooleanQuery([]bq.Query{sel}, nil, []bq.Query{selections[i-1].q})
		}
		for _, start := range months {
			end := start.AddDate(0, 1, 0)
			if i < len(selections)-1 || !positional(node) {
				// The partition's month alone; q holds the date filter itself.
				cells = append(cells, rankCell{q: sel, exists: tier.exists, from: start, to: end, level: i})
				continue
			}
			// A phrase or NEAR past the title tiers checks the positions
			// of every text holding its words, which for common syllables
			// is most of a month: the month goes week by week, newest
			// first, and a page of a phrase in a few hundred articles a
			// month is then found in its last week.
			for w := weekStarts(start, end); len(w) > 1; w = w[:len(w)-1] {
				wfrom, wto := w[len(w)-2], w[len(w)-1]
				cells = append(cells, rankCell{q: bq.NewBooleanQuery([]bq.Query{sel, unscored{dayRange(wfrom, wto)}}, nil, nil), from: wfrom, to: wto, level: i})
			}
		}
	}
	return cells
}

// monthsNewestFirst are the first days of the partitions' months that
// overlap [from, to), newest first.
func (x *Index) monthsNewestFirst(from, to time.Time) []time.Time {
	var months []time.Time
	names := x.Partitions()
	slices.Reverse(names)
	for _, m := range names {
		if start, _, ok := partitionMonth(m); ok && monthOverlaps(m, from, to) {
			months = append(months, start)
		}
	}
	return months
}

// weekStarts splits the month [start, end) into weeks from its first day:
// the bounds, oldest first, end included.
func weekStarts(start, end time.Time) []time.Time {
	var out []time.Time
	for t := start; t.Before(end); t = t.AddDate(0, 0, 7) {
		out = append(out, t)
	}
	return append(out, end)
}

// dayRange matches the articles published on the days of [from, to), by
// the day field: a union of day postings, where a date range query would
// read every distinct publication time.
func dayRange(from, to time.Time) bq.Query {
	var days []bq.Query
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		tq := bleve.NewTermQuery(d.Format(time.DateOnly))
		tq.SetField(fieldDay)
		days = append(days, tq)
	}
	return bleve.NewDisjunctionQuery(days...)
}

// rankTiers are the queries selecting each tier of rankedSearch, each
// holding the next: q with all its positive words in the title (for an AND
// of several), q with one of them in the title, and q (which rankedSearch
// splits by month). Within the title
// tiers the title decides the order: q itself (or, when the title implies
// it, the filters) only has to hold, which without scores is a bitmap
// lookup per title match instead of decoding the text's term frequencies
// all along the way.
func rankTiers(q bq.Query, node query.Node, filters []bq.Query) []rankTier {
	titled, adjacent := titleTerms(node)
	if len(titled) == 0 {
		return []rankTier{{q: q}}
	}
	var tiers []rankTier
	condition := func(implied bool) []bq.Query {
		switch {
		case !implied:
			return []bq.Query{unscored{q}}
		case filters != nil:
			return []bq.Query{unscored{bleve.NewConjunctionQuery(filters...)}}
		}
		return nil
	}
	if all, implied := titleAll(node); len(all) > 1 {
		// Words typed together rank first when the title has them
		// together; those titles are all in this tier.
		// The words together only reorder this tier: their positions
		// are read in the titles holding every word (within), not in
		// every title holding the folded words, which for common
		// syllables was most of the cost of a search.
		musts := append(all, condition(implied)...)
		tiers = append(tiers, rankTier{q: bq.NewBooleanQuery(musts, within(adjacent, all), nil), exists: bq.NewBooleanQuery(musts, nil, nil)})
		adjacent = nil
	}
	any := bq.NewBooleanQuery(append([]bq.Query{bleve.NewDisjunctionQuery(titled...)}, condition(titleImplies(node))...), adjacent, nil)
	tiers = append(tiers, rankTier{q: any})
	return append(tiers, rankTier{q: q})
}

// rankTier is one of rankTiers' selections. exists, when set, matches what
// q matches, without ranking: rankedSearch first looks in which months it
// matches at all (firstTierIn).
type rankTier struct {
	q, exists bq.Query
}

// within restricts each phrase of adjacent to the documents matching all
// of required (for the first tier, its title words: every match of the
// tier holds them, so the phrase still finds each it would); other queries
// are left as they are.
func within(adjacent, required []bq.Query) []bq.Query {
	out := make([]bq.Query, len(adjacent))
	for i, q := range adjacent {
		out[i] = q
		if p, ok := q.(*phraseQuery); ok {
			c := *p
			c.within = required
			out[i] = &c
		}
	}
	return out
}

// titleAll is, for an AND, each positive word or phrase of it searched in
// the title; implied reports whether a title holding them all matches the
// whole query.
func titleAll(n query.Node) (qs []bq.Query, implied bool) {
	and, ok := n.(*query.And)
	if !ok {
		return nil, false
	}
	implied = true
	for _, ch := range and.Children {
		t, ok := ch.(*query.Term)
		if !ok || (t.Field != "" && t.Field != query.FieldTitle) {
			implied = false // NOT, NEAR, OR, a keyword or text: term
			continue
		}
		if t.Exact {
			implied = false // the title query finds a superset
		}
		qs = append(qs, leafQuery(t, titleFields))
	}
	return qs, implied
}

// unscored matches what its query matches, with score 0: a condition
// that does not rank.
type unscored struct{ bq.Query }

func (u unscored) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	opts.Score, opts.IncludeTermVectors = "none", false
	return u.Query.Searcher(ctx, r, m, opts)
}

// firstTierIn reports, for each partition overlapping [from, to), whether
// the first tier's exists query matches anything there: one unscored look
// per partition, all at once. The first tier (every word in the title) is
// empty in most months for words seldom together in a title, and a scored
// search of an empty month costs what building its searchers costs, in
// every month, one after the other.
func (x *Index) firstTierIn(ctx context.Context, exists bq.Query, from, to time.Time) (map[string]bool, error) {
	return inPartitions(x, from, to, "first tier", func(p bleve.Index) (found bool, err error) {
		err = withSearcher(ctx, p, exists, func(s search.Searcher, sctx *search.SearchContext) error {
			dm, err := s.Next(sctx)
			found = dm != nil
			return err
		})
		return found, err
	})
}

// anyOverlaps reports whether a partition overlapping [from, to) is true
// in parts.
func anyOverlaps(parts map[string]bool, from, to time.Time) bool {
	for name, ok := range parts {
		if ok && monthOverlaps(name, from, to) {
			return true
		}
	}
	return false
}

// count counts q's matches in the partitions overlapping [from, to),
// stopping once it passes limit (capped is then set). An article caught
// between two partitions by a date change counts twice here; search
// results show it once.
func (x *Index) count(ctx context.Context, q bq.Query, from, to time.Time, limit uint64) (n uint64, capped bool, err error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var total atomic.Uint64
	errs := make(chan error, len(x.parts))
	var wg sync.WaitGroup
	for name, p := range x.parts {
		if !monthOverlaps(name, from, to) {
			continue
		}
		wg.Go(func() {
			if err := x.guard(name, func() error { return countIn(ctx, p, q, &total, limit) }); err != nil {
				errs <- fmt.Errorf("partition %s: count: %w", name, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		err = errors.Join(err, e)
	}
	n = total.Load()
	if n > limit {
		return limit, true, err
	}
	return n, false, err
}

// countIn adds p's matches of q to total until total passes limit. It
// walks Bleve's searcher directly, without scores or a collector: for
// plain words Bleve then intersects the postings as bitmaps.
func countIn(ctx context.Context, p bleve.Index, q bq.Query, total *atomic.Uint64, limit uint64) error {
	return withSearcher(ctx, p, q, func(s search.Searcher, sctx *search.SearchContext) error {
		for i := 0; ; i++ {
			if i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if total.Load() > limit {
					return nil
				}
			}
			dm, err := s.Next(sctx)
			if err != nil || dm == nil {
				return err
			}
			total.Add(1)
			sctx.DocumentMatchPool.Put(dm)
		}
	})
}

// withSearcher runs fn with an unscored searcher of q on p's current
// snapshot.
func withSearcher(ctx context.Context, p bleve.Index, q bq.Query, fn func(search.Searcher, *search.SearchContext) error) error {
	adv, err := p.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	s, err := q.Searcher(ctx, r, p.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s, &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: r})
}
