package story

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/heavytest"
	"github.com/presswatch/presswatch/textnorm"
)

// corpusDir holds Vietnamese news articles (GPL; read in place, never copied
// into the repository).
const corpusDir = "/work/shared/testdata/corpus/vi-dantri"

type corpusDoc struct {
	name, title string
	paras       []string
}

func (d corpusDoc) text() string { return strings.Join(d.paras, "\n") }

func loadCorpus(t testing.TB) []corpusDoc {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Skipf("corpus %s not available", corpusDir)
	}
	slices.Sort(files)
	var docs []corpusDoc
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := corpusDoc{name: filepath.Base(f)}
		for line := range strings.Lines(string(b)) {
			line = strings.TrimSpace(line)
			switch {
			case line == "" || strings.HasPrefix(line, "# "):
			case d.title == "":
				d.title = line
			default:
				d.paras = append(d.paras, line)
			}
		}
		if len(d.paras) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

// sentences splits a paragraph after ., ! and ? followed by a space.
func sentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p)-1; i++ {
		if (p[i] == '.' || p[i] == '!' || p[i] == '?') && p[i+1] == ' ' {
			out = append(out, p[start:i+1])
			start = i + 2
		}
	}
	return append(out, p[start:])
}

// editCopy is the synthetic copy of the brief: 10% of the sentences
// dropped, two paragraphs swapped, tone marks stripped.
func editCopy(d corpusDoc, rng *rand.Rand) string {
	type sent struct{ para, i int }
	var all []sent
	paras := make([][]string, len(d.paras))
	for pi, p := range d.paras {
		paras[pi] = sentences(p)
		for si := range paras[pi] {
			all = append(all, sent{pi, si})
		}
	}
	drop := int(math.Round(float64(len(all)) / 10))
	if drop == 0 && len(all) >= 5 {
		drop = 1
	}
	gone := map[sent]bool{}
	for _, k := range rng.Perm(len(all))[:drop] {
		gone[all[k]] = true
	}
	var out []string
	for pi, ss := range paras {
		var kept []string
		for si, s := range ss {
			if !gone[sent{pi, si}] {
				kept = append(kept, s)
			}
		}
		out = append(out, strings.Join(kept, " "))
	}
	if len(out) >= 2 {
		i := rng.IntN(len(out))
		j := (i + 1 + rng.IntN(len(out)-1)) % len(out)
		out[i], out[j] = out[j], out[i]
	}
	return stripTones(strings.Join(out, "\n"))
}

// heavyCopy rewrites more: a third of the sentences dropped and three
// sentences of another article added, for pairs near the thresholds.
func heavyCopy(d, other corpusDoc, rng *rand.Rand) string {
	var ss []string
	for _, p := range d.paras {
		ss = append(ss, sentences(p)...)
	}
	var kept []string
	for _, s := range ss {
		if rng.Float64() >= 0.33 {
			kept = append(kept, s)
		}
	}
	var extra []string
	for _, p := range other.paras {
		extra = append(extra, sentences(p)...)
	}
	for k := 0; k < 3 && len(extra) > 0; k++ {
		kept = slices.Insert(kept, rng.IntN(len(kept)+1), extra[rng.IntN(len(extra))])
	}
	return strings.Join(kept, " ")
}

// shareBand reports whether a and b agree on every row of some band when
// the first bands*rows minima are cut into bands of rows.
func shareBand(a, b *Signature, bands, rows int) bool {
	for bi := range bands {
		if slices.Equal(a.Mins[bi*rows:(bi+1)*rows], b.Mins[bi*rows:(bi+1)*rows]) {
			return true
		}
	}
	return false
}

func shingleSet(text string) []uint64 {
	return shingleHashes(textnorm.Tokenize(text), shingleSize)
}

func setJaccard64(x, y []uint64) float64 {
	in := 0
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i] == y[j]:
			in++
			i++
			j++
		case x[i] < y[j]:
			i++
		default:
			j++
		}
	}
	if len(x)+len(y) == 0 {
		return 0
	}
	return float64(in) / float64(len(x)+len(y)-in)
}

// TestCorpusRates measures recall and false positives of the chosen
// parameters on real Vietnamese news, and logs how other band layouts
// would do on the same signatures (doc.go quotes these numbers).
func TestCorpusRates(t *testing.T) {
	heavytest.WithoutRace(t)
	if testing.Short() {
		t.Skip("measurement")
	}
	docs := loadCorpus(t)
	rng := rand.New(rand.NewPCG(2025, 10))
	t0 := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	r := rule{window: int64(72 * time.Hour), text: 0.5, title: 0.5}
	const copyThreshold = 0.6

	var (
		orig, edited         []Signature
		origSets, editedSets [][]uint64
		kept                 []corpusDoc
	)
	for _, d := range docs {
		s := Sign(d.text())
		if s.Shingles < minTextShingles {
			continue
		}
		kept = append(kept, d)
		orig = append(orig, s)
		origSets = append(origSets, shingleSet(d.text()))
	}
	docs = kept
	n := len(docs)
	for _, d := range docs {
		text := editCopy(d, rng)
		edited = append(edited, Sign(text))
		editedSets = append(editedSets, shingleSet(text))
	}

	// The index of every original; each edited copy is looked up in it.
	x := newIndex()
	for i, d := range docs {
		x.insert(&entry{id: d.name, story: d.name, pub: t0.UnixNano(), sig: orig[i], title: titleSet(d.title)})
	}
	var storyHits, copyHits, others, cands int
	var worst []float64
	for i, d := range docs {
		q := &entry{id: "copy", pub: t0.Add(time.Hour).UnixNano(), sig: edited[i], title: titleSet(stripTones(d.title))}
		ms, c := x.lookup(q, r)
		cands += c
		for _, m := range ms {
			if m.e.id == d.name {
				storyHits++
			} else {
				others++
			}
		}
		if _, _, ok := copyOf(&edited[i], &orig[i], copyThreshold); ok {
			copyHits++
		}
		worst = append(worst, jaccard(&edited[i], &orig[i]))
	}
	slices.Sort(worst)
	storyRecall := float64(storyHits) / float64(n)
	copyRecall := float64(copyHits) / float64(n)
	t.Logf("%d articles; edited copies: found as same story %.2f%%, flagged as copy %.2f%%; estimated Jaccard min %.3f, 1st percentile %.3f, median %.3f",
		n, 100*storyRecall, 100*copyRecall, worst[0], worst[n/100], worst[n/2])
	t.Logf("lookups of the copies: %.2f candidates per lookup from %d indexed, %d matches with another article (%.4f%% of pairs)",
		float64(cands)/float64(n), n, others, 100*float64(others)/float64(n)/float64(n-1))
	if storyRecall < 0.95 || copyRecall < 0.95 {
		t.Errorf("recall of edited copies: story %.3f, copy %.3f; want ≥ 0.95", storyRecall, copyRecall)
	}

	// Random pairs of different articles.
	const pairs = 50000
	var storyFP, copyFP, candFP, agree3, agree10 int
	for range pairs {
		i := rng.IntN(n)
		j := (i + 1 + rng.IntN(n-1)) % n
		jj := jaccard(&orig[i], &orig[j])
		if jj >= r.text {
			storyFP++
		}
		if _, _, ok := copyOf(&orig[i], &orig[j], copyThreshold); ok {
			copyFP++
		}
		if shareBand(&orig[i], &orig[j], textBands, textRows) {
			candFP++
		}
		if jj*NumHashes >= 3 {
			agree3++
		}
		if jj*NumHashes >= minContainAgree {
			agree10++
		}
	}
	storyFPR, copyFPR := float64(storyFP)/pairs, float64(copyFP)/pairs
	t.Logf("%d random pairs: same story %.4f%%, copy %.4f%%, LSH candidates %.4f%%, ≥3 agreeing minima %.3f%%, ≥%d %.3f%%",
		pairs, 100*storyFPR, 100*copyFPR, 100*float64(candFP)/pairs, 100*float64(agree3)/pairs, minContainAgree, 100*float64(agree10)/pairs)
	if storyFPR > 0.01 || copyFPR > 0.01 {
		t.Errorf("false positives on random pairs: story %.4f, copy %.4f; want ≤ 0.01", storyFPR, copyFPR)
	}

	// Accuracy of the estimate against the exact Jaccard similarity, on
	// edited copies (high similarity) and random pairs (near zero).
	var sumErr, maxErr, bias float64
	var nerr int
	measure := func(a, b *Signature, exact float64) {
		e := jaccard(a, b) - exact
		sumErr += math.Abs(e)
		bias += e
		maxErr = max(maxErr, math.Abs(e))
		nerr++
	}
	for i := range docs {
		measure(&edited[i], &orig[i], setJaccard64(origSets[i], editedSets[i]))
	}
	for range 2000 {
		i := rng.IntN(n)
		j := (i + 1 + rng.IntN(n-1)) % n
		measure(&orig[i], &orig[j], setJaccard64(origSets[i], origSets[j]))
	}
	mae := sumErr / float64(nerr)
	t.Logf("estimate vs exact Jaccard over %d pairs: mean absolute error %.4f, bias %+.4f, max error %.3f", nerr, mae, bias/float64(nerr), maxErr)
	if mae > 0.03 {
		t.Errorf("mean absolute error %.4f, want ≤ 0.03", mae)
	}

	// Band layouts compared on the same signatures: by exact Jaccard of
	// the pair, the share of pairs that become candidates and the share
	// found (candidate and estimate ≥ 0.5); and the candidates a lookup
	// would get from 50,000 unrelated articles.
	type bucket struct {
		lo, hi float64
		pairs  [][2]*Signature
	}
	buckets := []*bucket{{lo: 0, hi: 0.2}, {lo: 0.2, hi: 0.3}, {lo: 0.3, hi: 0.4}, {lo: 0.4, hi: 0.5}, {lo: 0.5, hi: 0.6}, {lo: 0.6, hi: 0.7}, {lo: 0.7, hi: 1.01}}
	add := func(a, b *Signature, exact float64) {
		for _, bk := range buckets {
			if exact >= bk.lo && exact < bk.hi {
				bk.pairs = append(bk.pairs, [2]*Signature{a, b})
			}
		}
	}
	for i, d := range docs {
		add(&edited[i], &orig[i], setJaccard64(origSets[i], editedSets[i]))
		text := heavyCopy(d, docs[(i+7)%n], rng)
		s := Sign(text)
		add(&s, &orig[i], setJaccard64(origSets[i], shingleSet(text)))
	}
	var random [][2]*Signature
	for range 20000 {
		i := rng.IntN(n)
		j := (i + 1 + rng.IntN(n-1)) % n
		add(&orig[i], &orig[j], setJaccard64(origSets[i], origSets[j]))
		random = append(random, [2]*Signature{&orig[i], &orig[j]})
	}
	var hdr strings.Builder
	hdr.WriteString("layout: candidates / found (≥ 0.5) by exact Jaccard of the pair, pairs:")
	for _, bk := range buckets {
		fmt.Fprintf(&hdr, " [%.1f,%.1f) %d", bk.lo, min(bk.hi, 1), len(bk.pairs))
	}
	t.Log(hdr.String())
	for _, l := range [][2]int{{16, 4}, {20, 5}, {25, 5}, {32, 4}, {42, 3}, {64, 2}} {
		var line strings.Builder
		fmt.Fprintf(&line, "%2d×%d:", l[0], l[1])
		for _, bk := range buckets {
			cand, found := 0, 0
			for _, p := range bk.pairs {
				if shareBand(p[0], p[1], l[0], l[1]) {
					cand++
					if jaccard(p[0], p[1]) >= r.text {
						found++
					}
				}
			}
			fmt.Fprintf(&line, " %5.1f/%5.1f%%", 100*rate(cand, len(bk.pairs)), 100*rate(found, len(bk.pairs)))
		}
		cand := 0
		for _, p := range random {
			if shareBand(p[0], p[1], l[0], l[1]) {
				cand++
			}
		}
		fmt.Fprintf(&line, "; candidates per lookup in 50,000 unrelated: %.2f", 50000*rate(cand, len(random)))
		t.Log(line.String())
	}
}

func rate(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}
