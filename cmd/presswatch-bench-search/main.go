// Command presswatch-bench-search measures the article index at archive
// scale: it indexes N generated articles in batches through
// indexer.IndexBatch, as the indexer role does, and at each checkpoint runs
// query classes with concurrent clients, reporting indexing rate, search
// latency percentiles, index bytes per article and peak RSS.
//
// The articles are generated on the fly from the Dân Trí corpus of
// ../shared/testdata/corpus/vi-dantri (GPL: read at run time, never
// written anywhere): each one remixes random paragraphs of articles of one
// topic under a title spliced from two titles of that topic, with a date in
// the twelve months before -until (in arrival order: article i of N is
// dated i/N of the way through the year, give or take six hours), one of 50
// sources in 5 tiers, a label on about 5%, and a sentiment. Article i
// depends only on -seed, -n, -until and i, so runs are repeatable.
// -random-dates dates them uniformly instead, as a backfill would: every
// batch then touches every monthly partition, which is much slower.
//
// Query terms are sampled from the corpus vocabulary: single syllables and
// consecutive syllable pairs and triples that occur in a useful share of
// the articles (common, not stop words), so every query finds something.
//
// From the repository root, with ../shared beside it:
//
//	go run ./cmd/presswatch-bench-search                       # 100,000 articles
//	go run ./cmd/presswatch-bench-search -n 1000000 -checkpoints 100000,1000000 -dir /tmp/pw-bench-index
//
// It is a benchmark, not a test: numbers depend on the machine and its load.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/presswatch/presswatch/indexer"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "presswatch-bench-search:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) (err error) {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	corpus, err := loadCorpus(c.corpus)
	if err != nil {
		return err
	}
	dir := c.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "pw-bench-search-"); err != nil {
			return fmt.Errorf("temporary index directory: %w", err)
		}
	} else if c.reuse {
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("-reuse: %w", err)
		}
	} else if err := freshDir(dir); err != nil {
		return err
	}
	if !c.keep && !c.reuse {
		defer os.RemoveAll(dir)
	}
	idx, err := indexer.Open(dir)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := idx.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()

	gen := newGenerator(corpus, c.seed, c.until, c.n, c.randomDates)
	queries := newQuerySampler(corpus)
	fmt.Fprintf(out, "presswatch-bench-search: %d articles from %d vi-dantri articles (%d topics), seed %d, dated %s to %s\n",
		c.n, len(corpus.docs), len(corpus.topics), c.seed, gen.from.Format(time.DateOnly), c.until.Format(time.DateOnly))
	fmt.Fprintf(out, "index %s, batches of %d, %d clients × %d queries per class, GOMAXPROCS %d, %d CPUs, load average %s\n",
		dir, c.batch, c.clients, c.perClass, runtime.GOMAXPROCS(0), runtime.NumCPU(), loadAverage())
	fmt.Fprintf(out, "query vocabulary: %d words, %d phrases; peak RSS before indexing %s (corpus and vocabulary)\n\n",
		len(queries.words), len(queries.phrases), bytesIEC(peakRSS()))

	var results []checkpointResult
	ix := &indexRun{idx: idx, gen: gen, batch: c.batch, every: c.reportEvery, out: out}
	if c.reuse {
		n, err := idx.Count()
		if err != nil {
			return err
		}
		if int(n) < c.n {
			return fmt.Errorf("-reuse: %s holds %d articles, fewer than -n %d", dir, n, c.n)
		}
		ix.done = c.n
		fmt.Fprintf(out, "reusing the index at %s (%d articles): indexing figures below are not measured\n\n", dir, n)
	}
	for _, cp := range c.checkpoints {
		// One profile per phase: Bleve's own goroutines (analysis,
		// persister, merger) carry no labels, so phases cannot be told
		// apart inside one profile.
		stop, err := startProfile(c.cpuProfile, "index", cp)
		if err != nil {
			return err
		}
		err = ix.indexUpTo(cp)
		stop()
		if err != nil {
			return err
		}
		if c.compact {
			// What the indexer's hourly maintenance does to months that
			// have ended (indexer.Index.Compact).
			cpu0, start := processCPU(), time.Now()
			done, err := idx.Compact(context.Background(), c.until.Add(24*time.Hour))
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "compacted %d ended months in %s (%s CPU)\n", len(done), time.Since(start).Round(time.Second), (processCPU() - cpu0).Round(time.Second))
		}
		if stop, err = startProfile(c.cpuProfile, "query", cp); err != nil {
			return err
		}
		r, err := measureCheckpoint(c, idx, queries, dir, cp, out)
		stop()
		if err != nil {
			return err
		}
		r.rate = ix.rate()
		r.indexCPU = ix.cpuPerThousand()
		results = append(results, r)
	}
	printSummary(out, c, results, ix)
	return nil
}

// startProfile starts a CPU profile to prefix-phase-articles.pprof, or
// does nothing without a prefix; the returned func stops it.
func startProfile(prefix, phase string, articles int) (func(), error) {
	if prefix == "" {
		return func() {}, nil
	}
	f, err := os.Create(fmt.Sprintf("%s-%s-%d.pprof", prefix, phase, articles))
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// freshDir makes sure dir can hold a new index: an old one would be
// measured as if it were new.
func freshDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("index directory: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("index directory %s is not empty; remove it or choose another -dir", dir)
	}
	return nil
}
