package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/presswatch/presswatch/indexer"
)

// Searcher answers searches and serves articles (the local index, or an
// indexer replica over NATS).
type Searcher interface {
	Search(ctx context.Context, req indexer.SearchRequest) (*indexer.SearchResult, error)
	Get(ctx context.Context, id string) (*indexer.ArticleView, error)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	if s.opts.Search == nil {
		writeError(w, http.StatusServiceUnavailable, "search is not available in this process")
		return
	}
	req, err := searchRequest(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		s.exportCSV(w, r, req)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	res, err := s.opts.Search.Search(ctx, req)
	if err != nil {
		s.searchError(w, req, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) searchError(w http.ResponseWriter, req indexer.SearchRequest, err error) {
	switch {
	case errors.Is(err, indexer.ErrBadQuery):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusGatewayTimeout, fmt.Sprintf("search took longer than %s; narrow the query or the dates", s.opts.SearchTimeout))
	case errors.Is(err, indexer.ErrUnavailable):
		writeError(w, http.StatusServiceUnavailable, err.Error())
	default:
		s.log.Error("search failed", "q", req.Q, "err", err)
		writeError(w, http.StatusInternalServerError, "search failed")
	}
}

// ParseSearchRequest reads a search from URL parameters, as the search API
// and the search page take them.
func ParseSearchRequest(v url.Values) (indexer.SearchRequest, error) { return searchRequest(v) }

// searchRequest reads the query parameters: q, from, to (RFC 3339 or
// YYYY-MM-DD), source, site, tier, lang, label, severity, story (each
// repeatable or comma-separated), sort, limit, offset, cursor, facets,
// exact_total.
func searchRequest(v url.Values) (indexer.SearchRequest, error) {
	req := indexer.SearchRequest{Q: v.Get("q"), Sort: v.Get("sort"), Cursor: v.Get("cursor")}
	list := func(key string) []string {
		var out []string
		for _, raw := range v[key] {
			for _, part := range strings.Split(raw, ",") {
				if p := strings.TrimSpace(part); p != "" {
					out = append(out, p)
				}
			}
		}
		return out
	}
	req.Sources, req.Sites, req.Tiers, req.Langs = list("source"), list("site"), list("tier"), list("lang")
	req.Labels, req.Severities, req.Stories = list("label"), list("severity"), list("story")
	var err error
	if req.From, err = timeParam(v.Get("from"), false); err != nil {
		return req, fmt.Errorf("from: %w", err)
	}
	if req.To, err = timeParam(v.Get("to"), true); err != nil {
		return req, fmt.Errorf("to: %w", err)
	}
	if req.Limit, err = intParam(v.Get("limit"), 20, 1, indexer.MaxLimit); err != nil {
		return req, fmt.Errorf("limit: %w", err)
	}
	if req.Offset, err = intParam(v.Get("offset"), 0, 0, 10000); err != nil {
		return req, fmt.Errorf("offset: %w (use cursor for deep pages)", err)
	}
	if req.Facets, err = boolParam(v.Get("facets")); err != nil {
		return req, fmt.Errorf("facets: %w", err)
	}
	if req.ExactTotal, err = boolParam(v.Get("exact_total")); err != nil {
		return req, fmt.Errorf("exact_total: %w", err)
	}
	return req, nil
}

// exportCSV streams up to ExportLimit rows, page by page with the cursor.
func (s *Server) exportCSV(w http.ResponseWriter, r *http.Request, req indexer.SearchRequest) {
	req.Facets, req.Offset = false, 0
	req.Limit = min(indexer.MaxLimit, s.opts.ExportLimit)
	ctx, cancel := context.WithTimeout(r.Context(), 6*s.opts.SearchTimeout)
	defer cancel()
	first, err := s.opts.Search.Search(ctx, req)
	if err != nil {
		s.searchError(w, req, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="presswatch-search.csv"`)
	// A byte-order mark, or Excel reads the UTF-8 as the ANSI code page
	// and Vietnamese turns to mojibake; times in the province's zone, as
	// officers read them.
	_, _ = io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	_ = cw.Write([]string{"id", "published (UTC+7)", "source", "site", "tier", "lang", "severity", "labels", "title", "url"})
	rows := 0
	for res := first; ; {
		for _, h := range res.Hits {
			if rows == s.opts.ExportLimit {
				break
			}
			_ = cw.Write([]string{h.ID, h.Published.In(exportZone).Format("2006-01-02 15:04:05"), h.Source, h.Site, h.Tier, h.Lang, h.Severity,
				strings.Join(h.Labels, " "), csvSafe(h.Title), h.URL})
			rows++
		}
		if rows == s.opts.ExportLimit || res.NextCursor == "" {
			break
		}
		req.Cursor = res.NextCursor
		if res, err = s.opts.Search.Search(ctx, req); err != nil {
			// The header is gone; end the file where it stopped.
			s.log.Error("csv export cut short", "err", err, "rows", rows)
			break
		}
	}
	cw.Flush()
}

// exportZone is the province's time zone (Asia/Ho_Chi_Minh, UTC+7 all
// year), fixed so that a host without zoneinfo exports the same times.
var exportZone = time.FixedZone("UTC+7", 7*3600)

// csvSafe stops a spreadsheet from running a cell as a formula: article
// titles come from the web.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) {
	if s.opts.Search == nil {
		writeError(w, http.StatusServiceUnavailable, "articles are not available in this process")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	v, err := s.opts.Search.Get(ctx, r.PathValue("id"))
	switch {
	case errors.Is(err, indexer.ErrNotFound):
		writeError(w, http.StatusNotFound, "no such article")
	case errors.Is(err, indexer.ErrUnavailable):
		writeError(w, http.StatusServiceUnavailable, err.Error())
	case err != nil:
		s.log.Error("get article failed", "err", err)
		writeError(w, http.StatusInternalServerError, "reading the article failed")
	default:
		writeJSON(w, http.StatusOK, v)
	}
}
