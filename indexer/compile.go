package indexer

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/presswatch/presswatch/classifier/query"
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
		return termQuery(n)
	case *query.ListRef:
		alts := make([]bq.Query, 0, len(n.Terms))
		for _, t := range n.Terms {
			q, err := termQuery(t)
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
		return bq.NewBooleanQuery(must, nil, mustNot), nil
	case *query.Not:
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

// textFields maps a query field to the index's shadow fields (folded and
// exact); "" is title or text.
func textFields(field string, exact bool) []string {
	pick := func(folded, exactName string) string {
		if exact {
			return exactName
		}
		return folded
	}
	switch field {
	case "":
		return []string{pick(fieldTitleFolded, fieldTitleExact), pick(fieldTextFolded, fieldTextExact)}
	case query.FieldTitle:
		return []string{pick(fieldTitleFolded, fieldTitleExact)}
	case query.FieldText:
		return []string{pick(fieldTextFolded, fieldTextExact)}
	case query.FieldAuthor:
		return []string{pick(fieldBylineFold, fieldBylineExact)}
	}
	return nil
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

func termQuery(t *query.Term) (bq.Query, error) {
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
	fields := textFields(t.Field, t.Exact)
	if fields == nil {
		return nil, fmt.Errorf("%w: col %d: unknown field %q", ErrBadQuery, t.Col, t.Field)
	}
	alts := make([]bq.Query, 0, len(fields))
	for _, f := range fields {
		switch {
		case len(t.Tokens) == 0:
			return bleve.NewMatchNoneQuery(), nil
		case len(t.Tokens) == 1 && t.Prefix:
			q := bleve.NewPrefixQuery(t.Tokens[0])
			q.SetField(f)
			alts = append(alts, q)
		case len(t.Tokens) == 1:
			q := bleve.NewTermQuery(t.Tokens[0])
			q.SetField(f)
			alts = append(alts, q)
		default:
			alts = append(alts, bleve.NewPhraseQuery(t.Tokens, f))
		}
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return bleve.NewDisjunctionQuery(alts...), nil
}
