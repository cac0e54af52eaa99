package indexer

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches the documents holding its terms at consecutive
// positions of one field. It does what Bleve's phrase query does, more
// cheaply: Vietnamese words are mostly two syllables, so most of what
// officers search is a phrase, and a phrase of common syllables has tens
// of thousands of candidates at a million articles. Bleve's phrase
// searcher builds a map of every candidate's term locations; this one
// reads the positions into reused buffers and checks them directly, and
// without scores the candidates come from a bitmap intersection. Scores
// are those of the terms together, as Bleve's phrase scores are.
type phraseQuery struct {
	terms []string
	field string
	boost float64
	// within, when set, also restricts the matches to documents matching
	// all of these (unscored): a phrase that only adds to the score of
	// documents a search already requires then checks positions in those
	// alone, instead of in every document holding its words.
	within []bq.Query
}

func newPhraseQuery(terms []string, field string) *phraseQuery {
	return &phraseQuery{terms: terms, field: field, boost: 1}
}

func (q *phraseQuery) SetBoost(b float64) { q.boost = b }

func (q *phraseQuery) Boost() float64 { return q.boost }

// Searcher implements bleve's query.Query.
func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	if len(q.terms) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	opts.IncludeTermVectors = false
	if len(q.terms) == 1 && len(q.within) == 0 {
		s, err := searcher.NewTermSearcher(ctx, r, q.terms[0], q.field, q.boost, opts)
		if err != nil {
			return nil, fmt.Errorf("phrase term %q: %w", q.terms[0], err)
		}
		return s, nil
	}
	// The candidates never need scores: only the few that hold the
	// phrase are scored, from the frequencies read with the positions.
	// Unscored, Bleve intersects the terms' postings as bitmaps instead of
	// decoding every candidate's frequency and norm.
	unscoredOpts := opts
	unscoredOpts.Score = "none"
	subs := make([]search.Searcher, 0, len(q.terms))
	count := uint64(math.MaxUint64)
	closeAll := func() {
		for _, s := range subs {
			_ = s.Close()
		}
	}
	for _, t := range q.terms {
		s, err := searcher.NewTermSearcher(ctx, r, t, q.field, q.boost, unscoredOpts)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("phrase term %q: %w", t, err)
		}
		subs = append(subs, s)
		count = min(count, s.Count())
		if count == 0 {
			// A word the index lacks: no candidate, and an empty
			// searcher lets a caller (anyOf) drop this phrase.
			closeAll()
			return searcher.NewMatchNoneSearcher(r)
		}
	}
	for _, w := range q.within {
		s, err := w.Searcher(ctx, r, m, unscoredOpts)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("phrase: within: %w", err)
		}
		subs = append(subs, s)
	}
	cand, err := searcher.NewConjunctionSearcher(ctx, r, subs, unscoredOpts)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("phrase: %w", err)
	}
	scored := opts.Score != "none"
	ps := &phraseSearcher{candidates: cand, count: count, docs: make([]index.TermFieldDoc, len(q.terms))}
	var docTotal uint64
	if scored {
		if docTotal, err = r.DocCount(); err != nil {
			_ = ps.Close()
			return nil, fmt.Errorf("phrase: %w", err)
		}
	}
	// The readers of positions open at the first candidate (ps.open):
	// a phrase restricted to a search's few matches (within) has none in
	// most months, and opening a reader costs a read of its postings.
	ps.open = func() error {
		for _, t := range q.terms {
			tfr, err := r.TermFieldReader(ctx, []byte(t), q.field, scored, scored, true)
			if err != nil {
				return fmt.Errorf("phrase term %q positions: %w", t, err)
			}
			ps.positions = append(ps.positions, tfr)
		}
		return nil
	}
	if scored {
		for i, t := range q.terms {
			// As Bleve's term searcher scores (TF-IDF, the mapping's
			// model), so that a phrase ranks among words as before; the
			// term's searcher counts the documents holding it, as its
			// reader of positions would.
			ps.scorers = append(ps.scorers, scorer.NewTermQueryScorer([]byte(t), q.field, q.boost, docTotal, subs[i].Count(), 0, opts))
		}
	}
	if w := ps.Weight(); w > 0 {
		// The norm a conjunction of the term searchers gives them; a
		// searcher above may set its own, as with Bleve's phrase.
		ps.SetQueryNorm(1 / math.Sqrt(w))
	}
	return ps, nil
}

// phraseSearcher passes on the candidates (documents with every term)
// whose positions line up.
type phraseSearcher struct {
	candidates search.Searcher
	// count bounds the matches: the postings of the rarest term. (An
	// unscored conjunction of term postings may report 0 before it is
	// read.)
	count     uint64
	positions []index.TermFieldReader // one per term, with term vectors
	open      func() error            // opens positions; nil once called
	openErr   error                   // what open returned, for every later check
	docs      []index.TermFieldDoc    // reused buffers, one per term
	// scorers score a match by its terms, as a conjunction of term
	// searchers would (nil when unscored).
	scorers []*scorer.TermQueryScorer
	// next is the first candidate not yet checked (nil when none is left).
	next    *search.DocumentMatch
	started bool
	// The last document checked: a disjunction or conjunction above may
	// advance this searcher to the document it is already on, and the
	// term readers cannot seek to where they are (scorch then reopens
	// them from the start).
	lastID index.IndexInternalID
	lastOK bool
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started {
		s.started = true
		var err error
		if s.next, err = s.candidates.Next(ctx); err != nil {
			return nil, err
		}
	}
	for s.next != nil {
		c := s.next
		var err error
		if s.next, err = s.candidates.Next(ctx); err != nil {
			return nil, err
		}
		ok, err := s.inOrder(c.IndexInternalID)
		if err != nil {
			return nil, err
		}
		if ok {
			s.score(ctx, c)
			return c, nil
		}
		ctx.DocumentMatchPool.Put(c)
	}
	return nil, nil
}

// Advance moves the candidates only when the next one is before id, and
// not at all once they are exhausted: searchers above call Advance on an
// exhausted child again and again, and an exhausted term reader asked to
// seek reopens itself from the start.
func (s *phraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.started {
		s.started = true
		var err error
		if s.next, err = s.candidates.Advance(ctx, id); err != nil {
			return nil, err
		}
		return s.Next(ctx)
	}
	if s.next == nil {
		return nil, nil
	}
	if s.next.IndexInternalID.Compare(id) < 0 {
		ctx.DocumentMatchPool.Put(s.next)
		var err error
		if s.next, err = s.candidates.Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}

// inOrder reads each term's positions in document id and reports whether
// term i occurs at p+i for some p.
func (s *phraseSearcher) inOrder(id index.IndexInternalID) (bool, error) {
	if s.lastID != nil && s.lastID.Equals(id) {
		return s.lastOK, nil
	}
	ok, err := s.check(id)
	if err == nil {
		s.lastID, s.lastOK = append(s.lastID[:0], id...), ok
	}
	return ok, err
}

func (s *phraseSearcher) check(id index.IndexInternalID) (bool, error) {
	if s.open != nil {
		s.openErr = s.open()
		s.open = nil
	}
	if s.openErr != nil {
		// Some readers may be open, others not: no check can be made.
		return false, s.openErr
	}
	for i, r := range s.positions {
		d, err := r.Advance(id, &s.docs[i])
		if err != nil {
			return false, err
		}
		if d == nil || !d.ID.Equals(id) {
			return false, nil
		}
	}
	for _, v := range s.docs[0].Vectors {
		if s.followedBy(v.Pos) {
			return true, nil
		}
	}
	return false, nil
}

// score sets m's score to the sum of its terms' scores, from the
// frequencies and norms the last check read.
func (s *phraseSearcher) score(ctx *search.SearchContext, m *search.DocumentMatch) {
	if s.scorers == nil {
		return
	}
	var sum float64
	for i, sc := range s.scorers {
		// Without the vectors: the scorer would copy them into the match.
		d := index.TermFieldDoc{ID: s.docs[i].ID, Freq: s.docs[i].Freq, Norm: s.docs[i].Norm}
		tm := sc.Score(ctx, &d)
		sum += tm.Score
		ctx.DocumentMatchPool.Put(tm)
	}
	m.Score = sum
}

func (s *phraseSearcher) followedBy(p uint64) bool {
	for i := 1; i < len(s.docs); i++ {
		want := p + uint64(i)
		vs := s.docs[i].Vectors
		// Positions come in document order.
		_, found := slices.BinarySearchFunc(vs, want, func(v *index.TermFieldVector, w uint64) int {
			switch {
			case v.Pos < w:
				return -1
			case v.Pos > w:
				return 1
			}
			return 0
		})
		if !found {
			return false
		}
	}
	return true
}

func (s *phraseSearcher) Close() error {
	err := s.candidates.Close()
	for _, r := range s.positions {
		if cerr := r.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (s *phraseSearcher) Weight() float64 {
	var w float64
	for _, sc := range s.scorers {
		w += sc.Weight()
	}
	return w
}

func (s *phraseSearcher) SetQueryNorm(n float64) {
	for _, sc := range s.scorers {
		sc.SetQueryNorm(n)
	}
}

func (s *phraseSearcher) Count() uint64              { return s.count }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return s.candidates.DocumentMatchPoolSize() }

func (s *phraseSearcher) Size() int {
	n := s.candidates.Size()
	for _, r := range s.positions {
		n += r.Size()
	}
	return n
}
