package sentiment

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/presswatch/presswatch/textnorm"
)

// The constants of the scoring rules; the package documentation explains
// each choice.
const (
	// negationReach is how many words may stand between a negator and the
	// term it negates ("không để xảy ra thiệt hại": three).
	negationReach = 3
	// negatedPositive and negatedNegative multiply a negated term's weight.
	negatedPositive = -0.8
	negatedNegative = -0.5
	// squashGain and minTokens shape Value = tanh(gain·Sum/√max(N, min)).
	squashGain = 2.0
	minTokens  = 10
	// NeutralBand is the half-width of the band around 0 that Label calls
	// neutral.
	NeutralBand = 0.1
)

// Score is the sentiment of a text.
type Score struct {
	// Value is in [-1, 1]: tanh(2·Sum/√max(Tokens, 10)).
	Value float64 `json:"value"`
	// Sum adds the Weight of every evidence.
	Sum float64 `json:"sum"`
	// Tokens counts the words scored (for ScoreMentions, only those of the
	// selected sentences).
	Tokens int `json:"tokens"`
	// Terms lists the evidence in text order.
	Terms []Evidence `json:"terms,omitempty"`
}

// Evidence is one lexicon term found in the text.
type Evidence struct {
	// Term is the lexicon entry as written.
	Term string `json:"term"`
	// Start and End are the byte offsets [Start, End) of the matched words
	// in the text scored; the negator or intensifier is not included.
	Start int `json:"start"`
	End   int `json:"end"`
	// Weight is what the term adds to Sum: Base, times the intensifier's
	// multiplier, times the negation factor.
	Weight float64 `json:"weight"`
	// Base is the term's score in the lexicon.
	Base float64 `json:"base"`
	// Negator and Intensifier name the entries that changed Base, if any.
	Negator     string `json:"negator,omitempty"`
	Intensifier string `json:"intensifier,omitempty"`
}

// Label returns "positive", "negative" or "neutral" for a Value outside or
// inside ±NeutralBand.
func (s Score) Label() string {
	switch {
	case s.Value >= NeutralBand:
		return "positive"
	case s.Value <= -NeutralBand:
		return "negative"
	}
	return "neutral"
}

// Score scores text in language lang ("vi", "en"; a language without its own
// lexicon is scored with English).
func (l *Lexicon) Score(lang, text string) Score {
	return l.score(lang, text, nil)
}

// ScoreMentions scores only the sentences of text (see Sentences) for which
// mention returns true, typically those that name the province; a nil
// mention selects every sentence. Evidence offsets refer to text. With no
// sentence selected the score is zero.
func (l *Lexicon) ScoreMentions(lang, text string, mention func(sentence string) bool) Score {
	if mention == nil {
		mention = func(string) bool { return true }
	}
	return l.score(lang, text, mention)
}

func (l *Lexicon) score(lang, text string, mention func(string) bool) Score {
	t := l.table(lang)
	sc, _ := l.scratch.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	defer l.putScratch(sc)
	toks := textnorm.AppendTokens(sc.toks[:0], text)
	sc.toks = toks
	var s Score
	k := 0
	for _, sp := range Sentences(text) {
		for k < len(toks) && toks[k].Start < sp.Start {
			k++
		}
		from := k
		for k < len(toks) && toks[k].Start < sp.End {
			k++
		}
		if from == k || mention != nil && !mention(text[sp.Start:sp.End]) {
			continue
		}
		s.Tokens += k - from
		if t != nil {
			sc.words = t.wordNumbers(sc.words[:0], toks[from:k])
			s.Terms = t.scoreSentence(text, toks[from:k], sc.words, s.Terms)
		}
	}
	for _, e := range s.Terms {
		s.Sum += e.Weight
	}
	s.Value = squash(s.Sum, s.Tokens)
	return s
}

// scratch holds the slices one call of score works in.
type scratch struct {
	toks  []textnorm.Token
	words []int32
}

// maxScratch bounds the tokens kept for reuse, so that one huge text does
// not pin its buffer for the life of the Lexicon.
const maxScratch = 1 << 16

func (l *Lexicon) putScratch(sc *scratch) {
	if cap(sc.toks) > maxScratch {
		return
	}
	clear(sc.toks) // drop references to the text's folded words
	l.scratch.Put(sc)
}

// squash maps a sum of weights over n words into [-1, 1].
func squash(sum float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return math.Tanh(squashGain * sum / math.Sqrt(float64(max(n, minTokens))))
}

// wordNumbers appends the lexicon's number for each token, -1 for a word
// the lexicon does not use.
func (t *table) wordNumbers(dst []int32, toks []textnorm.Token) []int32 {
	for _, tk := range toks {
		w, ok := t.vocab[tk.Text]
		if !ok {
			w = -1
		}
		dst = append(dst, w)
	}
	return dst
}

// scoreSentence appends the evidence found in the words of one sentence;
// words holds their word numbers. Negation and intensity never reach across
// a sentence boundary.
func (t *table) scoreSentence(text string, toks []textnorm.Token, words []int32, ev []Evidence) []Evidence {
	toned := isToned(text, toks)
	var (
		neg, intens     *entry
		negEnd, intsEnd int // word index just after the pending modifier
	)
	for i := 0; i < len(toks); {
		if i > 0 && (neg != nil || intens != nil) && clauseBreak(text[toks[i-1].End:toks[i].Start]) {
			neg, intens = nil, nil
		}
		if neg != nil && i-negEnd > negationReach {
			neg = nil
		}
		e, end := t.longest(text, toks, words, i, toned)
		if e == nil {
			i++
			continue
		}
		switch e.kind {
		case kindNegator:
			if neg != nil {
				neg = nil // "không phải không": two negators cancel
			} else {
				neg, negEnd = e, end
			}
		case kindIntensifier:
			intens, intsEnd = e, end
		default:
			if e.value != 0 {
				ev = append(ev, evidence(e, toks[i].Start, toks[end-1].End, neg, intens != nil && intsEnd == i, intens))
			}
			// A neutral phrase also takes up the modifiers: what they
			// modified was the phrase.
			neg, intens = nil, nil
		}
		i = end
	}
	return ev
}

func evidence(e *entry, start, end int, neg *entry, intensified bool, intens *entry) Evidence {
	ev := Evidence{Term: e.text, Start: start, End: end, Base: e.value, Weight: e.value}
	if intensified {
		ev.Weight *= intens.value
		ev.Intensifier = intens.text
	}
	if neg != nil {
		if ev.Weight > 0 {
			ev.Weight *= negatedPositive
		} else {
			ev.Weight *= negatedNegative
		}
		ev.Negator = neg.text
	}
	return ev
}

// longest returns the longest entry that matches the words from toks[i] on,
// and the index just after its last word.
func (t *table) longest(text string, toks []textnorm.Token, words []int32, i int, toned bool) (*entry, int) {
	var (
		best    *entry
		bestEnd int
		node    int32
	)
	for j := i; j < len(toks) && j-i < t.maxLen && words[j] >= 0; j++ {
		if node = t.child(node, words[j]); node == 0 {
			break
		}
		if x := t.entryOf[node]; x >= 0 {
			if e := &t.entries[x]; tonesAgree(e, text, toks[i:j+1], toned) {
				best, bestEnd = e, j+1
			}
		}
	}
	return best, bestEnd
}

// tonesAgree reports whether the words of text that folded to e's words also
// carry e's tone marks, when the sentence is written with them or e demands
// them.
func tonesAgree(e *entry, text string, toks []textnorm.Token, toned bool) bool {
	if !toned && !e.exact {
		return true
	}
	for k, tk := range toks {
		if !strings.EqualFold(textnorm.Normalize(text[tk.Start:tk.End]), e.toned[k]) {
			return false
		}
	}
	return true
}

// isToned reports whether a quarter or more of the words carry marks
// (letters outside ASCII). Vietnamese written with tone marks has them on
// well over half its syllables; text typed without them has none but the odd
// name, and English none at all.
func isToned(text string, toks []textnorm.Token) bool {
	n := 0
	for _, tk := range toks {
		for p := tk.Start; p < tk.End; p++ {
			if text[p] >= utf8.RuneSelf {
				n++
				break
			}
		}
	}
	return n > 0 && 4*n >= len(toks)
}

// clauseBreak reports whether the text between two words ends a clause, which
// ends the reach of a negator or intensifier.
func clauseBreak(gap string) bool {
	return strings.ContainsAny(gap, ",;:()[]–—")
}
