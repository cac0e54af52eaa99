package ui

import (
	"crypto/subtle"
	"errors"
	"math"
	"net/http"

	"github.com/presswatch/presswatch/web/auth"
)

// loginCookie carries the login form's CSRF token before there is a
// session to tie it to (double-submit), so a hostile page cannot sign a
// browser into an account of the attacker's choosing.
const loginCookie = "pw_login"

type loginData struct {
	Name, Next, LoginCSRF string
}

func (u *UI) loginForm(w http.ResponseWriter, r *http.Request) {
	if l := r.URL.Query().Get("lang"); l == "vi" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		r.AddCookie(&http.Cookie{Name: LangCookie, Value: l})
	}
	u.showLogin(w, r, http.StatusOK, r.URL.Query().Get("next"), "", "")
}

func (u *UI) showLogin(w http.ResponseWriter, r *http.Request, code int, next, name, errKey string, args ...any) {
	tok := ""
	if c, err := r.Cookie(loginCookie); err == nil && len(c.Value) >= 32 {
		tok = c.Value
	} else {
		tok = newToken()
		http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/login", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	p := u.page(r, "login", loginData{Name: name, Next: localPath(next), LoginCSRF: tok})
	p.Title = p.T("login.title")
	if errKey != "" {
		p.Error = p.T(errKey, args...)
	}
	u.render(w, code, "login", p)
}

func (u *UI) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	name, password, next := r.PostFormValue("name"), r.PostFormValue("password"), r.PostFormValue("next")
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		u.showLogin(w, r, http.StatusForbidden, next, name, "login.expired")
		return
	}
	// One key per user name and client address: a guesser slows only
	// their own attempts, not the real user's from elsewhere, and the
	// address of a proxy (without trusted_proxies) does not lock out
	// every user behind it.
	key := name + "@" + u.d.Server.ClientIP(r)
	if locked, wait := u.acc.Limiter.Locked(key); locked {
		u.showLogin(w, r, http.StatusTooManyRequests, next, name, "login.locked", int(math.Ceil(wait.Minutes())))
		return
	}
	usr, err := u.acc.Users.Authenticate(r.Context(), name, password)
	if errors.Is(err, auth.ErrBadCredentials) {
		u.acc.Limiter.Fail(key)
		u.audit(r, name, "login.failed", "", "")
		u.showLogin(w, r, http.StatusUnauthorized, next, name, "login.bad")
		return
	}
	if err != nil {
		u.log.Error("login", "err", err)
		u.showLogin(w, r, http.StatusServiceUnavailable, next, name, "error.unavailable")
		return
	}
	u.acc.Limiter.Reset(key)
	if err := u.d.Server.StartSession(w, r, usr.Name); err != nil {
		u.log.Error("start session", "err", err)
		u.showLogin(w, r, http.StatusServiceUnavailable, next, name, "error.unavailable")
		return
	}
	u.audit(r, usr.Name, "login", "", "")
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

func (u *UI) logout(w http.ResponseWriter, r *http.Request) {
	if err := u.d.Server.EndSession(w, r); err != nil {
		u.log.Error("end session", "err", err)
	}
	u.audit(r, "", "logout", "", "")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// audit records an action; actor "" means the signed-in user.
func (u *UI) audit(r *http.Request, actor, action, target, detail string) {
	ev := auth.AuditEvent{Actor: actor, Action: action, Target: target, Detail: detail, IP: u.d.Server.ClientIP(r)}
	if ev.Actor == "" {
		if p := principal(r); p != nil {
			ev.Actor = p.Name
		}
	}
	if err := u.acc.Audit.Record(r.Context(), ev); err != nil {
		u.log.Error("audit record lost", "action", action, "err", err)
	}
}
