package ui

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/presswatch/presswatch/indexer"
)

type articleData struct {
	A         *indexer.ArticleView
	Title     template.HTML
	Text      template.HTML
	SafeURL   string // the original's link, only when it is http(s)
	Story     []indexer.Hit
	Sentiment string
}

func (u *UI) article(w http.ResponseWriter, r *http.Request) {
	p := u.page(r, "search", nil)
	if u.d.Search == nil {
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.no_search"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	a, err := u.d.Search.Get(ctx, r.PathValue("id"))
	switch {
	case errors.Is(err, indexer.ErrNotFound):
		u.errorPage(w, r, http.StatusNotFound, p.T("article.not_found"))
		return
	case err != nil:
		u.log.Error("article page", "err", err)
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.unavailable"))
		return
	}
	d := &articleData{A: a, Title: highlight(a.Title, "title", a.Matches), Text: highlight(a.Text, "text", a.Matches)}
	if pu, err := url.Parse(a.URL); err == nil && (pu.Scheme == "http" || pu.Scheme == "https") {
		d.SafeURL = pu.String()
	}
	switch {
	case a.Sentiment <= -0.2:
		d.Sentiment = "sentiment.negative"
	case a.Sentiment >= 0.2:
		d.Sentiment = "sentiment.positive"
	default:
		d.Sentiment = "sentiment.neutral"
	}
	if a.StoryID != "" {
		res, err := u.d.Search.Search(ctx, indexer.SearchRequest{Stories: []string{a.StoryID}, Sort: "newest", Limit: 50})
		if err == nil {
			d.Story = res.Hits
			slices.SortStableFunc(d.Story, func(x, y indexer.Hit) int { return x.Published.Compare(y.Published) })
		}
	}
	p.Data = d
	p.Title = a.Title
	u.render(w, http.StatusOK, "article", p)
}
