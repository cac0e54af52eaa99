package indexer

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// snippet cuts about n bytes of text around the first matched token and
// marks every matched token; the result is safe HTML. A page of results
// shows twenty of them, so only the text up to the first match and the
// cut are tokenized, not whole articles: a run of letters never spans a
// space, so text cut at spaces tokenizes as the whole text does.
func snippet(text string, hl highlight, n int) string {
	from, to := 0, len(text)
	first, toneless := firstWanted(text, hl)
	if first >= 0 {
		from = max(0, first-n/3)
	}
	if to-from > n {
		to = from + n
	}
	from, to = wordStart(text, from), wordEnd(text, to)
	// The tokens of the cut, from the spaces around it: a word the cut
	// splits is not marked.
	lo, hi := spaceBefore(text, from), spaceAfter(text, to)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, tk := range textnorm.Tokenize(text[lo:hi]) {
		start, end := lo+tk.Start, lo+tk.End
		// start < pos: pairs of Thai or CJK characters overlap; the
		// previous mark already covers this one's start.
		if start < from || end > to || start < pos || !hl.marks(tk.Text, text[start:end], toneless) {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[start:end]))
		b.WriteString("</mark>")
		pos = end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// snippetPiece is how much text firstWanted tokenizes at a time, and how
// much of it decides whether it is written without marks.
const snippetPiece = 2048

// firstWanted is the offset of text's first token that hl marks, or -1,
// and whether text is written without marks, judged on its first piece:
// that matters only for words typed with marks, and a whole
// article need not be read to answer it.
func firstWanted(text string, hl highlight) (first int, toneless bool) {
	var toks []textnorm.Token
	for lo := 0; lo < len(text); {
		hi := spaceAfter(text, min(len(text), lo+snippetPiece))
		toks = textnorm.AppendTokens(toks[:0], text[lo:hi])
		if lo == 0 {
			toneless = len(hl.unmarked) > 0 && textnorm.Toneless(text[:hi], toks)
		}
		for _, tk := range toks {
			if hl.marks(tk.Text, text[lo+tk.Start:lo+tk.End], toneless) {
				return lo + tk.Start, toneless
			}
		}
		lo = hi
	}
	return -1, toneless
}

// highlight is what snippets mark: the words of the query's positive text
// terms as searches compare them. A word typed without marks matches its
// folded form; one typed with marks (or with =) its own spelling, so that
// "lở" does not mark "lộ"; in text written without marks
// (textnorm.Toneless) a word typed with marks folds too, but an = word
// never does.
type highlight struct {
	folded map[string]bool // folded tokens of unmarked words
	exact  map[string]bool // tokens of marked and = words, in query.ExactForm
	// unmarked are the folded tokens of marked words, for text written
	// without marks.
	unmarked map[string]bool
}

func (h highlight) marks(folded, run string, toneless bool) bool {
	switch {
	case h.folded[folded]:
		return true
	case toneless && h.unmarked[folded]:
		return true
	}
	return len(h.exact) > 0 && h.exact[query.ExactForm(run)]
}

// spaceBefore is the offset of the last space at or before i (0 if none);
// spaceAfter that of the first at or after i (len(s) if none). Spaces are
// single bytes, so either is a rune boundary.
func spaceBefore(s string, i int) int {
	return max(0, strings.LastIndexAny(s[:i], " \n\t\r"))
}

func spaceAfter(s string, i int) int {
	if j := strings.IndexAny(s[i:], " \n\t\r"); j >= 0 {
		return i + j
	}
	return len(s)
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
