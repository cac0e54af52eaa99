package indexer

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/presswatch/presswatch/query"
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
		return c.list(n)
	case *query.Or:
		return c.or(n)
	case *query.And:
		return c.and(n)
	case *query.Not:
		return c.not(n)
	case *query.Near:
		return c.near(n)
	}
	return nil, fmt.Errorf("%w: unsupported query node %T", ErrBadQuery, n)
}

func (c *compiler) list(n *query.ListRef) (bq.Query, error) {
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
}

func (c *compiler) or(n *query.Or) (bq.Query, error) {
	alts := make([]bq.Query, 0, len(n.Children))
	for _, ch := range n.Children {
		q, err := c.node(ch)
		if err != nil {
			return nil, err
		}
		alts = append(alts, q)
	}
	return bleve.NewDisjunctionQuery(alts...), nil
}

func (c *compiler) and(n *query.And) (bq.Query, error) {
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
	if len(mustNot) == 0 {
		return bleve.NewConjunctionQuery(must...), nil
	}
	return bq.NewBooleanQuery(must, nil, mustNot), nil
}

func (c *compiler) not(n *query.Not) (bq.Query, error) {
	if !exactCompile(n.Child) {
		c.verify = true
		return bleve.NewMatchAllQuery(), nil
	}
	q, err := c.node(n.Child)
	if err != nil {
		return nil, err
	}
	return bq.NewBooleanQuery([]bq.Query{bleve.NewMatchAllQuery()}, nil, []bq.Query{q}), nil
}

func (c *compiler) near(n *query.Near) (bq.Query, error) {
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

// exactCompile reports whether n compiles to exactly its matches rather
// than a superset (proximity and exact-mode terms are checked by Eval
// afterwards), which is what a NOT may exclude.
func exactCompile(n query.Node) bool {
	switch n := n.(type) {
	case *query.Term:
		// text: is searched in title and text together (the body
		// fields) and narrowed to the text by Eval; = leaves are
		// checked by Eval too.
		return (!n.Exact && n.Field != query.FieldText) || query.IsKeywordField(n.Field)
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

// titleTerms are the query's positive text terms searched in the title
// alone: what ranks an article above those that only mention the words
// in passing, and what selects the first tier of a broad search (see
// rankedSearch). Words typed together (lũ quét, ngo doc thuc pham) also
// count as a phrase in the title, with more weight: they usually mean
// the phrase.
//
// It returns the words (and phrases typed as such) apart from the phrases
// made of words typed together (adjacent), which only an article with all
// those words in its title can match.
func titleTerms(n query.Node) (words, adjacent []bq.Query) {
	var walk func(n query.Node)
	walk = func(n query.Node) {
		switch n := n.(type) {
		case *query.Term:
			if n.Field != "" && n.Field != query.FieldTitle {
				return
			}
			q := leafQuery(n, titleFields)
			if b, ok := q.(bq.BoostableQuery); ok {
				b.SetBoost(2)
			}
			words = append(words, q)
		case *query.ListRef:
			for _, t := range n.Terms {
				walk(t)
			}
		case *query.And:
			for _, ch := range n.Children {
				walk(ch)
			}
			if toks := plainWords(n.Children); len(toks) > 1 {
				p := newPhraseQuery(toks, fieldTitleFolded)
				p.SetBoost(4)
				adjacent = append(adjacent, p)
			}
		case *query.Or:
			for _, ch := range n.Children {
				walk(ch)
			}
		case *query.Near:
			walk(n.Left)
			walk(n.Right)
		}
		// NOT: an excluded word in the title says nothing in favour.
	}
	walk(n)
	return words, adjacent
}

// plainWords are the tokens of an AND's children when all are plain
// unscoped words, else nil.
func plainWords(children []query.Node) []string {
	var toks []string
	for _, ch := range children {
		t, ok := ch.(*query.Term)
		if !ok || t.Field != "" || t.Prefix || t.Exact {
			return nil
		}
		toks = append(toks, t.Folded()...)
	}
	return toks
}

// textFields maps a query field to the index fields that hold its words.
func textFields(field string) (fieldPair, bool) {
	switch field {
	case "", query.FieldText:
		return bodyFields, true
	case query.FieldTitle:
		return titleFields, true
	case query.FieldAuthor:
		return bylineFields, true
	}
	return fieldPair{}, false
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
	fp, ok := textFields(t.Field)
	if !ok {
		return nil, fmt.Errorf("%w: col %d: unknown field %q", ErrBadQuery, t.Col, t.Field)
	}
	if t.Exact || t.Field == query.FieldText {
		// The index finds a superset of = matches, and text: words
		// are looked up in title and text together: let Eval keep the
		// ones whose marks and field agree.
		c.verify = true
	}
	return leafQuery(t, fp), nil
}
