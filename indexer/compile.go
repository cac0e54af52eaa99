package indexer

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/presswatch/presswatch/classifier/query"
	"github.com/presswatch/presswatch/textnorm"
)

// compile turns a parsed query into a Bleve query. Bleve has no proximity
// operator, so NEAR/ONEAR compile to "both operands present" and
// needsVerify is set: the results are then checked with query.Eval on the
// stored text, which makes the two back ends agree by construction.
func compile(n query.Node) (q bq.Query, needsVerify bool, err error) {
	c := &compiler{}
	q, err = c.node(n)
	return q, c.verify, err
}

type compiler struct{ verify bool }

func (c *compiler) node(n query.Node) (bq.Query, error) {
	switch n := n.(type) {
	case *query.Term:
		return c.termQuery(n)
	case *query.ListRef:
		alts := make([]bq.Query, 0, len(n.Terms))
		for _, t := range n.Terms {
			q, err := c.termQuery(t)
			if err != nil {
				return nil, err
			}
			alts = append(alts, q)
		}
		if len(alts) == 0 {
			return bleve.NewMatchNoneQuery(), nil
		}
		return bleve.NewDisjunctionQuery(alts...), nil
	case *query.Or:
		alts := make([]bq.Query, 0, len(n.Children))
		for _, ch := range n.Children {
			q, err := c.node(ch)
			if err != nil {
				return nil, err
			}
			alts = append(alts, q)
		}
		return bleve.NewDisjunctionQuery(alts...), nil
	case *query.And:
		var must, mustNot []bq.Query
		for _, ch := range n.Children {
			if not, ok := ch.(*query.Not); ok {
				if !exactCompile(not.Child) {
					// The child compiles to a superset of its matches;
					// excluding that would drop true matches. Leave the
					// exclusion to Eval.
					c.verify = true
					continue
				}
				q, err := c.node(not.Child)
				if err != nil {
					return nil, err
				}
				mustNot = append(mustNot, q)
				continue
			}
			q, err := c.node(ch)
			if err != nil {
				return nil, err
			}
			must = append(must, q)
		}
		if len(must) == 0 {
			must = []bq.Query{bleve.NewMatchAllQuery()}
		}
		// Ranking only: words typed together (lũ quét, ngo doc thuc pham)
		// usually mean the phrase, so documents holding them in that order
		// rank first. Matching is unchanged: should clauses beside must
		// clauses only add to the score.
		return bq.NewBooleanQuery(must, adjacencyBoost(n.Children), mustNot), nil
	case *query.Not:
		if !exactCompile(n.Child) {
			c.verify = true
			return bleve.NewMatchAllQuery(), nil
		}
		q, err := c.node(n.Child)
		if err != nil {
			return nil, err
		}
		return bq.NewBooleanQuery([]bq.Query{bleve.NewMatchAllQuery()}, nil, []bq.Query{q}), nil
	case *query.Near:
		c.verify = true
		l, err := c.node(n.Left)
		if err != nil {
			return nil, err
		}
		r, err := c.node(n.Right)
		if err != nil {
			return nil, err
		}
		return bleve.NewConjunctionQuery(l, r), nil
	}
	return nil, fmt.Errorf("%w: unsupported query node %T", ErrBadQuery, n)
}

// exactCompile reports whether n compiles to exactly its matches rather
// than a superset (proximity and exact-mode terms are checked by Eval
// afterwards), which is what a NOT may exclude.
func exactCompile(n query.Node) bool {
	switch n := n.(type) {
	case *query.Term:
		return !n.Exact || query.IsKeywordField(n.Field)
	case *query.ListRef:
		return true
	case *query.Near:
		return false
	case *query.Not:
		return exactCompile(n.Child)
	case *query.And:
		for _, ch := range n.Children {
			if !exactCompile(ch) {
				return false
			}
		}
		return true
	case *query.Or:
		for _, ch := range n.Children {
			if !exactCompile(ch) {
				return false
			}
		}
		return true
	}
	return false
}

// adjacencyBoost returns phrase queries over consecutive plain unscoped
// words of an AND, in title and text, boosted.
func adjacencyBoost(children []query.Node) []bq.Query {
	var toks []string
	for _, ch := range children {
		t, ok := ch.(*query.Term)
		if !ok || t.Field != "" || t.Prefix || t.Exact {
			return nil
		}
		toks = append(toks, t.Tokens...)
	}
	if len(toks) < 2 {
		return nil
	}
	var out []bq.Query
	for field, boost := range map[string]float64{fieldTitleFolded: 4, fieldTextFolded: 2} {
		p := bleve.NewPhraseQuery(toks, field)
		p.SetBoost(boost)
		out = append(out, p)
	}
	return out
}

// textFields maps a query field to the index's folded shadow fields; ""
// is title or text.
func textFields(field string) []string {
	switch field {
	case "":
		return []string{fieldTitleFolded, fieldTextFolded}
	case query.FieldTitle:
		return []string{fieldTitleFolded}
	case query.FieldText:
		return []string{fieldTextFolded}
	case query.FieldAuthor:
		return []string{fieldBylineFold}
	}
	return nil
}

func foldedForms(raw string) []string {
	toks := textnorm.Tokenize(raw)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

func keywordField(field string) string {
	switch field {
	case query.FieldSource:
		return fieldSource
	case query.FieldSite:
		return fieldSite
	case query.FieldLang:
		return fieldLang
	case query.FieldTier:
		return fieldTier
	case query.FieldLabel:
		return fieldLabels
	}
	return ""
}

func (c *compiler) termQuery(t *query.Term) (bq.Query, error) {
	if query.IsKeywordField(t.Field) {
		f := keywordField(t.Field)
		if t.Exact {
			f += exactSuffix
		}
		if len(t.Tokens) == 0 {
			return bleve.NewMatchNoneQuery(), nil
		}
		if t.Prefix {
			q := bleve.NewPrefixQuery(t.Tokens[0])
			q.SetField(f)
			return q, nil
		}
		q := bleve.NewTermQuery(t.Tokens[0])
		q.SetField(f)
		return q, nil
	}
	fields := textFields(t.Field)
	toks := t.Tokens
	if t.Exact {
		// Exact matches are folded matches too: find those, and let Eval
		// keep the ones whose tone marks agree.
		c.verify = true
		toks = foldedForms(t.Raw)
	}
	// A word in the title says more about an article than one in the text.
	boost := func(q bq.Query, f string) bq.Query {
		if b, ok := q.(bq.BoostableQuery); ok && f == fieldTitleFolded {
			b.SetBoost(2)
		}
		return q
	}
	if fields == nil {
		return nil, fmt.Errorf("%w: col %d: unknown field %q", ErrBadQuery, t.Col, t.Field)
	}
	alts := make([]bq.Query, 0, len(fields))
	for _, f := range fields {
		switch {
		case len(toks) == 0:
			return bleve.NewMatchNoneQuery(), nil
		case len(toks) == 1 && t.Prefix:
			q := bleve.NewPrefixQuery(toks[0])
			q.SetField(f)
			alts = append(alts, boost(q, f))
		case len(toks) == 1:
			q := bleve.NewTermQuery(toks[0])
			q.SetField(f)
			alts = append(alts, boost(q, f))
		default:
			alts = append(alts, boost(bleve.NewPhraseQuery(toks, f), f))
		}
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return bleve.NewDisjunctionQuery(alts...), nil
}
