package sentiment

import (
	"unicode"
	"unicode/utf8"

	"github.com/presswatch/presswatch/textnorm"
)

// Span is the byte range [Start, End) of a sentence in a text.
type Span struct {
	Start, End int
}

// Sentences splits text into sentences, trimmed of surrounding white space.
// A sentence ends at a line break, or after a run of . ! ? … (with any
// closing quotes and brackets) that ends the text or is followed by white
// space and then by something other than a lower-case letter. A full stop does not end a
// sentence
//
//   - inside a word or number: "TP.HCM", "1.000 người", "3.5", "v.v";
//   - after one capital letter, an initial: "ông Nguyễn V. A.", "Q. 1";
//   - after a known abbreviation: "TP. Huế", "ThS. Lê", "Mr. Smith".
//
// So "ông Nguyễn Văn A. Ông ..." stays one sentence: a sentence ending in an
// initial is rarer in the press than a name with one. Spans are in order
// and do not overlap.
func Sentences(text string) []Span {
	var out []Span
	from := 0 // where the current sentence may start
	emit := func(end int) {
		if s, e := trimSpace(text, from, end); s < e {
			out = append(out, Span{s, e})
		}
		from = end
	}
	for i := 0; i < len(text); {
		if !mayBreak(text[i]) {
			// Letters, digits, spaces and most punctuation: the bulk of
			// the text, passed over a byte at a time without decoding.
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if isLineBreak(r) {
			emit(i)
			i += size
			continue
		}
		if !isTerminator(r) {
			i += size
			continue
		}
		// A run of terminators, then closing quotes and brackets.
		j := i + size
		dots := r == '.'
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if !isTerminator(r2) {
				break
			}
			dots = dots && r2 == '.'
			j += s2
		}
		runEnd := j
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if !isCloser(r2) {
				break
			}
			j += s2
		}
		if endsSentence(text, i, runEnd, j, dots) {
			emit(j)
		}
		i = j
	}
	emit(len(text))
	return out
}

// mayBreak reports whether byte c can start a line break or terminator:
// ASCII \n \r . ! ?, or the first byte of U+0085 (C2) or of … and the
// line and paragraph separators (E2).
func mayBreak(c byte) bool {
	switch c {
	case '\n', '\r', '.', '!', '?', 0xC2, 0xE2:
		return true
	}
	return false
}

func isLineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == 0x85 || r == '\u2028' || r == '\u2029'
}

// trimSpace returns [s, e) without the white space at either end.
func trimSpace(text string, s, e int) (int, int) {
	for s < e {
		r, size := utf8.DecodeRuneInString(text[s:e])
		if !isSpace(r) {
			break
		}
		s += size
	}
	for e > s {
		r, size := utf8.DecodeLastRuneInString(text[s:e])
		if !isSpace(r) {
			break
		}
		e -= size
	}
	return s, e
}

// endsSentence decides whether the terminators text[at:runEnd], followed by
// closers up to end, end a sentence. dots tells whether the run is made of
// full stops only.
func endsSentence(text string, at, runEnd, end int, dots bool) bool {
	if end < len(text) {
		next, _ := utf8.DecodeRuneInString(text[end:])
		if !isSpace(next) {
			// "TP.HCM", "1.000", "v.v", "?!": inside a word or a number.
			return false
		}
	}
	if lowerFollows(text[end:]) {
		return false
	}
	if dots && runEnd-at == 1 && end == runEnd {
		w := wordBefore(text, at)
		if n := utf8.RuneCountInString(w); n == 1 {
			r, _ := utf8.DecodeRuneInString(w)
			if unicode.IsUpper(r) {
				return false
			}
		} else if n > 1 && isAbbreviation(textnorm.Fold(w)) {
			return false
		}
	}
	return true
}

// lowerFollows reports whether the first non-space rune of s, on the same
// line, is a lower-case letter: a sentence does not start with one ("v.v. và
// ...", "e.g. the").
func lowerFollows(s string) bool {
	for _, r := range s {
		switch {
		case isLineBreak(r):
			return false
		case isSpace(r):
			continue
		}
		return unicode.IsLower(r)
	}
	return false
}

// wordBefore returns the letters right before text[at].
func wordBefore(text string, at int) string {
	i := at
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if !unicode.IsLetter(r) && !unicode.IsMark(r) {
			break
		}
		i -= size
	}
	return text[i:at]
}

// isSpace is unicode.IsSpace without its table search for the letters of
// Vietnamese, which lie between U+0100 and U+1EFF where no space is.
func isSpace(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r == ' ' || '\t' <= r && r <= '\r'
	case r < 0x1680:
		return r == 0x85 || r == 0xA0
	}
	return unicode.IsSpace(r)
}

func isTerminator(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '…'
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', ')', ']', '}':
		return true
	}
	return false
}

// isAbbreviation reports folded abbreviations that are followed by a full
// stop inside a sentence: Vietnamese titles and administrative units, and
// English titles and months. Words that often end a sentence (etc, Inc, Co)
// are left out on purpose.
func isAbbreviation(w string) bool {
	switch w {
	case "tp", "tx", "tt", "ts", "ths", "pgs", "gs", "bs", "bsck", "ks", "ls", "ncs":
		return true
	case "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "capt", "lt", "sgt",
		"gov", "sen", "rep", "rev", "vs", "no", "nos",
		"jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec":
		return true
	}
	return false
}
