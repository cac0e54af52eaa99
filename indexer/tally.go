package indexer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/query"
)

// tallyFields maps the names a TallyRequest counts by to index fields.
var tallyFields = map[string]string{
	"source": fieldSource, "site": fieldSite, "tier": fieldTier, "lang": fieldLang, "label": fieldLabels,
	"severity": fieldSeverity, "story": fieldStory, "region": fieldRegions, "tone": fieldTone,
}

// TallyRequest asks how the articles published in [From, To) that match
// Q (all when empty) divide by the values of some fields: what a report
// is made of. Counts come from postings bitmaps, never from documents.
type TallyRequest struct {
	Q    string    `json:"q,omitempty"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Bounds split [From, To) into buckets (local days, say): each bound
	// starts a bucket, the first bucket starts at From. Ascending, inside
	// (From, To).
	Bounds []time.Time `json:"bounds,omitempty"`
	// Fields are counted in total: source, site, tier, lang, label,
	// severity, story, region, tone.
	Fields []string `json:"fields,omitempty"`
	// PerBucket are the fields also counted per bucket.
	PerBucket []string `json:"per_bucket,omitempty"`
	// PerTone are the fields also counted per tone (article.Tones).
	PerTone []string `json:"per_tone,omitempty"`
}

// Tally is the answer to a TallyRequest. Terms are as indexed (keywords
// lower-cased, article.ToneOf for tone).
type Tally struct {
	Total uint64 `json:"total"`
	// Buckets counts the matches of each bucket (len(Bounds)+1).
	Buckets []uint64 `json:"buckets"`
	// Terms: field → value → matches.
	Terms map[string]map[string]uint64 `json:"terms"`
	// BucketTerms: field → bucket → value → matches.
	BucketTerms map[string][]map[string]uint64 `json:"bucket_terms,omitempty"`
	// ToneTerms: field → tone → value → matches.
	ToneTerms map[string]map[string]map[string]uint64 `json:"tone_terms,omitempty"`
}

func newTally(req TallyRequest) *Tally {
	t := &Tally{Buckets: make([]uint64, len(req.Bounds)+1), Terms: map[string]map[string]uint64{}}
	for _, f := range req.Fields {
		t.Terms[f] = map[string]uint64{}
	}
	if len(req.PerBucket) > 0 {
		t.BucketTerms = map[string][]map[string]uint64{}
	}
	for _, f := range req.PerBucket {
		t.BucketTerms[f] = make([]map[string]uint64, len(t.Buckets))
		for i := range t.BucketTerms[f] {
			t.BucketTerms[f][i] = map[string]uint64{}
		}
	}
	if len(req.PerTone) > 0 {
		t.ToneTerms = map[string]map[string]map[string]uint64{}
	}
	for _, f := range req.PerTone {
		t.ToneTerms[f] = map[string]map[string]uint64{}
		for _, tone := range article.Tones() {
			t.ToneTerms[f][tone] = map[string]uint64{}
		}
	}
	return t
}

func (t *Tally) add(o *Tally) {
	t.Total += o.Total
	for i, n := range o.Buckets {
		t.Buckets[i] += n
	}
	for f, terms := range o.Terms {
		addCounts(t.Terms[f], terms)
	}
	for f, buckets := range o.BucketTerms {
		for i, terms := range buckets {
			addCounts(t.BucketTerms[f][i], terms)
		}
	}
	for f, tones := range o.ToneTerms {
		for tone, terms := range tones {
			addCounts(t.ToneTerms[f][tone], terms)
		}
	}
}

func addCounts(dst, src map[string]uint64) {
	for k, n := range src {
		dst[k] += n
	}
}

func (req TallyRequest) check() error {
	if req.From.IsZero() || req.To.IsZero() || !req.From.Before(req.To) {
		return fmt.Errorf("%w: a tally needs from before to", ErrBadQuery)
	}
	prev := req.From
	for _, b := range req.Bounds {
		if !b.After(prev) || !b.Before(req.To) {
			return fmt.Errorf("%w: bucket bounds must ascend inside the period", ErrBadQuery)
		}
		prev = b
	}
	for _, list := range [][]string{req.Fields, req.PerBucket, req.PerTone} {
		for _, f := range list {
			if _, ok := tallyFields[f]; !ok {
				return fmt.Errorf("%w: cannot count by %q", ErrBadQuery, f)
			}
		}
	}
	for _, f := range slices.Concat(req.PerBucket, req.PerTone) {
		if !slices.Contains(req.Fields, f) {
			return fmt.Errorf("%w: %q is counted per bucket or tone but not listed in fields", ErrBadQuery, f)
		}
	}
	return nil
}

// Tally counts the matches of req in every partition the period touches.
// A query that needs checks on the stored text (NEAR, exact forms) counts
// its candidates, as facets do.
func (x *Index) Tally(ctx context.Context, req TallyRequest) (*Tally, error) {
	x.maybeAdviseReads()
	if err := req.check(); err != nil {
		return nil, err
	}
	q := bq.Query(bleve.NewMatchAllQuery())
	if strings.TrimSpace(req.Q) != "" {
		node, err := query.Parse(req.Q, query.Options{Lists: x.opts.Lists})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadQuery, err)
		}
		if q, _, err = compile(node); err != nil {
			return nil, err
		}
	}
	ranges := make([]bq.Query, len(req.Bounds)+1)
	starts := append([]time.Time{req.From}, req.Bounds...)
	for i, s := range starts {
		end := req.To
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		r := bleve.NewDateRangeQuery(publishedBound(s), publishedBound(end))
		r.SetField(fieldPublished)
		ranges[i] = r
	}
	parts, err := inPartitions(x, req.From, req.To, "tally", func(p bleve.Index) (*Tally, error) {
		return tallyIn(ctx, p, q, ranges, req)
	})
	if err != nil {
		return nil, err
	}
	sum := newTally(req)
	for _, p := range parts {
		sum.add(p)
	}
	return sum, nil
}

// tallyIn counts in one partition: a bitmap of each bucket's matches per
// segment, then each term's postings intersected with them.
func tallyIn(ctx context.Context, p bleve.Index, q bq.Query, ranges []bq.Query, req TallyRequest) (*Tally, error) {
	r, snap, err := openSnapshot(p)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	segs := snap.Segments()
	// buckets[b][s]: matches of bucket b in segment s.
	buckets := make([][]*roaring.Bitmap, len(ranges))
	for b, rq := range ranges {
		if buckets[b], err = hitBitmaps(ctx, p, r, segs, bleve.NewConjunctionQuery(q, rq)); err != nil {
			return nil, err
		}
	}
	t := newTally(req)
	for s, seg := range segs {
		hits := roaring.New()
		bucketHits := make([]*roaring.Bitmap, len(ranges))
		for b := range ranges {
			bucketHits[b] = orEmpty(buckets[b][s])
			t.Buckets[b] += bucketHits[b].GetCardinality()
			hits.Or(bucketHits[b])
		}
		if hits.IsEmpty() {
			continue
		}
		t.Total += hits.GetCardinality()
		var toneHits map[string]*roaring.Bitmap
		if len(req.PerTone) > 0 {
			toneHits = map[string]*roaring.Bitmap{}
			err := eachTerm(ctx, seg.Segment(), fieldTone, nil, nil, hits, func(tone string, bm *roaring.Bitmap) {
				toneHits[tone] = roaring.And(bm, hits)
			})
			if err != nil {
				return nil, err
			}
		}
		for _, f := range req.Fields {
			perBucket, perTone := slices.Contains(req.PerBucket, f), slices.Contains(req.PerTone, f)
			err := eachTerm(ctx, seg.Segment(), tallyFields[f], nil, nil, hits, func(term string, bm *roaring.Bitmap) {
				n := bm.AndCardinality(hits)
				if n == 0 {
					return
				}
				t.Terms[f][term] += n
				if perBucket {
					for b, bh := range bucketHits {
						if c := bm.AndCardinality(bh); c > 0 {
							t.BucketTerms[f][b][term] += c
						}
					}
				}
				if perTone {
					for tone, th := range toneHits {
						if c := bm.AndCardinality(th); c > 0 && t.ToneTerms[f][tone] != nil {
							t.ToneTerms[f][tone][term] += c
						}
					}
				}
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

func orEmpty(b *roaring.Bitmap) *roaring.Bitmap {
	if b == nil {
		return roaring.New()
	}
	return b
}

// eachTerm calls fn with each term of field in seg (those in [lo, hi)
// when given) and the bitmap of the documents holding it (a term in one
// document that is not a hit is skipped). A term's count is then one
// bitmap intersection with the hits, whatever their number.
func eachTerm(ctx context.Context, seg segment.Segment, field string, lo, hi []byte, hits *roaring.Bitmap, fn func(term string, bm *roaring.Bitmap)) error {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return fmt.Errorf("field %s: %w", field, err)
	}
	it := dict.AutomatonIterator(nil, lo, hi)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	one := roaring.New()
	for i := 0; ; i++ {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("field %s: terms: %w", field, err)
		}
		if e == nil {
			return nil
		}
		if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
			return fmt.Errorf("field %s: postings of %q: %w", field, e.Term, err)
		}
		pi = pl.Iterator(false, false, false, pi)
		bm, err := postingsBitmap(pi, hits, one)
		if err != nil {
			return fmt.Errorf("field %s: postings of %q: %w", field, e.Term, err)
		}
		if bm != nil {
			fn(e.Term, bm)
		}
	}
}

// postingsBitmap gives the documents of a postings list as a bitmap: zap's
// own when it has one, scratch (reused) for a term in one document, nil
// when that document is not a hit; any other kind is walked.
func postingsBitmap(pi segment.PostingsIterator, hits, scratch *roaring.Bitmap) (*roaring.Bitmap, error) {
	if o, ok := pi.(segment.OptimizablePostingsIterator); ok {
		if bm := o.ActualBitmap(); bm != nil {
			return bm, nil
		}
		if d, ok := o.DocNum1Hit(); ok {
			if !hits.Contains(uint32(d)) {
				return nil, nil
			}
			scratch.Clear()
			scratch.Add(uint32(d))
			return scratch, nil
		}
	}
	bm := roaring.New()
	for {
		p, err := pi.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return bm, nil
		}
		bm.Add(uint32(p.Number()))
	}
}
