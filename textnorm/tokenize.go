package textnorm

import (
	"unicode"
	"unicode/utf8"
)

// Token is one word of a text, as Tokenize finds it.
type Token struct {
	// Text is the folded token (see Fold).
	Text string
	// Start and End are the byte offsets [Start, End) of the token in the
	// string given to Tokenize, before any normalisation.
	Start, End int
	// Pos is the 0-based position of the token among the tokens of that
	// string.
	Pos int
}

// Tokenize splits s into tokens: maximal runs of letters, digits and combining
// marks that start with a letter or digit ("COVID-19" → covid, 19; "Hà Nội" →
// ha, noi). Each token's Text is the Fold of its run, so s may be in any
// normalisation form and either tone placement; the offsets always refer to s
// as given. A combining mark that follows no letter or digit (a stray accent
// after a space) does not start a token.
func Tokenize(s string) []Token {
	return AppendTokens(nil, s)
}

// AppendTokens appends the tokens of s to dst and returns the extended slice,
// so a caller can reuse one slice across texts. Pos counts from 0 for s
// whatever dst already holds. Token texts that differ from their run share
// backing strings of a few kilobytes, which keeps allocations per text low.
func AppendTokens(dst []Token, s string) []Token {
	var tb textBatch
	tb.buf = tb.arr[:0]
	tb.from = len(dst)
	pos := 0
	for i := 0; i < len(s); {
		r, size := decodeRune(s, i)
		if !isWordStart(r) {
			i += size
			continue
		}
		start := i
		for i += size; i < len(s); i += size {
			r, size = decodeRune(s, i)
			if !isWordStart(r) && !isMark(r) {
				break
			}
		}
		run := s[start:i]
		if isUnspaced(r0(run)) {
			// Thai, Lao, Khmer, Myanmar and CJK put no spaces between
			// words: index and search overlapping pairs of characters, so
			// any word of two or more characters is found as a phrase of
			// its pairs without a dictionary.
			for _, bg := range bigrams(run) {
				t := Token{Start: start + bg[0], End: start + bg[1], Pos: pos}
				pos++
				if tb.n == len(tb.ends) || len(tb.buf) > len(tb.arr)-64 {
					tb.flush(dst)
					tb.from = len(dst)
				}
				tb.buf = appendFold(tb.buf, run[bg[0]:bg[1]])
				tb.ends[tb.n] = len(tb.buf)
				tb.n++
				dst = append(dst, t)
			}
			continue
		}
		t := Token{Start: start, End: i, Pos: pos}
		pos++
		if isFoldedASCII(run) {
			t.Text = run
			dst = append(dst, t)
			continue
		}
		if tb.n == len(tb.ends) || len(tb.buf) > len(tb.arr)-64 {
			tb.flush(dst)
			tb.from = len(dst)
		}
		// Text stays empty until flush: folded runs are never empty, so an
		// empty Text marks a token whose text is in tb.buf.
		tb.buf = appendFold(tb.buf, run)
		tb.ends[tb.n] = len(tb.buf)
		tb.n++
		dst = append(dst, t)
	}
	tb.flush(dst)
	return dst
}

// textBatch collects the folded texts of up to len(ends) tokens so they can
// become one string: one allocation per batch rather than one per token.
type textBatch struct {
	arr  [4096]byte
	buf  []byte
	ends [256]int
	n    int
	from int // index in dst of the first token of the batch
}

func (tb *textBatch) flush(dst []Token) {
	if tb.n == 0 {
		return
	}
	all := string(tb.buf)
	prev, k := 0, 0
	for j := tb.from; j < len(dst) && k < tb.n; j++ {
		if dst[j].Text == "" {
			dst[j].Text = all[prev:tb.ends[k]]
			prev = tb.ends[k]
			k++
		}
	}
	tb.buf = tb.buf[:0]
	tb.n = 0
}

func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isWordStart(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return isLetter(r) || unicode.IsDigit(r)
}

// isLetter is unicode.IsLetter without the range-table search for the blocks
// Vietnamese text is written in.
func isLetter(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	case r < 0x100:
		return unicode.IsLetter(r) // a table lookup for Latin-1
	case r < latinEnd, latinAddStart <= r && r < latinAddEnd:
		// Latin Extended-A/B and Latin Extended Additional hold only letters.
		return true
	}
	return unicode.IsLetter(r)
}

// isMark is unicode.IsMark, answered at once for the Latin letters and
// punctuation below the first combining block.
func isMark(r rune) bool {
	return r >= 0x300 && unicode.IsMark(r)
}

func isFoldedASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

func r0(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// isUnspaced reports scripts written without spaces between words.
func isUnspaced(r rune) bool {
	// None of these scripts lies below Thai, nor between Latin Extended
	// Additional (Vietnamese) and the first CJK block: nearly every word
	// of the texts presswatch reads answers here, without seven range
	// table searches (a third of tokenizing Vietnamese otherwise).
	if r < 0x0E00 || 0x1E00 <= r && r < 0x2E80 {
		return false
	}
	return unicode.In(r, unspacedScripts...)
}

// unspacedScripts are the scripts isUnspaced reports.
var unspacedScripts = []*unicode.RangeTable{unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar,
	unicode.Han, unicode.Hiragana, unicode.Katakana}

// bigrams returns the byte ranges of overlapping pairs of characters (a
// character being a base rune with its combining marks) in run; a run of
// one character is one range.
func bigrams(run string) [][2]int {
	var bounds []int // start of each character, then len(run)
	for i, r := range run {
		if i == 0 || !isMark(r) {
			bounds = append(bounds, i)
		}
	}
	bounds = append(bounds, len(run))
	n := len(bounds) - 1
	if n <= 1 {
		return [][2]int{{0, len(run)}}
	}
	out := make([][2]int, 0, n-1)
	for k := 0; k+2 <= n; k++ {
		out = append(out, [2]int{bounds[k], bounds[k+2]})
	}
	return out
}
