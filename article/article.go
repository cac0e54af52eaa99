// Package article defines the unit of work that flows through the pipeline
// and the contracts that identify it: canonical URL, ID and content hashes.
package article

import (
	"time"
)

// Severity orders how urgently an article needs an answer.
type Severity string

// Severities from least to most urgent.
const (
	SeverityNone     Severity = ""
	SeverityInfo     Severity = "info"
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Rank gives the ordering of s; unknown values rank as none.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityLow:
		return 2
	case SeverityMedium:
		return 3
	case SeverityHigh:
		return 4
	case SeverityCritical:
		return 5
	}
	return 0
}

// Valid reports whether s is one of the named severities (or none).
func (s Severity) Valid() bool { return s == SeverityNone || s.Rank() > 0 }

// Match explains why a rule flagged an article.
type Match struct {
	RuleID     string   `json:"rule_id"`
	Title      string   `json:"title,omitempty"`
	Labels     []string `json:"labels,omitempty"`
	Severity   Severity `json:"severity,omitempty"`
	Department string   `json:"department,omitempty"`
	// Terms are the rule terms found, as written in the rule.
	Terms []string `json:"terms,omitempty"`
	// Offsets are byte ranges [start,end) in Text (or Title when InTitle).
	Offsets []Span `json:"offsets,omitempty"`
	// Rebuttal links the official information that answers a false claim;
	// CaseID names the misleading case a copy was matched to.
	Rebuttal string `json:"rebuttal,omitempty"`
	CaseID   string `json:"case_id,omitempty"`
	// Signal marks the match of a signal (rumour or clickbait markers, a
	// weak source) that explains its labels but does not flag the article
	// by itself: it is kept with the article whether or not a rule fired.
	Signal bool `json:"signal,omitempty"`
}

// Tiers are the source credibility tiers a source may declare, most
// authoritative first. An article from a source without a tier has "".
func Tiers() []string { return []string{"official", "central", "local", "foreign", "social"} }

// Span is a byte range [Start,End) in a field of the article.
type Span struct {
	Field string `json:"field"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Article is one published item, as fetched and then enriched by the
// classifier. It is the payload of article.fetched and article.classified.
type Article struct {
	ID           string    `json:"id"`
	URL          string    `json:"url"`
	CanonicalURL string    `json:"canonical_url"`
	SourceID     string    `json:"source"`
	Site         string    `json:"site"`
	Tier         string    `json:"tier,omitempty"`
	Title        string    `json:"title"`
	Byline       string    `json:"byline,omitempty"`
	Text         string    `json:"text"`
	Summary      string    `json:"summary,omitempty"`
	Lang         string    `json:"lang,omitempty"`
	Published    time.Time `json:"published,omitzero"`
	Fetched      time.Time `json:"fetched"`
	Tags         []string  `json:"tags,omitempty"`
	Regions      []string  `json:"regions,omitempty"`
	// ContentHash is the hex SHA-256 of the normalised title and text: it
	// changes when the article is edited.
	ContentHash string `json:"content_hash"`
	// Fingerprint is a 64-bit SimHash of the text, for near-duplicate search.
	Fingerprint uint64 `json:"fingerprint"`
	// Partial is set when the page could not be fetched and the feed's own
	// content stands in for the text.
	Partial bool `json:"partial,omitempty"`
	// Evidence names the raw HTML snapshot in the evidence store.
	Evidence string `json:"evidence,omitempty"`
	// Image is the article's lead image URL.
	Image string `json:"image,omitempty"`

	// Filled by the classifier.
	Labels    []string `json:"labels,omitempty"`
	Severity  Severity `json:"severity,omitempty"`
	Matches   []Match  `json:"matches,omitempty"`
	Sentiment float64  `json:"sentiment"`
	// ProvinceSentiment scores only the sentences that mention the
	// province (the rules' @province list); 0 when none do.
	ProvinceSentiment float64 `json:"province_sentiment"`
	StoryID           string  `json:"story_id,omitempty"`
	// VersionOf is set when the article is a version (an update or a
	// reprint by the same outlet, near-identical text) of an article of
	// its story: the ID of the item's first article. A version is
	// evidence of that item, not a new appearance of the story.
	VersionOf      string    `json:"version_of,omitempty"`
	RulesetVersion string    `json:"ruleset_version,omitempty"`
	Classified     time.Time `json:"classified,omitzero"`
}

// Flagged reports whether any rule, or any signal configured to flag,
// matched the article.
func (a *Article) Flagged() bool {
	for _, m := range a.Matches {
		if !m.Signal {
			return true
		}
	}
	return false
}

// Revision records that a published article changed after it was fetched:
// the payload of article.revision. Both snapshots stay in the evidence
// store.
type Revision struct {
	ArticleID   string    `json:"article_id"`
	URL         string    `json:"url"`
	Kind        string    `json:"kind"` // edited or removed
	Detected    time.Time `json:"detected"`
	Status      int       `json:"status,omitempty"` // HTTP status of a removal
	OldHash     string    `json:"old_hash,omitempty"`
	NewHash     string    `json:"new_hash,omitempty"`
	OldEvidence string    `json:"old_evidence,omitempty"`
	NewEvidence string    `json:"new_evidence,omitempty"`
}

// Revision kinds.
const (
	RevisionEdited  = "edited"
	RevisionRemoved = "removed"
)
