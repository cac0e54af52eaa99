package indexer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

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
