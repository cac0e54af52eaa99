// Package indexer keeps the Bleve full-text index of classified articles
// and answers searches over it. Vietnamese text is searchable with or
// without tone marks: next to each text field the index holds a folded
// shadow field (tones and diacritics removed, đ→d) that queries are folded
// into too.
package indexer

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"
)

// textAnalyzer splits on Unicode word boundaries and lower-cases. Text is
// NFC-normalised with unified tone placement before it reaches Bleve, so no
// custom (globally registered) filter is needed.
const textAnalyzer = "pw_text"

// foldedAnalyzer splits the folded shadow fields, which hold the
// textnorm tokens of the text joined by spaces: queries are split by the
// same textnorm.Tokenize, so index and query always agree on what a token
// is ("Bien's", "1.000", "COVID-19").
const foldedAnalyzer = "pw_folded"

// Field names in the index.
const (
	fieldURL         = "url"
	fieldSource      = "source"
	fieldSite        = "site"
	fieldTier        = "tier"
	fieldLang        = "lang"
	fieldTitle       = "title"
	fieldText        = "text"
	fieldTitleFolded = "title_folded"
	// fieldBodyFolded holds title and text in one field, so that an
	// unscoped word is one term lookup instead of a disjunction over two
	// fields. A separator token (sentenceBreak) between them keeps a
	// phrase from joining the end of the title to the start of the text;
	// no query token can equal it. (Two values of one field would do the
	// same through array positions, at 15-25 % more indexing CPU.)
	fieldBodyFolded = "body_folded"
	fieldByline     = "byline"
	fieldBylineFold = "byline_folded"
	// The accent fields hold, per token, what a word typed with marks
	// is compared with (streams.go), beside the folded fields.
	fieldTitleAccent  = "title_accent"
	fieldBodyAccent   = "body_accent"
	fieldBylineAccent = "byline_accent"
	// fieldStemmed marks English and French articles.
	fieldStemmed  = "stemmed"
	fieldSummary  = "summary"
	fieldMatches  = "matches"
	fieldEvidence = "evidence"
	fieldPartial  = "partial"
	// exactSuffix names a keyword field's exact-form twin.
	exactSuffix    = "_exact"
	fieldPublished = "published" // publishedKey: filtered and sorted on
	// fieldPublishedAt is the publication time shown (RFC 3339).
	fieldPublishedAt = "published_at"
	// fieldDay is the UTC day of publication, for the per-day histogram.
	fieldDay       = "day"
	fieldFetched   = "fetched"
	fieldLabels    = "labels"
	fieldSeverity  = "severity"
	fieldSentiment = "sentiment"
	fieldStory     = "story_id"
	fieldRegions   = "regions"
	// fieldTone is article.ToneOf the sentiment, counted by reports.
	fieldTone = "tone"
)

func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = textAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.DefaultMapping = articleMapping()
	return im, nil
}

func addAnalyzers(im *mapping.IndexMappingImpl) error {
	if err := im.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		return fmt.Errorf("define analyzer: %w", err)
	}
	if err := im.AddCustomAnalyzer(foldedAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     whitespace.Name,
		"token_filters": []string{},
	}); err != nil {
		return fmt.Errorf("define analyzer: %w", err)
	}
	return nil
}

// articleMapping maps an article document's fields: keywords matched
// whole, folded text searched, and what is only shown stored.
func articleMapping() *mapping.DocumentMapping {
	doc := mapping.NewDocumentStaticMapping()
	for name, store := range map[string]bool{
		fieldSource: true, fieldSite: true, fieldTier: true,
		fieldLang: true, fieldLabels: true, fieldSeverity: true, fieldStory: true, fieldRegions: true, fieldDay: false, fieldStemmed: false, fieldTone: false,
	} {
		doc.AddFieldMappingsAt(name, keywordMapping(store))
	}
	doc.AddFieldMappingsAt(fieldURL, storedOnly(mapping.NewKeywordFieldMapping()))
	doc.AddFieldMappingsAt(fieldFetched, storedOnly(mapping.NewDateTimeFieldMapping()))
	doc.AddFieldMappingsAt(fieldSentiment, storedOnly(mapping.NewNumericFieldMapping()))
	doc.AddFieldMappingsAt(fieldPartial, storedOnly(mapping.NewBooleanFieldMapping()))
	for _, name := range []string{fieldSource, fieldSite, fieldTier, fieldLang, fieldLabels} {
		doc.AddFieldMappingsAt(name+exactSuffix, keywordMapping(false))
	}
	for _, name := range []string{fieldTitleFolded, fieldBodyFolded, fieldBylineFold, fieldTitleAccent, fieldBodyAccent, fieldBylineAccent} {
		doc.AddFieldMappingsAt(name, foldedMapping())
	}
	// Shown with an article and read by the reference matcher that checks
	// exact and proximity terms, never searched: queries go to the folded
	// fields. Indexing these too would double the analysis work of every
	// article for terms no query asks for.
	for _, name := range []string{fieldTitle, fieldText, fieldByline, fieldSummary, fieldMatches, fieldEvidence} {
		f := mapping.NewTextFieldMapping()
		f.Index, f.Store, f.IncludeInAll, f.DocValues = false, true, false, false
		doc.AddFieldMappingsAt(name, f)
	}
	// published is searched by date range and sorted on (doc values);
	// published_at is what is shown.
	pub := mapping.NewDateTimeFieldMapping()
	pub.Store, pub.IncludeInAll = false, false
	doc.AddFieldMappingsAt(fieldPublished, pub)
	doc.AddFieldMappingsAt(fieldPublishedAt, storedOnly(mapping.NewKeywordFieldMapping()))
	return doc
}

func keywordMapping(store bool) *mapping.FieldMapping {
	f := mapping.NewKeywordFieldMapping()
	f.Analyzer = keyword.Name
	f.Store = store
	f.IncludeInAll = false
	// Keyword values are matched whole and counted from their
	// postings (facets.go): no positions, no doc values.
	f.IncludeTermVectors, f.DocValues = false, false
	return f
}

// foldedMapping is a searched text field of folded tokens (textnorm), with
// the positions that phrases and NEAR need.
func foldedMapping() *mapping.FieldMapping {
	f := mapping.NewTextFieldMapping()
	f.Analyzer = foldedAnalyzer
	f.Store = false
	f.IncludeTermVectors = true
	f.IncludeInAll = false
	f.DocValues = false
	return f
}

// storedOnly makes f stored for display, never searched: an article is
// found by its Bleve document ID (_id), not by an indexed copy of it.
// Every value of these is unique, so indexing them would add a dictionary
// term per article per field, which merges then copy again and again.
func storedOnly(f *mapping.FieldMapping) *mapping.FieldMapping {
	f.Index, f.Store, f.IncludeInAll, f.DocValues, f.IncludeTermVectors = false, true, false, false, false
	return f
}
