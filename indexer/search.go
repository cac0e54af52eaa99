package indexer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/query"
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
	x.maybeAdviseReads()
	err = x.guard("", func() error {
		res, err = x.search(ctx, req)
		return err
	})
	return res, err
}

func (x *Index) search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	start := time.Now()
	p, err := x.planSearch(req)
	if err != nil {
		return nil, err
	}
	req = p.req
	res, err := x.gather(ctx, p)
	var facets map[string][]FacetCount
	var perDay []FacetCount
	if err == nil && req.Facets {
		// Facets count every hit (every candidate, for verified
		// queries), which gives the exact total as well.
		var total uint64
		if total, facets, perDay, err = x.facetCounts(ctx, p.q, req, time.Now()); err == nil && !p.verify {
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
	if p.verify {
		if hits, out.Total, err = p.verifiedPage(ctx, hits); err != nil {
			return nil, fmt.Errorf("search %q: timed out: %w", req.Q, err)
		}
		out.TotalIsLowerBound = res.total > uint64(len(res.hits))
	}
	want := queryHighlight(p.node)
	for _, h := range hits {
		out.Hits = append(out.Hits, toHit(h, want))
	}
	out.NextCursor = p.nextCursor(hits)
	if req.Facets {
		out.Facets, out.PerDay = facets, perDay
	}
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
}

// searchPlan is a search request checked and compiled: the query with its
// filters, its order, and where its page starts.
type searchPlan struct {
	// req has its limit and offset settled (the cursor's offset included).
	req     SearchRequest
	node    query.Node // nil when the request has no query text
	q       bq.Query   // node compiled, and the filters
	filters []bq.Query
	// verify: proximity and exact forms are checked on stored text.
	verify  bool
	byScore bool
	sortBy  []string
	after   []string // the cursor's sort key, for newest-first pages
}

// planSearch checks req and compiles it. Errors in the request itself
// wrap ErrBadQuery.
func (x *Index) planSearch(req SearchRequest) (*searchPlan, error) {
	if req.Limit <= 0 {
		req.Limit = 20
	}
	req.Limit = min(req.Limit, MaxLimit)
	req.Offset = max(req.Offset, 0)
	p := &searchPlan{q: bleve.NewMatchAllQuery()}
	if strings.TrimSpace(req.Q) != "" {
		node, err := query.Parse(req.Q, query.Options{Lists: x.opts.Lists})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadQuery, err)
		}
		if p.q, p.verify, err = compile(node); err != nil {
			return nil, err
		}
		p.node = node
	}
	var err error
	if p.filters, err = filterQueries(req); err != nil {
		return nil, err
	}
	if len(p.filters) > 0 {
		p.q = bleve.NewConjunctionQuery(append([]bq.Query{p.q}, p.filters...)...)
	}
	if req.Sort != "" && req.Sort != "newest" && req.Sort != "relevance" {
		return nil, fmt.Errorf("%w: sort must be relevance or newest, got %q", ErrBadQuery, req.Sort)
	}
	p.byScore = p.node != nil && req.Sort != "newest"
	// Sorting by score alone lets Bleve's collector skip reading every
	// hit's date and ID, which dominated the cost of broad queries; ties
	// keep index order. Relevance pages therefore page by offset (deep
	// relevance pages are rare, and bounded), newest-first pages by
	// search-after at constant cost.
	p.sortBy = []string{"-_score"}
	if !p.byScore {
		p.sortBy = []string{"-" + fieldPublished, "_id"}
	}
	if req.Cursor != "" {
		cur, err := decodeCursor(req.Cursor, p.byScore, len(p.sortBy))
		if err != nil {
			return nil, err
		}
		req.Offset, p.after = cur.Offset, cur.After
	}
	if p.byScore && req.Offset+req.Limit > maxRelevanceDepth {
		return nil, fmt.Errorf("%w: relevance results go %d deep; page further with sort=newest", ErrBadQuery, maxRelevanceDepth)
	}
	p.req = req
	return p, nil
}

// gather finds the page's hits (for a verified query, its candidates),
// their stored fields not yet read.
func (x *Index) gather(ctx context.Context, p *searchPlan) (found, error) {
	req := p.req
	switch {
	case p.verify:
		// Proximity and exact forms are checked on stored text: take
		// candidates in bulk and page over the verified ones.
		return x.find(ctx, x.request(p.q, p.node, p.sortBy, maxVerify, 0, nil), req.From, req.To)
	case p.byScore:
		limit := countCap(p.node)
		switch {
		case req.Facets:
			limit = 0 // the facet pass counts
		case req.ExactTotal:
			limit = math.MaxUint64
		}
		// (limit 0 leaves a lower bound, which the facet pass replaces.)
		return x.rankedSearch(ctx, p.q, p.node, p.filters, req.Offset, req.Limit, req.From, req.To, limit)
	default:
		sr := x.request(p.q, nil, p.sortBy, req.Limit, req.Offset, p.after)
		// Newest first needs no score: skipping it saves reading the term
		// frequencies of every hit.
		sr.Score = "none"
		return x.find(ctx, sr, req.From, req.To)
	}
}

// verifiedPage keeps the candidates whose stored fields match the query
// and cuts the page from them; total counts those kept. The error is the
// context's, when it ends first.
func (p *searchPlan) verifiedPage(ctx context.Context, candidates []*search.DocumentMatch) (page []*search.DocumentMatch, total uint64, err error) {
	kept := candidates[:0]
	for _, h := range candidates {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		if query.Eval(p.node, storedDocument(h)) {
			kept = append(kept, h)
		}
	}
	total = uint64(len(kept))
	if p.req.Offset < len(kept) {
		kept = kept[p.req.Offset:]
	} else {
		kept = nil
	}
	if len(kept) > p.req.Limit {
		kept = kept[:p.req.Limit]
	}
	return kept, total, nil
}

// nextCursor is where the page after hits starts, if hits fill theirs:
// an offset for relevance (up to maxRelevanceDepth), the last hit's sort
// key for newest first.
func (p *searchPlan) nextCursor(hits []*search.DocumentMatch) string {
	if len(hits) != p.req.Limit || len(hits) == 0 {
		return ""
	}
	if !p.byScore {
		return encodeCursor(cursor{After: hits[len(hits)-1].Sort})
	}
	if next := p.req.Offset + len(hits); next < maxRelevanceDepth {
		return encodeCursor(cursor{Offset: next})
	}
	return ""
}

// found is what a search found before stored fields are read.
type found struct {
	hits  search.DocumentMatchCollection
	total uint64
	// lowerBound: counting stopped at its cap (countCap).
	lowerBound bool
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
	// the hits that remain (rankedSearch asks for them itself, where every
	// hit of a cell is on the page).
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	sr.SortBy(sortBy)
	if after != nil {
		sr.SearchAfter = after
	}
	return sr
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
