package textnorm

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func FuzzNormalizeFold(f *testing.F) {
	for _, s := range []string{
		"", "hoà", "HOÀ BÌNH", "Thuỷ điện", "quý", "ho\u0300a", "Đà Nẵng", "COVID-19",
		"\xff\xfe", "e\u0301\u0302", "น้ำท่วม", "İstanbul", " \u0301abc", "khuỷu",
		floodReport[:400],
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%+q) = %+q is not valid UTF-8", s, n)
		}
		if !norm.NFC.IsNormalString(n) {
			t.Fatalf("Normalize(%+q) = %+q is not NFC", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent on %+q: %+q then %+q", s, n, again)
		}
		fs := Fold(s)
		if fn := Fold(n); fn != fs {
			t.Fatalf("Fold(Normalize(%+q)) = %+q, Fold = %+q", s, fn, fs)
		}
		if want := referenceFold(s); fs != want {
			t.Fatalf("Fold(%+q) = %+q, want %+q from the normaliser's path", s, fs, want)
		}
		if a, b := utf8.RuneCountInString(n), utf8.RuneCountInString(fs); a != b {
			t.Fatalf("%+q: Normalize has %d runes, Fold %d", s, a, b)
		}
		// Pairs of characters in unspaced scripts overlap, so tokens are
		// ordered by start, not disjoint.
		prevStart := -1
		for i, tk := range Tokenize(s) {
			if tk.Pos != i || tk.Start <= prevStart || tk.End <= tk.Start || tk.End > len(s) {
				t.Fatalf("%+q: token %d %+v out of order or bounds (previous start %d)", s, i, tk, prevStart)
			}
			prevStart = tk.Start
			if got := Fold(s[tk.Start:tk.End]); got != tk.Text {
				t.Fatalf("%+q: token %d %+v but Fold of its run is %+q", s, i, tk, got)
			}
		}
	})
}

// referenceFold folds s the slow, obvious way, always through the
// normaliser, to check Fold's fast path.
func referenceFold(s string) string {
	var repaired strings.Builder
	for _, r := range s {
		repaired.WriteRune(r)
	}
	var b strings.Builder
	for _, r := range norm.NFC.String(repaired.String()) {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}
