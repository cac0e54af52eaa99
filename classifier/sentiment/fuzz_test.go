package sentiment

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzScore(f *testing.F) {
	for _, s := range []string{
		"",
		"Không an toàn.",
		"khong an toan, rat nghiem trong",
		"Ông Nguyễn V. A. ở TP.HCM cho biết 1.000 người được sơ tán kịp thời!",
		"Mưa lũ gây thiệt hại nặng nề…\n\nKhông có thiệt hại về người.",
		"The water isn't safe; it's extremely dangerous.",
		"“Đã an toàn.” (Theo báo cáo.) ... ?! …",
		"Cha\u0309 an toa\u0300n", // decomposed tone marks
		"an to\xe0n \xff\xfe thiệt hại",
		strings.Repeat("rất ", 50) + "nghiêm trọng",
	} {
		f.Add("vi", s)
		f.Add("en", s)
	}
	l := newLexicon(f)
	f.Fuzz(func(t *testing.T, lang, text string) {
		s := l.Score(lang, text)
		checkScore(t, text, s)
		// Select sentences by a property of their text, so that any subset
		// can come up.
		m := l.ScoreMentions(lang, text, func(sent string) bool { return len(sent)%2 == 0 })
		checkScore(t, text, m)
		if m.Tokens > s.Tokens || len(m.Terms) > len(s.Terms) {
			t.Errorf("mentions score %d tokens, %d terms; whole text %d, %d", m.Tokens, len(m.Terms), s.Tokens, len(s.Terms))
		}
		prev := 0
		for _, sp := range Sentences(text) {
			if sp.Start < prev || sp.Start >= sp.End || sp.End > len(text) {
				t.Fatalf("sentence %+v out of order or bounds (previous end %d, %d bytes)", sp, prev, len(text))
			}
			prev = sp.End
		}
	})
}

func checkScore(t *testing.T, text string, s Score) {
	t.Helper()
	if math.IsNaN(s.Value) || s.Value < -1 || s.Value > 1 {
		t.Fatalf("value %v outside [-1, 1]", s.Value)
	}
	if (s.Value == 0) != (s.Sum == 0 || s.Tokens == 0) {
		t.Fatalf("value %v with sum %v over %d tokens", s.Value, s.Sum, s.Tokens)
	}
	prev := 0
	for _, e := range s.Terms {
		if e.Start < prev || e.Start >= e.End || e.End > len(text) {
			t.Fatalf("evidence %+v out of order or bounds (previous end %d, %d bytes)", e, prev, len(text))
		}
		if utf8.ValidString(text) && (!utf8.RuneStart(text[e.Start]) || e.End < len(text) && !utf8.RuneStart(text[e.End])) {
			t.Fatalf("evidence %+v splits a character", e)
		}
		prev = e.End
	}
}
