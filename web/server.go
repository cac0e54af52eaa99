// Package web serves the HTTP API (JSON under /api/v1/), health, readiness
// and metrics, and authenticates every request for it and for the UI
// (web/ui): a bearer token, a session cookie, or a trusted proxy's header.
package web

import (
	"context"
	"crypto/sha256"
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
	"github.com/presswatch/presswatch/web/auth"
)

// AlertLister lists alerts.
type AlertLister interface {
	List(ctx context.Context, o alerts.ListOptions) ([]*alerts.Alert, error)
}

// Roles, each allowed what the one before it is.
const (
	RoleNone Role = iota
	RoleViewer
	RoleOfficer
	// RoleLead is an officer who sees and acts on every department's
	// incidents, not only those of the departments on the account.
	RoleLead
	RoleAdmin
)

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
	Reports       ReportDesk    // nil: no report endpoints
	Saved         SavedSearches // nil: no saved searches
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
	// HSTSMaxAge, when positive, sends Strict-Transport-Security on
	// responses to requests that came over HTTPS (as SecureCookies judges).
	HSTSMaxAge time.Duration
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
	if err := s.registerMetrics(o.Registerer); err != nil {
		return nil, err
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
	s.reportRoutes()
	s.savedRoutes()
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
	if strings.HasPrefix(r.URL.Path, "/api/") {
		// Answers carry articles, alerts and tokens: no shared or browser
		// cache may keep them.
		w.Header().Set("Cache-Control", "no-store")
	}
	if s.opts.HSTSMaxAge > 0 && s.secure(r) {
		w.Header().Set("Strict-Transport-Security", fmt.Sprintf("max-age=%d; includeSubDomains", int64(s.opts.HSTSMaxAge.Seconds())))
	}
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
	// Machines (the API, Prometheus on /metrics) get a 401; browsers on
	// a page are sent to sign in.
	if s.pageError != nil && !strings.HasPrefix(r.URL.Path, "/api/") && r.URL.Path != "/metrics" && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="presswatch"`)
	writeError(w, http.StatusUnauthorized, "authentication required: sign in, or send Authorization: Bearer <token>")
}
