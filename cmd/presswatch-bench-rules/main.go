// Command presswatch-bench-rules measures the classifier with generated
// rule sets of growing size over real Vietnamese articles, next to a naive
// baseline that evaluates every rule with regular expressions, in the same
// run. The articles are read from ../shared/testdata/corpus/vi-dantri at
// run time (GPL: never copied into the repository).
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/internal/benchkit"
	"github.com/presswatch/presswatch/textnorm"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "presswatch-bench-rules:", err)
		os.Exit(1)
	}
}

func run() error {
	corpus := flag.String("corpus", benchkit.DefaultCorpus, "vi-dantri directory")
	sizes := flag.String("rules", "100,1000,10000,100000", "rule-set sizes")
	nArticles := flag.Int("articles", 500, "articles classified per size")
	baselineArticles := flag.Int("baseline-articles", 20, "articles the regexp baseline classifies per size (it is slow)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the matching loops to this file")
	flag.Parse()
	runtime.GOMAXPROCS(1) // per-core figures

	arts, vocab, err := load(*corpus, *nArticles)
	if err != nil {
		return err
	}
	fmt.Printf("presswatch-bench-rules: %d articles (mean %d bytes), vocabulary of %d frequent syllable pairs, 1 core\n\n",
		len(arts), meanLen(arts), len(vocab))
	fmt.Printf("%8s %12s %10s %12s %12s %14s %10s %10s %12s\n", "rules", "articles/s", "µs/art", "candidates", "share", "regexp µs/art", "speed-up", "heap MiB", "cpu µs/art")
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("-rules: %w", err)
		}
		rnd := rand.New(rand.NewPCG(uint64(n), 1))
		file, regexps := generate(n, vocab, rnd)
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rs, err := classifier.Compile(map[string][]byte{"gen.yaml": file})
		if err != nil {
			return err
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := float64(after.HeapAlloc-min(after.HeapAlloc, before.HeapAlloc)) / (1 << 20)

		cands := 0
		for _, a := range arts {
			cands += rs.Candidates(a)
		}
		stopProfile, err := startProfile(*cpuProfile)
		if err != nil {
			return err
		}
		start, cpu0 := time.Now(), cpuTime()
		matched := 0
		for _, a := range arts {
			matched += len(rs.Match(a))
		}
		el := time.Since(start)
		stopProfile()
		cpuPerArt := (cpuTime() - cpu0).Seconds() / float64(len(arts))
		perArt := el.Seconds() / float64(len(arts))

		// Baseline: every rule as regular expressions on the folded text.
		bn := min(*baselineArticles, len(arts))
		folded := make([]string, bn)
		for i := range bn {
			folded[i] = textnorm.Fold(arts[i].Title + "\n" + arts[i].Text)
		}
		bstart := time.Now()
		for _, txt := range folded {
			for _, r := range regexps {
				if r.any.MatchString(txt) && r.all.MatchString(txt) {
					matched += 0
				}
			}
		}
		bPer := time.Since(bstart).Seconds() / float64(bn)
		fmt.Printf("%8d %12.0f %10.1f %12.1f %11.2f%% %14.0f %9.0fx %10.1f %12.1f\n", n, 1/perArt, perArt*1e6,
			float64(cands)/float64(len(arts)), 100*float64(cands)/float64(len(arts))/float64(n), bPer*1e6, bPer/perArt, heap, cpuPerArt*1e6)
		runtime.KeepAlive(rs)
	}
	return nil
}

// startProfile profiles only the matching loop, so rule compilation and
// the regexp baseline do not drown what matching costs. With several rule
// sizes the file holds the last one.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// cpuTime is the CPU time the process has used, every thread included
// (the garbage collector's work is part of the cost): on a shared machine
// it varies far less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type rx struct{ any, all *regexp.Regexp }

// generate writes n rules of the shape ("a b" OR "c d" OR "e f") AND
// ("g h" OR "i j") from corpus syllable pairs — a topic restricted to a
// place, in Vietnamese words of two syllables — and the same logic as
// regular expressions for the baseline.
func generate(n int, vocab []string, rnd *rand.Rand) ([]byte, []rx) {
	var b strings.Builder
	b.WriteString("rules:\n")
	regs := make([]rx, 0, n)
	pick := func() string { return vocab[rnd.IntN(len(vocab))] }
	for i := range n {
		a, c, e := pick(), pick(), pick()
		f, h := pick(), pick()
		fmt.Fprintf(&b, "  - id: r%d\n    query: '(\"%s\" OR \"%s\" OR \"%s\") AND (\"%s\" OR \"%s\")'\n", i, a, c, e, f, h)
		if len(regs) < 100000 {
			regs = append(regs, rx{
				any: regexp.MustCompile(`\b(` + regexp.QuoteMeta(a) + `|` + regexp.QuoteMeta(c) + `|` + regexp.QuoteMeta(e) + `)\b`),
				all: regexp.MustCompile(`\b(` + regexp.QuoteMeta(f) + `|` + regexp.QuoteMeta(h) + `)\b`),
			})
		}
	}
	return []byte(b.String()), regs
}

func load(dir string, n int) ([]*article.Article, []string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		return nil, nil, fmt.Errorf("corpus %s: no articles (run from the repository root with ../shared beside it)", dir)
	}
	sort.Strings(files)
	counts := map[string]int{}
	var arts []*article.Article
	for _, f := range files {
		d, err := benchkit.ReadCorpusFile(f)
		if err != nil {
			return nil, nil, err
		}
		text := strings.Join(d.Paras, "\n")
		toks := textnorm.Tokenize(text)
		for i := 0; i+1 < len(toks); i++ {
			counts[toks[i].Text+" "+toks[i+1].Text]++
		}
		if len(arts) < n {
			arts = append(arts, &article.Article{Title: d.Title, Text: text})
		}
	}
	type kv struct {
		k string
		v int
	}
	var all []kv
	for k, v := range counts {
		if v >= 5 {
			all = append(all, kv{k, v})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v || (all[i].v == all[j].v && all[i].k < all[j].k) })
	// Rule phrases name things (places, institutions, events): pairs that
	// occur a handful of times in the corpus, not function-word pairs.
	var vocab []string
	for _, e := range all {
		if e.v <= 60 && len(vocab) < 20000 {
			vocab = append(vocab, e.k)
		}
	}
	return arts, vocab, nil
}

func meanLen(arts []*article.Article) int {
	total := 0
	for _, a := range arts {
		total += len(a.Text)
	}
	return total / max(1, len(arts))
}
