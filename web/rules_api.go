package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/indexer"
)

// previewRule reports how many recent articles a rule query would flag,
// with samples, before the rule goes live: the search index answers, since
// search and rules share one query language and agree on every document.
func (s *Server) previewRule(w http.ResponseWriter, r *http.Request) {
	if s.opts.Search == nil {
		writeError(w, http.StatusServiceUnavailable, "search is not available in this process")
		return
	}
	var body struct {
		Query string `json:"query"`
		Since string `json:"since"` // a duration like 7d or 48h; default 7d
		Limit int    `json:"limit"`
		// The rule's scope: only articles from these sources, tiers
		// and languages count, as the classifier applies it.
		Sources []string `json:"sources"`
		Tiers   []string `json:"tiers"`
		Langs   []string `json:"langs"`
	}
	if !decodeBody(w, r, &body, `{"query": "…", "since": "7d", "sources": [], "tiers": [], "langs": []}`) {
		return
	}
	if strings.TrimSpace(body.Query) == "" {
		writeError(w, http.StatusBadRequest, `body: "query" is required`)
		return
	}
	since := 7 * 24 * time.Hour
	if body.Since != "" {
		d, err := parseSince(body.Since)
		if err != nil {
			writeError(w, http.StatusBadRequest, "since: "+err.Error())
			return
		}
		since = d
	}
	if body.Limit <= 0 || body.Limit > 100 {
		body.Limit = 10
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	req := indexer.SearchRequest{Q: body.Query, From: time.Now().Add(-since), Limit: body.Limit, Sort: "newest",
		Sources: body.Sources, Tiers: body.Tiers, Langs: body.Langs}
	res, err := s.opts.Search.Search(ctx, req)
	if err != nil {
		s.searchError(w, indexer.SearchRequest{Q: body.Query}, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"query": body.Query, "since": since.String(), "total": res.Total, "samples": res.Hits, "took_ms": res.TookMS,
		"sources": body.Sources, "tiers": body.Tiers, "langs": body.Langs})
}

// parseSince reads 7d, 36h or 90m.
func parseSince(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 3660 {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration like 7d or 48h", s)
	}
	return d, nil
}
