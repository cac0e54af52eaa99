package textnorm

import (
	"strings"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/french"
)

// StemLang is a language whose words are matched by their stem.
type StemLang uint8

// The stemmed languages; StemNone is every other language, Vietnamese
// included (its syllables do not inflect).
const (
	StemNone StemLang = iota
	StemEnglish
	StemFrench
)

// StemLangs lists the stemmed languages, for callers that must try each.
var StemLangs = [...]StemLang{StemEnglish, StemFrench}

// StemLangOf maps an article's language code (en, EN, en-GB, fr, fr-CA …)
// to its stemmer.
func StemLangOf(code string) StemLang {
	code = strings.ToLower(code)
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	switch code {
	case "en", "eng", "english":
		return StemEnglish
	case "fr", "fra", "fre", "french":
		return StemFrench
	}
	return StemNone
}

// Tag is what index keys of the language's stems start with, so that they
// cannot meet the keys of another language or the plain tokens ("~en~").
func (l StemLang) Tag() string {
	switch l {
	case StemEnglish:
		return "~en~"
	case StemFrench:
		return "~fr~"
	}
	return ""
}

// Stem returns the Snowball stem of a folded token (Tokenize's Text) in
// language l: "floods" → "flood", "rumeurs" → "rumeur". Stemming the
// folded form makes a word typed with or without accents stem alike
// ("intoxiqué", "intoxique"). Tokens with digits, and every token of
// StemNone, are returned as they are.
func Stem(l StemLang, folded string) string {
	if l == StemNone || len(folded) < 3 {
		return folded
	}
	for i := 0; i < len(folded); i++ {
		if c := folded[i]; '0' <= c && c <= '9' {
			return folded
		}
	}
	env := snowballstem.NewEnv(folded)
	switch l {
	case StemEnglish:
		english.Stem(env)
	case StemFrench:
		french.Stem(env)
	}
	if st := env.Current(); st != "" {
		return st
	}
	return folded
}
