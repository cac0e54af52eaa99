package crawler

import (
	"bytes"
	"fmt"
	"html"
	"net/url"
	"strings"

	"github.com/markusmobius/go-trafilatura"
	"github.com/microcosm-cc/bluemonday"
)

// Extracted is what the extractor finds in an article page.
type Extracted struct {
	Title       string
	Byline      string
	Text        string
	Description string
	Lang        string
	Canonical   string
	Published   string // RFC 3339 or empty
	Tags        []string
}

// Extractor pulls the main text and metadata out of article HTML.
type Extractor struct {
	strip *bluemonday.Policy
}

// NewExtractor returns an extractor; it is safe for concurrent use.
func NewExtractor() *Extractor { return &Extractor{strip: bluemonday.StrictPolicy()} }

// Extract runs go-trafilatura on body (comments excluded).
func (e *Extractor) Extract(body []byte, pageURL *url.URL) (*Extracted, error) {
	res, err := trafilatura.Extract(bytes.NewReader(body), trafilatura.Options{
		OriginalURL:     pageURL,
		ExcludeComments: true,
		EnableFallback:  false,
	})
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	md := res.Metadata
	x := &Extracted{
		Title:       strings.TrimSpace(md.Title),
		Byline:      strings.TrimSpace(md.Author),
		Text:        strings.TrimSpace(res.ContentText),
		Description: strings.TrimSpace(md.Description),
		Lang:        strings.ToLower(strings.TrimSpace(md.Language)),
		Canonical:   md.URL,
		Tags:        md.Tags,
	}
	if !md.Date.IsZero() {
		x.Published = md.Date.UTC().Format("2006-01-02T15:04:05Z07:00")
	}
	return x, nil
}

// PlainText turns a feed's HTML snippet into text.
func (e *Extractor) PlainText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(e.strip.Sanitize(s))), " ")
}
