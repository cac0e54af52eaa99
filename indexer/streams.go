package indexer

import (
	"strings"

	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// Token tags of the accent fields. An exact form never starts with ~ (a
// token is letters, digits and marks), and the stem tags (textnorm
// StemLang.Tag, ~en~ and ~fr~) cannot equal ~ followed by a folded token,
// so the four kinds of key never meet.
const tonelessTag = "~"

// sentenceBreak stands between two sentences in the folded and accent
// fields, and between title and text in the body fields, so that no
// phrase matches across. It is a control character, which
// textnorm.Tokenize never returns as a token.
const sentenceBreak = "\x00"

// streams are the index fields of one text field of an article: its
// folded tokens, and its accent keys (see query's Back ends): the exact
// form in text written with marks, ~ and the folded form in toneless text,
// ~en~ or ~fr~ and the stem in English and French. Each is a sequence of
// keys joined by spaces with sentenceBreak between sentences.
type streams struct{ folded, accent string }

func textStreams(s string, lang textnorm.StemLang) streams {
	toks := textnorm.Tokenize(s)
	toneless := lang == textnorm.StemNone && textnorm.Toneless(s, toks)
	// s is normalised already (toDocument), so a token's exact form is
	// its run lower-cased: cut from the lower-cased text when lower-casing
	// kept every byte offset, as it does for Vietnamese.
	lower := strings.ToLower(s)
	if len(lower) != len(s) {
		lower = ""
	}
	var f, a strings.Builder
	f.Grow(len(s))
	a.Grow(len(s) + len(s)/4)
	for i, t := range toks {
		if i > 0 {
			f.WriteByte(' ')
			a.WriteByte(' ')
			if textnorm.SentenceBreak(s, toks[i-1], t) {
				f.WriteString(sentenceBreak + " ")
				a.WriteString(sentenceBreak + " ")
			}
		}
		f.WriteString(t.Text)
		switch {
		case lang != textnorm.StemNone:
			a.WriteString(lang.Tag())
			a.WriteString(textnorm.Stem(lang, t.Text))
		case toneless:
			a.WriteString(tonelessTag)
			a.WriteString(t.Text)
		case lower != "":
			a.WriteString(lower[t.Start:t.End])
		default:
			a.WriteString(exactKey(s[t.Start:t.End], t.Text))
		}
	}
	return streams{folded: f.String(), accent: a.String()}
}

// exactKey is query.ExactForm of a token's run, folded already.
func exactKey(run, folded string) string {
	for i := 0; i < len(run); i++ {
		if run[i] >= 0x80 {
			return query.ExactForm(run)
		}
	}
	// ASCII: folding only lower-cased it, as ExactForm would.
	return folded
}

// join puts title and text streams in one body stream, with a break
// between them.
func join(title, text string) string {
	return title + " " + sentenceBreak + " " + text
}
