package indexer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	bq "github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/query"
)

// bleveFacets is what Bleve's own facet builders count for q, the
// reference for facetCounts: the request Search made before facetCounts
// replaced it. Each partition is asked for up to size values of each
// facet (Bleve merges each partition's top values, so only a size above
// every partition's number of values is exact); the merge is cut to the
// top facetSize.
func bleveFacets(tb testing.TB, idx *Index, q bq.Query, req SearchRequest, now time.Time, size int) (uint64, map[string][]FacetCount, []FacetCount) {
	tb.Helper()
	sr := bleve.NewSearchRequestOptions(q, 0, 0, false)
	sr.Score = "none"
	for name, field := range facetFields {
		sr.AddFacet(name, bleve.NewFacetRequest(field, size))
	}
	days := histogramDays(req, now)
	perDayReq := bleve.NewFacetRequest(fieldPublished, len(days))
	for _, d := range days {
		day, err := time.Parse(time.DateOnly, d)
		if err != nil {
			tb.Fatal(err)
		}
		perDayReq.AddDateTimeRange(d, publishedKey(day), publishedKey(day.AddDate(0, 0, 1)))
	}
	sr.AddFacet("per_day", perDayReq)
	res, err := idx.searchPartitions(context.Background(), sr, req.From, req.To)
	if err != nil {
		tb.Fatal(err)
	}
	facets := map[string][]FacetCount{}
	for name := range facetFields {
		vals := []FacetCount{}
		if f := res.Facets[name]; f != nil && f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				vals = append(vals, FacetCount{Value: t.Term, Count: t.Count})
			}
		}
		facets[name] = vals[:min(facetSize, len(vals))]
	}
	counts := map[string]int{}
	if f := res.Facets["per_day"]; f != nil {
		for _, r := range f.DateRanges {
			counts[r.Name] = r.Count
		}
	}
	perDay := make([]FacetCount, len(days))
	for i, d := range days {
		perDay[i] = FacetCount{Value: d, Count: counts[d]}
	}
	return res.Total, facets, perDay
}

// facetArticle is a generated article with varied facet values: more
// sources and sites than a facet shows, so the top 20 and its tie order
// matter, and zero to three labels.
func facetArticle(r *rand.Rand, id string, start time.Time, span time.Duration) *article.Article {
	words := []string{"lu", "quet", "mua", "bao", "chay", "rung", "dien", "bien", "dan", "nha"}
	pick := func(n int) string {
		out := make([]string, n)
		for i := range out {
			out[i] = words[r.IntN(len(words))]
		}
		return strings.Join(out, " ")
	}
	labels := []string{"crisis", "sensitive", "tourism", "economy", "health", "border", "weather", "culture"}
	r.Shuffle(len(labels), func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
	return &article.Article{
		ID: id, URL: "https://x.example/" + id,
		SourceID: fmt.Sprintf("src-%02d", r.IntN(30)), Site: fmt.Sprintf("site-%02d.example", r.IntN(25)),
		Tier: []string{"local", "central", "foreign"}[r.IntN(3)], Lang: []string{"vi", "en", "fr"}[r.IntN(3)],
		Title: pick(2 + r.IntN(2)), Text: pick(5 + r.IntN(6)), Labels: labels[:r.IntN(4)],
		Published: start.Add(time.Duration(r.Int64N(int64(span)))),
	}
}

// keepSegments creates the partitions of months so that each batch stays
// a segment of its own: scorch merges segments below 2,000 documents into
// one, and tests of what spans segments need several.
func keepSegments(t *testing.T, idx *Index, months ...string) {
	t.Helper()
	for _, month := range months {
		p, err := bleve.NewUsing(filepath.Join(idx.dir, month), idx.mapping, scorch.Name, scorch.Name, map[string]any{
			"scorchMergePlanOptions": map[string]any{"MaxSegmentsPerTier": 1000, "FloorSegmentSize": 1, "FloorSegmentFileSize": 1},
		})
		if err != nil {
			t.Fatal(err)
		}
		p.SetName(month)
		idx.mu.Lock()
		idx.parts[month] = p
		idx.mu.Unlock()
	}
}

// facetIndex builds an index over three monthly partitions, each of
// several segments (one per batch), with updates in place and across
// months and deletions; it returns the live articles.
func facetIndex(t *testing.T) (*Index, map[string]*article.Article) {
	t.Helper()
	idx := openTestIndex(t)
	keepSegments(t, idx, "2026-09", "2026-10", "2026-11")
	r := rand.New(rand.NewPCG(7, 11))
	start, span := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 91*24*time.Hour
	live := map[string]*article.Article{}
	// Five batches of 100, each spanning every month.
	for b := range 5 {
		var batch []*article.Article
		for i := range 100 {
			a := facetArticle(r, fmt.Sprintf("a%03d", b*100+i), start, span)
			batch = append(batch, a)
			live[a.ID] = a
		}
		if err := idx.IndexBatch(batch); err != nil {
			t.Fatal(err)
		}
	}
	// Re-index 80 articles with new values and dates: scorch deletes the
	// old copy in its segment, or IndexBatch in its old partition.
	var batch []*article.Article
	for i := 0; i < 400; i += 5 {
		a := facetArticle(r, fmt.Sprintf("a%03d", i), start, span)
		batch = append(batch, a)
		live[a.ID] = a
	}
	if err := idx.IndexBatch(batch); err != nil {
		t.Fatal(err)
	}
	// Delete 40 articles.
	for i := 1; i < 400; i += 10 {
		id := fmt.Sprintf("a%03d", i)
		p, err := idx.partition(monthOf(live[id]))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Delete(id); err != nil {
			t.Fatal(err)
		}
		delete(live, id)
	}
	return idx, live
}

// segmentShape reports the most segments of any partition and whether any
// segment holds deleted documents: what the test means to cover.
func segmentShape(t *testing.T, idx *Index) (maxSegments int, deletions bool) {
	t.Helper()
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	for _, p := range idx.parts {
		adv, err := p.Advanced()
		if err != nil {
			t.Fatal(err)
		}
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		segs := r.(*scorch.IndexSnapshot).Segments()
		maxSegments = max(maxSegments, len(segs))
		for _, s := range segs {
			if d := s.Deleted(); d != nil && !d.IsEmpty() {
				deletions = true
			}
		}
		_ = r.Close()
	}
	return maxSegments, deletions
}

// modelFacets counts the facets of the live articles that keep selects,
// from the articles themselves.
func modelFacets(live map[string]*article.Article, keep func(*article.Article) bool, days []string) (uint64, map[string][]FacetCount, []FacetCount) {
	counts := map[string]map[string]uint64{}
	for _, field := range facetFields {
		counts[field] = map[string]uint64{}
	}
	perDay := map[string]int{}
	var total uint64
	for _, a := range live {
		if !keep(a) {
			continue
		}
		total++
		counts[fieldSource][kw(a.SourceID)]++
		counts[fieldSite][kw(a.Site)]++
		counts[fieldTier][kw(a.Tier)]++
		counts[fieldLang][kw(a.Lang)]++
		for _, l := range a.Labels {
			counts[fieldLabels][kw(l)]++
		}
		perDay[a.Published.UTC().Format(time.DateOnly)]++
	}
	facets := map[string][]FacetCount{}
	for name, field := range facetFields {
		facets[name] = topValues(counts[field], facetSize)
	}
	days2 := make([]FacetCount, len(days))
	for i, d := range days {
		days2[i] = FacetCount{Value: d, Count: perDay[d]}
	}
	return total, facets, days2
}

// searchQuery is the Bleve query Search runs for req.
func searchQuery(t *testing.T, req SearchRequest) bq.Query {
	t.Helper()
	q := bq.Query(bleve.NewMatchAllQuery())
	if req.Q != "" {
		q = mustCompile(t, req.Q)
	}
	filters, err := filterQueries(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(filters) > 0 {
		q = bleve.NewConjunctionQuery(append([]bq.Query{q}, filters...)...)
	}
	return q
}

func TestFacetCountsEqualBleveFacets(t *testing.T) {
	t.Parallel()
	idx, live := facetIndex(t)
	if segs, deleted := segmentShape(t, idx); segs < 2 || !deleted {
		t.Fatalf("index has at most %d segments a partition, deletions %v: want several and some", segs, deleted)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	from, to := time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	all := func(*article.Article) bool { return true }
	cases := []struct {
		req SearchRequest
		// model selects the matches for requests without a query.
		model func(*article.Article) bool
	}{
		{SearchRequest{}, all},
		{SearchRequest{From: from, To: to}, func(a *article.Article) bool { return !a.Published.Before(from) && a.Published.Before(to) }},
		{SearchRequest{From: from}, func(a *article.Article) bool { return !a.Published.Before(from) }},
		{SearchRequest{Sources: []string{"src-03", "src-17"}}, func(a *article.Article) bool { return a.SourceID == "src-03" || a.SourceID == "src-17" }},
		{SearchRequest{Labels: []string{"crisis"}}, func(a *article.Article) bool { return strings.Contains(strings.Join(a.Labels, ","), "crisis") }},
		{SearchRequest{Q: "lu"}, nil},
		{SearchRequest{Q: "lu AND mua"}, nil},
		{SearchRequest{Q: "lu OR chay", Sources: []string{"src-05"}}, nil},
		{SearchRequest{Q: "NOT lu"}, nil},
		{SearchRequest{Q: "mua AND NOT (lu OR quet)", From: from, To: to}, nil},
		{SearchRequest{Q: `"lu quet"`}, nil},
		{SearchRequest{Q: "label:crisis AND lang:vi"}, nil},
		{SearchRequest{Q: "khongco"}, nil},
		{SearchRequest{From: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}, nil},
	}
	for _, c := range cases {
		q := searchQuery(t, c.req)
		total, facets, perDay, err := idx.facetCounts(context.Background(), q, c.req, now)
		if err != nil {
			t.Fatalf("%+v: %v", c.req, err)
		}
		wantTotal, wantFacets, wantPerDay := bleveFacets(t, idx, q, c.req, now, 10_000)
		if total != wantTotal || !reflect.DeepEqual(facets, wantFacets) || !reflect.DeepEqual(perDay, wantPerDay) {
			t.Errorf("%+v:\n got %d %v\n%v\nwant %d %v\n%v", c.req, total, facets, perDay, wantTotal, wantFacets, wantPerDay)
		}
		if c.model != nil {
			mTotal, mFacets, mPerDay := modelFacets(live, c.model, histogramDays(c.req, now))
			if total != mTotal || !reflect.DeepEqual(facets, mFacets) || !reflect.DeepEqual(perDay, mPerDay) {
				t.Errorf("%+v: not the articles' own counts:\n got %d %v\n%v\nwant %d %v\n%v", c.req, total, facets, perDay, mTotal, mFacets, mPerDay)
			}
		}
		if reflect.DeepEqual(c.req, SearchRequest{}) && total != uint64(len(live)) {
			t.Errorf("match-all total %d, want the %d live articles", total, len(live))
		}
	}
	// Search answers with the same counts.
	req := SearchRequest{Q: "lu OR mua", From: from, To: to, Facets: true}
	res := mustSearch(t, idx, req)
	total, facets, _ := bleveFacets(t, idx, searchQuery(t, req), req, time.Now(), 10_000)
	if res.Total != total || res.TotalIsLowerBound || !reflect.DeepEqual(res.Facets, facets) || len(res.PerDay) != 41 {
		t.Errorf("Search: %d %v %v %d days, want %d %v", res.Total, res.TotalIsLowerBound, res.Facets, len(res.PerDay), total, facets)
	}
}

func TestFacetCountsTopValuesAndCancel(t *testing.T) {
	t.Parallel()
	idx, live := facetIndex(t)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	_, facets, _, err := idx.facetCounts(context.Background(), bleve.NewMatchAllQuery(), SearchRequest{}, now)
	if err != nil {
		t.Fatal(err)
	}
	// 30 sources: the 20 shown are the most frequent, ties by name.
	srcs := facets["source"]
	if len(srcs) != facetSize {
		t.Fatalf("%d sources shown, want %d", len(srcs), facetSize)
	}
	perSource := map[string]int{}
	for _, a := range live {
		perSource[a.SourceID]++
	}
	for i, f := range srcs {
		if perSource[f.Value] != f.Count {
			t.Errorf("source %s: %d, has %d articles", f.Value, f.Count, perSource[f.Value])
		}
		if i > 0 && (srcs[i-1].Count < f.Count || srcs[i-1].Count == f.Count && srcs[i-1].Value > f.Value) {
			t.Errorf("sources out of order at %d: %v", i, srcs)
		}
	}
	for s, n := range perSource {
		if n > srcs[facetSize-1].Count && !strings.Contains(fmt.Sprint(srcs), s+" ") {
			t.Errorf("source %s with %d articles left out of %v", s, n, srcs)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := idx.facetCounts(ctx, bleve.NewMatchAllQuery(), SearchRequest{}, now); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
}

// TestCountTermsOneHitPostings covers the postings zap keeps as a
// document number instead of a bitmap: a term of one document in a field
// without term vectors.
func TestCountTermsOneHitPostings(t *testing.T) {
	t.Parallel()
	m := bleve.NewIndexMapping()
	f := mapping.NewKeywordFieldMapping()
	f.IncludeTermVectors = false
	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("k", f)
	m.DefaultMapping = doc
	p, err := bleve.New(filepath.Join(t.TempDir(), "p"), m)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// zap writes one-hit postings when it merges segments: two batches,
	// merged into one segment.
	n := 0
	for _, vals := range [][]string{{"one", "two", "three"}, {"two", "three", "three", "four"}} {
		b := p.NewBatch()
		for _, v := range vals {
			n++
			if err := b.Index(fmt.Sprint(n), map[string]any{"k": v}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	adv, err := p.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	if err := adv.(*scorch.Scorch).ForceMerge(context.Background(), &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	segs := r.(*scorch.IndexSnapshot).Segments()
	if len(segs) != 1 {
		t.Fatalf("%d segments, want 1", len(segs))
	}
	dict, err := segs[0].Segment().Dictionary("k")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := dict.PostingsList([]byte("one"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := pl.Iterator(false, false, false, nil).(segment.OptimizablePostingsIterator); !ok || o.ActualBitmap() != nil {
		t.Fatal(`postings of "one" are a bitmap: the test no longer covers one-hit postings`)
	}
	term := func(v string) bq.Query {
		q := bleve.NewTermQuery(v)
		q.SetField("k")
		return q
	}
	for _, c := range []struct {
		q    bq.Query
		want map[string]uint64
	}{
		{bleve.NewDisjunctionQuery(term("one"), term("three")), map[string]uint64{"one": 1, "three": 3}},
		{bleve.NewDisjunctionQuery(term("two"), term("four")), map[string]uint64{"two": 2, "four": 1}},
	} {
		hits, err := hitBitmaps(context.Background(), p, r, segs, c.q)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]uint64{}
		if err := countTerms(context.Background(), segs[0].Segment(), "k", nil, nil, hits[0], got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: counts %v, want %v", c.q, got, c.want)
		}
	}
}

// BenchmarkFacets counts the facets of a broad query over 20,000
// articles in three monthly partitions, with Bleve's facet builders (the
// request Search made before) and with facetCounts.
func BenchmarkFacets(b *testing.B) {
	idx, err := Open(b.TempDir() + "/index")
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	r := rand.New(rand.NewPCG(1, 2))
	start, span := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 91*24*time.Hour
	for i := 0; i < 20_000; i += 1000 {
		batch := make([]*article.Article, 1000)
		for j := range batch {
			batch[j] = facetArticle(r, fmt.Sprintf("b%05d", i+j), start, span)
		}
		if err := idx.IndexBatch(batch); err != nil {
			b.Fatal(err)
		}
	}
	node, err := query.Parse("dien OR bien", query.Options{})
	if err != nil {
		b.Fatal(err)
	}
	q, _, err := compile(node)
	if err != nil {
		b.Fatal(err)
	}
	req, now := SearchRequest{}, start.Add(span)
	total, _, _, err := idx.facetCounts(context.Background(), q, req, now)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("bleve", func(b *testing.B) {
		for b.Loop() {
			bleveFacets(b, idx, q, req, now, facetSize)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(total), "ns/hit")
	})
	b.Run("bitmaps", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := idx.facetCounts(context.Background(), q, req, now); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(total), "ns/hit")
	})
}
