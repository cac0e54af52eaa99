// Package web serves the HTTP API (JSON under /api/v1/), health, readiness
// and metrics, and authenticates every request for it and for the UI
// (web/ui): a bearer token, a session cookie, or a trusted proxy's header.
package web

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/web/auth"
)

// Searcher answers searches and serves articles (the local index, or an
// indexer replica over NATS).
type Searcher interface {
	Search(ctx context.Context, req indexer.SearchRequest) (*indexer.SearchResult, error)
	Get(ctx context.Context, id string) (*indexer.ArticleView, error)
}

// AlertLister lists alerts.
type AlertLister interface {
	List(ctx context.Context, o alerts.ListOptions) ([]*alerts.Alert, error)
}

// SourceBoard shows sources with their health and resumes paused ones.
type SourceBoard interface {
	Sources(ctx context.Context) (any, error)
	Resume(ctx context.Context, id string) error
}

// LinkSubmitter queues a link an officer submits and returns its article ID.
type LinkSubmitter interface {
	Submit(ctx context.Context, rawURL, submittedBy string) (id string, err error)
}

// inputError marks an error in what the caller sent (HTTP 400).
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// BadInput marks err as the caller's mistake, answered with HTTP 400.
func BadInput(err error) error { return &inputError{err} }

// MisleadingMarker records that an article is misleading, with the link to
// the official rebuttal, so copies elsewhere are flagged.
type MisleadingMarker interface {
	MarkMisleading(ctx context.Context, id, rebuttalURL, by string) (any, error)
}

// ErrNotFound marks a missing resource (HTTP 404).
var ErrNotFound = errors.New("not found")

// Role orders what a caller may do.
type Role int

// Roles, each allowed what the one before it is.
const (
	RoleNone Role = iota
	RoleViewer
	RoleOfficer
	RoleAdmin
)

// ParseRole reads a role name from configuration.
func ParseRole(s string) (Role, error) {
	switch s {
	case "viewer":
		return RoleViewer, nil
	case "officer":
		return RoleOfficer, nil
	case "admin":
		return RoleAdmin, nil
	}
	return RoleNone, fmt.Errorf("unknown role %q (want viewer, officer or admin)", s)
}

// String names the role as configuration does.
func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "viewer"
	case RoleOfficer:
		return "officer"
	case RoleAdmin:
		return "admin"
	}
	return "none"
}

// Token grants a role to a bearer.
type Token struct {
	Name  string
	Role  Role
	Value string
}

// Options configure the server.
type Options struct {
	// API enables /api/v1/ (the web role); health and metrics are always
	// served.
	API           bool
	Search        Searcher    // nil when this process cannot search
	Alerts        AlertLister // an AlertStore also serves actions and dead letters
	Silences      SilenceStore
	Sources       SourceBoard   // nil: no source endpoints
	Submit        LinkSubmitter // nil: no manual submission
	Misleading    MisleadingMarker
	Ready         func(ctx context.Context) error
	Gatherer      prometheus.Gatherer
	Registerer    prometheus.Registerer
	Tokens        []Token
	MetricsPublic bool
	SearchTimeout time.Duration
	// ExportLimit bounds the rows of a CSV export (default 10,000).
	ExportLimit int
	Logger      *slog.Logger

	// Accounts, when set, enables session sign-in, UI-made API tokens and
	// the audit log.
	Accounts *auth.Accounts
	// SecureCookies forces the session cookie's Secure flag on or off;
	// nil sets it when the request came over TLS (directly or, from a
	// trusted proxy, with X-Forwarded-Proto: https).
	SecureCookies *bool
	// ProxyHeader names the header carrying the signed-in user's name,
	// trusted only from TrustedProxies (single sign-on at a reverse proxy).
	ProxyHeader    string
	TrustedProxies []netip.Prefix
}

// Server is the HTTP handler.
type Server struct {
	opts     Options
	log      *slog.Logger
	tokens   map[[32]byte]Token
	mux      *http.ServeMux
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// routes lists every registered pattern with the role it needs, for
	// tests that walk them.
	routes []RouteInfo
	// pageError renders refusals of UI pages; nil answers in JSON.
	pageError func(w http.ResponseWriter, r *http.Request, code int, msg string)
}

// RouteInfo is one registered route.
type RouteInfo struct {
	Pattern string
	Role    Role
}

// New builds the handler and registers its metrics.
func New(o Options) (*Server, error) {
	if o.SearchTimeout <= 0 {
		o.SearchTimeout = 5 * time.Second
	}
	if o.ExportLimit <= 0 {
		o.ExportLimit = 10000
	}
	s := &Server{opts: o, log: o.Logger.With("component", "web"), tokens: map[[32]byte]Token{}, mux: http.NewServeMux()}
	for _, t := range o.Tokens {
		// Tokens are looked up by hash so the comparison time does not
		// depend on how much of a guessed token is right.
		s.tokens[sha256.Sum256([]byte(t.Value))] = t
	}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "presswatch", Subsystem: "http", Name: "requests_total",
		Help: "HTTP requests, by route and status code.",
	}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "presswatch", Subsystem: "http", Name: "request_duration_seconds",
		Help:    "HTTP request latency, by route.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 3, 11),
	}, []string{"route"})
	for _, c := range []prometheus.Collector{s.requests, s.latency} {
		if err := o.Registerer.Register(c); err != nil {
			return nil, fmt.Errorf("register http metrics: %w", err)
		}
	}
	s.route("GET /healthz", RoleNone, s.healthz)
	s.route("GET /readyz", RoleNone, s.readyz)
	metricsRole := RoleViewer
	if o.MetricsPublic {
		metricsRole = RoleNone
	}
	metrics := promhttp.HandlerFor(o.Gatherer, promhttp.HandlerOpts{})
	s.route("GET /metrics", metricsRole, metrics.ServeHTTP)
	if !o.API {
		return s, nil
	}
	s.route("GET /api/v1/search", RoleViewer, s.search)
	s.route("GET /api/v1/articles/{id}", RoleViewer, s.getArticle)
	s.alertRoutes()
	s.route("GET /api/v1/sources", RoleViewer, s.listSources)
	s.route("POST /api/v1/sources/{id}/resume", RoleAdmin, s.resumeSource)
	s.route("POST /api/v1/articles", RoleOfficer, s.submitArticle)
	s.route("POST /api/v1/rules/preview", RoleViewer, s.previewRule)
	s.route("POST /api/v1/articles/{id}/misleading", RoleOfficer, s.markMisleading)
	s.route("/api/", RoleViewer, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	csp := "default-src 'none'; frame-ancestors 'none'"
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		// Pages load only their own scripts, styles and images: article
		// text that slipped past escaping still could not run.
		csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	}
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.mux.ServeHTTP(w, r)
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Route registers h at pattern behind authentication (role need),
// CSRF checks, metrics and panic recovery; the UI registers its pages here.
func (s *Server) Route(pattern string, need Role, h http.HandlerFunc) { s.route(pattern, need, h) }

// Routes lists every registered route.
func (s *Server) Routes() []RouteInfo { return slices.Clone(s.routes) }

// SetPageError sets how refusals of non-API paths are rendered.
func (s *Server) SetPageError(f func(w http.ResponseWriter, r *http.Request, code int, msg string)) {
	s.pageError = f
}

// route registers h behind authentication, metrics and panic recovery.
func (s *Server) route(pattern string, need Role, h http.HandlerFunc) {
	name := pattern
	if i := strings.IndexByte(name, ' '); i >= 0 {
		name = name[i+1:]
	}
	s.routes = append(s.routes, RouteInfo{Pattern: pattern, Role: need})
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("handler panicked", "route", name, "panic", p, "stack", string(debug.Stack()))
				s.refuse(sw, r, http.StatusInternalServerError, "internal error")
			}
			s.requests.WithLabelValues(name, strconv.Itoa(sw.code)).Inc()
			s.latency.WithLabelValues(name).Observe(time.Since(start).Seconds())
		}()
		p, err := s.authenticate(sw, r)
		if err != nil {
			s.log.Error("authentication failed", "route", name, "err", err)
			s.refuse(sw, r, http.StatusServiceUnavailable, "sign-in is unavailable; try again shortly")
			return
		}
		if p != nil {
			// Set before the checks below, so a refusal page still shows
			// who is signed in.
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		}
		if need > RoleNone {
			if p == nil {
				s.unauthenticated(sw, r)
				return
			}
			if p.Role < need {
				s.refuse(sw, r, http.StatusForbidden, "your role may not do this")
				return
			}
		}
		if p != nil && p.Session != nil && unsafeMethod(r.Method) && !s.csrfOK(sw, r, p.Session) {
			s.refuse(sw, r, http.StatusForbidden, "the form expired or did not come from this site (CSRF check failed); reload the page and try again")
			return
		}
		h(sw, r)
		if p != nil && unsafeMethod(r.Method) && sw.code < 400 && p.Role >= RoleOfficer && strings.HasPrefix(r.URL.Path, "/api/") {
			s.audit(r, p, pattern)
		}
	})
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// refuse answers an error: JSON under /api/ and for machines, a page
// otherwise.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if s.pageError != nil && !strings.HasPrefix(r.URL.Path, "/api/") {
		s.pageError(w, r, code, msg)
		return
	}
	writeError(w, code, msg)
}

// unauthenticated sends browsers to the login page and tells machines
// how to authenticate.
func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request) {
	if s.pageError != nil && !strings.HasPrefix(r.URL.Path, "/api/") && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="presswatch"`)
	writeError(w, http.StatusUnauthorized, "authentication required: sign in, or send Authorization: Bearer <token>")
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(r.Context()); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
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

// searchRequest reads the query parameters: q, from, to (RFC 3339 or
// YYYY-MM-DD), source, site, tier, lang, label, severity, story (each
// repeatable or comma-separated), sort, limit, offset, cursor, facets,
// exact_total.
// ParseSearchRequest reads a search from URL parameters, as the search API
// and the search page take them.
func ParseSearchRequest(v url.Values) (indexer.SearchRequest, error) { return searchRequest(v) }

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

func boolParam(s string) (bool, error) {
	switch s {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, fmt.Errorf("want true or false, got %q", s)
}

// timeParam reads RFC 3339 or a date; a bare date as an upper bound means
// the end of that day.
func timeParam(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (2026-11-22) or time (2026-11-22T08:00:00+07:00)", s)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
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
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "published", "source", "site", "tier", "lang", "severity", "labels", "title", "url"})
	rows := 0
	for res := first; ; {
		for _, h := range res.Hits {
			if rows == s.opts.ExportLimit {
				break
			}
			_ = cw.Write([]string{h.ID, h.Published.Format(time.RFC3339), h.Source, h.Site, h.Tier, h.Lang, h.Severity,
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

func intParam(s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d is outside %d..%d", n, lo, hi)
	}
	return n, nil
}

func (s *Server) listSources(w http.ResponseWriter, r *http.Request) {
	if s.opts.Sources == nil {
		writeError(w, http.StatusServiceUnavailable, "sources are not available in this process")
		return
	}
	list, err := s.opts.Sources.Sources(r.Context())
	if err != nil {
		s.log.Error("list sources failed", "err", err)
		writeError(w, http.StatusInternalServerError, "listing sources failed")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": list})
}

func (s *Server) resumeSource(w http.ResponseWriter, r *http.Request) {
	if s.opts.Sources == nil {
		writeError(w, http.StatusServiceUnavailable, "sources are not available in this process")
		return
	}
	id := r.PathValue("id")
	err := s.opts.Sources.Resume(r.Context(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("no source %q", id))
	case err != nil:
		s.log.Error("resume source failed", "source", id, "err", err)
		writeError(w, http.StatusInternalServerError, "resuming the source failed")
	default:
		s.log.Info("source resumed", "source", id, "by", caller(r))
		writeJSON(w, http.StatusOK, map[string]string{"id": id, "status": "resumed"})
	}
}

// maxBody bounds JSON request bodies.
const maxBody = 64 << 10

// decodeBody reads a bounded JSON body with no unknown fields into v; on
// failure it answers 400 showing the expected shape and returns false.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, shape string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error()+" (want "+shape+")")
		return false
	}
	return true
}

func (s *Server) submitArticle(w http.ResponseWriter, r *http.Request) {
	if s.opts.Submit == nil {
		writeError(w, http.StatusServiceUnavailable, "manual submission is not available in this process")
		return
	}
	var body struct {
		URL string `json:"url"`
	}
	if !decodeBody(w, r, &body, `{"url": "https://…"}`) {
		return
	}
	if body.URL == "" {
		writeError(w, http.StatusBadRequest, `body: "url" is required`)
		return
	}
	id, err := s.opts.Submit.Submit(r.Context(), body.URL, caller(r))
	if err != nil {
		var bad *inputError
		if errors.As(err, &bad) {
			writeError(w, http.StatusBadRequest, "url: "+err.Error())
			return
		}
		s.log.Error("submit link failed", "err", err)
		writeError(w, http.StatusInternalServerError, "queueing the link failed")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": id, "url": body.URL, "status": "queued"})
}

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

func (s *Server) markMisleading(w http.ResponseWriter, r *http.Request) {
	if s.opts.Misleading == nil {
		writeError(w, http.StatusServiceUnavailable, "marking articles needs the classifier and indexer roles in this process")
		return
	}
	var body struct {
		RebuttalURL string `json:"rebuttal_url"`
	}
	if !decodeBody(w, r, &body, `{"rebuttal_url": "https://…"}`) {
		return
	}
	if !article.IsWebURL(body.RebuttalURL) {
		writeError(w, http.StatusBadRequest, "rebuttal_url: must be the http(s) link to the official information")
		return
	}
	c, err := s.opts.Misleading.MarkMisleading(r.Context(), r.PathValue("id"), body.RebuttalURL, caller(r))
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "no such article")
	case err != nil:
		s.log.Error("mark misleading failed", "err", err)
		writeError(w, http.StatusInternalServerError, "marking the article failed")
	default:
		s.log.Info("article marked misleading", "article", r.PathValue("id"), "by", caller(r))
		writeJSON(w, http.StatusOK, c)
	}
}
