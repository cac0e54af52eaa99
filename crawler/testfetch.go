package crawler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/extract"
	"github.com/presswatch/presswatch/crawler/fetch"
)

// Preview is what reading a source now would give: how many items it
// lists and the newest one as the crawler would extract it.
type Preview struct {
	Items     int       `json:"items"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Published time.Time `json:"published"`
	Lang      string    `json:"lang"`
	TextStart string    `json:"text_start"`
	// Partial says the page gave no usable text and the listing's stands
	// in, with PageError saying why.
	Partial   bool   `json:"partial"`
	PageError string `json:"page_error,omitempty"`
}

// ErrNothingListed is a source that answered with no items.
var ErrNothingListed = errors.New("the source lists no articles")

// previewRunes is how much of the text a preview shows.
const previewRunes = 300

// TestFetch reads src once as a poll would, through f (its address guard,
// robots.txt and limits), and extracts its newest item with x. Nothing
// is stored or published, and no state is kept, so officers can try a
// source before saving it.
func TestFetch(ctx context.Context, f *fetch.Fetcher, x *extract.Extractor, src config.Source) (*Preview, error) {
	l := &lister{fetch: f, now: time.Now, isSeen: func(context.Context, string) bool { return false }}
	ls, err := l.list(ctx, src, validators{}, "")
	if err != nil {
		return nil, err
	}
	if len(ls.items) == 0 {
		return nil, ErrNothingListed
	}
	cand := slices.MaxFunc(ls.items, func(a, b candidate) int { return a.published.Compare(b.published) })
	id, canonical, err := article.IDFromURL(cand.url)
	if err != nil {
		return nil, fmt.Errorf("item %q: %w", cand.url, err)
	}
	a := articleOf(x, src, cand, id, canonical, time.Now())
	p := &Preview{Items: len(ls.items)}
	if !cand.complete {
		page := cand.page
		if page == nil {
			page, err = f.Get(ctx, fetch.Request{URL: cand.url, Accept: []string{"text/html", "application/xhtml+xml"}})
		}
		var xr *extract.Result
		if err == nil {
			xr, err = extractPage(x, page)
		}
		if err != nil {
			if a.Text == "" {
				return nil, fmt.Errorf("item %s: %w", cand.url, err)
			}
			p.Partial, p.PageError = true, err.Error()
		} else {
			fillFromPage(a, xr)
		}
	}
	p.URL, p.Title, p.Published, p.Lang = a.URL, a.Title, a.Published, a.Lang
	p.TextStart = a.Text
	if utf8.RuneCountInString(p.TextStart) > previewRunes {
		p.TextStart = string([]rune(p.TextStart)[:previewRunes]) + "…"
	}
	return p, nil
}
