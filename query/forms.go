package query

import (
	"slices"
	"strings"

	"github.com/presswatch/presswatch/textnorm"
)

// ExactForm returns s as exact (=) mode compares it: textnorm.Normalize
// (valid UTF-8, NFC, tone on the first vowel of oa/oe/uy) then lower-cased.
// Text fields apply it to each token; keyword fields to the whole value.
func ExactForm(s string) string {
	return strings.ToLower(textnorm.Normalize(s))
}

// KeywordForm returns a keyword value (or keyword term) as it is compared:
// textnorm.Fold of the whole value, or ExactForm when exact.
func KeywordForm(v string, exact bool) string {
	if exact {
		return ExactForm(v)
	}
	return textnorm.Fold(v)
}

// tokenForms returns the comparison forms of the tokens of s.
func tokenForms(s string, toks []textnorm.Token, exact bool) []string {
	out := make([]string, len(toks))
	for i, tk := range toks {
		if exact {
			out[i] = ExactForm(s[tk.Start:tk.End])
		} else {
			out[i] = tk.Text
		}
	}
	return out
}

// setTextForms fills the comparison forms of the text leaf t, whose Raw
// splits into toks: Tokens (exact forms when the leaf is compared with its
// marks), the folded forms, and the stems of the folded forms.
func setTextForms(t *Term, toks []textnorm.Token) {
	t.forms = true
	t.marked = !t.Exact && !t.Fold && anyMarked(t.Raw, toks)
	byMarks := t.Exact || t.marked
	t.Tokens = tokenForms(t.Raw, toks, byMarks)
	folded := tokenForms(t.Raw, toks, false)
	if byMarks {
		t.fold = folded
	}
	if !t.Exact && !t.Prefix {
		for i, l := range textnorm.StemLangs {
			// Kept only where stemming changes a token: most rule words
			// are Vietnamese, and 10,000 rules would otherwise hold two
			// more copies of every token.
			if st := stemAll(l, folded); !slices.Equal(st, folded) {
				if t.stems == nil {
					t.stems = new([len(textnorm.StemLangs)][]string)
				}
				t.stems[i] = st
			}
		}
	}
}

func anyMarked(raw string, toks []textnorm.Token) bool {
	for _, tk := range toks {
		if textnorm.Marked(raw[tk.Start:tk.End]) {
			return true
		}
	}
	return false
}

func stemAll(l textnorm.StemLang, folded []string) []string {
	out := make([]string, len(folded))
	for i, f := range folded {
		out[i] = textnorm.Stem(l, f)
	}
	return out
}
