package indexer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/textnorm"
)

// Index is the Bleve index of articles.
type Index struct {
	idx bleve.Index
}

// Open opens the index at dir, creating it when absent.
func Open(dir string) (*Index, error) {
	idx, err := bleve.Open(dir)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		m, merr := newMapping()
		if merr != nil {
			return nil, merr
		}
		idx, err = bleve.New(dir, m)
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	return &Index{idx: idx}, nil
}

// Close flushes and closes the index.
func (x *Index) Close() error {
	if err := x.idx.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// Count is the number of documents.
func (x *Index) Count() (uint64, error) { return x.idx.DocCount() }

// document is what Bleve indexes for an article.
type document struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Source      string    `json:"source"`
	Site        string    `json:"site"`
	Tier        string    `json:"tier,omitempty"`
	Lang        string    `json:"lang,omitempty"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	TitleFolded string    `json:"title_folded"`
	TextFolded  string    `json:"text_folded"`
	Byline      string    `json:"byline,omitempty"`
	Published   time.Time `json:"published"`
	Fetched     time.Time `json:"fetched"`
	Labels      []string  `json:"labels,omitempty"`
	Severity    string    `json:"severity,omitempty"`
	Sentiment   float64   `json:"sentiment"`
	StoryID     string    `json:"story_id,omitempty"`
	Regions     []string  `json:"regions,omitempty"`
}

func toDocument(a *article.Article) document {
	title, text := textnorm.Normalize(a.Title), textnorm.Normalize(a.Text)
	published := a.Published
	if published.IsZero() {
		published = a.Fetched
	}
	return document{
		ID: a.ID, URL: a.URL, Source: a.SourceID, Site: a.Site, Tier: a.Tier, Lang: a.Lang,
		Title: title, Text: text, TitleFolded: foldedTokens(title), TextFolded: foldedTokens(text),
		Byline: a.Byline, Published: published.UTC(), Fetched: a.Fetched.UTC(),
		Labels: a.Labels, Severity: string(a.Severity), Sentiment: a.Sentiment, StoryID: a.StoryID, Regions: a.Regions,
	}
}

// IndexBatch upserts articles by ID in one batch and returns once the batch
// is committed to disk (Bleve's scorch waits for persistence unless
// configured otherwise).
func (x *Index) IndexBatch(arts []*article.Article) error {
	b := x.idx.NewBatch()
	for _, a := range arts {
		if err := b.Index(a.ID, toDocument(a)); err != nil {
			return fmt.Errorf("index article %s: %w", a.ID, err)
		}
	}
	if err := x.idx.Batch(b); err != nil {
		return fmt.Errorf("commit batch of %d: %w", len(arts), err)
	}
	return nil
}

// foldedTokens is the text's folded tokens joined by spaces, what the
// shadow fields index.
func foldedTokens(s string) string {
	toks := textnorm.Tokenize(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
	}
	return b.String()
}
