package eval_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/classifier/eval"
	"github.com/presswatch/presswatch/examples"
	"github.com/presswatch/presswatch/internal/heavytest"
)

// Floors of the default pack on its labelled set: a change to the rules,
// the lists or the matcher that makes precision or recall fall below them
// fails the build instead of going unnoticed.
const (
	minItems     = 400
	minPrecision = 0.95
	minRecall    = 0.95
)

func defaultPack(t *testing.T) *classifier.Ruleset {
	t.Helper()
	rs, err := classifier.LoadDir(examples.Rules, "rules")
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestDefaultPackKeepsItsFloors(t *testing.T) {
	rs := defaultPack(t)
	set, err := eval.Load(examples.Eval, "eval")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := eval.Run(rs, set)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Items < minItems {
		t.Errorf("%d labelled items, want at least %d", rep.Items, minItems)
	}
	p, r := rep.Overall.Precision(), rep.Overall.Recall()
	t.Logf("%d items: precision %.3f, recall %.3f (TP %d, FP %d, FN %d)", rep.Items, p, r, rep.Overall.TP, rep.Overall.FP, rep.Overall.FN)
	if p < minPrecision || r < minRecall {
		for _, m := range rep.Misses {
			t.Log(m)
		}
		t.Errorf("precision %.3f, recall %.3f: below the floors %.2f, %.2f", p, r, minPrecision, minRecall)
	}
	// Every kind of item is there, denials and near-misses included.
	kinds := map[string]bool{}
	for _, k := range rep.Kinds {
		kinds[k.Name] = true
	}
	for _, k := range []string{"true", "toneless", "near-miss", "denial", "elsewhere", "foreign", "neutral"} {
		if !kinds[k] {
			t.Errorf("no items of kind %s", k)
		}
	}
}

func TestRunRefusesUnknownRulesAndScoresWhatFires(t *testing.T) {
	rs := defaultPack(t)
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(dir+"/s.yaml", []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("items:\n  - {id: a, text: \"Lũ quét ở Mường Chà\", must: [disaster.flod]}\n")
	set, err := eval.Load(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eval.Run(rs, set); err == nil || !strings.Contains(err.Error(), `s.yaml:2: item a: no rule "disaster.flod"`) {
		t.Errorf("a typo in a rule id: %v", err)
	}
	write("items:\n  - {id: a, text: \"Lũ quét ở Mường Chà\", must: [disaster.flood]}\n" +
		"  - {id: b, text: \"Đấu giá lô đất ở Mường Chà\", must_not: [disaster.landslide]}\n" +
		"  - {id: c, text: \"Sạt lở ở Mường Chà\"}\n" +
		"  - {id: d, text: \"Mưa đá ở Mường Chà\", must: [disaster.flood]}\n")
	if set, err = eval.Load(os.DirFS(dir), "."); err != nil {
		t.Fatal(err)
	}
	rep, err := eval.Run(rs, set)
	if err != nil {
		t.Fatal(err)
	}
	if o := rep.Overall; o.TP != 1 || o.FP != 2 || o.FN != 1 {
		t.Errorf("overall %+v, want TP 1 (a), FP 2 (c landslide, d hail), FN 1 (d flood)", o)
	}
	write("items:\n  - {id: a, text: x, colour: red}\n")
	if _, err := eval.Load(os.DirFS(dir), "."); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown field: %v", err)
	}
}

const corpusDir = "../../../shared/testdata/corpus/vi-dantri"

// On national news, none of it about the province, the default pack must
// not alert on articles that name no place of the province, and "Điện
// Biên" must not match "diễn biến".
func TestDefaultPackOnNationalNews(t *testing.T) {
	heavytest.WithoutRace(t)
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("needs the vi-dantri corpus at %s (../shared/testdata beside the project): %v", corpusDir, err)
	}
	docs, err := eval.ReadCorpus(os.DirFS(corpusDir), ".")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := eval.ScanCorpus(defaultPack(t), docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d articles, %d flagged (%d alerts), %d naming no place; \"Điện Biên\" matches %d, %d falsely",
		rep.Articles, rep.Flagged, rep.Alerts, rep.NoPlace, rep.ProvinceMatches, rep.DienBienFalse)
	if rep.Articles < 2600 {
		t.Errorf("read %d articles", rep.Articles)
	}
	if rep.NoPlace > 2 {
		t.Errorf("%d alerted articles name no place of the province (at most 2): %v", rep.NoPlace, rep.Examples)
	}
	if rep.DienBienFalse > 0 || rep.ProvinceMatches == 0 {
		t.Errorf("\"Điện Biên\" matched %d articles, %d without it in the text", rep.ProvinceMatches, rep.DienBienFalse)
	}
}

// The set is a file anyone may edit: whatever it holds, Load either
// returns items or an error naming the file, and Run scores them.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("items:\n  - {id: a, text: \"Lũ quét ở Mường Chà\", must: [disaster.flood]}\n"))
	f.Add([]byte("items:\n  - {id: a, text: x}\n  - {id: a, text: y}\n"))
	f.Add([]byte("items: [{id: a, title: '', text: ''}]"))
	f.Add([]byte("items:\n  - id: a\n    text: x\n    must: [a]\n    must_not: [a]\n"))
	f.Add([]byte("- 1\n"))
	rs, err := classifier.LoadDir(examples.Rules, "rules")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := eval.Load(fstest.MapFS{"s.yaml": {Data: data}}, ".")
		if err != nil {
			if !strings.Contains(err.Error(), "s.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		rep, err := eval.Run(rs, set)
		if err == nil && rep.Items != len(set.Items) {
			t.Fatalf("%d items scored of %d", rep.Items, len(set.Items))
		}
	})
}
