package main

import (
	"fmt"
	"io"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/internal/benchkit"
)

type indexRun struct {
	idx   *indexer.Index
	gen   *generator
	batch int
	every int
	out   io.Writer

	done     int           // articles indexed
	busy     time.Duration // wall time spent indexing (queries excluded)
	cpu      time.Duration // process CPU time spent indexing, generator included
	genTime  time.Duration // spent generating, concurrently with indexing
	segStart int
	segBusy  time.Duration
	segments []segment
}

type segment struct {
	from, to int
	rate     float64
}

// indexUpTo indexes articles until n are in. Generating a batch and
// committing the previous one overlap, as fetching and indexing do in the
// pipeline; the generator's own time is reported apart.
func (ix *indexRun) indexUpTo(n int) error {
	type gen struct {
		arts []*article.Article
		took time.Duration
	}
	batches := make(chan gen, 2)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for from := ix.done; from < n; from += ix.batch {
			start := time.Now()
			arts := make([]*article.Article, 0, ix.batch)
			for i := from; i < min(from+ix.batch, n); i++ {
				arts = append(arts, ix.gen.article(i))
			}
			select {
			case batches <- gen{arts, time.Since(start)}:
			case <-stop:
				return
			}
		}
	}()
	start := time.Now()
	last := start
	cpu0 := processCPU()
	defer func() { ix.cpu += processCPU() - cpu0 }()
	for b := range batches {
		if err := ix.idx.IndexBatch(b.arts); err != nil {
			return fmt.Errorf("after %d articles: %w", ix.done, err)
		}
		ix.genTime += b.took
		ix.done += len(b.arts)
		now := time.Now()
		ix.busy += now.Sub(last)
		ix.segBusy += now.Sub(last)
		last = now
		if ix.done-ix.segStart >= ix.every || ix.done == n {
			s := segment{from: ix.segStart, to: ix.done, rate: float64(ix.done-ix.segStart) / ix.segBusy.Seconds()}
			ix.segments = append(ix.segments, s)
			fmt.Fprintf(ix.out, "indexed %9s  last %s at %5.0f articles/s, overall %5.0f articles/s, peak RSS %s, load average %s\n",
				thousands(ix.done), thousands(s.to-s.from), s.rate, ix.rate(), bytesIEC(benchkit.PeakRSS()), loadAverage())
			ix.segStart, ix.segBusy = ix.done, 0
		}
	}
	return nil
}

func (ix *indexRun) rate() float64 { return float64(ix.done) / ix.busy.Seconds() }

// cpuPerThousand is the indexing CPU time per 1,000 articles, without the
// generator's.
func (ix *indexRun) cpuPerThousand() time.Duration {
	if ix.done == 0 {
		return 0
	}
	return (ix.cpu - ix.genTime) * 1000 / time.Duration(ix.done)
}
