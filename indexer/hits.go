package indexer

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/presswatch/presswatch/query"
)

// loadFields fills the stored fields of the hits that survived the merge
// of the partitions' results, one lookup by ID; hits that came with their
// fields keep them.
func (x *Index) loadFields(ctx context.Context, hits []*search.DocumentMatch) error {
	hits = slices.DeleteFunc(slices.Clone(hits), func(h *search.DocumentMatch) bool { return h.Fields != nil })
	if len(hits) == 0 {
		return nil
	}
	ids := make([]string, len(hits))
	parts := map[string]bool{}
	for i, h := range hits {
		ids[i] = h.ID
		parts[h.Index] = true
	}
	// Fields come from the partition that answered with the hit: a
	// moved article's stale copy elsewhere must not stand in for it.
	type key struct{ part, id string }
	fields := make(map[key]map[string]any, len(hits))
	err := x.lookupIDs(ctx, ids, parts, storedFields, func(part string, h *search.DocumentMatch) {
		fields[key{part, h.ID}] = h.Fields
	})
	if err != nil {
		return fmt.Errorf("load stored fields: %w", err)
	}
	for _, h := range hits {
		h.Fields = fields[key{h.Index, h.ID}]
	}
	return nil
}

// storedDocument rebuilds what query.Eval needs from stored fields.
func storedDocument(h *search.DocumentMatch) *query.Document {
	return &query.Document{
		Text: map[string]string{
			query.FieldTitle: str(h.Fields[fieldTitle]), query.FieldText: str(h.Fields[fieldText]), query.FieldAuthor: str(h.Fields[fieldByline]),
		},
		Keywords: map[string][]string{
			query.FieldSource: {str(h.Fields[fieldSource])}, query.FieldSite: {str(h.Fields[fieldSite])},
			query.FieldLang: {str(h.Fields[fieldLang])}, query.FieldTier: {str(h.Fields[fieldTier])},
			query.FieldLabel: strs(h.Fields[fieldLabels]),
		},
	}
}

func toHit(h *search.DocumentMatch, want highlight) Hit {
	hit := Hit{
		ID: h.ID, URL: str(h.Fields[fieldURL]), Title: str(h.Fields[fieldTitle]),
		Source: str(h.Fields[fieldSource]), Site: str(h.Fields[fieldSite]), Tier: str(h.Fields[fieldTier]),
		Lang: str(h.Fields[fieldLang]), Labels: strs(h.Fields[fieldLabels]), Severity: str(h.Fields[fieldSeverity]),
	}
	if p, err := time.Parse(time.RFC3339, str(h.Fields[fieldPublishedAt])); err == nil {
		hit.Published = p
	}
	hit.Snippet = snippet(str(h.Fields[fieldText]), want, 240)
	return hit
}

// queryHighlight is what the snippets of n's results mark (highlight).
func queryHighlight(n query.Node) highlight {
	hl := highlight{folded: map[string]bool{}, exact: map[string]bool{}, unmarked: map[string]bool{}}
	if n == nil {
		return hl
	}
	for _, t := range query.Terms(n) {
		if query.IsKeywordField(t.Field) {
			continue
		}
		if !t.Exact && !t.Marked() {
			for _, tok := range t.Folded() {
				hl.folded[tok] = true
			}
			continue
		}
		// Tokens are in query.ExactForm for these.
		for _, tok := range t.Tokens {
			hl.exact[tok] = true
		}
		if !t.Exact {
			for _, tok := range t.Folded() {
				hl.unmarked[tok] = true
			}
		}
	}
	return hl
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs reads a stored multi-value field, which Bleve returns as a string
// when it holds one value.
func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}
