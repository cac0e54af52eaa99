package indexer

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// fieldPair names the folded and accent index fields of one text scope.
type fieldPair struct{ folded, accent string }

var (
	titleFields  = fieldPair{fieldTitleFolded, fieldTitleAccent}
	bodyFields   = fieldPair{fieldBodyFolded, fieldBodyAccent}
	bylineFields = fieldPair{fieldBylineFold, fieldBylineAccent}
)

// leafQuery compiles a text leaf to the index fields fp. Its matches are
// exactly the leaf's (query.Eval's) within fp, except for an exact (=)
// leaf, whose query finds a superset that the caller must verify. Each
// kind of document has its own alternative (streams.go):
//
//	unmarked word   folded form; ~en~stem, ~fr~stem in the accent field
//	marked word     exact form, ~folded, ~en~stem, ~fr~stem in the accent field
//	unmarked prefix folded prefix
//	marked prefix   exact and ~folded prefixes in the accent field, the
//	                folded prefix in stemmed (English, French) articles
//	= word          as a marked word: every exact match is among those
//	= prefix        folded prefix
func leafQuery(t *query.Term, fp fieldPair) bq.Query {
	folded := t.Folded()
	if len(folded) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	var alts []bq.Query
	stemAlts := func() {
		for _, l := range textnorm.StemLangs {
			alts = append(alts, sequence(tagged(l.Tag(), t.Stems(l)), fp.accent, false))
		}
	}
	marked := t.Marked() || t.Exact
	switch {
	case t.Prefix && (!marked || t.Exact):
		return sequence(folded, fp.folded, true)
	case t.Prefix:
		stemmed := bleve.NewTermQuery(stemmedValue)
		stemmed.SetField(fieldStemmed)
		alts = append(alts,
			sequence(t.Tokens, fp.accent, true),
			sequence(tagged(tonelessTag, folded), fp.accent, true),
			bleve.NewConjunctionQuery(sequence(folded, fp.folded, true), unscored{stemmed}))
	case marked:
		// Tokens are the exact forms.
		alts = append(alts, sequence(t.Tokens, fp.accent, false), sequence(tagged(tonelessTag, folded), fp.accent, false))
		stemAlts()
	default:
		alts = append(alts, sequence(folded, fp.folded, false))
		stemAlts()
	}
	return &anyOf{alts: alts}
}

func tagged(tag string, toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = tag + t
	}
	return out
}

// sequence matches toks at consecutive positions of field: a term, a
// prefix (of the single token) or a phrase.
func sequence(toks []string, field string, prefix bool) bq.Query {
	switch {
	case len(toks) == 1 && prefix:
		q := bleve.NewPrefixQuery(toks[0])
		q.SetField(field)
		return q
	case len(toks) == 1:
		q := bleve.NewTermQuery(toks[0])
		q.SetField(field)
		return q
	}
	return newPhraseQuery(toks, field)
}

// anyOf matches what any of its alternatives matches. Most alternatives
// of a leaf find nothing in a given index (a Vietnamese word has no
// English stem there), so those are dropped when the searcher is built:
// a leaf with one alternative left searches and scores exactly as that
// alternative alone, at the cost of a dictionary lookup per alternative.
type anyOf struct {
	alts  []bq.Query
	boost *bq.Boost
}

func (q *anyOf) SetBoost(b float64) {
	bb := bq.Boost(b)
	q.boost = &bb
	for _, a := range q.alts {
		if ba, ok := a.(bq.BoostableQuery); ok {
			ba.SetBoost(b)
		}
	}
}

func (q *anyOf) Boost() float64 { return q.boost.Value() }

// Searcher implements bleve's query.Query.
func (q *anyOf) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	subs := make([]search.Searcher, 0, len(q.alts))
	for _, a := range q.alts {
		s, err := a.Searcher(ctx, r, m, opts)
		if err != nil {
			for _, o := range subs {
				_ = o.Close()
			}
			return nil, fmt.Errorf("alternative: %w", err)
		}
		if empty(s) {
			_ = s.Close()
			continue
		}
		subs = append(subs, s)
	}
	switch len(subs) {
	case 0:
		return searcher.NewMatchNoneSearcher(r)
	case 1:
		return subs[0], nil
	}
	return searcher.NewDisjunctionSearcher(ctx, r, subs, 0, opts)
}

// empty reports whether s surely matches nothing. Only searchers whose
// Count is exact before they are read can tell: an optimised (unscored)
// disjunction or conjunction of postings reports 0 until it is read.
func empty(s search.Searcher) bool {
	switch s.(type) {
	case *searcher.MatchNoneSearcher, *searcher.TermSearcher, *phraseSearcher:
		return s.Count() == 0
	}
	return false
}
