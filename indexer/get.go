package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/presswatch/presswatch/article"
)

// ErrNotFound is returned for an ID the index does not hold.
var ErrNotFound = errors.New("no such article")

// ArticleView is one indexed article as the API shows it.
type ArticleView struct {
	ID        string          `json:"id"`
	URL       string          `json:"url"`
	Title     string          `json:"title"`
	Text      string          `json:"text"`
	Summary   string          `json:"summary,omitempty"`
	Byline    string          `json:"byline,omitempty"`
	Source    string          `json:"source"`
	Site      string          `json:"site,omitempty"`
	Tier      string          `json:"tier,omitempty"`
	Lang      string          `json:"lang,omitempty"`
	Published time.Time       `json:"published"`
	Fetched   time.Time       `json:"fetched"`
	Labels    []string        `json:"labels"`
	Severity  string          `json:"severity,omitempty"`
	Sentiment float64         `json:"sentiment"`
	StoryID   string          `json:"story_id,omitempty"`
	Matches   []article.Match `json:"matches,omitempty"`
	Evidence  string          `json:"evidence,omitempty"`
	Partial   bool            `json:"partial,omitempty"`
}

// Get returns one article by ID.
func (x *Index) Get(ctx context.Context, id string) (v *ArticleView, err error) {
	err = x.guard("", func() error {
		v, err = x.get(ctx, id)
		return err
	})
	return v, err
}

func (x *Index) get(ctx context.Context, id string) (*ArticleView, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = []string{"*"}
	res, err := x.searchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("get article %s: %w", id, err)
	}
	if len(res.Hits) == 0 {
		return nil, fmt.Errorf("article %s: %w", id, ErrNotFound)
	}
	f := res.Hits[0].Fields
	v := &ArticleView{
		ID: id, URL: str(f[fieldURL]), Title: str(f[fieldTitle]), Text: str(f[fieldText]), Summary: str(f[fieldSummary]),
		Byline: str(f[fieldByline]), Source: str(f[fieldSource]), Site: str(f[fieldSite]), Tier: str(f[fieldTier]),
		Lang: str(f[fieldLang]), Labels: strs(f[fieldLabels]), Severity: str(f[fieldSeverity]), StoryID: str(f[fieldStory]),
		Evidence: str(f[fieldEvidence]),
	}
	v.Published, _ = time.Parse(time.RFC3339, str(f[fieldPublishedAt]))
	v.Fetched, _ = time.Parse(time.RFC3339, str(f[fieldFetched]))
	if s, ok := f[fieldSentiment].(float64); ok {
		v.Sentiment = s
	}
	if p, ok := f[fieldPartial].(bool); ok {
		v.Partial = p
	}
	if m := str(f[fieldMatches]); m != "" {
		_ = json.Unmarshal([]byte(m), &v.Matches)
	}
	return v, nil
}
