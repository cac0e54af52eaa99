package extract

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/presswatch/presswatch/textnorm"
)

// How the two extractors' opinions are combined; measured on the
// scrapinghub benchmark (see the package documentation).
const (
	// agreeShare is the share of trafilatura's shingles that readability's
	// text must also hold for the two to count as having found the same
	// article. Below it readability went astray (comments, a list of
	// teasers, nothing) and trafilatura's text is kept whole.
	agreeShare = 0.5
	// lineShare is the share of a paragraph's shingles readability must also
	// have found for the paragraph to be kept once the two agree.
	lineShare = 0.5
	// minFallbackRunes is the least text readability must find on its own,
	// when trafilatura found none, to be believed; it is trafilatura's own
	// minimum extracted size.
	minFallbackRunes = 250
)

const (
	methodTrafilatura = "trafilatura"
	methodCombined    = "trafilatura+readability"
	methodReadability = "readability"
)

// combine merges trafilatura's text t with readability's text r, both one
// paragraph per line, and names the method that produced the result.
//
// trafilatura (favouring recall) finds the article body more reliably;
// readability is more often wrong about where the article is, but when it
// is right it is stricter about what surrounds it. So when readability's
// text covers most of trafilatura's, the paragraphs trafilatura alone kept
// (share buttons, teasers, newsletter boxes, captions of unrelated
// pictures) are dropped; otherwise trafilatura's text is kept as it is. On
// the benchmark this lifts precision by 0.015 and costs 0.0004 of recall.
func combine(t, r string) (text, method string) {
	switch {
	case t == "" && utf8.RuneCountInString(r) >= minFallbackRunes:
		return r, methodReadability
	case t == "":
		return "", ""
	case r == "":
		return t, methodTrafilatura
	}
	rs := newShingleSet(r)
	if rs.coverage(t) < agreeShare {
		return t, methodTrafilatura
	}
	// Short lines (headings, one-line paragraphs) have no full shingle, so
	// they are looked up as a token sequence in readability's text.
	rTokens := " " + strings.Join(tokens(r), " ") + " "
	lines := strings.Split(t, "\n")
	kept := lines[:0]
	for _, line := range lines {
		toks := tokens(line)
		switch {
		case len(toks) == 0:
			// Only punctuation or symbols: keep it with its neighbours.
		case len(toks) < shingleSize:
			if !strings.Contains(rTokens, " "+strings.Join(toks, " ")+" ") {
				continue
			}
		case rs.coverage(line) < lineShare:
			continue
		}
		kept = append(kept, line)
	}
	if len(kept) == len(lines) {
		return t, methodTrafilatura
	}
	return strings.Join(kept, "\n"), methodCombined
}

// shingleSize is the number of tokens in a shingle, as in the benchmark.
const shingleSize = 4

// isTokenRune reports the characters of a token: Unicode letters, digits
// and the underscore, as in the benchmark's metric.
func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isTokenRune(r) })
}

// shingleSet is the set of 4-token shingles of a text, hashed.
type shingleSet map[uint64]struct{}

func newShingleSet(s string) shingleSet {
	set := shingleSet{}
	set.add(s)
	return set
}

// add puts the shingles of s in the set.
func (set shingleSet) add(s string) {
	forEachShingle(s, func(h uint64) { set[h] = struct{}{} })
}

// coverage is the share of s's shingles found in the set; 0 when s has no
// full shingle.
func (set shingleSet) coverage(s string) float64 {
	var n, found int
	forEachShingle(s, func(h uint64) {
		n++
		if _, ok := set[h]; ok {
			found++
		}
	})
	if n == 0 {
		return 0
	}
	return float64(found) / float64(n)
}

// forEachShingle calls fn with a hash of each window of 4 consecutive
// tokens of s.
func forEachShingle(s string, fn func(uint64)) {
	var window [shingleSize]uint64
	n := 0
	for _, tok := range tokens(s) {
		copy(window[:], window[1:])
		window[shingleSize-1] = fnv64(tok)
		n++
		if n >= shingleSize {
			h := uint64(14695981039346656037)
			for _, w := range window {
				h = (h ^ w) * 1099511628211
				h ^= h >> 29
			}
			fn(h)
		}
	}
}

// fnv64 is FNV-1a over the bytes of s.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// titleLines is how many lines at the start of the text may repeat the
// title.
const titleLines = 3

// dropTitle removes the headline from the start of text: trafilatura keeps
// the <h1> that repeats the title, which Result.Title already holds. A line
// counts as the title when, compared ignoring case, accents and
// punctuation, it is the title, a long enough part of it, or the title
// with little added (a site name, a kicker): at most half its length and
// ten characters more.
func dropTitle(text, title string) string {
	ft := foldTokens(title)
	if ft == "" || text == "" {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines[:min(titleLines, len(lines))] {
		fl := foldTokens(line)
		if fl == "" {
			continue
		}
		if fl == ft ||
			(len(fl) >= 20 && containsTokens(ft, fl)) ||
			(containsTokens(fl, ft) && len(fl) <= len(ft)*3/2+10) {
			return strings.Join(slices.Delete(lines, i, i+1), "\n")
		}
	}
	return text
}

// containsTokens reports whether the space-separated tokens sub appear,
// whole and in order, in s.
func containsTokens(s, sub string) bool {
	return strings.Contains(" "+s+" ", " "+sub+" ")
}

// foldTokens is s's tokens, folded (lower case, no diacritics), joined by
// single spaces.
func foldTokens(s string) string {
	return strings.Join(tokens(textnorm.Fold(s)), " ")
}

// withSapo puts the sapo (the lead paragraph of a Vietnamese news article)
// first in text when trafilatura left it out, as it does when the sapo sits
// outside the body's container. Nothing is added to an empty text: a sapo
// alone does not make an article.
func withSapo(text, sapo string) string {
	if text == "" || countNonSpace(sapo) < minSapoRunes {
		return text
	}
	sapo = strings.Join(strings.Fields(sapo), " ")
	if strings.Contains(text, sapo) || newShingleSet(text).coverage(sapo) >= lineShare {
		return text
	}
	return sapo + "\n" + text
}

// minSapoRunes is the shortest sapo taken: a shorter element with "sapo" in
// its class is a label or an empty placeholder.
const minSapoRunes = 30
