package indexer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/classifier/query"
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

var storedFields = []string{fieldURL, fieldTitle, fieldText, fieldByline, fieldSource, fieldSite, fieldTier, fieldLang, fieldPublished, fieldLabels, fieldSeverity}

// Search runs req within ctx's deadline.
func (x *Index) Search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
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

	size, from := req.Limit, req.Offset
	if verify {
		// Proximity is checked on stored text: take candidates in bulk
		// and page over the verified ones.
		size, from = maxVerify, 0
	}
	// No stored fields here: every partition would load them for its own
	// top hits, most of which the merge then drops. They are loaded for
	// the hits that remain.
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	sr.SortBy(sortBy)
	if cur.After != nil {
		sr.SearchAfter = cur.After
	}
	var days []string
	if req.Facets {
		days = addFacets(sr, req, time.Now())
	}
	res, err := x.searchPartitions(ctx, sr, req.From, req.To)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("search %q: timed out: %w", req.Q, ctx.Err())
		}
		return nil, fmt.Errorf("search %q: %w", req.Q, err)
	}
	hits := res.Hits
	if err := x.loadFields(ctx, hits); err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Q, err)
	}
	out := &SearchResult{Total: res.Total, Hits: []Hit{}}
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
		out.TotalIsLowerBound = res.Total > uint64(len(hits))
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
		out.Facets, out.PerDay = readFacets(res.Facets, days)
	}
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
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
			results[i], errs[i] = x.parts[n].SearchInContext(ctx, &c)
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
		q := bleve.NewDateRangeQuery(req.From, req.To)
		q.SetField(fieldPublished)
		out = append(out, q)
	}
	return out, nil
}

var facetFields = map[string]string{"source": fieldSource, "site": fieldSite, "tier": fieldTier, "lang": fieldLang, "label": fieldLabels}

// addFacets asks for the facets and returns the days of the histogram.
func addFacets(sr *bleve.SearchRequest, req SearchRequest, now time.Time) []string {
	for name, field := range facetFields {
		sr.AddFacet(name, bleve.NewFacetRequest(field, 20))
	}
	to := req.To
	if to.IsZero() {
		to = now.UTC().Add(24 * time.Hour)
	}
	from := req.From
	if from.IsZero() || to.Sub(from) > maxHistogramDays*24*time.Hour {
		from = to.Add(-30 * 24 * time.Hour)
	}
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	f := bleve.NewFacetRequest(fieldPublished, maxHistogramDays+1)
	var days []string
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		name := day.Format(time.DateOnly)
		f.AddDateTimeRange(name, day, day.AddDate(0, 0, 1))
		days = append(days, name)
	}
	sr.AddFacet("per_day", f)
	return days
}

// readFacets converts Bleve's facets; days with no article, which Bleve
// leaves out, count 0 so the histogram has no gaps.
func readFacets(fr search.FacetResults, days []string) (map[string][]FacetCount, []FacetCount) {
	out := map[string][]FacetCount{}
	for name := range facetFields {
		f := fr[name]
		vals := []FacetCount{}
		if f != nil && f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				vals = append(vals, FacetCount{Value: t.Term, Count: t.Count})
			}
		}
		out[name] = vals
	}
	counts := map[string]int{}
	if f := fr["per_day"]; f != nil {
		for _, r := range f.DateRanges {
			counts[r.Name] = r.Count
		}
	}
	perDay := make([]FacetCount, len(days))
	for i, d := range days {
		perDay[i] = FacetCount{Value: d, Count: counts[d]}
	}
	return out, perDay
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
	if p, err := time.Parse(time.RFC3339, str(h.Fields[fieldPublished])); err == nil {
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
