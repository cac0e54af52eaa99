package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/internal/benchkit"
)

// config is the command line.
type config struct {
	corpus      string
	n           int
	checkpoints []int
	dir         string
	keep        bool
	reuse       bool
	compact     bool
	batch       int
	perClass    int
	clients     int
	classes     []string
	seed        uint64
	until       time.Time
	reportEvery int
	cpuProfile  string
	randomDates bool
	timeout     time.Duration
	slowest     int
}

func parseFlags(args []string) (config, error) {
	flags := flag.NewFlagSet("presswatch-bench-search", flag.ContinueOnError)
	var c config
	var checkpoints, classes, until string
	flags.StringVar(&c.corpus, "corpus", benchkit.DefaultCorpus, "directory of vi-dantri articles")
	flags.IntVar(&c.n, "n", 100_000, "articles to generate and index")
	flags.StringVar(&checkpoints, "checkpoints", "", "comma-separated article counts at which to run the queries (default: -n)")
	flags.StringVar(&c.dir, "dir", "", "index directory, created fresh (default: a temporary directory)")
	flags.BoolVar(&c.keep, "keep", false, "keep the index directory afterwards")
	flags.BoolVar(&c.compact, "compact", false, "before the queries at each checkpoint, compact the months that have ended as the indexer does hourly")
	flags.BoolVar(&c.reuse, "reuse", false, "query the index already at -dir (built with -keep and the same -n, -seed and -until) instead of building it: for comparing query changes")
	flags.IntVar(&c.batch, "batch", 1000, "articles per IndexBatch call")
	flags.IntVar(&c.perClass, "queries", 200, "queries per class at each checkpoint")
	flags.IntVar(&c.clients, "clients", 2, "concurrent search clients")
	flags.IntVar(&c.slowest, "slowest", 0, "print the N slowest queries of each class, to see what the tail is made of")
	flags.StringVar(&classes, "classes", "and,phrase,or,faceted", "query classes to run (and, phrase, or, faceted, near, week: AND over the last 7 days)")
	flags.Uint64Var(&c.seed, "seed", 1, "generator seed")
	flags.StringVar(&until, "until", time.Now().UTC().Format(time.DateOnly), "articles are dated in the 12 months before this day (YYYY-MM-DD)")
	flags.IntVar(&c.reportEvery, "report-every", 0, "print the indexing rate every this many articles (default: every 100,000, or every tenth of -n when smaller)")
	flags.DurationVar(&c.timeout, "timeout", 30*time.Second, "deadline of one search; a search that misses it counts as an error")
	flags.BoolVar(&c.randomDates, "random-dates", false, "date articles uniformly at random over the 12 months instead of in arrival order (a backfill: every batch then spans every monthly partition)")
	flags.StringVar(&c.cpuProfile, "cpuprofile", "", "write CPU profiles of each phase to PREFIX-index-<articles>.pprof and PREFIX-query-<articles>.pprof")
	if err := flags.Parse(args); err != nil {
		return c, err
	}
	if flags.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	var err error
	if c.until, err = time.Parse(time.DateOnly, until); err != nil {
		return c, fmt.Errorf("-until: %w", err)
	}
	if c.reportEvery == 0 {
		c.reportEvery = max(1, min(100_000, c.n/10))
	}
	if c.n <= 0 || c.batch <= 0 || c.perClass <= 0 || c.clients <= 0 || c.reportEvery <= 0 || c.timeout <= 0 {
		return c, errors.New("-n, -batch, -queries, -clients, -report-every and -timeout must be positive")
	}
	if checkpoints == "" {
		c.checkpoints = []int{c.n}
	}
	for _, s := range strings.Split(checkpoints, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 || v > c.n {
			return c, fmt.Errorf("-checkpoints: %q is not a count between 1 and -n (%d)", s, c.n)
		}
		c.checkpoints = append(c.checkpoints, v)
	}
	slices.Sort(c.checkpoints)
	c.checkpoints = slices.Compact(c.checkpoints)
	for _, cl := range strings.Split(classes, ",") {
		cl = strings.TrimSpace(cl)
		if !slices.Contains(allClasses, cl) {
			return c, fmt.Errorf("-classes: unknown class %q (known: %s)", cl, strings.Join(allClasses, ", "))
		}
		c.classes = append(c.classes, cl)
	}
	return c, nil
}

var allClasses = []string{"and", "phrase", "or", "faceted", "near", "week"}
