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
	"github.com/presswatch/presswatch/internal/benchkit"
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
	dir, err := indexDir(c)
	if err != nil {
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

	b := &bench{c: c, out: out, idx: idx, dir: dir, queries: newQuerySampler(corpus)}
	gen := newGenerator(corpus, c.seed, c.until, c.n, c.randomDates)
	b.printHeader(corpus, gen)
	b.ix = &indexRun{idx: idx, gen: gen, batch: c.batch, every: c.reportEvery, out: out}
	if c.reuse {
		if err := b.reuseIndex(); err != nil {
			return err
		}
	}
	var results []checkpointResult
	for _, cp := range c.checkpoints {
		r, err := b.checkpoint(cp)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	printSummary(out, c, results, b.ix)
	return nil
}

// indexDir is the directory the index lives in: a temporary one, the
// existing one of -reuse, or an empty -dir.
func indexDir(c config) (string, error) {
	switch {
	case c.dir == "":
		dir, err := os.MkdirTemp("", "pw-bench-search-")
		if err != nil {
			return "", fmt.Errorf("temporary index directory: %w", err)
		}
		return dir, nil
	case c.reuse:
		if _, err := os.Stat(c.dir); err != nil {
			return "", fmt.Errorf("-reuse: %w", err)
		}
	default:
		if err := freshDir(c.dir); err != nil {
			return "", err
		}
	}
	return c.dir, nil
}

// bench is one run: the index, how it is being filled and what is asked
// of it.
type bench struct {
	c       config
	out     io.Writer
	idx     *indexer.Index
	dir     string
	ix      *indexRun
	queries *querySampler
}

// printHeader says what is measured and on what machine: figures from a
// shared machine mean little without its load.
func (b *bench) printHeader(corpus *corpus, gen *generator) {
	c, out := b.c, b.out
	fmt.Fprintf(out, "presswatch-bench-search: %d articles from %d vi-dantri articles (%d topics), seed %d, dated %s to %s\n",
		c.n, len(corpus.docs), len(corpus.topics), c.seed, gen.from.Format(time.DateOnly), c.until.Format(time.DateOnly))
	fmt.Fprintf(out, "index %s, batches of %d, %d clients × %d queries per class, GOMAXPROCS %d, %d CPUs, load average %s\n",
		b.dir, c.batch, c.clients, c.perClass, runtime.GOMAXPROCS(0), runtime.NumCPU(), loadAverage())
	fmt.Fprintf(out, "query vocabulary: %d words, %d phrases; peak RSS before indexing %s (corpus and vocabulary)\n\n",
		len(b.queries.words), len(b.queries.phrases), bytesIEC(benchkit.PeakRSS()))
}

// reuseIndex takes the index at -dir as already holding the first -n
// articles, so that only the queries are measured.
func (b *bench) reuseIndex() error {
	n, err := b.idx.Count()
	if err != nil {
		return err
	}
	if int(n) < b.c.n {
		return fmt.Errorf("-reuse: %s holds %d articles, fewer than -n %d", b.dir, n, b.c.n)
	}
	b.ix.done = b.c.n
	fmt.Fprintf(b.out, "reusing the index at %s (%d articles): indexing figures below are not measured\n\n", b.dir, n)
	return nil
}

// checkpoint indexes up to cp articles, compacts if asked and runs the
// queries.
func (b *bench) checkpoint(cp int) (checkpointResult, error) {
	// One profile per phase: Bleve's own goroutines (analysis,
	// persister, merger) carry no labels, so phases cannot be told
	// apart inside one profile.
	stop, err := startProfile(b.c.cpuProfile, "index", cp)
	if err != nil {
		return checkpointResult{}, err
	}
	err = b.ix.indexUpTo(cp)
	stop()
	if err != nil {
		return checkpointResult{}, err
	}
	if b.c.compact {
		if err := b.compactEnded(); err != nil {
			return checkpointResult{}, err
		}
	}
	if stop, err = startProfile(b.c.cpuProfile, "query", cp); err != nil {
		return checkpointResult{}, err
	}
	r, err := measureCheckpoint(b.c, b.idx, b.queries, b.dir, cp, b.out)
	stop()
	if err != nil {
		return checkpointResult{}, err
	}
	r.rate = b.ix.rate()
	r.indexCPU = b.ix.cpuPerThousand()
	return r, nil
}

// compactEnded does what the indexer's hourly maintenance does to months
// that have ended (indexer.Index.Compact).
func (b *bench) compactEnded() error {
	cpu0, start := processCPU(), time.Now()
	done, err := b.idx.Compact(context.Background(), b.c.until.Add(24*time.Hour))
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "compacted %d ended months in %s (%s CPU)\n", len(done), time.Since(start).Round(time.Second), (processCPU() - cpu0).Round(time.Second))
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
