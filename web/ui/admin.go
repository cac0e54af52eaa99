package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/web/auth"
)

type adminData struct {
	Users    []*auth.User
	Tokens   []*auth.APIToken
	Audit    []auditRow
	Roles    []string
	NewToken string // shown once, right after it is made
	NewName  string
	Silences []silenceView
	// SilencesOn is set when this process has the silence store.
	SilencesOn bool
	// Departments a user may belong to.
	Departments []Department
}

func (u *UI) admin(w http.ResponseWriter, r *http.Request) {
	u.showAdmin(w, r, http.StatusOK, "", "", "")
}

func (u *UI) showAdmin(w http.ResponseWriter, r *http.Request, code int, problem, newToken, newName string) {
	d := &adminData{Roles: auth.Roles(), NewToken: newToken, NewName: newName}
	p := u.page(r, "admin", d)
	d.Departments = u.deptList(p.Lang)
	p.Title = p.T("admin.title")
	p.Error = problem
	ctx := r.Context()
	var errs []error
	var err error
	d.Users, err = u.acc.Users.List(ctx)
	errs = append(errs, err)
	d.Tokens, err = u.acc.Tokens.List(ctx)
	errs = append(errs, err)
	events, err := u.acc.Audit.List(ctx, 100)
	errs = append(errs, err)
	if u.d.Silences != nil {
		d.SilencesOn = true
		var list []*silence.Silence
		list, err = u.d.Silences.List(ctx)
		errs = append(errs, err)
		d.Silences = u.silenceViews(p, list, u.liveNames(ctx, nil))
	}
	d.Audit = u.auditRows(p, events, d.Silences)
	if err := errors.Join(errs...); err != nil {
		u.log.Error("admin page", "err", err)
		p.Error = p.T("error.unavailable")
		code = http.StatusServiceUnavailable
	}
	u.render(w, code, "admin", p)
}

func (u *UI) addUser(w http.ResponseWriter, r *http.Request) {
	name, role, pw := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("role"), r.PostFormValue("password")
	if _, err := u.acc.Users.Add(r.Context(), name, role, pw); err != nil {
		u.showAdmin(w, r, http.StatusBadRequest, err.Error(), "", "")
		return
	}
	u.audit(r, "", "user.add", name, "role "+role)
	redirect(w, r, "/admin", "flash.user_added")
}

// changeUser sets a user's role, disables or enables it, or resets its
// password; every change ends the user's sessions but for role changes,
// which apply at the next request anyway.
func (u *UI) changeUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	op := r.PostFormValue("op")
	ctx := r.Context()
	var err error
	detail := op
	switch op {
	case "role":
		role := r.PostFormValue("role")
		if err = auth.CheckRole(role); err == nil {
			if name == principal(r).Name && role != auth.RoleAdmin {
				err = errors.New(u.cat.text(u.page(r, "", nil).Lang, "admin.self_demote"))
				break
			}
			_, err = u.acc.Users.Update(ctx, name, func(usr *auth.User) error { usr.Role = role; return nil })
			detail = "role " + role
		}
	case "departments":
		depts := r.PostForm["departments"]
		for _, d := range depts {
			if _, ok := u.d.Departments.Find(d); !ok {
				err = fmt.Errorf("unknown department %q", d)
			}
		}
		if err == nil {
			_, err = u.acc.Users.Update(ctx, name, func(usr *auth.User) error { usr.Departments = depts; return nil })
			detail = "departments " + strings.Join(depts, ",")
		}
	case "disable", "enable":
		if name == principal(r).Name {
			err = errors.New(u.cat.text(u.page(r, "", nil).Lang, "admin.self_disable"))
			break
		}
		_, err = u.acc.Users.Update(ctx, name, func(usr *auth.User) error { usr.Disabled = op == "disable"; return nil })
		if err == nil && op == "disable" {
			err = u.acc.Sessions.DeleteUser(ctx, name, "")
		}
	case "password":
		if err = u.acc.Users.SetPassword(ctx, name, r.PostFormValue("password")); err == nil {
			err = u.acc.Sessions.DeleteUser(ctx, name, "")
		}
	default:
		err = errors.New("unknown change")
	}
	if err != nil {
		code := http.StatusBadRequest
		if errors.Is(err, auth.ErrNoUser) {
			code = http.StatusNotFound
		}
		u.showAdmin(w, r, code, err.Error(), "", "")
		return
	}
	u.audit(r, "", "user."+op, name, detail)
	redirect(w, r, "/admin", "flash.saved")
}

func (u *UI) createToken(w http.ResponseWriter, r *http.Request) {
	name, role := r.PostFormValue("name"), r.PostFormValue("role")
	value, tok, err := u.acc.Tokens.Create(r.Context(), name, role, principal(r).Name)
	if err != nil {
		u.showAdmin(w, r, http.StatusBadRequest, err.Error(), "", "")
		return
	}
	u.audit(r, "", "token.create", tok.Name, "role "+role)
	u.showAdmin(w, r, http.StatusOK, "", value, tok.Name)
}

func (u *UI) revokeToken(w http.ResponseWriter, r *http.Request) {
	tok, err := u.acc.Tokens.Revoke(r.Context(), r.PathValue("id"))
	if err != nil {
		code := http.StatusServiceUnavailable
		if errors.Is(err, auth.ErrNoToken) {
			code = http.StatusNotFound
		}
		u.showAdmin(w, r, code, err.Error(), "", "")
		return
	}
	u.audit(r, "", "token.revoke", tok.Name, "")
	redirect(w, r, "/admin", "flash.revoked")
}

func (u *UI) expireSilence(w http.ResponseWriter, r *http.Request) {
	back := "/admin"
	if b := r.PostFormValue("back"); b != "" {
		back = localPath(b) // the incident page that offered "turn on again"
	} else if !u.page(r, "admin", nil).Can("admin") {
		back = "/alerts"
	}
	u.expireSilenceThen(w, r, back, "flash.done")
}

// expireSilenceThen ends the silence of the path now and goes back.
func (u *UI) expireSilenceThen(w http.ResponseWriter, r *http.Request, back, flash string) {
	p := u.page(r, "silences", nil)
	if u.d.Silences == nil {
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.unavailable"))
		return
	}
	id := r.PathValue("id")
	_, err := u.d.Silences.Expire(r.Context(), id, principal(r).Name, u.d.Now())
	if errors.Is(err, silence.ErrNotFound) {
		u.errorPage(w, r, http.StatusNotFound, p.T("error.not_found_item"))
		return
	}
	if err != nil {
		u.log.Error("expire silence", "err", err)
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.unavailable"))
		return
	}
	u.audit(r, "", "silence.expire", id, "")
	redirect(w, r, back, flash)
}
