package sentiment

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

type labelled struct {
	lang, label, text string
	line              int
}

func readLabelled(t *testing.T) []labelled {
	t.Helper()
	f, err := os.Open("testdata/labelled.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			t.Fatalf("labelled.tsv:%d: want lang<TAB>label<TAB>text", n)
		}
		switch fields[1] {
		case "pos", "neg", "neu":
		default:
			t.Fatalf("labelled.tsv:%d: label %q, want pos, neg or neu", n, fields[1])
		}
		out = append(out, labelled{fields[0], fields[1], fields[2], n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// metrics are accuracy and macro-averaged F1 over the three labels.
type metrics struct {
	n, correct int
	accuracy   float64
	macroF1    float64
}

func measure(gold, pred []string) metrics {
	m := metrics{n: len(gold)}
	for i := range gold {
		if gold[i] == pred[i] {
			m.correct++
		}
	}
	if m.n > 0 {
		m.accuracy = float64(m.correct) / float64(m.n)
	}
	for _, c := range []string{"pos", "neg", "neu"} {
		var tp, fp, fn float64
		for i := range gold {
			switch {
			case gold[i] == c && pred[i] == c:
				tp++
			case gold[i] != c && pred[i] == c:
				fp++
			case gold[i] == c && pred[i] != c:
				fn++
			}
		}
		// F1 = 2TP / (2TP + FP + FN); a label never given nor predicted
		// adds 0, which only makes the average stricter.
		if tp > 0 {
			m.macroF1 += 2 * tp / (2*tp + fp + fn) / 3
		}
	}
	return m
}

func TestMeasure(t *testing.T) {
	gold := []string{"pos", "pos", "neg", "neg", "neu", "neu"}
	pred := []string{"pos", "neg", "neg", "neg", "neu", "pos"}
	m := measure(gold, pred)
	// pos: tp 1 fp 1 fn 1 → 0.5; neg: tp 2 fp 1 fn 0 → 0.8; neu: tp 1 fp 0 fn 1 → 2/3.
	if m.correct != 4 || m.accuracy != 4.0/6 || abs(m.macroF1-(0.5+0.8+2.0/3)/3) > 1e-12 {
		t.Errorf("measure = %+v", m)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestLabelledSet measures the lexicon on hand-labelled sentences. The
// floors are the first measured run minus a margin (see below), so a change
// that makes the lexicon worse fails here while small reshuffles do not.
func TestLabelledSet(t *testing.T) {
	l := newLexicon(t)
	items := readLabelled(t)
	short := map[string]string{"positive": "pos", "negative": "neg", "neutral": "neu"}
	gold := map[string][]string{}
	pred := map[string][]string{}
	for _, it := range items {
		s := l.Score(it.lang, it.text)
		p := short[s.Label()]
		for _, k := range []string{it.lang, "all"} {
			gold[k] = append(gold[k], it.label)
			pred[k] = append(pred[k], p)
		}
		if p != it.label {
			var terms []string
			for _, e := range s.Terms {
				terms = append(terms, e.Term)
			}
			t.Logf("labelled.tsv:%d: %s, scored %s (%.2f, %q): %s", it.line, it.label, p, s.Value, terms, it.text)
		}
	}
	// First measured run (42 vi, 28 en items): vi accuracy 0.952, macro-F1
	// 0.950; en 0.929, 0.915; all 0.943, 0.935. The same developers wrote
	// the lexicon and these sentences, so the figures are optimistic for
	// real articles. The margin, about 0.1, allows four Vietnamese or three
	// English items to change before the test fails.
	floors := map[string]struct{ accuracy, macroF1 float64 }{
		"vi":  {0.85, 0.85},
		"en":  {0.82, 0.80},
		"all": {0.85, 0.83},
	}
	for _, k := range []string{"vi", "en", "all"} {
		m := measure(gold[k], pred[k])
		t.Logf("%-3s n=%d accuracy %.3f macro-F1 %.3f", k, m.n, m.accuracy, m.macroF1)
		if f := floors[k]; m.accuracy < f.accuracy || m.macroF1 < f.macroF1 {
			t.Errorf("%s: accuracy %.3f, macro-F1 %.3f, below the floor %.2f / %.2f", k, m.accuracy, m.macroF1, f.accuracy, f.macroF1)
		}
	}
	if len(gold["vi"]) < 30 || len(gold["en"]) < 20 {
		t.Errorf("labelled set has %d vi and %d en items, want at least 30 and 20", len(gold["vi"]), len(gold["en"]))
	}
}
