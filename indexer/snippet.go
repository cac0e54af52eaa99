package indexer

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/presswatch/presswatch/textnorm"
)

// snippet cuts about n bytes of text around the first matched token and
// marks every matched token; the result is safe HTML.
func snippet(text string, want map[string]bool, n int) string {
	toks := textnorm.Tokenize(text)
	first := -1
	for i, tk := range toks {
		if want[tk.Text] {
			first = i
			break
		}
	}
	from, to := 0, len(text)
	if first >= 0 {
		from = max(0, toks[first].Start-n/3)
	}
	if to-from > n {
		to = from + n
	}
	from, to = wordStart(text, from), wordEnd(text, to)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, tk := range toks {
		// tk.Start < pos: pairs of Thai or CJK characters overlap; the
		// previous mark already covers this one's start.
		if tk.Start < from || tk.End > to || tk.Start < pos || !want[tk.Text] {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:tk.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[tk.Start:tk.End]))
		b.WriteString("</mark>")
		pos = tk.End
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// wordStart moves i back to the start of a word (and a rune).
func wordStart(s string, i int) int {
	if i <= 0 {
		return 0
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	for j := i; j > 0 && i-j < 40; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if r == ' ' || r == '\n' {
			return j
		}
		j -= size
	}
	return i
}

// wordEnd moves i forward to the end of a word (and a rune).
func wordEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	for j := i; j < len(s) && j-i < 40; {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == ' ' || r == '\n' {
			return j
		}
		j += size
	}
	return i
}
