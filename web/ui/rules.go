package ui

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/presswatch/presswatch/indexer"
)

type rulesData struct {
	Rules []RuleInfo
}

func (u *UI) rules(w http.ResponseWriter, r *http.Request) {
	d := &rulesData{}
	p := u.page(r, "rules", d)
	p.Title = p.T("rules.title")
	if u.d.Rules == nil {
		p.Error = p.T("error.no_rules")
		u.render(w, http.StatusOK, "rules", p)
		return
	}
	list, err := u.d.Rules.Rules(r.Context())
	if err != nil {
		u.log.Error("rules page", "err", err)
		p.Error = p.T("error.unavailable")
		u.render(w, http.StatusServiceUnavailable, "rules", p)
		return
	}
	d.Rules = list
	u.render(w, http.StatusOK, "rules", p)
}

type previewData struct {
	Q, Since string
	Result   *indexer.SearchResult
	Problem  string
	// Fragment renders only the result, for the editor's live preview.
	Fragment bool
}

var sinceChoices = map[string]time.Duration{"1d": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour}

// rulePreview shows how many recent articles a query would flag, with
// samples: the search index answers, as search and rules share one
// query language.
func (u *UI) rulePreview(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &previewData{Q: q.Get("q"), Since: q.Get("since"), Fragment: q.Get("fragment") == "1"}
	if _, ok := sinceChoices[d.Since]; !ok {
		d.Since = "7d"
	}
	p := u.page(r, "rules", d)
	p.Title = p.T("preview.title")
	code := http.StatusOK
	if strings.TrimSpace(d.Q) != "" && u.d.Search != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		res, err := u.d.Search.Search(ctx, indexer.SearchRequest{Q: d.Q, From: u.d.Now().Add(-sinceChoices[d.Since]), Limit: 10, Sort: "newest"})
		switch {
		case errors.Is(err, indexer.ErrBadQuery):
			d.Problem, code = err.Error(), http.StatusBadRequest
		case err != nil:
			u.log.Error("rule preview", "err", err)
			d.Problem, code = p.T("error.unavailable"), http.StatusServiceUnavailable
		default:
			d.Result = res
		}
	}
	part := "layout"
	if d.Fragment {
		part = "result"
	}
	u.renderPart(w, code, "preview", part, p)
}
