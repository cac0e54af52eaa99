package indexer

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// facetFields maps the API's facet names to index fields.
var facetFields = map[string]string{"source": fieldSource, "site": fieldSite, "tier": fieldTier, "lang": fieldLang, "label": fieldLabels}

// facetSize is how many values of each facet are shown.
const facetSize = 20

// facetCounts counts q's matches and their facets exactly: the top
// facetSize values of each facet field and the matches per day of the
// histogram (histogramDays).
//
// Bleve's facet builders read the doc values of every hit (about 3.5 µs a
// hit), which at a million articles costs half a second for a broad query.
// Here the hits of each segment become a roaring bitmap, walking the
// searcher without scores, and each term of a facet field counts as the
// intersection of that bitmap with the term's postings bitmap: beyond the
// walk, the cost grows with the number of distinct values and segments,
// not with hits (BenchmarkFacets: about 0.35 µs a hit in all).
//
// The counts are exact across partitions, where Bleve's were each
// partition's top 20 merged. An article caught in two partitions by a date
// change (IndexBatch writes the new copy before deleting the old) counts
// twice here, in the total as well, as it did with Bleve's facets; search
// results show it once. That lasts one batch, or until the next upsert
// after a crash.
func (x *Index) facetCounts(ctx context.Context, q bq.Query, req SearchRequest, now time.Time) (total uint64, facets map[string][]FacetCount, perDay []FacetCount, err error) {
	days := histogramDays(req, now)
	parts, err := inPartitions(x, req.From, req.To, "facets", func(p bleve.Index) (*partCounts, error) {
		return facetsIn(ctx, p, q, days)
	})
	if err != nil {
		return 0, nil, nil, err
	}
	sum := newPartCounts()
	for _, c := range parts {
		sum.add(c)
	}
	facets = make(map[string][]FacetCount, len(facetFields))
	for name, field := range facetFields {
		facets[name] = topValues(sum.terms[field], facetSize)
	}
	perDay = make([]FacetCount, len(days))
	for i, d := range days {
		perDay[i] = FacetCount{Value: d, Count: int(sum.terms[fieldDay][d])}
	}
	return sum.total, facets, perDay, nil
}

// inPartitions runs fn on every partition overlapping [from, to) at once,
// under the read lock (a concurrent Prune cannot close one under it), and
// returns the results by partition name; what names the work in errors.
func inPartitions[T any](x *Index, from, to time.Time, what string, fn func(p bleve.Index) (T, error)) (map[string]T, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var names []string
	for name := range x.parts {
		if monthOverlaps(name, from, to) {
			names = append(names, name)
		}
	}
	out := make([]T, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			errs[i] = x.guard(name, func() (err error) {
				out[i], err = fn(x.parts[name])
				return err
			})
			if errs[i] != nil {
				errs[i] = fmt.Errorf("partition %s: %s: %w", name, what, errs[i])
			}
		})
	}
	wg.Wait()
	byName := make(map[string]T, len(names))
	for i, name := range names {
		byName[name] = out[i]
	}
	return byName, errors.Join(errs...)
}

// topValues orders counts as Bleve orders a term facet (count descending,
// then value ascending) and keeps the first n; a field with no values
// gives an empty list.
func topValues(counts map[string]uint64, n int) []FacetCount {
	out := make([]FacetCount, 0, len(counts))
	for v, c := range counts {
		if c > 0 {
			out = append(out, FacetCount{Value: v, Count: int(c)})
		}
	}
	slices.SortFunc(out, func(a, b FacetCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	return out[:min(n, len(out))]
}

// histogramDays are the days of the per-day histogram, as "YYYY-MM-DD" of
// the day field: from the request's from to its to (tomorrow when open),
// or the 30 days before to when from is open or more than
// maxHistogramDays earlier. from's day is taken as written, in its own
// zone, as the histogram always did.
func histogramDays(req SearchRequest, now time.Time) []string {
	to := req.To
	if to.IsZero() {
		to = now.UTC().Add(24 * time.Hour)
	}
	from := req.From
	if from.IsZero() || to.Sub(from) > maxHistogramDays*24*time.Hour {
		from = to.Add(-30 * 24 * time.Hour)
	}
	var days []string
	for day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC); day.Before(to); day = day.AddDate(0, 0, 1) {
		days = append(days, day.Format(time.DateOnly))
	}
	return days
}

// partCounts are the counts of one partition, or the sum of several.
type partCounts struct {
	total uint64
	terms map[string]map[string]uint64 // field -> term -> matches
}

func newPartCounts() *partCounts {
	c := &partCounts{terms: make(map[string]map[string]uint64, len(facetFields)+1)}
	for _, field := range facetFields {
		c.terms[field] = map[string]uint64{}
	}
	c.terms[fieldDay] = map[string]uint64{}
	return c
}

func (c *partCounts) add(o *partCounts) {
	c.total += o.total
	for field, terms := range o.terms {
		for t, n := range terms {
			c.terms[field][t] += n
		}
	}
}

// checkEvery is how many hits pass between looks at the context.
const checkEvery = 4096

// openSnapshot opens a reader of p and its scorch snapshot, whose
// segments facets and tallies walk; the caller closes the reader.
func openSnapshot(p bleve.Index) (index.IndexReader, *scorch.IndexSnapshot, error) {
	adv, err := p.Advanced()
	if err != nil {
		return nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		_ = r.Close()
		return nil, nil, fmt.Errorf("index reader is a %T, not a scorch snapshot", r)
	}
	return r, snap, nil
}

// facetsIn counts the matches of q in p and their facet terms; only the
// days in days are counted.
func facetsIn(ctx context.Context, p bleve.Index, q bq.Query, days []string) (*partCounts, error) {
	r, snap, err := openSnapshot(p)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	hits, err := hitBitmaps(ctx, p, r, snap.Segments(), q)
	if err != nil {
		return nil, err
	}
	c := newPartCounts()
	var lo, hi []byte
	if len(days) > 0 {
		last, err := time.Parse(time.DateOnly, days[len(days)-1])
		if err != nil {
			return nil, fmt.Errorf("histogram day %q: %w", days[len(days)-1], err)
		}
		lo, hi = []byte(days[0]), []byte(last.AddDate(0, 0, 1).Format(time.DateOnly))
	}
	for i, seg := range snap.Segments() {
		h := hits[i]
		if h == nil || h.IsEmpty() {
			continue
		}
		c.total += h.GetCardinality()
		for _, field := range facetFields {
			if err := countTerms(ctx, seg.Segment(), field, nil, nil, h, c.terms[field]); err != nil {
				return nil, err
			}
		}
		if lo != nil {
			if err := countTerms(ctx, seg.Segment(), fieldDay, lo, hi, h, c.terms[fieldDay]); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// hitBitmaps walks q's searcher without scores and returns, for each
// segment of the snapshot, the segment-local numbers of the matches
// (nil for a segment without any). Deleted documents never match.
func hitBitmaps(ctx context.Context, p bleve.Index, r index.IndexReader, segs []*scorch.SegmentSnapshot, q bq.Query) ([]*roaring.Bitmap, error) {
	// A hit's internal ID is its global doc number, big-endian: the
	// segment's offset, which scorch keeps as the running sum of the
	// sizes (deleted documents included) of the segments before it, plus
	// the number within the segment.
	offsets := make([]uint64, len(segs)+1)
	for i, s := range segs {
		offsets[i+1] = offsets[i] + s.Segment().Count()
	}
	s, err := q.Searcher(ctx, r, p.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: r}
	out := make([]*roaring.Bitmap, len(segs))
	// Hits come in doc number order; numbers are gathered per segment and
	// added to its bitmap in bulk.
	seg := 0
	buf := make([]uint32, 0, checkEvery)
	flush := func() {
		if len(buf) == 0 {
			return
		}
		if out[seg] == nil {
			out[seg] = roaring.New()
		}
		out[seg].AddMany(buf)
		buf = buf[:0]
	}
	for i := 0; ; i++ {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			break
		}
		if len(dm.IndexInternalID) != 8 {
			return nil, fmt.Errorf("internal ID %x is not a doc number", dm.IndexInternalID)
		}
		n := binary.BigEndian.Uint64(dm.IndexInternalID)
		sctx.DocumentMatchPool.Put(dm)
		if n >= offsets[len(segs)] {
			return nil, fmt.Errorf("doc number %d beyond the %d documents of the snapshot", n, offsets[len(segs)])
		}
		if n < offsets[seg] || n >= offsets[seg+1] {
			flush()
			seg = sort.Search(len(segs), func(i int) bool { return offsets[i+1] > n })
		}
		buf = append(buf, uint32(n-offsets[seg]))
		if len(buf) == cap(buf) {
			flush()
		}
	}
	flush()
	return out, nil
}

// countTerms adds, for each term of field in seg (those in [lo, hi) when
// given), how many of hits hold it to counts.
func countTerms(ctx context.Context, seg segment.Segment, field string, lo, hi []byte, hits *roaring.Bitmap, counts map[string]uint64) error {
	return eachTerm(ctx, seg, field, lo, hi, hits, func(term string, bm *roaring.Bitmap) {
		if n := bm.AndCardinality(hits); n > 0 {
			counts[term] += n
		}
	})
}
