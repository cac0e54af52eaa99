package query

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzDoc is matched against every query the fuzzer finds valid, so that
// evaluation too is exercised on odd trees.
var fuzzDoc = docSpec{
	title:  "Lũ quét ở Mường Chà, Điện Biên",
	text:   "Thuỷ điện Hoà Bình xả lũ. Ho\u0300a Bi\u0300nh: COVID-19, Bien's market; sạt lở đường 12/9.",
	author: "Trần Thị Thủy",
	kw:     map[string][]string{FieldLabel: {"sensitive", "policy:land"}, FieldLang: {"vi"}, FieldSite: {"e.vnexpress.net"}},
}

func FuzzParse(f *testing.F) {
	for _, q := range []string{
		`lũ`, `lũ quét`, `"lũ quét" OR bão`, `=hòa`, `="Hoà Bình"`, `thiên*`, `=thiên*`,
		`title:(lũ OR bão) NEAR/3 @province`, `a ONEAR/100 b`, `NOT (a AND b) OR c`, `label:policy:land`,
		`source:"Báo Điện Biên Phủ"`, `lũ NOT label:sensitive`, `((a))`, `“Mường Chà”`, `COVID-19`,
		`title:="Hòa"`, `label:(a:b OR title:x)`, `@disaster @province`, `x NEAR y`, `"unterminated`,
		`)(`, `a AND`, `NOT NOT NOT a`, `-x`, `a && b`, `=@x`, `title:(text:x)`, "ho\u0300a", "\xff\xfe",
		`~lũ`, `~"lở đất"`, `title:~khiếu*`, `~`, `=`, `~=x`, `=~x`, `~~x`, `~@province`, `label:~x`, `~title:x`,
		`source:==x`, `"nước thải" NEAR/2 ~lu`, `~ "x"`, `=~"x"`,
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		start := time.Now()
		n, err := Parse(q, testOpts)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Parse took %v on %d bytes", d, len(q))
		}
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if pe.Col < 0 || pe.Col > utf8.RuneCountInString(q)+1 {
				t.Fatalf("error column %d outside the query (%d characters): %v", pe.Col, utf8.RuneCountInString(q), err)
			}
			return
		}
		s := n.String()
		// The canonical form may be longer than the input (explicit AND,
		// a field on every leaf), so only the length limit is lifted.
		n2, err := parse(s, testOpts, len(s))
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", s, q, err)
		}
		if !Equal(n, n2) {
			t.Fatalf("canonical form %q of %q parses to a different tree", s, q)
		}
		if s2 := n2.String(); s2 != s {
			t.Fatalf("canonical form not stable: %q then %q", s, s2)
		}
		d := fuzzDoc.newDoc()
		if Eval(n, d) != Eval(n2, d) {
			t.Fatalf("%q and its canonical form %q disagree", q, s)
		}
		if (Explain(n, d) != nil) != Eval(n, d) {
			t.Fatalf("Explain and Eval disagree on %q", q)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("parse, render and evaluate took %v on %d bytes", d, len(q))
		}
	})
}

// FuzzSelfMatch checks that a phrase matches the text it was copied from,
// in every mode, whatever the text's script, case or normalisation form,
// once sentence punctuation (which phrases do not cross) is taken out. Its seed corpus keeps T\u0308, a letter and mark
// whose precomposed form exists in lower case only, on which an earlier
// exact matcher failed.
func FuzzSelfMatch(f *testing.F) {
	for _, s := range []string{"hòa", "HOÀ", "ho\u0300a bi\u0300nh", "Thuỷ điện", "Đường", "İstanbul", "ǅ", "\u212a", "ΣΑΣ", "ﬁ", "\xff", "ภาษาไทย"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.Map(func(r rune) rune {
			if isQuote(r) || r == '*' || strings.ContainsRune(".!?;…\n\r\u2028\u2029。！？；", r) {
				return ' '
			}
			return r
		}, s)
		d := &Document{Text: map[string]string{FieldTitle: s}}
		for _, q := range []string{`"` + s + `"`, `="` + s + `"`, `~"` + s + `"`, `title:="` + s + `"`} {
			n, err := Parse(q, Options{})
			if err != nil {
				return // no tokens, or too long
			}
			if !Eval(n, d) {
				t.Fatalf("%s does not match the title %q", n, s)
			}
		}
	})
}
