package sentiment

import (
	"errors"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/textnorm"
)

func newLexicon(tb testing.TB) *Lexicon {
	tb.Helper()
	l, err := New()
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// lookup returns the entry whose folded words are those of term.
func (t *table) lookup(term string) *entry {
	node := int32(0)
	for _, tk := range textnorm.Tokenize(term) {
		w, ok := t.vocab[tk.Text]
		if !ok {
			return nil
		}
		if node = t.child(node, w); node == 0 {
			return nil
		}
	}
	if x := t.entryOf[node]; x >= 0 {
		return &t.entries[x]
	}
	return nil
}

func TestEmbeddedSizes(t *testing.T) {
	l := newLexicon(t)
	// The floors keep the lexicons from silently shrinking, say by a bad
	// merge; README.md describes what they cover.
	for _, tc := range []struct {
		lang                          string
		terms, negators, intensifiers int
	}{
		{"vi", 400, 7, 7},
		{"en", 300, 6, 5},
	} {
		got := l.Size(tc.lang)
		t.Logf("%s: %d terms, %d negators, %d intensifiers", tc.lang, got.Terms, got.Negators, got.Intensifiers)
		if got.Terms < tc.terms || got.Negators < tc.negators || got.Intensifiers < tc.intensifiers {
			t.Errorf("%s: size %+v, want at least %d terms, %d negators, %d intensifiers",
				tc.lang, got, tc.terms, tc.negators, tc.intensifiers)
		}
	}
	if got := l.Size("fr"); got != (Size{}) {
		t.Errorf("Size(fr) = %+v, want zero", got)
	}
}

func TestEmbeddedModifiers(t *testing.T) {
	l := newLexicon(t)
	for _, tc := range []struct {
		lang, text string
		kind       kind
		mult       float64 // for intensifiers; 0: any value above 1
	}{
		{"vi", "không", kindNegator, 0},
		{"vi", "chưa", kindNegator, 0},
		{"vi", "chẳng", kindNegator, 0},
		{"vi", "chả", kindNegator, 0},
		{"vi", "đâu có", kindNegator, 0},
		{"vi", "không hề", kindNegator, 0},
		{"vi", "chưa từng", kindNegator, 0},
		{"en", "not", kindNegator, 0},
		{"en", "no", kindNegator, 0},
		{"en", "never", kindNegator, 0},
		{"en", "don't", kindNegator, 0},
		{"en", "without", kindNegator, 0},
		{"en", "hardly", kindNegator, 0},
		{"vi", "rất", kindIntensifier, 0},
		{"vi", "cực kỳ", kindIntensifier, 0},
		{"vi", "vô cùng", kindIntensifier, 0},
		{"vi", "quá", kindIntensifier, 0},
		{"vi", "hết sức", kindIntensifier, 0},
		{"vi", "khá", kindIntensifier, 0.7},
		{"vi", "hơi", kindIntensifier, 0.5},
		{"en", "very", kindIntensifier, 0},
		{"en", "extremely", kindIntensifier, 0},
		{"en", "highly", kindIntensifier, 0},
		{"en", "slightly", kindIntensifier, 0.5},
		{"en", "somewhat", kindIntensifier, 0.7},
	} {
		e := l.langs[tc.lang].lookup(tc.text)
		switch {
		case e == nil:
			t.Errorf("%s %q: not in the lexicon", tc.lang, tc.text)
		case e.kind != tc.kind:
			t.Errorf("%s %q: a %v, want a %v", tc.lang, tc.text, e.kind, tc.kind)
		case tc.kind == kindIntensifier && tc.mult == 0 && e.value <= 1:
			t.Errorf("%s %q: multiplier %v, want above 1", tc.lang, tc.text, e.value)
		case tc.kind == kindIntensifier && tc.mult != 0 && e.value != tc.mult:
			t.Errorf("%s %q: multiplier %v, want %v", tc.lang, tc.text, e.value, tc.mult)
		}
	}
}

// TestNoAmbiguousSyllables keeps out of the Vietnamese lexicon single
// syllables that, without tone marks, mostly spell another common word:
// in text typed without marks "mat" is mặt (face) and mắt (eye) far more
// often than mất (lose). Such words belong in the lexicon only inside
// longer phrases (mất tích, mất mùa).
func TestNoAmbiguousSyllables(t *testing.T) {
	l := newLexicon(t)
	ambiguous := []string{
		"mat", "lua", "hai", "hong", "buon", "chay", "ac", "lu", "lut", "bao",
		"cham", "dep", "ban", "kem", "tu", "so", "dau", "kho", "lo", "no",
		"on", "te", "gioi", "yeu", "sai", "mung", "vui", "phat", "sap", "dam",
		"cuc", "lai", "che", "nan", "thai", "tien", "loi", "hay",
	}
	vi := l.langs["vi"]
	for _, w := range ambiguous {
		if e := vi.lookup(w); e != nil && e.value != 0 && !e.exact {
			t.Errorf("%q (line %d) folds to the ambiguous %q; use a longer phrase or the =exact form", e.text, e.line, w)
		}
	}
}

func TestParse(t *testing.T) {
	const src = "\uFEFF# custom\n[negators]\nkhông\n=chả\n[intensifiers]\nrất\t1.5\n[terms]\nan toàn\t0.5\r\nthiệt hại nặng nề\t-0.9\n\n"
	l, err := Parse("vi-VN", strings.NewReader(src), "custom.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Size("vi"), (Size{Terms: 2, Negators: 2, Intensifiers: 1}); got != want {
		t.Errorf("Size = %+v, want %+v", got, want)
	}
	e := l.langs["vi"].lookup("cha")
	if e == nil || !e.exact || e.text != "chả" {
		t.Errorf("=chả parsed as %+v, want an exact negator chả", e)
	}
	// With: the custom Vietnamese replaces the embedded one, English stays.
	merged := newLexicon(t).With(l)
	if got := merged.Size("vi").Terms; got != 2 {
		t.Errorf("merged vi has %d terms, want 2", got)
	}
	if got := merged.Size("en").Terms; got < 300 {
		t.Errorf("merged en has %d terms, want the embedded lexicon", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, lang, src string
		line            int
		want            string
	}{
		{"no tab", "vi", "an toàn 0.5\n", 1, "want term<TAB>number"},
		{"three fields", "vi", "# c\nan toàn\t0.5\tx\n", 2, "3 tab-separated"},
		{"bad number", "vi", "an toàn\tcao\n", 1, "invalid syntax"},
		{"out of range", "vi", "an toàn\t1.5\n", 1, "outside [-1, 1]"},
		{"NaN", "en", "safe\tNaN\n", 1, "not a finite number"},
		{"multiplier zero", "en", "[intensifiers]\nvery\t0\n", 2, "outside (0, 3]"},
		{"multiplier big", "en", "[intensifiers]\nvery\t5\n", 2, "outside (0, 3]"},
		{"negator with score", "vi", "[negators]\nkhông\t-1\n", 2, "only the negator"},
		{"unknown section", "vi", "[stopwords]\n", 1, "unknown section"},
		{"no words", "vi", "…\t0.5\n", 1, "has no words"},
		{"too long", "en", "a b c d e f g h i\t0.5\n", 1, "more than 8"},
		{"repeat", "vi", "an toàn\t0.5\n\nan toàn\t0.4\n", 3, "repeats line 1"},
		{"fold collision", "vi", "chậm trễ\t-0.5\nchăm trẻ\t0.3\n", 2, `same words as "chậm trễ" on line 1`},
		{"negator and term", "vi", "không\t-0.1\n[negators]\nkhông\n", 3, "repeats line 1"},
		{"invalid UTF-8", "vi", "an to\xe0n\t0.5\n", 1, "not valid UTF-8"},
		{"empty", "vi", "# nothing\n", 0, "no entries"},
		{"bad language", "v1", "x\t0.5\n", 0, "not a language code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.lang, strings.NewReader(tc.src), "x.tsv")
			if err == nil {
				t.Fatal("no error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.File != "x.tsv" || pe.Line != tc.line {
				t.Errorf("error at %s:%d, want x.tsv:%d", pe.File, pe.Line, tc.line)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if tc.line > 0 && !strings.HasPrefix(err.Error(), "x.tsv:") {
				t.Errorf("error %q does not start with file:line", err)
			}
		})
	}
}
