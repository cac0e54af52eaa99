// Package ui serves the officers' web pages: server-rendered html/template
// pages with embedded assets, in Vietnamese and English, on top of the
// same capabilities as the JSON API. Every page is registered through
// web.Server.Route, so authentication, roles and CSRF checks are the API's.
package ui

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/names"
	"github.com/presswatch/presswatch/web"
	"github.com/presswatch/presswatch/web/auth"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// AlertStore is the alert lifecycle the inbox acts through (the alerts
// API's store): when Deps.AlertStore is nil the inbox only lists.
type AlertStore interface {
	List(ctx context.Context, o alerts.ListOptions) ([]*alerts.Alert, error)
	Get(ctx context.Context, id string) (*alerts.Alert, error)
	Act(ctx context.Context, id string, a alerts.Action, in alerts.ActionInput, actor string) (*alerts.Alert, error)
	Snooze(ctx context.Context, silences alerts.SilenceCreator, id string, sn silence.Snooze, who string) (*silence.Silence, error)
}

// SilenceStore lists, creates and ends silences.
type SilenceStore interface {
	List(ctx context.Context) ([]*silence.Silence, error)
	Create(ctx context.Context, s silence.Silence, now time.Time) (*silence.Silence, error)
	Expire(ctx context.Context, id, by string, now time.Time) (*silence.Silence, error)
}

// RuleInfo is one rule as the rules page shows it.
type RuleInfo struct {
	ID, Title, Query     string
	Labels               []string
	Severity, Department string
	// Examples counts the rule's example texts; Failures says which of
	// them the rule gets wrong.
	Examples int
	Failures []string
	// Origin is OriginFile, OriginBuiltin or OriginUI.
	Origin string
}

// RuleBook lists the live rules.
type RuleBook interface {
	Rules(ctx context.Context) ([]RuleInfo, error)
}

// Deps are what the pages read from and act through; nil parts hide
// their pages' actions or say the capability is not in this process.
type Deps struct {
	Server     *web.Server
	Search     web.Searcher
	Alerts     web.AlertLister
	AlertStore AlertStore
	Silences   SilenceStore
	Misleading web.MisleadingMarker
	// Cases reads misleading marks for the article page.
	Cases CaseReader
	// Stories groups a story's versions on the article page (nil: every
	// article of the story is listed as its own).
	Stories StoryVersions
	Submit  web.LinkSubmitter
	Sources web.SourceBoard
	Rules   RuleBook
	Reports web.ReportDesk
	// Saved keeps each user's saved searches (nil: none here).
	Saved web.SavedSearches
	// Tally counts the dashboard's trends (nil: no trend charts).
	Tally Tallier
	// Departments of alerts.departments, to show and pick by name.
	Departments names.Departments
	// Links checks one-tap action links; LinkLedger records their use.
	Links      *actionlink.Signer
	LinkLedger *actionlink.Ledger
	Logger     *slog.Logger
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// UI is the mounted set of pages.
type UI struct {
	d     Deps
	acc   *auth.Accounts
	log   *slog.Logger
	cat   catalog
	pages map[string]*template.Template
}

// Mount registers the pages on d.Server. The server must have accounts
// (sign-in) enabled.
func Mount(d Deps) (*UI, error) {
	if d.Server == nil || d.Server.Accounts() == nil {
		return nil, errors.New("ui: the web server needs accounts for sign-in")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	u := &UI{d: d, acc: d.Server.Accounts(), log: d.Logger.With("component", "ui"), cat: cat}
	if err := u.parse(); err != nil {
		return nil, err
	}
	s := d.Server
	s.SetPageError(u.errorPage)
	if err := u.mountStatic(s); err != nil {
		return nil, err
	}
	s.Route("GET /{$}", web.RoleViewer, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
	})
	for _, rt := range u.routes() {
		s.Route(rt.pattern, rt.role, rt.handler)
	}
	// Every other page path is a localised 404, not the mux's plain text.
	s.Route("/", web.RoleViewer, func(w http.ResponseWriter, r *http.Request) {
		u.errorPage(w, r, http.StatusNotFound, u.page(r, "", nil).T("error.not_found_page"))
	})
	return u, nil
}

// mountStatic serves the style sheet and scripts, without directory
// listings.
func (u *UI) mountStatic(s *web.Server) error {
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return err
	}
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	s.Route("GET /static/", web.RoleNone, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			// A directory: no listing of what is there.
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
	return nil
}

// pageRoute is one page or form and the least role that may use it.
type pageRoute struct {
	pattern string
	role    web.Role
	handler http.HandlerFunc
}

// routes lists the pages and forms. Forms that change something need an
// officer at least; the admin pages an admin.
func (u *UI) routes() []pageRoute {
	return []pageRoute{
		{"GET /login", web.RoleNone, u.loginForm},
		{"POST /login", web.RoleNone, u.login},
		{"POST /logout", web.RoleViewer, u.logout},
		{"GET /account", web.RoleViewer, u.account},
		{"POST /account/password", web.RoleViewer, u.changePassword},
		{"POST /account/lang", web.RoleViewer, u.changeLang},
		{"GET /search", web.RoleViewer, u.search},
		// Anyone signed in may save searches of their own.
		{"POST /saved-searches", web.RoleViewer, u.createSaved},
		{"POST /saved-searches/{id}/rename", web.RoleViewer, u.renameSaved},
		{"POST /saved-searches/{id}/delete", web.RoleViewer, u.deleteSaved},
		{"POST /saved-searches/{id}/subscription", web.RoleViewer, u.subscribeSaved},
		{"GET /articles/{id}", web.RoleViewer, u.article},
		{"POST /articles/{id}/misleading", web.RoleOfficer, u.markMisleading},
		{"POST /articles", web.RoleOfficer, u.submitLink},
		{"GET /links/{id}", web.RoleViewer, u.link},
		{"GET /alerts", web.RoleViewer, u.inbox},
		{"GET /alerts/{id}", web.RoleViewer, u.alert},
		{"POST /alerts/act", web.RoleOfficer, u.act},
		{"POST /alerts/{id}/snooze", web.RoleOfficer, u.snooze},
		{"GET /a/{token}", web.RoleViewer, u.actionLinkPage},
		{"POST /a/{token}", web.RoleOfficer, u.actionLinkDo},
		{"GET /sources", web.RoleViewer, u.sources},
		{"POST /sources/{id}/resume", web.RoleAdmin, u.resumeSource},
		{"POST /sources/{id}/pause", web.RoleAdmin, u.pauseSource},
		{"GET /sources/new", web.RoleOfficer, u.newSource},
		{"GET /sources/{id}/edit", web.RoleOfficer, u.editSource},
		{"POST /sources/save", web.RoleOfficer, u.saveSource},
		{"POST /sources/{id}/delete", web.RoleOfficer, u.deleteSource},
		{"GET /rules/new", web.RoleOfficer, u.newRule},
		{"GET /rules/{id}/edit", web.RoleOfficer, u.editRule},
		{"POST /rules/save", web.RoleOfficer, u.saveRule},
		{"POST /rules/{id}/rollback", web.RoleOfficer, u.rollbackRule},
		{"GET /deliveries", web.RoleOfficer, u.deliveries},
		{"POST /deliveries/retry", web.RoleOfficer, u.retryDeliveries},
		{"GET /silences", web.RoleViewer, u.silences},
		{"POST /silences", web.RoleOfficer, u.createSilence},
		{"POST /silences/{id}/expire", web.RoleOfficer, u.expireSilenceFromPage},
		{"GET /rules", web.RoleViewer, u.rules},
		{"GET /rules/preview", web.RoleViewer, u.rulePreview},
		{"GET /dashboard", web.RoleViewer, u.dashboard},
		{"GET /reports", web.RoleViewer, u.reports},
		{"POST /reports", web.RoleOfficer, u.buildReport},
		{"GET /admin", web.RoleAdmin, u.admin},
		{"POST /admin/users", web.RoleAdmin, u.addUser},
		{"POST /admin/users/{name}", web.RoleAdmin, u.changeUser},
		{"POST /admin/tokens", web.RoleAdmin, u.createToken},
		{"POST /admin/tokens/{id}/revoke", web.RoleAdmin, u.revokeToken},
		{"POST /admin/silences/{id}/expire", web.RoleOfficer, u.expireSilence},
	}
}

// parse builds one template per page: the layout plus the page's file.
func (u *UI) parse() error {
	funcs := template.FuncMap{
		"snippet": safeSnippet,
		"join":    strings.Join,
		"has":     func(list []string, v string) bool { return slices.Contains(list, v) },
		"date":    func(t time.Time) string { return fmtTime(t, time.DateOnly) },
		"datetime": func(t time.Time) string {
			return fmtTime(t, "2006-01-02 15:04")
		},
		"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
		"add": func(a, b int) int { return a + b },
		"dur": fmtDuration,
		// dict passes several values to a shared template.
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				if k, ok := kv[i].(string); ok {
					m[k] = kv[i+1]
				}
			}
			return m
		},
		"fileURL": fileURL,
		"kb":      func(n uint64) uint64 { return (n + 1023) / 1024 },
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	u.pages = map[string]*template.Template{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return fmt.Errorf("ui: template %s: %w", base, err)
		}
		u.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return nil
}

// vietnam is the province's time zone; pages show times in it.
var vietnam = time.FixedZone("ICT", 7*3600)

func fmtTime(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(vietnam).Format(layout)
}

// fmtDuration shows a response time to the minute.
func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Minute:
		return "< 1 min"
	}
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h == 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", h, m)
}

// Page is what every template gets.
type Page struct {
	Lang  string
	Title string
	Nav   string
	User  *web.Principal
	CSRF  string
	// Flash is a one-line notice (after an action); Error a problem.
	Flash, Error string
	Data         any
	cat          catalog
	// depts and srcNames name departments and sources (see names.go).
	depts    names.Departments
	srcNames func() map[string]string
}

// T translates key into the page's language.
func (p *Page) T(key string, args ...any) string { return p.cat.text(p.Lang, key, args...) }

// Can reports whether the user has at least role.
func (p *Page) Can(role string) bool {
	if p.User == nil {
		return false
	}
	need, err := web.ParseRole(role)
	return err == nil && p.User.Role >= need
}

func (u *UI) page(r *http.Request, nav string, data any) *Page {
	p := &Page{Nav: nav, Data: data, cat: u.cat, User: web.PrincipalOf(r), depts: u.d.Departments, srcNames: u.sourceNames(r.Context())}
	userLang := ""
	if p.User != nil {
		userLang = p.User.Lang
		if p.User.Session != nil {
			p.CSRF = p.User.Session.CSRF
		}
	}
	p.Lang = chooseLang(userLang, r)
	p.Flash = p.T(r.URL.Query().Get("flash"))
	if p.Flash == r.URL.Query().Get("flash") {
		p.Flash = "" // only known notices, never text from the URL
	}
	return p
}

// render writes the page template name with p, buffered so a template
// error never leaves half a page.
func (u *UI) render(w http.ResponseWriter, code int, name string, p *Page) {
	u.renderPart(w, code, name, "layout", p)
}

// renderPart writes one named template of a page (a fragment that
// scripts fetch, or the whole page through "layout").
func (u *UI) renderPart(w http.ResponseWriter, code int, name, part string, p *Page) {
	t := u.pages[name]
	var buf bytes.Buffer
	if t == nil {
		u.log.Error("no such page template", "page", name)
		internalError(w)
		return
	}
	if err := t.ExecuteTemplate(&buf, part, p); err != nil {
		u.log.Error("render page", "page", name, "err", err)
		internalError(w)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = buf.WriteTo(w)
}

// internalError is the 500 page for when the templates themselves fail:
// plain HTML that cannot fail, in both languages.
func internalError(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`+
		`<title>Lỗi hệ thống · presswatch</title><link rel="stylesheet" href="/static/app.css"></head><body><main id="main">`+
		`<h1>Lỗi hệ thống</h1><p>Trang không hiển thị được; lỗi đã được ghi lại. Hãy thử lại sau.</p>`+
		`<p lang="en">Internal error: the page could not be shown; the error was logged. Please try again later.</p>`+
		`<p><a href="/dashboard">Về trang tổng quan / Back to the dashboard</a></p></main></body></html>`)
}

func (u *UI) errorPage(w http.ResponseWriter, r *http.Request, code int, msg string) {
	p := u.page(r, "", nil)
	p.Title = p.T(fmt.Sprintf("error.%d", code))
	if p.Title == fmt.Sprintf("error.%d", code) {
		p.Title = http.StatusText(code)
	}
	p.Error = msg
	p.Data = code
	u.render(w, code, "error", p)
}

// redirect answers a form post: back to where it came from, with a notice.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + flash
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// localPath keeps a next= target on this site: a path starting with one
// slash, nothing a browser could read as another host. Browsers drop tabs
// and newlines inside URLs and treat a backslash as a slash, so
// "/\t/evil.example" would become "//evil.example": any control character
// or backslash is refused outright.
func localPath(s string) string {
	const home = "/dashboard"
	if s == "" || s[0] != '/' || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
		return home
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return home
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	return s
}
