package story

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/internal/heavytest"
)

// TestCorpusVersionThreshold measures, on one outlet's real articles, how
// similar an update or reprint of an article is to it, and how similar
// two different articles of the same outlet can be: the version threshold
// must sit between the two (doc.go quotes these numbers).
func TestCorpusVersionThreshold(t *testing.T) {
	heavytest.WithoutRace(t)
	if testing.Short() {
		t.Skip("measurement")
	}
	docs := loadCorpus(t)
	rng := rand.New(rand.NewPCG(2026, 12))
	var sigs []Signature
	var kept []corpusDoc
	for _, d := range docs {
		if s := Sign(d.text()); s.Shingles >= shortText {
			sigs, kept = append(sigs, s), append(kept, d)
		}
	}
	// Different articles of the one outlet: the highest similarity each
	// has with any other.
	var best []float64
	for i := range sigs {
		m := 0.0
		for j := range sigs {
			if i != j {
				m = max(m, jaccard(&sigs[i], &sigs[j]))
			}
		}
		best = append(best, m)
	}
	slices.Sort(best)
	q := func(xs []float64, p float64) float64 { return xs[min(len(xs)-1, int(p*float64(len(xs))))] }
	t.Logf("different articles, best match: p50 %.3f p99 %.3f p99.9 %.3f max %.3f (n=%d)", q(best, .5), q(best, .99), q(best, .999), best[len(best)-1], len(best))
	over := func(xs []float64, th float64) int {
		n := 0
		for _, x := range xs {
			if x >= th {
				n++
			}
		}
		return n
	}
	for _, th := range []float64{0.6, 0.7, 0.75, 0.8, 0.85, 0.9} {
		t.Logf("  >= %.2f: %d", th, over(best, th))
	}
	var o Options
	if err := o.setDefaults(); err != nil {
		t.Fatal(err)
	}
	if n := over(best, o.VersionThreshold); n > 0 {
		t.Errorf("%d different articles of one outlet reach the version threshold %.2f", n, o.VersionThreshold)
	}
	edits := map[string]func(d corpusDoc, other corpusDoc) string{
		"paragraph added": func(d, o corpusDoc) string { return d.text() + "\n" + o.paras[0] },
		"last paragraph dropped": func(d, o corpusDoc) string {
			return strings.Join(d.paras[:max(1, len(d.paras)-1)], "\n")
		},
		"one sentence changed": func(d, o corpusDoc) string {
			ps := slices.Clone(d.paras)
			i := rng.IntN(len(ps))
			ss := sentences(ps[i])
			ss[rng.IntN(len(ss))] = sentences(o.paras[0])[0]
			ps[i] = strings.Join(ss, " ")
			return strings.Join(ps, "\n")
		},
		"tone marks stripped, lead rewritten": func(d, o corpusDoc) string {
			ps := slices.Clone(d.paras)
			ps[0] = o.paras[0]
			return stripTones(strings.Join(ps, "\n"))
		},
		"10% sentences dropped, two paragraphs swapped": func(d, o corpusDoc) string { return editCopy(d, rng) },
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range edits {
			if !yield(k) {
				return
			}
		}
	}) {
		var sims []float64
		for i, d := range kept {
			o := kept[(i+1+rng.IntN(len(kept)-1))%len(kept)]
			sims = append(sims, jaccard(&sigs[i], new(Sign(edits[name](d, o)))))
		}
		slices.Sort(sims)
		if missed := len(sims) - over(sims, o.VersionThreshold); name == "paragraph added" && missed > len(sims)/20 {
			t.Errorf("%s: %d of %d updates below the version threshold", name, missed, len(sims))
		}
		t.Logf("%s: p1 %.3f p5 %.3f p50 %.3f; below 0.7: %d, 0.75: %d, 0.8: %d of %d", name, q(sims, .01), q(sims, .05), q(sims, .5),
			len(sims)-over(sims, 0.7), len(sims)-over(sims, 0.75), len(sims)-over(sims, 0.8), len(sims))
	}
}
