package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/silence"
)

// snooze silences an incident's story, one of its rules or one of its
// outlets for some hours, with a reason; the silence is listed on the
// incident and the silences page, expirable by officers, and recorded in
// the incident's history and the audit log.
func (u *UI) snooze(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p := u.page(r, "alerts", nil)
	if u.d.AlertStore == nil || u.d.Silences == nil {
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("alerts.no_lifecycle"))
		return
	}
	a, err := u.d.AlertStore.Get(r.Context(), id)
	if err != nil {
		u.showAlert(w, r, id, http.StatusNotFound, p.T("alerts.not_found"))
		return
	}
	me := principal(r)
	if !u.mayAct(me, a) {
		u.showAlert(w, r, id, http.StatusForbidden, p.T("alerts.not_yours", titleOr(a), u.deptNames(p.Lang, a.Departments)))
		return
	}
	hours, _ := strconv.Atoi(r.PostFormValue("hours"))
	sn := silence.Snooze{Scope: r.PostFormValue("scope"), Value: r.PostFormValue("value_" + r.PostFormValue("scope")), Hours: hours, Reason: r.PostFormValue("reason")}
	sl, err := u.muteIncident(r, a, sn, me.Name)
	if err != nil {
		var in *silence.InputError
		if errors.As(err, &in) {
			u.showAlert(w, r, id, http.StatusBadRequest, p.T("snooze.bad", snoozeProblem(p, in.Msg)))
			return
		}
		u.log.Error("snooze", "alert", id, "err", err)
		u.showAlert(w, r, id, http.StatusServiceUnavailable, p.T("error.unavailable"))
		return
	}
	u.audit(r, "", "silence.create", sl.ID, fmt.Sprintf("alert=%s %s for %dh: %s", id, strings.Join(sl.Matchers, ","), hours, sl.Comment))
	redirect(w, r, "/alerts/"+id, "flash.snoozed")
}

// muteIncident stores the silence sn asks for on a and notes it in a's
// history.
func (u *UI) muteIncident(r *http.Request, a *alerts.Alert, sn silence.Snooze, who string) (*silence.Silence, error) {
	return u.d.AlertStore.Snooze(r.Context(), u.d.Silences, a.ID, sn, who)
}

// snoozeProblem words a snooze input error in the page's language.
func snoozeProblem(p *Page, msg string) string {
	for _, k := range []string{"hours", "reason", "scope", "value"} {
		if strings.HasPrefix(msg, k+":") {
			return p.T("snooze.need_" + k)
		}
	}
	return msg
}
