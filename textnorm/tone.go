package textnorm

import (
	"unicode/utf8"
)

// TonelessBelow is the share of marked syllables under which a text counts
// as written without marks (Toneless). Vietnamese written with its marks
// carries one on most syllables: over the 2,653 national news articles of
// the Dân Trí corpus no text goes below 55% (1st percentile 69%) and no
// title below 25% except two titles that are foreign names alone
// ("Spiaggia di Guvano, Italia"), while text typed without marks has none,
// or the odd word pasted in with them. One fifth sits far from both; a
// title of foreign names that falls under it holds no Vietnamese word to
// confuse anyway. docs/QUERY.md gives the measurement.
const TonelessBelow = 0.2

// Marked reports whether the word run carries a diacritic that Fold
// removes: a tone, a vowel mark (ă â ê ô ơ ư) or đ, in any case and
// normalisation form.
func Marked(run string) bool {
	for i := 0; i < len(run); {
		c := run[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(run[i:])
		i += size
		switch {
		case r < latinEnd, latinAddStart <= r && r < latinAddEnd:
			// A precomposed Latin letter carries a mark exactly when
			// folding leaves a bare ASCII letter (ấ, Ấ, đ; not ß, æ).
			if foldRune(r) < utf8.RuneSelf {
				return true
			}
		case isMark(r):
			return true
		}
	}
	return false
}

// Toneless reports whether s, split into toks by Tokenize, is written
// without Vietnamese marks: fewer than TonelessBelow of its syllables (the
// tokens made of letters alone) carry one. A text without syllables is not
// toneless. Matching folds marks in toneless text only: there a word
// typed with marks must still find its unmarked spelling.
func Toneless(s string, toks []Token) bool {
	syllables, marked := 0, 0
	for _, t := range toks {
		run := s[t.Start:t.End]
		if !lettersOnly(run) {
			continue
		}
		syllables++
		if Marked(run) {
			marked++
		}
	}
	return syllables > 0 && float64(marked) < TonelessBelow*float64(syllables)
}

func lettersOnly(run string) bool {
	for i := 0; i < len(run); {
		r, size := decodeRune(run, i)
		i += size
		if !isLetter(r) && !isMark(r) {
			return false
		}
	}
	return true
}
