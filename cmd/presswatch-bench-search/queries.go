package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"

	"github.com/presswatch/presswatch/textnorm"
)

// querySampler draws query terms from the corpus vocabulary.
type querySampler struct {
	words   []string // syllables in 2%–25% of articles
	phrases []string // 2- and 3-syllable sequences in 0.3%–10% of articles
}

// newQuerySampler counts in how many corpus articles each syllable, pair
// and triple occurs, and keeps those common enough to find something but
// not so common that they are stop words.
func newQuerySampler(c *corpus) *querySampler {
	s := internSyllables(c)
	return s.sampler(s.docFreqs(int(0.003*float64(len(c.docs)))), float64(len(c.docs)))
}

// syllables is the corpus as interned syllable ids. Sequences are then
// counted by id, so the counts take tens of megabytes, not the hundreds a
// map of strings would add to the peak RSS the benchmark reports.
type syllables struct {
	vocab []string
	good  []bool // the syllable can be part of a query term
	// docs[d] holds the paragraphs of article d as syllable ids.
	docs [][][]int32
}

func internSyllables(c *corpus) *syllables {
	s := &syllables{docs: make([][][]int32, len(c.docs))}
	ids := map[string]int32{}
	var toks []textnorm.Token
	for d, doc := range c.docs {
		for _, p := range append([]string{doc.title}, doc.paras...) {
			toks = textnorm.AppendTokens(toks[:0], p)
			seq := make([]int32, len(toks))
			for i, t := range toks {
				form := strings.ToLower(textnorm.Normalize(p[t.Start:t.End]))
				id, ok := ids[form]
				if !ok {
					id = int32(len(s.vocab))
					ids[form] = id
					s.vocab = append(s.vocab, form)
					s.good = append(s.good, !notWord(form))
				}
				seq[i] = id
			}
			s.docs[d] = append(s.docs[d], seq)
		}
	}
	return s
}

// docFreqs are the numbers of articles each syllable, pair and triple
// occurs in.
type docFreqs struct {
	words   []int
	pairs   map[[2]int32]int
	triples map[[3]int32]int
}

// docFreqs counts syllables, then pairs of good syllables, then triples
// whose two pairs are in at least minPair articles: counting every triple
// would take far more memory for ones that can never be chosen.
func (s *syllables) docFreqs(minPair int) docFreqs {
	df := docFreqs{words: make([]int, len(s.vocab)), pairs: map[[2]int32]int{}, triples: map[[3]int32]int{}}
	seen1 := map[int32]bool{}
	seen2 := map[[2]int32]bool{}
	seen3 := map[[3]int32]bool{}
	for pass := range 3 {
		for _, paras := range s.docs {
			clear(seen1)
			clear(seen2)
			clear(seen3)
			for _, seq := range paras {
				for i, a := range seq {
					switch pass {
					case 0:
						seen1[a] = true
					case 1:
						if i+1 < len(seq) && s.good[a] && s.good[seq[i+1]] {
							seen2[[2]int32{a, seq[i+1]}] = true
						}
					case 2:
						if i+2 < len(seq) && df.pairs[[2]int32{a, seq[i+1]}] >= minPair && df.pairs[[2]int32{seq[i+1], seq[i+2]}] >= minPair {
							seen3[[3]int32{a, seq[i+1], seq[i+2]}] = true
						}
					}
				}
			}
			for k := range seen1 {
				df.words[k]++
			}
			for k := range seen2 {
				df.pairs[k]++
			}
			for k := range seen3 {
				df.triples[k]++
			}
		}
	}
	return df
}

// sampler keeps the words in 2%–25% and the phrases in 0.3%–10% of the
// n articles.
func (s *syllables) sampler(df docFreqs, n float64) *querySampler {
	q := &querySampler{}
	for id, f := range df.words {
		if share := float64(f) / n; s.good[id] && share >= 0.02 && share <= 0.25 {
			q.words = append(q.words, s.vocab[id])
		}
	}
	phrase := func(f int, ids ...int32) {
		if share := float64(f) / n; share >= 0.003 && share <= 0.10 {
			words := make([]string, len(ids))
			for i, id := range ids {
				words[i] = s.vocab[id]
			}
			q.phrases = append(q.phrases, strings.Join(words, " "))
		}
	}
	for k, f := range df.pairs {
		phrase(f, k[0], k[1])
	}
	for k, f := range df.triples {
		phrase(f, k[0], k[1], k[2])
	}
	// Sorted so that the seed alone decides the draw.
	slices.Sort(q.words)
	slices.Sort(q.phrases)
	return q
}

// notWord rejects tokens that make poor query terms: numbers, single
// letters.
func notWord(s string) bool {
	if len([]rune(s)) < 2 {
		return true
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			return true
		}
	}
	return false
}

// queryText returns query i of a class at a checkpoint.
func (q *querySampler) queryText(class string, r *rand.Rand) string {
	word := func() string { return q.words[r.IntN(len(q.words))] }
	phrase := func() string { return `"` + q.phrases[r.IntN(len(q.phrases))] + `"` }
	switch class {
	case "and", "faceted", "week":
		n := 2 + r.IntN(2)
		terms := make([]string, n)
		for i := range terms {
			terms[i] = word()
		}
		return strings.Join(terms, " AND ")
	case "phrase":
		return phrase()
	case "or":
		n := 3 + r.IntN(4)
		terms := make([]string, n)
		for i := range terms {
			if r.IntN(2) == 0 {
				terms[i] = word()
			} else {
				terms[i] = phrase()
			}
		}
		return strings.Join(terms, " OR ")
	case "near":
		return fmt.Sprintf("%s NEAR/5 %s", word(), word())
	}
	panic("unknown class " + class)
}
