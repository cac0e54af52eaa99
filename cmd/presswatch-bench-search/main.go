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
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/textnorm"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "presswatch-bench-search:", err)
		os.Exit(1)
	}
}

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
	flags.StringVar(&c.corpus, "corpus", "../shared/testdata/corpus/vi-dantri", "directory of vi-dantri articles")
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

// --- corpus ---------------------------------------------------------------

type corpusDoc struct {
	topic string
	title string
	paras []string
}

type corpus struct {
	docs   []corpusDoc
	topics []string         // sorted
	byTop  map[string][]int // topic → indexes into docs
}

// loadCorpus reads news_<topic>_<n>.txt files: "# key = value" headers,
// the title line, paragraphs.
func loadCorpus(dir string) (*corpus, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "news_*.txt"))
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("corpus %s: no news_*.txt files (run from the repository root with ../shared beside it, or set -corpus)", dir)
	}
	sort.Strings(paths)
	c := &corpus{byTop: map[string][]int{}}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txt")
		parts := strings.Split(name, "_")
		if len(parts) != 3 {
			continue
		}
		d, err := readDoc(p)
		if err != nil {
			return nil, err
		}
		if d.title == "" || len(d.paras) == 0 {
			continue
		}
		d.topic = parts[1]
		c.byTop[d.topic] = append(c.byTop[d.topic], len(c.docs))
		c.docs = append(c.docs, d)
	}
	for t := range c.byTop {
		c.topics = append(c.topics, t)
	}
	slices.Sort(c.topics)
	if len(c.docs) == 0 {
		return nil, fmt.Errorf("corpus %s: no articles", dir)
	}
	return c, nil
}

func readDoc(path string) (corpusDoc, error) {
	f, err := os.Open(path)
	if err != nil {
		return corpusDoc{}, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	var d corpusDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "", strings.HasPrefix(line, "# "):
		case d.title == "":
			d.title = line
		default:
			d.paras = append(d.paras, line)
		}
	}
	if err := sc.Err(); err != nil {
		return corpusDoc{}, fmt.Errorf("corpus %s: %w", path, err)
	}
	return d, nil
}

// --- generator --------------------------------------------------------------

// source is one of the generated outlets.
type source struct {
	id, site, tier string
	weight         float64
}

var tiers = []string{"official", "central", "local", "foreign", "social"}

// labels are those the example rules assign.
var labels = []string{"sensitive", "crisis", "disaster", "negative", "land", "misleading", "health"}

var severities = []article.Severity{article.SeverityLow, article.SeverityMedium, article.SeverityHigh, article.SeverityCritical}

type generator struct {
	c       *corpus
	seed    uint64
	from    time.Time
	span    time.Duration
	n       int  // articles in the whole run, spread over span
	random  bool // dates uniformly random rather than in arrival order
	sources []source
	cumW    []float64 // cumulative source weights
}

func newGenerator(c *corpus, seed uint64, until time.Time, n int, random bool) *generator {
	g := &generator{c: c, seed: seed, from: until.AddDate(-1, 0, 0), n: n, random: random}
	g.span = until.Sub(g.from)
	// 50 sources, 10 per tier; volume falls off like a Zipf law, so facets
	// see a few big outlets and a long tail, as a monitoring office does.
	total := 0.0
	for i := range 50 {
		w := 1 / float64(i+1)
		g.sources = append(g.sources, source{
			id:     fmt.Sprintf("src-%02d", i+1),
			site:   fmt.Sprintf("src%02d.example.vn", i+1),
			tier:   tiers[i%len(tiers)],
			weight: w,
		})
		total += w
		g.cumW = append(g.cumW, total)
	}
	return g
}

// article builds article i; it depends only on the seed and i.
func (g *generator) article(i int) *article.Article {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	topic := g.c.topics[r.IntN(len(g.c.topics))]
	docs := g.c.byTop[topic]
	pick := func() *corpusDoc { return &g.c.docs[docs[r.IntN(len(docs))]] }

	// Title: the first half of one title and the second half of another.
	a, b := strings.Fields(pick().title), strings.Fields(pick().title)
	title := strings.Join(append(slices.Clone(a[:(len(a)+1)/2]), b[len(b)/2:]...), " ")

	// Text: 4 to 14 paragraphs, each from a random article of the topic.
	n := 4 + r.IntN(11)
	paras := make([]string, n)
	for j := range paras {
		d := pick()
		paras[j] = d.paras[r.IntN(len(d.paras))]
	}

	x := r.Float64() * g.cumW[len(g.cumW)-1]
	src := g.sources[sort.SearchFloat64s(g.cumW, x)]
	// Articles arrive roughly in publication order, as the crawler
	// delivers them: article i is dated i/n of the way through the year,
	// give or take six hours. -random-dates spreads them uniformly.
	var published time.Time
	if g.random {
		published = g.from.Add(time.Duration(r.Int64N(int64(g.span))))
	} else {
		at := time.Duration(float64(g.span) * float64(i) / float64(g.n))
		jitter := time.Duration(r.Int64N(int64(12*time.Hour))) - 6*time.Hour
		published = g.from.Add(min(max(at+jitter, 0), g.span-time.Second))
	}
	url := fmt.Sprintf("https://%s/%s/bai-%d.htm", src.site, topic, i)
	id, canonical, err := article.IDFromURL(url)
	if err != nil {
		// The URL is built here from safe parts; failing is a bug.
		panic(err)
	}
	art := &article.Article{
		ID: id, URL: canonical, CanonicalURL: canonical, SourceID: src.id, Site: src.site, Tier: src.tier,
		Lang: "vi", Title: title, Text: strings.Join(paras, "\n"),
		Published: published, Fetched: published.Add(time.Duration(r.IntN(30*60)) * time.Second),
		Sentiment: math.Round(math.Max(-1, math.Min(1, r.NormFloat64()*0.35))*100) / 100,
	}
	if r.IntN(20) == 0 {
		art.Labels = []string{labels[r.IntN(len(labels))]}
		if r.IntN(3) == 0 {
			art.Labels = append(art.Labels, "sensitive")
			art.Labels = slices.Compact(art.Labels)
		}
		art.Severity = severities[r.IntN(len(severities))]
	}
	return art
}

// --- indexing -----------------------------------------------------------------

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
				thousands(ix.done), thousands(s.to-s.from), s.rate, ix.rate(), bytesIEC(peakRSS()), loadAverage())
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

// --- queries --------------------------------------------------------------------

// querySampler draws query terms from the corpus vocabulary.
type querySampler struct {
	words   []string // syllables in 2%–25% of articles
	phrases []string // 2- and 3-syllable sequences in 0.3%–10% of articles
}

// newQuerySampler counts in how many corpus articles each syllable, pair
// and triple occurs. Syllables are interned and sequences counted by id, so
// the counts take tens of megabytes, not the hundreds a map of strings
// would add to the peak RSS the benchmark reports.
func newQuerySampler(c *corpus) *querySampler {
	ids := map[string]int32{}
	var vocab []string
	var good []bool // the syllable can be part of a query term
	// docs[d] holds the paragraphs of article d as syllable ids.
	docs := make([][][]int32, len(c.docs))
	var toks []textnorm.Token
	for d, doc := range c.docs {
		for _, p := range append([]string{doc.title}, doc.paras...) {
			toks = textnorm.AppendTokens(toks[:0], p)
			seq := make([]int32, len(toks))
			for i, t := range toks {
				form := strings.ToLower(textnorm.Normalize(p[t.Start:t.End]))
				id, ok := ids[form]
				if !ok {
					id = int32(len(vocab))
					ids[form] = id
					vocab = append(vocab, form)
					good = append(good, !notWord(form))
				}
				seq[i] = id
			}
			docs[d] = append(docs[d], seq)
		}
	}
	n := float64(len(c.docs))
	// Document frequencies of syllables, then of pairs of good syllables,
	// then of triples whose two pairs are frequent enough to matter.
	df1 := make([]int, len(vocab))
	df2 := map[[2]int32]int{}
	df3 := map[[3]int32]int{}
	seen1 := map[int32]bool{}
	seen2 := map[[2]int32]bool{}
	seen3 := map[[3]int32]bool{}
	minPair := int(0.003 * n)
	for pass := range 3 {
		for _, paras := range docs {
			clear(seen1)
			clear(seen2)
			clear(seen3)
			for _, seq := range paras {
				for i, a := range seq {
					switch pass {
					case 0:
						seen1[a] = true
					case 1:
						if i+1 < len(seq) && good[a] && good[seq[i+1]] {
							seen2[[2]int32{a, seq[i+1]}] = true
						}
					case 2:
						if i+2 < len(seq) && df2[[2]int32{a, seq[i+1]}] >= minPair && df2[[2]int32{seq[i+1], seq[i+2]}] >= minPair {
							seen3[[3]int32{a, seq[i+1], seq[i+2]}] = true
						}
					}
				}
			}
			for k := range seen1 {
				df1[k]++
			}
			for k := range seen2 {
				df2[k]++
			}
			for k := range seen3 {
				df3[k]++
			}
		}
	}
	q := &querySampler{}
	for id, f := range df1 {
		if share := float64(f) / n; good[id] && share >= 0.02 && share <= 0.25 {
			q.words = append(q.words, vocab[id])
		}
	}
	phrase := func(f int, ids ...int32) {
		if share := float64(f) / n; share >= 0.003 && share <= 0.10 {
			words := make([]string, len(ids))
			for i, id := range ids {
				words[i] = vocab[id]
			}
			q.phrases = append(q.phrases, strings.Join(words, " "))
		}
	}
	for k, f := range df2 {
		phrase(f, k[0], k[1])
	}
	for k, f := range df3 {
		phrase(f, k[0], k[1], k[2])
	}
	// Sorted so that the seed alone decides the draw.
	slices.Sort(q.words)
	slices.Sort(q.phrases)
	return q
}

// notWord rejects tokens that make poor query terms: numbers, single
// letters.
func notWord(s string) bool {
	if len([]rune(s)) < 2 {
		return true
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			return true
		}
	}
	return false
}

// queryText returns query i of a class at a checkpoint.
func (q *querySampler) queryText(class string, r *rand.Rand) string {
	word := func() string { return q.words[r.IntN(len(q.words))] }
	phrase := func() string { return `"` + q.phrases[r.IntN(len(q.phrases))] + `"` }
	switch class {
	case "and", "faceted", "week":
		n := 2 + r.IntN(2)
		terms := make([]string, n)
		for i := range terms {
			terms[i] = word()
		}
		return strings.Join(terms, " AND ")
	case "phrase":
		return phrase()
	case "or":
		n := 3 + r.IntN(4)
		terms := make([]string, n)
		for i := range terms {
			if r.IntN(2) == 0 {
				terms[i] = word()
			} else {
				terms[i] = phrase()
			}
		}
		return strings.Join(terms, " OR ")
	case "near":
		return fmt.Sprintf("%s NEAR/5 %s", word(), word())
	}
	panic("unknown class " + class)
}

type classResult struct {
	class    string
	n        int
	p50, p99 time.Duration
	max      time.Duration
	meanHits float64
	errors   int
	firstErr error
	// slowest are the queries by latency, slowest first.
	slowest []string
	// cpu is the process CPU time (user + system) per query: far less
	// sensitive than latency to other work on a shared machine, so it is
	// what compares two builds run one after the other.
	cpu time.Duration
}

type checkpointResult struct {
	articles int
	rate     float64
	// indexCPU is the process CPU time per 1,000 articles indexed, the
	// generator's share taken out.
	indexCPU   time.Duration
	classes    []classResult
	indexBytes int64
	peakRSS    int64
}

// measureCheckpoint runs every class with concurrent clients and reads the
// index size and peak memory.
func measureCheckpoint(c config, idx *indexer.Index, qs *querySampler, dir string, articles int, out io.Writer) (checkpointResult, error) {
	res := checkpointResult{articles: articles}
	fmt.Fprintf(out, "\nqueries at %s articles (%d clients, load average %s):\n", thousands(articles), c.clients, loadAverage())
	for ci, class := range c.classes {
		// Each checkpoint and class draws its own queries.
		r := rand.New(rand.NewPCG(c.seed^0x9e3779b97f4a7c15, uint64(articles)*16+uint64(ci)))
		texts := make([]string, c.perClass)
		for i := range texts {
			texts[i] = qs.queryText(class, r)
		}
		var from time.Time
		if class == "week" {
			// The last week before -until, as an officer's search of
			// recent coverage: the index reads only its month(s).
			from = c.until.AddDate(0, 0, -7)
		}
		cr := runClass(idx, class, texts, from, c.clients, c.timeout)
		res.classes = append(res.classes, cr)
		fmt.Fprintf(out, "  %-8s p50 %8s  p99 %8s  max %8s  CPU/query %8s  mean total hits %9.0f  errors %d\n",
			class, ms(cr.p50), ms(cr.p99), ms(cr.max), ms(cr.cpu), cr.meanHits, cr.errors)
		if cr.firstErr != nil {
			fmt.Fprintf(out, "           first error: %v\n", cr.firstErr)
		}
		for _, q := range cr.slowest[:min(c.slowest, len(cr.slowest))] {
			fmt.Fprintf(out, "           %s\n", q)
		}
	}
	size, err := diskUsage(dir)
	if err != nil {
		return res, err
	}
	res.indexBytes = size
	res.peakRSS = peakRSS()
	fmt.Fprintf(out, "  index on disk %s (%s per article), peak RSS %s, load average %s\n\n",
		bytesIEC(size), bytesIEC(size/int64(articles)), bytesIEC(res.peakRSS), loadAverage())
	return res, nil
}

// runClass sends texts from clients goroutines, each taking the next query
// as soon as its previous one returned.
func runClass(idx *indexer.Index, class string, texts []string, from time.Time, clients int, timeout time.Duration) classResult {
	lat := make([]time.Duration, len(texts))
	hits := make([]uint64, len(texts))
	errs := make([]error, len(texts))
	next := make(chan int)
	var wg sync.WaitGroup
	cpu0 := processCPU()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				req := indexer.SearchRequest{Q: texts[i], Limit: 20, Facets: class == "faceted", From: from}
				start := time.Now()
				r, err := idx.Search(ctx, req)
				lat[i] = time.Since(start)
				cancel()
				if err != nil {
					errs[i] = err
					continue
				}
				hits[i] = r.Total
			}
		}()
	}
	for i := range texts {
		next <- i
	}
	close(next)
	wg.Wait()

	cr := classResult{class: class, n: len(texts), cpu: (processCPU() - cpu0) / time.Duration(len(texts))}
	var ok []time.Duration
	var total float64
	for i, err := range errs {
		if err != nil {
			cr.errors++
			if cr.firstErr == nil {
				cr.firstErr = fmt.Errorf("%q: %w", texts[i], err)
			}
			continue
		}
		ok = append(ok, lat[i])
		total += float64(hits[i])
	}
	order := make([]int, len(texts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(lat[b], lat[a]) })
	for _, i := range order {
		cr.slowest = append(cr.slowest, fmt.Sprintf("%8s  total %6d  %s", ms(lat[i]), hits[i], texts[i]))
	}
	if len(ok) > 0 {
		slices.Sort(ok)
		cr.p50, cr.p99, cr.max = percentile(ok, 0.50), percentile(ok, 0.99), ok[len(ok)-1]
		cr.meanHits = total / float64(len(ok))
	}
	return cr
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// --- report -----------------------------------------------------------------------

func printSummary(out io.Writer, c config, results []checkpointResult, ix *indexRun) {
	fmt.Fprintf(out, "summary (%d articles, batches of %d, %d clients, %d queries per class)\n\n", ix.done, c.batch, c.clients, c.perClass)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "articles\tindexed/s (cumulative)\tCPU/1k articles\t"
	for _, cl := range c.classes {
		header += cl + " p50\t" + cl + " p99\t" + cl + " CPU\t"
	}
	header += "bytes/article\tpeak RSS\t"
	fmt.Fprintln(tw, header)
	for _, r := range results {
		row := fmt.Sprintf("%s\t%.0f\t%.2f s\t", thousands(r.articles), r.rate, r.indexCPU.Seconds())
		for _, cr := range r.classes {
			row += ms(cr.p50) + "\t" + ms(cr.p99) + "\t" + ms(cr.cpu) + "\t"
		}
		row += fmt.Sprintf("%s\t%s\t", thousands(int(r.indexBytes/int64(r.articles))), bytesIEC(r.peakRSS))
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	fmt.Fprintln(out)
	if len(ix.segments) > 1 {
		fmt.Fprint(out, "indexing rate per segment (articles/s):")
		for _, s := range ix.segments {
			fmt.Fprintf(out, " %s–%s %.0f;", thousands(s.from), thousands(s.to), s.rate)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "indexing wall time %s (queries excluded), of which the generator ran %s concurrently on the other core\n",
		ix.busy.Round(time.Second), ix.genTime.Round(time.Second))
	if !slices.Contains(c.classes, "faceted") {
		fmt.Fprintln(out, "faceted class not run (-classes)")
	}
	fmt.Fprintln(out, "targets (issue 4): ≥ 2,000 articles/s through 1M; AND and phrase p50 ≤ 10 ms, p99 ≤ 100 ms; OR and faceted p99 ≤ 300 ms")
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func bytesIEC(n int64) string {
	switch {
	case n < 0:
		return "n/a"
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// diskUsage is what du reports for dir: allocated blocks, not file sizes
// (sparse and preallocated files differ).
func diskUsage(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			// Segments are merged and deleted while we walk.
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			total += st.Blocks * 512
		} else {
			total += info.Size()
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("index size: %w", err)
	}
	return total, nil
}

// loadAverage is the 1, 5 and 15 minute load averages from /proc (Linux):
// the machines are shared, and the figures mean little without it.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

// peakRSS is the process's VmHWM from /proc (Linux), or -1.
// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if v, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return v << 10
				}
			}
		}
	}
	return -1
}
