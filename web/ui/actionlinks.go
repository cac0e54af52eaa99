package ui

import (
	"errors"
	"net/http"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/web"
)

// actionLinkData is the page of a one-tap link from a message.
type actionLinkData struct {
	Token  string
	Claims actionlink.Claims
	A      *alerts.Alert
	Depts  string
	Done   bool   // the action was carried out
	Failed string // why the link does nothing, in the page's language
	// What the link does, in the page's language: before, on the button
	// and once done.
	Confirm, Button, DoneMsg string
}

func (d *actionLinkData) word(p *Page) {
	k := d.Claims.Action
	if k == actionlink.Mute {
		d.Confirm, d.Button, d.DoneMsg = p.T("link.confirm_mute", d.Claims.Hours), p.T("link.button_mute", d.Claims.Hours), p.T("link.done_mute", d.Claims.Hours)
		return
	}
	d.Confirm, d.Button, d.DoneMsg = p.T("link.confirm_"+k), p.T("link.button_"+k), p.T("link.done_"+k)
}

// Action links from e-mail and chat. Following one never acts by itself:
// the page asks for sign-in (a link forwarded or leaked is worth nothing
// without an account) and then shows what will happen, which one button
// confirms. A forged, expired or used link does nothing and says why.
func (u *UI) actionLinkPage(w http.ResponseWriter, r *http.Request) {
	p, _, code := u.checkLink(r, r.PathValue("token"))
	u.render(w, code, "actionlink", p)
}

// checkLink verifies tok and loads its incident for the page.
func (u *UI) checkLink(r *http.Request, tok string) (*Page, *actionLinkData, int) {
	d := &actionLinkData{Token: tok}
	p := u.page(r, "alerts", d)
	p.Title = p.T("link.title")
	if u.d.Links == nil || u.d.LinkLedger == nil || u.d.AlertStore == nil {
		d.Failed = p.T("error.unavailable")
		return p, d, http.StatusServiceUnavailable
	}
	c, err := u.d.Links.Verify(tok, u.d.Now())
	if err == nil {
		var used bool
		if used, err = u.d.LinkLedger.Used(r.Context(), c); err == nil && used {
			err = actionlink.ErrUsed
		}
	}
	d.Claims = c
	d.word(p)
	if err != nil {
		d.Failed = u.linkReason(p, err)
		return p, d, http.StatusForbidden
	}
	a, err := u.d.AlertStore.Get(r.Context(), c.Alert)
	if err != nil {
		d.Failed = p.T("alerts.not_found")
		return p, d, http.StatusNotFound
	}
	d.A, d.Depts = a, u.deptNames(p.Lang, a.Departments)
	if me := principal(r); me.Role < web.RoleOfficer {
		d.Failed = p.T("alerts.viewer")
		return p, d, http.StatusForbidden
	}
	if !u.mayAct(principal(r), a) {
		d.Failed = p.T("alerts.not_yours", titleOr(a), d.Depts)
		return p, d, http.StatusForbidden
	}
	return p, d, http.StatusOK
}

func (u *UI) linkReason(p *Page, err error) string {
	vi, en := actionlink.Reason(err)
	if vi == "" {
		u.log.Error("action link", "err", err)
		return p.T("error.unavailable")
	}
	if p.Lang == "en" {
		return en
	}
	return vi
}

// actionLinkDo carries out a confirmed link, once: the first use is
// recorded in KV before acting, so a replay on any replica is refused.
func (u *UI) actionLinkDo(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	p, d, code := u.checkLink(r, tok)
	if d.Failed != "" {
		u.render(w, code, "actionlink", p)
		return
	}
	me := principal(r)
	if err := u.d.LinkLedger.Use(r.Context(), d.Claims, me.Name, u.d.Now()); err != nil {
		d.Failed = u.linkReason(p, err)
		u.render(w, http.StatusForbidden, "actionlink", p)
		return
	}
	var err error
	switch d.Claims.Action {
	case actionlink.Ack:
		_, err = u.d.AlertStore.Act(r.Context(), d.A.ID, alerts.ActionAck, alerts.ActionInput{Note: oneTapNote}, me.Name)
	case actionlink.Take:
		_, err = u.d.AlertStore.Act(r.Context(), d.A.ID, alerts.ActionAssign, alerts.ActionInput{Assignee: me.Name, Note: oneTapNote}, me.Name)
	case actionlink.Mute:
		_, err = u.muteIncident(r, d.A, silence.Snooze{Scope: silence.ScopeStory, Hours: d.Claims.Hours, Reason: p.T("link.mute_reason")}, me.Name)
	}
	var tr *alerts.TransitionError
	switch {
	case errors.As(err, &tr):
		d.Failed = p.T("alerts.cannot", p.T("action."+string(tr.Action)), titleOr(d.A), p.T("status."+string(tr.From)))
		u.render(w, http.StatusConflict, "actionlink", p)
		return
	case err != nil:
		u.log.Error("action link", "alert", d.A.ID, "action", d.Claims.Action, "err", err)
		d.Failed = p.T("error.unavailable")
		u.render(w, http.StatusServiceUnavailable, "actionlink", p)
		return
	}
	u.audit(r, "", "alert.link."+d.Claims.Action, d.A.ID, "")
	d.Done = true
	if a, err := u.d.AlertStore.Get(r.Context(), d.A.ID); err == nil {
		d.A = a
	}
	u.render(w, http.StatusOK, "actionlink", p)
}
