package ui_test

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/web"
	"github.com/presswatch/presswatch/web/auth"
)

// concrete turns a route pattern into a method and a path to request.
func concrete(pattern string) (string, string) {
	method, path := http.MethodGet, pattern
	if m, p, ok := strings.Cut(pattern, " "); ok {
		method, path = m, p
	}
	path = strings.ReplaceAll(path, "{$}", "")
	for strings.Contains(path, "{") {
		i, j := strings.Index(path, "{"), strings.Index(path, "}")
		path = path[:i] + "x" + path[j+1:]
	}
	return method, path
}

// Every registered route but health, public metrics, the login form and
// static assets refuses an anonymous request: pages send the browser to
// the login form, everything else answers 401.
func TestEveryRouteRefusesAnonymousRequests(t *testing.T) {
	e := newEnv(t, envOpts{})
	open := []string{"GET /healthz", "GET /readyz", "GET /metrics", "GET /login", "POST /login", "GET /static/"}
	c := e.client(t)
	routes := e.web.Routes()
	if len(routes) < 30 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, r := range routes {
		if r.Role == web.RoleNone {
			if !slices.Contains(open, r.Pattern) {
				t.Errorf("%s needs no sign-in but is not meant to be open", r.Pattern)
			}
			continue
		}
		method, path := concrete(r.Pattern)
		var form url.Values
		if method == http.MethodPost {
			form = url.Values{"x": {"1"}}
		}
		code, _, hdr := c.do(method, path, form, nil)
		switch {
		case code == http.StatusUnauthorized:
		case code == http.StatusSeeOther && method == http.MethodGet && !strings.HasPrefix(path, "/api/") && strings.HasPrefix(hdr.Get("Location"), "/login?next="):
		default:
			t.Errorf("anonymous %s %s: %d (Location %q)", method, path, code, hdr.Get("Location"))
		}
	}
}

func TestLoginSessionLogoutAndExpiry(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	if code := c.login("canbo", "mat-khau-sai-roi"); code != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", code)
	}
	if code := c.login("canbo", "mat-khau-canbo"); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	code, body := c.get("/dashboard")
	if code != http.StatusOK || !strings.Contains(body, "canbo") {
		t.Fatalf("dashboard after login: %d", code)
	}
	// The cookie is HttpOnly and SameSite; plain HTTP here, so not Secure.
	u, _ := url.Parse(e.srv.URL)
	cookies := c.hc.Jar.Cookies(u)
	if len(cookies) == 0 {
		t.Fatal("no session cookie")
	}
	stolen := cookies[0].Value

	code, _ = c.post("/logout", nil)
	if code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	// Replaying the old cookie after logout does not sign in.
	replay := e.client(t)
	replay.hc.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: stolen}})
	if code, _ := replay.get("/dashboard"); code != http.StatusSeeOther {
		t.Errorf("old cookie after logout: %d", code)
	}

	// A session ends when its time is up.
	c2 := e.client(t)
	c2.login("canbo", "mat-khau-canbo")
	if code, _ := c2.get("/search"); code != http.StatusOK {
		t.Fatalf("search: %d", code)
	}
	e.clock.add(61 * time.Minute)
	if code, _ := c2.get("/search"); code != http.StatusSeeOther {
		t.Errorf("expired session: %d", code)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	_, page, _ := c.do(http.MethodGet, "/login", nil, nil)
	tok := csrfRe.FindStringSubmatch(page)[1]
	_, _, hdr := c.do(http.MethodPost, "/login", url.Values{"csrf": {tok}, "name": {"xem"}, "password": {"mat-khau-xem"}}, nil)
	set := strings.Join(hdr.Values("Set-Cookie"), "\n")
	if !strings.Contains(set, web.SessionCookie+"=") || !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax") {
		t.Errorf("Set-Cookie %q", set)
	}
	// Behind a TLS proxy that the server trusts, the cookie is Secure.
	e2 := newEnv(t, envOpts{trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	c2 := e2.client(t)
	_, page, _ = c2.do(http.MethodGet, "/login", nil, nil)
	tok = csrfRe.FindStringSubmatch(page)[1]
	_, _, hdr = c2.do(http.MethodPost, "/login", url.Values{"csrf": {tok}, "name": {"xem"}, "password": {"mat-khau-xem"}}, map[string]string{"X-Forwarded-Proto": "https"})
	if set := strings.Join(hdr.Values("Set-Cookie"), "\n"); !strings.Contains(set, "Secure") {
		t.Errorf("behind TLS proxy: Set-Cookie %q", set)
	}
}

func TestFormsWithoutCSRFTokenAreRefused(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	c.login("quantri", "mat-khau-quantri")
	for _, path := range []string{"/account/lang", "/admin/users", "/admin/tokens", "/logout", "/alerts/act"} {
		code, _, _ := c.do(http.MethodPost, path, url.Values{"lang": {"en"}, "name": {"x"}, "role": {"viewer"}}, nil)
		if code != http.StatusForbidden {
			t.Errorf("POST %s without csrf: %d", path, code)
		}
		code, _, _ = c.do(http.MethodPost, path, url.Values{"csrf": {"forged-token"}, "lang": {"en"}}, nil)
		if code != http.StatusForbidden {
			t.Errorf("POST %s with a forged csrf: %d", path, code)
		}
	}
	// The JSON API called with the session cookie needs the token too.
	code, _, _ := c.do(http.MethodPost, "/api/v1/rules/preview", nil, map[string]string{"Content-Type": "application/json"})
	if code != http.StatusForbidden {
		t.Errorf("API POST with cookie, no csrf: %d", code)
	}
	code, _, _ = c.do(http.MethodPost, "/api/v1/rules/preview", nil, map[string]string{"X-CSRF-Token": c.csrf})
	if code != http.StatusBadRequest { // past the CSRF check: the empty body is the problem
		t.Errorf("API POST with cookie and csrf header: %d", code)
	}
	// With the token the form works.
	if code, _ := c.post("/account/lang", url.Values{"lang": {"en"}}); code != http.StatusSeeOther {
		t.Errorf("POST with csrf: %d", code)
	}
	// The login form has its own token.
	code, _, _ = e.client(t).do(http.MethodPost, "/login", url.Values{"name": {"quantri"}, "password": {"mat-khau-quantri"}}, nil)
	if code != http.StatusForbidden {
		t.Errorf("login without csrf: %d", code)
	}
}

func TestRoles(t *testing.T) {
	e := newEnv(t, envOpts{})
	viewer, officer, admin := e.client(t), e.client(t), e.client(t)
	viewer.login("xem", "mat-khau-xem")
	officer.login("canbo", "mat-khau-canbo")
	admin.login("quantri", "mat-khau-quantri")
	cases := []struct {
		c      *client
		method string
		path   string
		want   int
	}{
		{viewer, "GET", "/search?q=lu+quet", 200},
		{viewer, "GET", "/alerts", 200},
		{viewer, "GET", "/admin", 403},
		{viewer, "POST", "/alerts/act", 403},
		{viewer, "POST", "/admin/users", 403},
		{officer, "GET", "/admin", 403},
		{officer, "POST", "/admin/tokens", 403},
		{officer, "POST", "/sources/x/resume", 403},
		{admin, "GET", "/admin", 200},
	}
	for _, tc := range cases {
		var code int
		if tc.method == "POST" {
			code, _ = tc.c.post(tc.path, url.Values{"name": {"x"}, "role": {"admin"}, "password": {"mat-khau-dai-du"}})
		} else {
			code, _ = tc.c.get(tc.path)
		}
		if code != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, code, tc.want)
		}
	}
	// A role change applies at the viewer's next request.
	if code, _ := admin.post("/admin/users/xem", url.Values{"op": {"role"}, "role": {"admin"}}); code != http.StatusSeeOther {
		t.Fatalf("role change: %d", code)
	}
	if code, _ := viewer.get("/admin"); code != http.StatusOK {
		t.Errorf("promoted viewer on /admin: %d", code)
	}
	// Disabling ends the sessions at once.
	if code, _ := admin.post("/admin/users/canbo", url.Values{"op": {"disable"}}); code != http.StatusSeeOther {
		t.Fatalf("disable: %d", code)
	}
	if code, _ := officer.get("/alerts"); code != http.StatusSeeOther {
		t.Errorf("disabled officer: %d", code)
	}
	// The admin actions are in the audit log.
	_, body := admin.get("/admin")
	for _, want := range []string{"user.role", "user.disable", "login"} {
		if !strings.Contains(body, want) {
			t.Errorf("audit log lacks %s", want)
		}
	}
}

func TestLoginLockOut(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	for i := range 3 {
		if code := c.login("canbo", "doan-sai-lan-"+string(rune('a'+i))); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	// Locked: even the right password is refused, for that user from
	// that address (other users and addresses: login_test.go; back-off
	// and expiry with a clock in web/auth).
	if code := c.login("canbo", "mat-khau-canbo"); code != http.StatusTooManyRequests {
		t.Errorf("right password while locked: %d", code)
	}
}

func TestAPITokensMadeInTheUI(t *testing.T) {
	e := newEnv(t, envOpts{})
	admin := e.client(t)
	admin.login("quantri", "mat-khau-quantri")
	code, body := admin.post("/admin/tokens", url.Values{"name": {"bao-cao"}, "role": {"viewer"}})
	if code != http.StatusOK {
		t.Fatalf("create token: %d", code)
	}
	i := strings.Index(body, `id="new-token">`)
	if i < 0 {
		t.Fatal("token not shown")
	}
	tok := body[i+len(`id="new-token">`):]
	tok = tok[:strings.Index(tok, "<")]
	bearer := e.client(t)
	api := func() int {
		code, _, _ := bearer.do(http.MethodGet, "/api/v1/search?q=lu", nil, map[string]string{"Authorization": "Bearer " + tok})
		return code
	}
	if api() != http.StatusOK {
		t.Fatal("new token refused")
	}
	// Bearer calls carry no ambient credentials: no CSRF token needed.
	code, _, _ = bearer.do(http.MethodPost, "/api/v1/rules/preview", nil, map[string]string{"Authorization": "Bearer " + tok})
	if code != http.StatusBadRequest {
		t.Errorf("bearer POST: %d", code)
	}
	list, _ := e.acc.Tokens.List(context.Background())
	if len(list) != 1 || list[0].ID != auth.HashToken(tok) {
		t.Fatalf("stored tokens %+v", list)
	}
	if code, _ := admin.post("/admin/tokens/"+list[0].ID+"/revoke", nil); code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", code)
	}
	if api() != http.StatusUnauthorized {
		t.Error("revoked token still works")
	}
}

func TestProxyHeaderOnlyFromTrustedProxies(t *testing.T) {
	hdr := map[string]string{"X-Remote-User": "quantri"}
	untrusted := newEnv(t, envOpts{proxyHeader: "X-Remote-User", trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if code, _, _ := untrusted.client(t).do(http.MethodGet, "/admin", nil, hdr); code != http.StatusSeeOther {
		t.Errorf("header from an untrusted address: %d", code)
	}
	trusted := newEnv(t, envOpts{proxyHeader: "X-Remote-User", trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	c := trusted.client(t)
	code, body, _ := c.do(http.MethodGet, "/admin", nil, hdr)
	if code != http.StatusOK {
		t.Fatalf("header from the trusted proxy: %d", code)
	}
	// Proxy sign-ins get a session, so their forms carry CSRF tokens too.
	if !csrfRe.MatchString(body) {
		t.Error("no csrf token for a proxy sign-in")
	}
	if code, _, _ := c.do(http.MethodPost, "/admin/users", url.Values{"name": {"x"}}, hdr); code != http.StatusForbidden {
		t.Errorf("proxy POST without csrf: %d", code)
	}
	// An unknown user named by the proxy gets nothing.
	if code, _, _ := trusted.client(t).do(http.MethodGet, "/search", nil, map[string]string{"X-Remote-User": "ke-la"}); code != http.StatusSeeOther {
		t.Errorf("unknown proxy user: %d", code)
	}
}

func TestHostileArticleIsEscaped(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	for _, path := range []string{"/articles/" + e.hostile, "/search?q=" + url.QueryEscape("lu quet"), "/search?q=pwned"} {
		code, body := c.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", path, code)
		}
		for _, bad := range []string{"<script>window", `onerror="`, "<img", "href=\"javascript:", "<b>đậm"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: page holds %q unescaped", path, bad)
			}
		}
	}
	_, body := c.get("/articles/" + e.hostile)
	if !strings.Contains(body, "&lt;script&gt;window.pwned=1&lt;/script&gt;") || !strings.Contains(body, "&lt;b&gt;đậm&lt;/b&gt;") {
		t.Error("hostile text not shown escaped")
	}
	_, hdrs := func() (int, http.Header) {
		_, _, h := c.do(http.MethodGet, "/articles/"+e.hostile, nil, nil)
		return 0, h
	}()
	if csp := hdrs.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
		hdrs.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("security headers: %v", hdrs)
	}
}

func TestArticleMarksMatchedTerms(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	code, body := c.get("/articles/" + e.flagged)
	if code != http.StatusOK {
		t.Fatalf("article: %d", code)
	}
	// The valid offset is marked with its rule; the out-of-range one is
	// ignored, not trusted.
	if !strings.Contains(body, `<mark class="match" title="Lũ quét (lu-quet)">lũ quét</mark>`) {
		t.Errorf("matched term not marked:\n%s", body)
	}
	if strings.Count(body, `<mark class="match"`) != 1 {
		t.Errorf("want exactly one mark, got %d", strings.Count(body, `<mark class="match"`))
	}
	if !strings.Contains(body, `rel="noopener noreferrer"`) {
		t.Error("original link lacks rel")
	}
}

func TestLanguageFollowsSettingThenBrowser(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	if _, body := c.get("/login"); !strings.Contains(body, `lang="vi"`) || !strings.Contains(body, "Đăng nhập") {
		t.Error("default is not Vietnamese")
	}
	_, body, _ := c.do(http.MethodGet, "/login", nil, map[string]string{"Accept-Language": "en-GB,en;q=0.8"})
	if !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Sign in") {
		t.Error("Accept-Language en ignored")
	}
	c.login("xem", "mat-khau-xem")
	c.post("/account/lang", url.Values{"lang": {"en"}})
	_, body, _ = c.do(http.MethodGet, "/dashboard", nil, map[string]string{"Accept-Language": "vi"})
	if !strings.Contains(body, "Dashboard") {
		t.Error("the user's setting does not win over Accept-Language")
	}
}

func TestSearchPageShowsResultsFacetsAndLinks(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	code, body := c.get("/search?q=" + url.QueryEscape("lu quet muong cha"))
	if code != http.StatusOK {
		t.Fatalf("search: %d", code)
	}
	for _, want := range []string{"/articles/" + e.flagged, "<mark>", "/api/v1/search?format=csv", "/rules/preview?q=", "<svg class=\"bars\"", "disaster"} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	if code, body := c.get("/search?q=" + url.QueryEscape("lũ AND")); code != http.StatusBadRequest || !strings.Contains(body, "col 7") {
		t.Errorf("bad query: %d", code)
	}
	// The CSV link works with the session cookie.
	code, csv, hdr := c.do(http.MethodGet, "/api/v1/search?format=csv&q=lu+quet", nil, nil)
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.Contains(csv, e.flagged) {
		t.Errorf("csv: %d %s", code, hdr.Get("Content-Type"))
	}
	// A byte-order mark for Excel, and local times.
	if !strings.HasPrefix(csv, "\ufeffid,published (UTC+7),") || strings.Contains(csv, "Z,") {
		t.Errorf("csv starts %.60q", csv)
	}
}

func TestOfficerSubmitsALink(t *testing.T) {
	e := newEnv(t, envOpts{})
	officer, viewer := e.client(t), e.client(t)
	officer.login("canbo", "mat-khau-canbo")
	viewer.login("xem", "mat-khau-xem")
	if _, body := viewer.get("/search"); strings.Contains(body, `action="/articles"`) {
		t.Error("the viewer is offered link submission")
	}
	if code, _ := viewer.post("/articles", url.Values{"url": {"https://bao.example/tin/1.html"}}); code != http.StatusForbidden {
		t.Errorf("viewer submit: %d", code)
	}
	if code, _ := officer.post("/articles", url.Values{"url": {"javascript:alert(1)"}}); code != http.StatusBadRequest {
		t.Errorf("bad link: %d", code)
	}
	if code, _ := officer.post("/articles", url.Values{"url": {"https://bao.example/tin/1.html"}}); code != http.StatusSeeOther {
		t.Errorf("submit: %d", code)
	}
	info, err := e.bus.JetStream().Stream(context.Background(), bus.StreamSubmit)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := info.Info(context.Background())
	if st.State.Msgs != 1 {
		t.Errorf("%d links queued, want 1", st.State.Msgs)
	}
}

func TestSearchPageOpensOnTheLastThirtyDays(t *testing.T) {
	e := newEnv(t, envOpts{})
	old := &article.Article{ID: "a00000000000000000000000000000o1", URL: "https://baodienbien.example/lu-quet-cu", SourceID: "bao-dien-bien",
		Site: "baodienbien.example", Tier: "local", Lang: "vi", Title: "Lũ quét năm trước ở Mường Chà", Text: "Lũ quét cũ.",
		Published: time.Now().UTC().AddDate(0, 0, -60), Fetched: time.Now().UTC()}
	if err := e.idx.IndexBatch([]*article.Article{old}); err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	_, body := c.get("/search?q=" + url.QueryEscape("lu quet"))
	from := time.Now().AddDate(0, 0, -30).Format(time.DateOnly) // the page's default window
	if !strings.Contains(body, "/articles/"+e.flagged) || strings.Contains(body, "/articles/"+old.ID) || !strings.Contains(body, `value="`+from+`"`) {
		t.Errorf("default window: recent shown %v, old shown %v, from %s filled in %v",
			strings.Contains(body, "/articles/"+e.flagged), strings.Contains(body, "/articles/"+old.ID), from, strings.Contains(body, `value="`+from+`"`))
	}
	// Clearing the date searches the whole archive.
	if _, body := c.get("/search?from=&q=" + url.QueryEscape("lu quet")); !strings.Contains(body, "/articles/"+old.ID) {
		t.Error("an empty from does not reach the archive")
	}
}
