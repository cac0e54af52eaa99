package textnorm

import (
	"unicode"
	"unicode/utf8"
)

// SentenceBreak reports whether a sentence ends between the tokens prev
// and next of s (prev before next): the text between them holds a line
// break, ! ? or ;, or a full stop or ellipsis (. … ...) followed by a
// blank. A full stop followed by a blank does not end a sentence after an
// abbreviation (a single capital as in initials, an all-capital word of at
// most four letters as in "TP. HCM", or Tp, ThS, Mr, Mrs, Ms, Dr, St, Jr,
// No, vs) or before a word in lower case ("v.v. và"). Decimals and
// thousands ("1.000", "3,5") and "TP.HCM" have no blank after the stop.
// Phrases and NEAR match within one sentence.
func SentenceBreak(s string, prev, next Token) bool {
	if next.Start <= prev.End {
		return false // overlapping pairs of an unspaced script
	}
	gap := s[prev.End:next.Start]
	stop := false // a full stop or ellipsis seen, not yet followed by a blank
	for _, r := range gap {
		switch {
		case r == '\n' || r == '\r' || r == '!' || r == '?' || r == ';' ||
			r == '\u2028' || r == '\u2029' || r == '。' || r == '！' || r == '？' || r == '；':
			return true
		case r == '.' || r == '…':
			stop = true
		case stop && unicode.IsSpace(r):
			return !abbreviation(s[prev.Start:prev.End]) && !startsLower(s[next.Start:next.End])
		}
	}
	return false
}

// abbreviation reports whether word, followed by a full stop, is more
// likely an abbreviation than the end of a sentence.
func abbreviation(word string) bool {
	n, upper := 0, 0
	for _, r := range word {
		if !isLetter(r) {
			return false
		}
		n++
		if unicode.IsUpper(r) {
			upper++
		}
	}
	switch {
	case n == 1:
		return upper == 1
	case n <= 4 && upper == n:
		return true
	}
	switch word {
	case "Tp", "ThS", "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "No", "vs", "Th":
		return true
	}
	return false
}

func startsLower(word string) bool {
	r, _ := utf8.DecodeRuneInString(word)
	return unicode.IsLower(r)
}

// Sentences appends to dst the sentence number of each of toks, the tokens
// of s: 0 for the first sentence, one more after each SentenceBreak.
func Sentences(dst []int32, s string, toks []Token) []int32 {
	var n int32
	for i := range toks {
		if i > 0 && SentenceBreak(s, toks[i-1], toks[i]) {
			n++
		}
		dst = append(dst, n)
	}
	return dst
}
