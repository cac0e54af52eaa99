package indexer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// SearchRequest is a search over the index: a query in the query language
// (docs/QUERY.md; empty lists everything) and filters.
type SearchRequest struct {
	Q          string    `json:"q,omitempty"`
	From       time.Time `json:"from,omitzero"` // published at or after
	To         time.Time `json:"to,omitzero"`   // published before
	Sources    []string  `json:"sources,omitempty"`
	Sites      []string  `json:"sites,omitempty"`
	Tiers      []string  `json:"tiers,omitempty"`
	Langs      []string  `json:"langs,omitempty"`
	Labels     []string  `json:"labels,omitempty"`
	Severities []string  `json:"severities,omitempty"`
	Stories    []string  `json:"stories,omitempty"`
	// Sort is "relevance" (default when Q is set) or "newest".
	Sort  string `json:"sort,omitempty"`
	Limit int    `json:"limit,omitempty"`
	// Offset pages shallowly; Cursor (NextCursor of the previous page)
	// pages deeply at constant cost.
	Offset int    `json:"offset,omitempty"`
	Cursor string `json:"cursor,omitempty"`
	// Facets asks for counts by source, site, tier, language and label and
	// a per-day histogram.
	Facets bool `json:"facets,omitempty"`
	// ExactTotal counts every match; otherwise a relevance search stops
	// counting at a cap (countCap) and says so. Facets count every match
	// anyway.
	ExactTotal bool `json:"exact_total,omitempty"`
}

// Hit is one article in a result, in the API's shape.
type Hit struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Source    string    `json:"source"`
	Site      string    `json:"site,omitempty"`
	Tier      string    `json:"tier,omitempty"`
	Lang      string    `json:"lang"`
	Published time.Time `json:"published"`
	Labels    []string  `json:"labels"`
	Severity  string    `json:"severity,omitempty"`
	// Snippet is HTML: escaped text with matched words in <mark>.
	Snippet string `json:"snippet"`
}

// FacetCount is one value of a facet.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// SearchResult is the answer to a SearchRequest.
type SearchResult struct {
	Total uint64 `json:"total"`
	// TotalIsLowerBound is set when proximity checks ran on the first
	// candidates only.
	TotalIsLowerBound bool                    `json:"total_is_lower_bound,omitempty"`
	Hits              []Hit                   `json:"hits"`
	TookMS            int64                   `json:"took_ms"`
	NextCursor        string                  `json:"next_cursor,omitempty"`
	Facets            map[string][]FacetCount `json:"facets,omitempty"`
	PerDay            []FacetCount            `json:"per_day,omitempty"`
}

// ErrBadQuery marks errors in the request itself (HTTP 400).
var ErrBadQuery = errors.New("bad query")

// Limits of one search.
const (
	MaxLimit = 1000
	// maxVerify bounds how many candidates a proximity query checks.
	maxVerify = 5000
	// maxHistogramDays bounds the per-day histogram.
	maxHistogramDays = 92
	// maxRelevanceDepth bounds how deep relevance-ranked results page
	// (offset + limit); newest-first pages go on without bound.
	maxRelevanceDepth = 10000
)

var storedFields = []string{fieldURL, fieldTitle, fieldText, fieldByline, fieldSource, fieldSite, fieldTier, fieldLang, fieldPublishedAt, fieldLabels, fieldSeverity}

// Search runs req within ctx's deadline. A damaged index fails the
// search with ErrDamaged; it never crashes the process.
func (x *Index) Search(ctx context.Context, req SearchRequest) (res *SearchResult, err error) {
	err = x.guard("", func() error {
		res, err = x.search(ctx, req)
		return err
	})
	return res, err
}

func (x *Index) search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	start := time.Now()
	if req.Limit <= 0 {
		req.Limit = 20
	}
	req.Limit = min(req.Limit, MaxLimit)
	req.Offset = max(req.Offset, 0)
	var node query.Node
	q := bq.Query(bleve.NewMatchAllQuery())
	verify := false
	if strings.TrimSpace(req.Q) != "" {
		var err error
		node, err = query.Parse(req.Q, query.Options{Lists: x.opts.Lists})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadQuery, err)
		}
		q, verify, err = compile(node)
		if err != nil {
			return nil, err
		}
	}
	filters, err := filterQueries(req)
	if err != nil {
		return nil, err
	}
	if len(filters) > 0 {
		q = bleve.NewConjunctionQuery(append([]bq.Query{q}, filters...)...)
	}
	if req.Sort != "" && req.Sort != "newest" && req.Sort != "relevance" {
		return nil, fmt.Errorf("%w: sort must be relevance or newest, got %q", ErrBadQuery, req.Sort)
	}
	byScore := node != nil && req.Sort != "newest"
	// Sorting by score alone lets Bleve's collector skip reading every
	// hit's date and ID, which dominated the cost of broad queries; ties
	// keep index order. Relevance pages therefore page by offset (deep
	// relevance pages are rare, and bounded), newest-first pages by
	// search-after at constant cost.
	sortBy := []string{"-_score"}
	if !byScore {
		sortBy = []string{"-" + fieldPublished, "_id"}
	}
	var cur cursor
	if req.Cursor != "" {
		if cur, err = decodeCursor(req.Cursor, byScore, len(sortBy)); err != nil {
			return nil, err
		}
		req.Offset = cur.Offset
	}
	if byScore && req.Offset+req.Limit > maxRelevanceDepth {
		return nil, fmt.Errorf("%w: relevance results go %d deep; page further with sort=newest", ErrBadQuery, maxRelevanceDepth)
	}

	var res found
	switch {
	case verify:
		// Proximity and exact forms are checked on stored text: take
		// candidates in bulk and page over the verified ones.
		res, err = x.find(ctx, x.request(q, node, sortBy, maxVerify, 0, nil), req.From, req.To)
	case byScore:
		limit := countCap(node)
		switch {
		case req.Facets:
			limit = 0 // the facet pass counts
		case req.ExactTotal:
			limit = math.MaxUint64
		}
		// (limit 0 leaves a lower bound, which the facet pass replaces.)
		res, err = x.rankedSearch(ctx, q, node, filters, req.Offset, req.Limit, req.From, req.To, limit)
	default:
		sr := x.request(q, nil, sortBy, req.Limit, req.Offset, cur.After)
		// Newest first needs no score: skipping it saves reading the term
		// frequencies of every hit.
		sr.Score = "none"
		res, err = x.find(ctx, sr, req.From, req.To)
	}
	var facets map[string][]FacetCount
	var perDay []FacetCount
	if err == nil && req.Facets {
		// Facets count every hit (every candidate, for verified
		// queries), which gives the exact total as well.
		var total uint64
		if total, facets, perDay, err = x.facetCounts(ctx, q, req, time.Now()); err == nil && !verify {
			res.total, res.lowerBound = total, false
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("search %q: timed out: %w", req.Q, ctx.Err())
		}
		return nil, fmt.Errorf("search %q: %w", req.Q, err)
	}
	hits := res.hits
	if err := x.loadFields(ctx, hits); err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Q, err)
	}
	out := &SearchResult{Total: res.total, TotalIsLowerBound: res.lowerBound, Hits: []Hit{}}
	if verify {
		kept := hits[:0]
		for _, h := range hits {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("search %q: timed out: %w", req.Q, ctx.Err())
			}
			if query.Eval(node, storedDocument(h)) {
				kept = append(kept, h)
			}
		}
		out.Total = uint64(len(kept))
		out.TotalIsLowerBound = res.total > uint64(len(hits))
		if req.Offset < len(kept) {
			kept = kept[req.Offset:]
		} else {
			kept = nil
		}
		if len(kept) > req.Limit {
			kept = kept[:req.Limit]
		}
		hits = kept
	}
	want := highlightTokens(node)
	for _, h := range hits {
		out.Hits = append(out.Hits, toHit(h, want))
	}
	if len(hits) == req.Limit && len(hits) > 0 {
		if byScore {
			if next := req.Offset + len(hits); next < maxRelevanceDepth {
				out.NextCursor = encodeCursor(cursor{Offset: next})
			}
		} else {
			out.NextCursor = encodeCursor(cursor{After: hits[len(hits)-1].Sort})
		}
	}
	if req.Facets {
		out.Facets, out.PerDay = facets, perDay
	}
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
}

// found is what a search found before stored fields are read.
type found struct {
	hits  search.DocumentMatchCollection
	total uint64
	// lowerBound: counting stopped at its cap (countCap).
	lowerBound bool
}

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

func (x *Index) find(ctx context.Context, sr *bleve.SearchRequest, from, to time.Time) (found, error) {
	res, err := x.searchPartitions(ctx, sr, from, to)
	if err != nil {
		return found{}, err
	}
	return found{hits: res.Hits, total: res.Total}, nil
}

// request is a Bleve search for q, ranked by the query's title terms too
// when sorted by score.
func (x *Index) request(q bq.Query, node query.Node, sortBy []string, size, from int, after []string) *bleve.SearchRequest {
	if node != nil && sortBy[0] == "-_score" {
		if words, adjacent := titleTerms(node); len(words)+len(adjacent) > 0 {
			boosts := append(words, adjacent...)
			q = bq.NewBooleanQuery([]bq.Query{q}, boosts, nil)
		}
	}
	// No stored fields here: every partition would load them for its own
	// top hits, most of which the merge then drops. They are loaded for
	// the hits that remain.
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	sr.SortBy(sortBy)
	if after != nil {
		sr.SearchAfter = after
	}
	return sr
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
	type tier struct {
		q        bq.Query
		from, to time.Time
		level    int // which of rankTiers' selections
	}
	var months []time.Time // newest first
	names := x.Partitions()
	slices.Reverse(names)
	for _, m := range names {
		start, err := time.Parse("2006-01", m)
		if err == nil && monthOverlaps(m, from, to) {
			months = append(months, start)
		}
	}
	var tiers []tier
	selections := rankTiers(q, node, filters)
	for i, sel := range selections {
		if i > 0 {
			// Each tier holds the one before it: leave that out.
			sel = bq.NewBooleanQuery([]bq.Query{sel}, nil, []bq.Query{selections[i-1]})
		}
		for _, start := range months {
			end := start.AddDate(0, 1, 0)
			if i < len(selections)-1 || !positional(node) {
				// The partition's month alone; q holds the date filter itself.
				tiers = append(tiers, tier{sel, start, end, i})
				continue
			}
			// A phrase or NEAR past the title tiers checks the positions
			// of every text holding its words, which for common syllables
			// is most of a month: the month goes week by week, newest
			// first, and a page of a phrase in a few hundred articles a
			// month is then found in its last week.
			for w := weekStarts(start, end); len(w) > 1; w = w[:len(w)-1] {
				wfrom, wto := w[len(w)-2], w[len(w)-1]
				tiers = append(tiers, tier{bq.NewBooleanQuery([]bq.Query{sel, unscored{dayRange(wfrom, wto)}}, nil, nil), wfrom, wto, i})
			}
		}
	}
	var out found
	var seen uint64 // matches in the tiers searched so far
	shown := map[string]bool{}
	for i, t := range tiers {
		skip := max(0, offset-int(seen))
		var res *bleve.SearchResult
		var err error
		// Labelled so that a CPU profile (presswatch-bench-search
		// -cpuprofile, then pprof -tags) shows what each tier costs.
		pprof.Do(ctx, pprof.Labels("tier", strconv.Itoa(t.level), "month", t.from.Format("2006-01")), func(ctx context.Context) {
			res, err = x.searchPartitions(ctx, x.request(t.q, nil, sortBy, need-max(offset, int(seen)), skip, nil), t.from, t.to)
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
func rankTiers(q bq.Query, node query.Node, filters []bq.Query) []bq.Query {
	titled, adjacent := titleTerms(node)
	if len(titled) == 0 {
		return []bq.Query{q}
	}
	var tiers []bq.Query
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
		tiers = append(tiers, bq.NewBooleanQuery(append(all, condition(implied)...), adjacent, nil))
		adjacent = nil
	}
	any := bq.NewBooleanQuery(append([]bq.Query{bleve.NewDisjunctionQuery(titled...)}, condition(titleImplies(node))...), adjacent, nil)
	tiers = append(tiers, any)
	return append(tiers, q)
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
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: r}
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
}

// searchInContext runs sr on every partition at once and merges the
// results. It does what Bleve's index alias does, with two differences
// the API needs: hits that tie on every sort key are ordered by ID, so
// the same search pages the same way however the partitions' answers
// interleave, and a partition that fails fails the search instead of
// quietly leaving its hits out.
func (x *Index) searchInContext(ctx context.Context, sr *bleve.SearchRequest) (*bleve.SearchResult, error) {
	return x.searchPartitions(ctx, sr, time.Time{}, time.Time{})
}

// searchPartitions is searchInContext over the partitions whose month
// overlaps [from, to) (a zero bound is open): an article lives in the
// partition of its publication month, so the others cannot hold a match
// of a date filter, and a search of the last week reads one or two
// months instead of the whole archive.
func (x *Index) searchPartitions(ctx context.Context, sr *bleve.SearchRequest, from, to time.Time) (*bleve.SearchResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	names := make([]string, 0, len(x.parts))
	for n := range x.parts {
		if monthOverlaps(n, from, to) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return &bleve.SearchResult{Status: &bleve.SearchStatus{}, Hits: search.DocumentMatchCollection{}, Facets: search.FacetResults{}}, nil
	}
	slices.Sort(names)
	child := *sr
	child.From, child.Size = 0, sr.From+sr.Size
	results := make([]*bleve.SearchResult, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() {
			c := child
			// A sort order keeps per-search state: each partition
			// needs its own, as Bleve's alias gives each child.
			c.Sort = sr.Sort.Copy()
			errs[i] = x.guard(n, func() (err error) {
				results[i], err = x.parts[n].SearchInContext(ctx, &c)
				return err
			})
			if errs[i] != nil {
				errs[i] = fmt.Errorf("partition %s: %w", n, errs[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	res := results[0]
	for _, r := range results[1:] {
		res.Merge(r)
	}
	scoring, desc := sr.Sort.CacheIsScore(), sr.Sort.CacheDescending()
	slices.SortFunc(res.Hits, func(a, b *search.DocumentMatch) int {
		if c := sr.Sort.Compare(scoring, desc, a, b); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	// An article whose date moved to another month is re-indexed there
	// before its old copy is deleted (IndexBatch); between the two, or
	// after a crash between them, both copies answer. Show it once.
	seen := make(map[string]bool, len(res.Hits))
	hits := res.Hits[:0]
	for _, h := range res.Hits {
		if seen[h.ID] {
			res.Total--
			continue
		}
		seen[h.ID] = true
		hits = append(hits, h)
	}
	hits = hits[min(sr.From, len(hits)):]
	hits = hits[:min(sr.Size, len(hits))]
	res.Hits = hits
	for name, fr := range sr.Facets {
		res.Facets.Fixup(name, fr.Size)
	}
	return res, nil
}

func filterQueries(req SearchRequest) ([]bq.Query, error) {
	var out []bq.Query
	anyOf := func(field string, values []string) {
		if len(values) == 0 {
			return
		}
		alts := make([]bq.Query, 0, len(values))
		for _, v := range values {
			t := bleve.NewTermQuery(kw(v))
			if field == fieldSeverity || field == fieldStory {
				t = bleve.NewTermQuery(v)
			}
			t.SetField(field)
			alts = append(alts, t)
		}
		out = append(out, bleve.NewDisjunctionQuery(alts...))
	}
	anyOf(fieldSource, req.Sources)
	anyOf(fieldSite, req.Sites)
	anyOf(fieldTier, req.Tiers)
	anyOf(fieldLang, req.Langs)
	anyOf(fieldLabels, req.Labels)
	for _, s := range req.Severities {
		if !article.Severity(s).Valid() || s == "" {
			return nil, fmt.Errorf("%w: unknown severity %q", ErrBadQuery, s)
		}
	}
	anyOf(fieldSeverity, req.Severities)
	anyOf(fieldStory, req.Stories)
	if !req.From.IsZero() || !req.To.IsZero() {
		if !req.From.IsZero() && !req.To.IsZero() && !req.From.Before(req.To) {
			return nil, fmt.Errorf("%w: from must be before to", ErrBadQuery)
		}
		q := bleve.NewDateRangeQuery(publishedBound(req.From), publishedBound(req.To))
		q.SetField(fieldPublished)
		out = append(out, q)
	}
	return out, nil
}

// cursor is where the next page starts: after a sort key (newest first)
// or at an offset (relevance).
type cursor struct {
	After  []string `json:"a,omitempty"`
	Offset int      `json:"o,omitempty"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, byScore bool, keys int) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	valid := err == nil && c.Offset >= 0
	if byScore {
		valid = valid && c.After == nil && c.Offset > 0
	} else {
		valid = valid && c.Offset == 0 && len(c.After) == keys
	}
	if !valid {
		return cursor{}, fmt.Errorf("%w: cursor is not from this search (ask again without it)", ErrBadQuery)
	}
	return c, nil
}

// loadFields fills the stored fields of the hits that survived the merge
// of the partitions' results, one lookup by ID.
func (x *Index) loadFields(ctx context.Context, hits []*search.DocumentMatch) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]string, len(hits))
	parts := map[string]bool{}
	for i, h := range hits {
		ids[i] = h.ID
		parts[h.Index] = true
	}
	// Fields come from the partition that answered with the hit: a
	// moved article's stale copy elsewhere must not stand in for it.
	type key struct{ part, id string }
	fields := make(map[key]map[string]any, len(hits))
	err := x.lookupIDs(ctx, ids, parts, storedFields, func(part string, h *search.DocumentMatch) {
		fields[key{part, h.ID}] = h.Fields
	})
	if err != nil {
		return fmt.Errorf("load stored fields: %w", err)
	}
	for _, h := range hits {
		h.Fields = fields[key{h.Index, h.ID}]
	}
	return nil
}

// storedDocument rebuilds what query.Eval needs from stored fields.
func storedDocument(h *search.DocumentMatch) *query.Document {
	return &query.Document{
		Text: map[string]string{
			query.FieldTitle: str(h.Fields[fieldTitle]), query.FieldText: str(h.Fields[fieldText]), query.FieldAuthor: str(h.Fields[fieldByline]),
		},
		Keywords: map[string][]string{
			query.FieldSource: {str(h.Fields[fieldSource])}, query.FieldSite: {str(h.Fields[fieldSite])},
			query.FieldLang: {str(h.Fields[fieldLang])}, query.FieldTier: {str(h.Fields[fieldTier])},
			query.FieldLabel: strs(h.Fields[fieldLabels]),
		},
	}
}

func toHit(h *search.DocumentMatch, want map[string]bool) Hit {
	hit := Hit{
		ID: h.ID, URL: str(h.Fields[fieldURL]), Title: str(h.Fields[fieldTitle]),
		Source: str(h.Fields[fieldSource]), Site: str(h.Fields[fieldSite]), Tier: str(h.Fields[fieldTier]),
		Lang: str(h.Fields[fieldLang]), Labels: strs(h.Fields[fieldLabels]), Severity: str(h.Fields[fieldSeverity]),
	}
	if p, err := time.Parse(time.RFC3339, str(h.Fields[fieldPublishedAt])); err == nil {
		hit.Published = p
	}
	hit.Snippet = snippet(str(h.Fields[fieldText]), want, 240)
	return hit
}

// highlightTokens are the folded tokens of the query's positive text
// terms: what snippets mark.
func highlightTokens(n query.Node) map[string]bool {
	want := map[string]bool{}
	if n == nil {
		return want
	}
	for _, t := range query.Terms(n) {
		if query.IsKeywordField(t.Field) {
			continue
		}
		for _, tok := range textnorm.Tokenize(t.Raw) {
			want[tok.Text] = true
		}
	}
	return want
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs reads a stored multi-value field, which Bleve returns as a string
// when it holds one value.
func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}

// snippet cuts about n bytes of text around the first matched token and
// marks every matched token; the result is safe HTML.
func snippet(text string, want map[string]bool, n int) string {
	toks := textnorm.Tokenize(text)
	first := -1
	for i, tk := range toks {
		if want[tk.Text] {
			first = i
			break
		}
	}
	from, to := 0, len(text)
	if first >= 0 {
		from = max(0, toks[first].Start-n/3)
	}
	if to-from > n {
		to = from + n
	}
	from, to = wordStart(text, from), wordEnd(text, to)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, tk := range toks {
		// tk.Start < pos: pairs of Thai or CJK characters overlap; the
		// previous mark already covers this one's start.
		if tk.Start < from || tk.End > to || tk.Start < pos || !want[tk.Text] {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:tk.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[tk.Start:tk.End]))
		b.WriteString("</mark>")
		pos = tk.End
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// wordStart moves i back to the start of a word (and a rune).
func wordStart(s string, i int) int {
	if i <= 0 {
		return 0
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	for j := i; j > 0 && i-j < 40; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if r == ' ' || r == '\n' {
			return j
		}
		j -= size
	}
	return i
}

// wordEnd moves i forward to the end of a word (and a rune).
func wordEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	for j := i; j < len(s) && j-i < 40; {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == ' ' || r == '\n' {
			return j
		}
		j += size
	}
	return i
}
