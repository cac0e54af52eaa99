package query

import (
	"cmp"
	"slices"
	"strings"
)

// Hit is one occurrence of a literal leaf that contributed to a match.
type Hit struct {
	// Field is the text field (title, text or author).
	Field string
	// Start and End are byte offsets [Start, End) in Text[Field] as given,
	// from the start of the first token to the end of the last.
	Start, End int
	// Term is the leaf in canonical syntax (Term.String).
	Term string
	// List is the list the term is an entry of, "" if none.
	List string
}

// Explain returns the occurrences of the literal leaves that make d match
// n, sorted by field (title, text, author) and offset; nil when d does not
// match. A leaf counts when it is not under a NOT and every And above it
// holds: all children of a matching And, the matching children of an Or,
// and, for NEAR/ONEAR, the occurrences that form a qualifying pair. Keyword
// fields (label:, site:, …) only filter and yield no hits.
func Explain(n Node, d *Document) []Hit {
	if n == nil || d == nil {
		return nil
	}
	ix := d.index()
	// Non-nil even when empty: a match on keyword fields alone has no hits
	// but must not look like no match.
	hits := make([]Hit, 0, 8)
	if !ix.explain(n, &hits) {
		return nil
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(
			cmp.Compare(fieldRank(a.Field), fieldRank(b.Field)),
			cmp.Compare(a.Start, b.Start),
			cmp.Compare(a.End, b.End),
			strings.Compare(a.Term, b.Term),
			strings.Compare(a.List, b.List),
		)
	})
	return slices.Compact(hits)
}

func fieldRank(name string) int {
	switch name {
	case FieldTitle:
		return fTitle
	case FieldText:
		return fText
	}
	return fAuthor
}

func (ix *docIndex) explain(n Node, hits *[]Hit) bool {
	switch n := n.(type) {
	case *Term:
		return ix.explainTerm(n, "", hits)
	case *ListRef:
		ok := false
		for _, t := range n.Terms {
			if ix.explainTerm(t, n.Name, hits) {
				ok = true
			}
		}
		return ok
	case *And:
		mark := len(*hits)
		for _, c := range n.Children {
			if !ix.explain(c, hits) {
				*hits = (*hits)[:mark]
				return false
			}
		}
		return true
	case *Or:
		ok := false
		for _, c := range n.Children {
			if ix.explain(c, hits) {
				ok = true
			}
		}
		return ok
	case *Not:
		return !ix.eval(n.Child)
	case *Near:
		return ix.near(n, func(f int, a, b occ) {
			*hits = append(*hits, ix.hit(f, a), ix.hit(f, b))
		})
	}
	return false
}

func (ix *docIndex) explainTerm(t *Term, list string, hits *[]Hit) bool {
	if t == nil {
		return false
	}
	if IsKeywordField(t.Field) {
		return keywordMatch(t, ix.d.Keywords[t.Field])
	}
	ok := false
	mask := fieldMask(t.Field)
	for f := range ix.fields {
		if mask&(1<<f) == 0 {
			continue
		}
		ix.fields[f].each(t, func(s, e int) bool {
			ok = true
			*hits = append(*hits, ix.hit(f, occ{start: int32(s), end: int32(e), t: t, list: list}))
			return true
		})
	}
	return ok
}

func (ix *docIndex) hit(f int, o occ) Hit {
	toks := ix.fields[f].toks
	return Hit{
		Field: textFieldName(f),
		Start: toks[o.start].Start,
		End:   toks[o.end].End,
		Term:  o.t.String(),
		List:  o.list,
	}
}
