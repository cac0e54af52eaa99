package indexer

import (
	"context"
	"log/slog"
	"maps"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/presswatch/presswatch/internal/readadvice"
)

// adviseEvery is how often a search looks for segments mapped since the
// last look: those Bleve's merger or a compaction wrote.
const adviseEvery = 5 * time.Second

// readAdvice says how the kernel should read a mapped file of the index:
// the segments of ended months at random, one page per miss, since only
// searches read them and a search reads scattered pieces of them; the
// current month's and a compacting month's with read-ahead, since merges
// read those from end to end.
func (x *Index) readAdvice(now time.Time) func(path string) readadvice.Advice {
	x.adviceMu.Lock()
	compacting := maps.Clone(x.compacting)
	x.adviceMu.Unlock()
	return func(path string) readadvice.Advice {
		rel, err := filepath.Rel(x.adviser.Dir(), path)
		if err != nil || !strings.HasSuffix(rel, ".zap") {
			return readadvice.Normal
		}
		name, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		if _, end, ok := partitionMonth(name); !ok || compacting[name] || !end.Before(now) {
			return readadvice.Normal
		}
		return readadvice.Random
	}
}

// adviseReads applies readAdvice to the index's mappings now.
func (x *Index) adviseReads() {
	now := time.Now()
	x.advisedAt.Store(now.UnixNano())
	if _, err := x.adviser.Apply(x.readAdvice(now)); err != nil {
		// Searches still work, only with the kernel's read-ahead; one
		// warning says so without repeating every few seconds.
		x.adviceWarn.Do(func() {
			slog.Warn("index: cannot advise the kernel of random reads; searches under a memory limit may read far more from disk than they use", "err", err)
		})
	}
}

// maybeAdviseReads is adviseReads at most once per adviseEvery, from
// whichever search comes first.
func (x *Index) maybeAdviseReads() {
	last := x.advisedAt.Load()
	now := time.Now().UnixNano()
	if now-last < int64(adviseEvery) || !x.advisedAt.CompareAndSwap(last, now) {
		return
	}
	x.adviseReads()
}

// compactPartition merges with read-ahead back on for the partition's
// segments: the merge reads them from end to end, which one page per miss
// would make many times slower.
func (x *Index) compactPartition(ctx context.Context, name string, p bleve.Index) (bool, error) {
	x.setCompacting(name, true)
	defer x.setCompacting(name, false)
	return mergePartition(ctx, p)
}

func (x *Index) setCompacting(name string, on bool) {
	x.adviceMu.Lock()
	if on {
		x.compacting[name] = true
	} else {
		delete(x.compacting, name)
	}
	x.adviceMu.Unlock()
	x.adviseReads()
}
