// Package web serves the HTTP API (JSON under /api/v1/), health, readiness
// and metrics. Every API route needs a bearer token with a role.
package web

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
)

// Searcher answers searches (the local index, or a remote one).
type Searcher interface {
	Search(ctx context.Context, req indexer.SearchRequest) (*indexer.SearchResult, error)
}

// AlertLister lists alerts.
type AlertLister interface {
	List(ctx context.Context, o alerts.ListOptions) ([]*alerts.Alert, error)
}

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

// Token grants a role to a bearer.
type Token struct {
	Name  string
	Role  Role
	Value string
}

// Options configure the server.
type Options struct {
	Search        Searcher // nil when this process cannot search
	Alerts        AlertLister
	Ready         func(ctx context.Context) error
	Gatherer      prometheus.Gatherer
	Registerer    prometheus.Registerer
	Tokens        []Token
	MetricsPublic bool
	SearchTimeout time.Duration
	Logger        *slog.Logger
}

// Server is the HTTP handler.
type Server struct {
	opts     Options
	log      *slog.Logger
	tokens   map[[32]byte]Token
	mux      *http.ServeMux
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New builds the handler and registers its metrics.
func New(o Options) (*Server, error) {
	if o.SearchTimeout <= 0 {
		o.SearchTimeout = 5 * time.Second
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
	s.route("GET /api/v1/search", RoleViewer, s.search)
	s.route("GET /api/v1/alerts", RoleViewer, s.listAlerts)
	s.route("/api/", RoleViewer, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
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

// route registers h behind authentication, metrics and panic recovery.
func (s *Server) route(pattern string, need Role, h http.HandlerFunc) {
	name := pattern
	if i := strings.IndexByte(name, ' '); i >= 0 {
		name = name[i+1:]
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("handler panicked", "route", name, "panic", p, "stack", string(debug.Stack()))
				writeError(sw, http.StatusInternalServerError, "internal error")
			}
			s.requests.WithLabelValues(name, strconv.Itoa(sw.code)).Inc()
			s.latency.WithLabelValues(name).Observe(time.Since(start).Seconds())
		}()
		if need > RoleNone {
			tok, ok := s.authenticate(r)
			if !ok {
				sw.Header().Set("WWW-Authenticate", `Bearer realm="presswatch"`)
				writeError(sw, http.StatusUnauthorized, "authentication required: send Authorization: Bearer <token>")
				return
			}
			if tok.Role < need {
				writeError(sw, http.StatusForbidden, "your role may not do this")
				return
			}
		}
		h(sw, r)
	})
}

func (s *Server) authenticate(r *http.Request) (Token, bool) {
	v := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return Token{}, false
	}
	t, found := s.tokens[sha256.Sum256([]byte(strings.TrimSpace(tok)))]
	return t, found
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
		writeError(w, http.StatusServiceUnavailable, "this process has no indexer role: run the web role together with the indexer role")
		return
	}
	q := r.URL.Query()
	req := indexer.SearchRequest{Q: q.Get("q")}
	var err error
	if req.Limit, err = intParam(q.Get("limit"), 20, 1, indexer.MaxLimit); err != nil {
		writeError(w, http.StatusBadRequest, "limit: "+err.Error())
		return
	}
	if req.Offset, err = intParam(q.Get("offset"), 0, 0, 100000); err != nil {
		writeError(w, http.StatusBadRequest, "offset: "+err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	res, err := s.opts.Search.Search(ctx, req)
	switch {
	case errors.Is(err, indexer.ErrBadQuery):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusGatewayTimeout, fmt.Sprintf("search took longer than %s; narrow the query", s.opts.SearchTimeout))
	case err != nil:
		s.log.Error("search failed", "q", req.Q, "err", err)
		writeError(w, http.StatusInternalServerError, "search failed")
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	o := alerts.ListOptions{Status: alerts.Status(q.Get("status")), Severity: article.Severity(q.Get("severity"))}
	if !o.Severity.Valid() {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("severity: unknown value %q", o.Severity))
		return
	}
	var err error
	if o.Limit, err = intParam(q.Get("limit"), 100, 1, 1000); err != nil {
		writeError(w, http.StatusBadRequest, "limit: "+err.Error())
		return
	}
	list, err := s.opts.Alerts.List(r.Context(), o)
	if err != nil {
		s.log.Error("list alerts failed", "err", err)
		writeError(w, http.StatusInternalServerError, "listing alerts failed")
		return
	}
	if list == nil {
		list = []*alerts.Alert{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(list), "alerts": list})
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
