package ui

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/web"
)

type articleData struct {
	A         *indexer.ArticleView
	Title     template.HTML
	Text      template.HTML
	SafeURL   string // the original's link, only when it is http(s)
	Story     []storyItem
	Sentiment string
	// CanMark is set when this process can mark articles misleading.
	CanMark bool
	// Case is set when the article is marked misleading; Copies are the
	// articles of its story flagged as its copies.
	Case   *story.Case
	Copies []indexer.Hit
}

// CaseReader reads an article's misleading mark; Deps.Misleading or
// Deps.Cases may implement it.
type CaseReader interface {
	CaseOf(ctx context.Context, articleID string) (*story.Case, error)
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
	d := &articleData{A: a, Title: highlight(a.Title, "title", a.Matches), Text: highlight(a.Text, "text", a.Matches), CanMark: u.d.Misleading != nil}
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
			slices.SortStableFunc(res.Hits, func(x, y indexer.Hit) int { return x.Published.Compare(y.Published) })
			var versions map[string]string
			if u.d.Stories != nil {
				if versions, err = u.d.Stories.Versions(ctx, a.StoryID); err != nil {
					u.log.Warn("article page: versions of the story", "story", a.StoryID, "err", err)
				}
			}
			d.Story = storyItems(res.Hits, versions)
		}
	}
	u.misleadingOf(ctx, d)
	p.Data = d
	p.Title = a.Title
	u.render(w, http.StatusOK, "article", p)
}

// misleadingOf fills the article's misleading mark and, when it has one,
// the copies found in its story.
func (u *UI) misleadingOf(ctx context.Context, d *articleData) {
	if u.d.Cases == nil {
		return
	}
	c, err := u.d.Cases.CaseOf(ctx, d.A.ID)
	if err != nil {
		u.log.Warn("article page: misleading case", "err", err)
		return
	}
	d.Case = c
	if c == nil || d.A.StoryID == "" {
		return
	}
	res, err := u.d.Search.Search(ctx, indexer.SearchRequest{Q: "label:misleading", Stories: []string{d.A.StoryID}, Sort: "newest", Limit: 50})
	if err != nil {
		return
	}
	for _, h := range res.Hits {
		if h.ID != d.A.ID {
			d.Copies = append(d.Copies, h)
		}
	}
}

// markMisleading records that an article is false or distorted, with the
// link to the official rebuttal, so its copies elsewhere are flagged.
func (u *UI) markMisleading(w http.ResponseWriter, r *http.Request) {
	p := u.page(r, "search", nil)
	if u.d.Misleading == nil {
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("article.no_marking"))
		return
	}
	id, link := r.PathValue("id"), strings.TrimSpace(r.PostFormValue("rebuttal"))
	if !article.IsWebURL(link) {
		u.errorPage(w, r, http.StatusBadRequest, p.T("alerts.need_link"))
		return
	}
	_, err := u.d.Misleading.MarkMisleading(r.Context(), id, link, principal(r).Name)
	switch {
	case errors.Is(err, web.ErrNotFound):
		u.errorPage(w, r, http.StatusNotFound, p.T("article.not_found"))
		return
	case err != nil:
		u.log.Error("mark misleading", "article", id, "err", err)
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.unavailable"))
		return
	}
	u.audit(r, "", "article.misleading", id, link)
	redirect(w, r, "/articles/"+url.PathEscape(id), "flash.marked")
}

// submitLink queues a link an officer found for the crawler.
func (u *UI) submitLink(w http.ResponseWriter, r *http.Request) {
	p := u.page(r, "search", nil)
	if u.d.Submit == nil {
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("search.no_submit"))
		return
	}
	link := strings.TrimSpace(r.PostFormValue("url"))
	if !article.IsWebURL(link) {
		u.errorPage(w, r, http.StatusBadRequest, p.T("search.bad_link"))
		return
	}
	id, err := u.d.Submit.Submit(r.Context(), link, principal(r).Name)
	if err != nil {
		u.log.Warn("submit link", "err", err)
		u.errorPage(w, r, http.StatusBadRequest, p.T("search.bad_link"))
		return
	}
	u.audit(r, "", "article.submit", id, link)
	if _, ok := u.d.Submit.(LinkTracker); ok {
		redirect(w, r, linkPath(id), "flash.submitted")
		return
	}
	redirect(w, r, "/search", "flash.submitted")
}
