package ui

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/presswatch/presswatch/web"
	"github.com/presswatch/presswatch/web/auth"
)

func principal(r *http.Request) *web.Principal { return web.PrincipalOf(r) }

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

type accountData struct {
	Name, Role, UserLang string
}

func (u *UI) account(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	page := u.page(r, "account", accountData{Name: p.Name, Role: p.Role.String(), UserLang: p.Lang})
	page.Title = page.T("account.title")
	u.render(w, http.StatusOK, "account", page)
}

func (u *UI) accountError(w http.ResponseWriter, r *http.Request, code int, key string, args ...any) {
	p := principal(r)
	page := u.page(r, "account", accountData{Name: p.Name, Role: p.Role.String(), UserLang: p.Lang})
	page.Title = page.T("account.title")
	page.Error = page.T(key, args...)
	u.render(w, code, "account", page)
}

func (u *UI) changePassword(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if p.Session == nil {
		u.accountError(w, r, http.StatusBadRequest, "account.token_no_password")
		return
	}
	cur, next, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("again")
	if next != again {
		u.accountError(w, r, http.StatusBadRequest, "account.mismatch")
		return
	}
	if err := auth.CheckPassword(next); err != nil {
		u.accountError(w, r, http.StatusBadRequest, "account.weak", auth.MinPasswordLen)
		return
	}
	ip := u.d.Server.ClientIP(r)
	if locked, _ := u.acc.Limiter.Locked("user:"+p.Name, "ip:"+ip); locked {
		u.accountError(w, r, http.StatusTooManyRequests, "account.locked")
		return
	}
	if _, err := u.acc.Users.Authenticate(r.Context(), p.Name, cur); err != nil {
		if errors.Is(err, auth.ErrBadCredentials) {
			u.acc.Limiter.Fail("user:"+p.Name, "ip:"+ip)
			u.accountError(w, r, http.StatusForbidden, "account.wrong_current")
			return
		}
		u.accountError(w, r, http.StatusServiceUnavailable, "error.unavailable")
		return
	}
	if err := u.acc.Users.SetPassword(r.Context(), p.Name, next); err != nil {
		u.log.Error("set password", "err", err)
		u.accountError(w, r, http.StatusServiceUnavailable, "error.unavailable")
		return
	}
	// Whoever knew the old password is signed out everywhere else.
	if err := u.acc.Sessions.DeleteUser(r.Context(), p.Name, p.SessionID); err != nil {
		u.log.Error("end other sessions", "err", err)
	}
	u.audit(r, "", "account.password", p.Name, "")
	redirect(w, r, "/account", "flash.password_changed")
}

func (u *UI) changeLang(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	lang := r.PostFormValue("lang")
	if lang != "" && lang != "vi" && lang != "en" {
		u.accountError(w, r, http.StatusBadRequest, "account.bad_lang")
		return
	}
	if _, err := u.acc.Users.Update(r.Context(), p.Name, func(usr *auth.User) error { usr.Lang = lang; return nil }); err != nil {
		if errors.Is(err, auth.ErrNoUser) {
			u.accountError(w, r, http.StatusBadRequest, "account.token_no_password")
			return
		}
		u.log.Error("set language", "err", err)
		u.accountError(w, r, http.StatusServiceUnavailable, "error.unavailable")
		return
	}
	redirect(w, r, "/account", "flash.saved")
}
