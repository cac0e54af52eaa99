package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/presswatch/presswatch/crawler"
	"github.com/presswatch/presswatch/indexer"
)

// LinkTracker says what became of a submitted link; Deps.Submit may
// implement it.
type LinkTracker interface {
	Submission(ctx context.Context, id string) (*crawler.SubmissionStatus, error)
}

type linkData struct {
	S *crawler.SubmissionStatus
	// A is the article once indexed; Story the articles it was grouped
	// with, oldest first.
	A     *indexer.ArticleView
	Story []indexer.Hit
}

// link shows a submitted link's state: queued, retrying or failed (with
// why), fetched, and once indexed, the story it joined.
func (u *UI) link(w http.ResponseWriter, r *http.Request) {
	p := u.page(r, "search", nil)
	tr, ok := u.d.Submit.(LinkTracker)
	if !ok {
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("search.no_submit"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	st, err := tr.Submission(ctx, r.PathValue("id"))
	if err != nil {
		u.editFailed(w, r, "search", err)
		return
	}
	d := &linkData{S: st}
	if u.d.Search != nil && st.State == crawler.SubmissionFetched {
		a, err := u.d.Search.Get(ctx, st.ID)
		switch {
		case err == nil:
			d.A = a
		case !errors.Is(err, indexer.ErrNotFound):
			u.log.Warn("link page", "err", err)
		}
		if d.A != nil && d.A.StoryID != "" {
			if res, err := u.d.Search.Search(ctx, indexer.SearchRequest{Stories: []string{d.A.StoryID}, Sort: "newest", Limit: 20}); err == nil {
				d.Story = res.Hits
			}
		}
	}
	p.Data = d
	p.Title = p.T("links.title")
	u.render(w, http.StatusOK, "link", p)
}

// linkPath is where a submitted link's state is shown.
func linkPath(id string) string { return "/links/" + url.PathEscape(id) }
