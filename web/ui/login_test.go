package ui_test

import (
	"html"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

// postLogin signs in through the form from client address ip (sent as
// X-Forwarded-For, which counts only behind a trusted proxy) and returns
// the status and the redirect target.
func (c *client) postLogin(name, password, next, ip string) (int, string) {
	c.t.Helper()
	_, page, _ := c.do(http.MethodGet, "/login", nil, nil)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatal("login form has no csrf token")
	}
	hdr := map[string]string{}
	if ip != "" {
		hdr["X-Forwarded-For"] = ip
	}
	code, _, h := c.do(http.MethodPost, "/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {password}, "next": {next}}, hdr)
	return code, h.Get("Location")
}

// TestLoginRedirectStaysOnSite: after signing in, next= is followed only
// to a path on this site. A tab, newline or other control character, or
// a backslash, is what lets "/\t/evil.example" reach another host (the
// browser drops the tab); each is refused.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	e := newEnv(t, envOpts{})
	for _, next := range []string{
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\x00/evil.example", "/\x7f/evil.example",
		"/\\evil.example", "\\/evil.example", "/a\\b", "//evil.example", "https://evil.example/", "javascript:alert(1)",
		"/\u0085/evil.example", "evil.example", "",
	} {
		c := e.client(t)
		code, loc := c.postLogin("xem", "mat-khau-xem", next, "")
		if code != http.StatusSeeOther || loc != "/dashboard" {
			t.Errorf("next=%q: %d to %q, want 303 to /dashboard", next, code, loc)
		}
	}
	for _, next := range []string{"/alerts?status=open", "/search?q=lu"} {
		if code, loc := e.client(t).postLogin("xem", "mat-khau-xem", next, ""); code != http.StatusSeeOther || loc != next {
			t.Errorf("a local next: %d to %q, want %q", code, loc, next)
		}
	}
	// The form does not carry the hostile target forward either.
	_, page, _ := e.client(t).do(http.MethodGet, "/login?next=%2F%09%2Fevil.example", nil, nil)
	if strings.Contains(html.UnescapeString(page), "evil.example") {
		t.Error("the login form carries next=/\\t/evil.example")
	}
}

// TestLoginLockoutIsPerUserAndAddress: guessing admin's password from one
// address slows that address down with a doubling wait, while the admin
// signs in from elsewhere; behind a proxy that is not trusted (one
// address for everybody), one user's typos do not lock anyone else out.
func TestLoginLockoutIsPerUserAndAddress(t *testing.T) {
	e := newEnv(t, envOpts{trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	guesser := e.client(t)
	for i := range 3 { // the harness allows 3 failures
		if code, _ := guesser.postLogin("quantri", "doan-sai", "", "203.0.113.9"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code, _ := guesser.postLogin("quantri", "mat-khau-quantri", "", "203.0.113.9"); code != http.StatusTooManyRequests {
		t.Errorf("the guesser's address after 3 failures: %d, want 429", code)
	}
	if code, _ := e.client(t).postLogin("quantri", "mat-khau-quantri", "", "198.51.100.7"); code != http.StatusSeeOther {
		t.Errorf("the admin from another address: %d, want signed in", code)
	}
	// The first wait is a 32nd of the 15-minute window; once over, one
	// more guess is allowed and the next wait is twice as long.
	e.clock.add(15 * time.Minute / 32)
	if code, _ := guesser.postLogin("quantri", "doan-sai", "", "203.0.113.9"); code != http.StatusUnauthorized {
		t.Errorf("after the first wait: %d, want another try (401)", code)
	}
	e.clock.add(15 * time.Minute / 32)
	if code, _ := guesser.postLogin("quantri", "doan-sai", "", "203.0.113.9"); code != http.StatusTooManyRequests {
		t.Errorf("half-way through the doubled wait: %d, want 429", code)
	}

	// No trusted proxy: every request comes from the proxy's address.
	proxied := newEnv(t, envOpts{})
	typo := proxied.client(t)
	for range 5 {
		typo.postLogin("canbo", "go-nham", "", "")
	}
	if code, _ := proxied.client(t).postLogin("xem", "mat-khau-xem", "", ""); code != http.StatusSeeOther {
		t.Errorf("another user behind the same proxy: %d, want signed in", code)
	}
}

// TestStaticListsNoDirectory: /static/ serves its files but never a
// listing of what is there.
func TestStaticListsNoDirectory(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	for _, p := range []string{"/static/"} {
		if code, body := c.get(p); code != http.StatusNotFound || strings.Contains(body, "app.css") {
			t.Errorf("GET %s: %d, listing shown: %v", p, code, strings.Contains(body, "app.css"))
		}
	}
	if code, _ := c.get("/static/app.css"); code != http.StatusOK {
		t.Errorf("GET /static/app.css: %d", code)
	}
}
