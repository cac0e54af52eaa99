package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/web"
)

// picker is the choice of assignees: the officers of the incident's
// departments (all officers when none belongs to them), then the other
// departments.
type picker struct {
	People []string
	Depts  []Department
}

func (u *UI) picker(ctx context.Context, lang string, me *web.Principal, a *alerts.Alert) *picker {
	pk := &picker{}
	users, err := u.acc.Users.List(ctx)
	if err != nil {
		u.log.Warn("assignee picker: list users", "err", err)
	}
	var depts []string
	if a != nil {
		depts = a.Departments
	} else if me != nil {
		depts = me.Departments
	}
	var all []string
	for _, usr := range users {
		role, _ := web.ParseRole(usr.Role)
		if usr.Disabled || role < web.RoleOfficer {
			continue
		}
		all = append(all, usr.Name)
		if slices.ContainsFunc(usr.Departments, func(d string) bool { return slices.Contains(depts, d) }) {
			pk.People = append(pk.People, usr.Name)
		}
	}
	if len(pk.People) == 0 {
		pk.People = all
	}
	for _, d := range u.deptList(lang) {
		if a == nil || !slices.Contains(a.Departments, d.ID) {
			pk.Depts = append(pk.Depts, d)
		}
	}
	return pk
}

type alertData struct {
	A        *alerts.Alert
	Age      string
	Depts    string
	Who      string
	CanAct   bool
	Actions  []alerts.Action
	Picker   *picker
	Silences []silenceView // silences, current or to come, muting this incident
	Hours    []int
	Back     string
	// Responses are the official responses published on the incident's
	// story (denials and corrections by the province's bodies).
	Responses []indexer.Hit
	History   []historyRow
}

// Can reports whether the incident's page offers action a.
func (d *alertData) Can(a string) bool { return slices.Contains(d.Actions, alerts.Action(a)) }

func (u *UI) alert(w http.ResponseWriter, r *http.Request) {
	u.showAlert(w, r, r.PathValue("id"), http.StatusOK, "")
}

// showAlert renders the incident page of id, with msg as the page's
// error when an action could not be done: the officer stays where they
// were, with what to do instead.
func (u *UI) showAlert(w http.ResponseWriter, r *http.Request, id string, code int, msg string) {
	var a *alerts.Alert
	var err error
	if u.d.AlertStore != nil {
		a, err = u.d.AlertStore.Get(r.Context(), id)
	} else {
		var list []*alerts.Alert
		list, err = u.listAlerts(r.Context(), alerts.ListOptions{})
		for _, x := range list {
			if x.ID == id {
				a = x
			}
		}
	}
	p := u.page(r, "alerts", nil)
	if err != nil && !errors.Is(err, web.ErrNotFound) && !errors.Is(err, alerts.ErrNotFound) {
		u.log.Error("alert page", "err", err)
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.unavailable"))
		return
	}
	if a == nil {
		u.errorPage(w, r, http.StatusNotFound, p.T("alerts.not_found"))
		return
	}
	me := principal(r)
	d := &alertData{A: a, Age: age(p, u.d.Now(), a.Created), Depts: u.deptNames(p.Lang, a.Departments), Who: u.assigneeName(p.Lang, a.Assignee),
		Back: "/alerts/" + url.PathEscape(a.ID), Hours: []int{1, 4, 8, 24, 72, 168}}
	d.CanAct = u.d.AlertStore != nil && p.Can("officer") && u.mayAct(me, a)
	if d.CanAct {
		d.Actions = alerts.Allowed(a.Status)
		d.Picker = u.picker(r.Context(), p.Lang, me, a)
	}
	if d.Responses, err = web.OfficialResponses(r.Context(), u.d.Search, a.StoryID); err != nil {
		u.log.Warn("official responses", "alert", a.ID, "err", err)
	}
	if u.d.Silences != nil {
		if list, err := u.d.Silences.List(r.Context()); err == nil {
			now := u.d.Now()
			for _, sl := range list {
				if sl.Ends.After(now) && sl.Matches(a.Attrs()) {
					d.Silences = append(d.Silences, silenceView{Silence: sl, What: u.matchersWhat(p, sl.Matchers, u.incidentNames(a))})
				}
			}
		}
	}
	d.History = u.history(p, a)
	p.Data, p.Title, p.Error = d, a.Title, msg
	u.render(w, code, "alert", p)
}

// act applies one lifecycle action to the incidents ticked in the inbox
// (or the one on its page). Whatever goes wrong, the officer gets the page
// they came from back with a message saying what and why.
func (u *UI) act(w http.ResponseWriter, r *http.Request) {
	p := u.page(r, "alerts", nil)
	if u.d.AlertStore == nil {
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("alerts.no_lifecycle"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	_ = r.ParseForm()
	ids := r.PostForm["id"]
	action := alerts.Action(r.PostFormValue("action"))
	in := alerts.ActionInput{
		Assignee: strings.TrimSpace(r.PostFormValue("assignee")), Link: strings.TrimSpace(r.PostFormValue("link")),
		Note: strings.TrimSpace(r.PostFormValue("note")), Reason: strings.TrimSpace(r.PostFormValue("reason")),
	}
	if in.Assignee == "me" {
		in.Assignee = principal(r).Name
	}
	back := localPath(r.PostFormValue("back"))
	if problem := checkAct(ids, action, in); problem != "" {
		u.backWith(w, r, back, ids, http.StatusBadRequest, p.T(problem))
		return
	}
	me := principal(r)
	var failed []string
	for _, id := range ids {
		if msg := u.actOne(r, p, me, id, action, in); msg != "" {
			failed = append(failed, msg)
		}
	}
	if len(failed) > 0 {
		u.backWith(w, r, back, ids, http.StatusConflict, p.T("alerts.failed", strings.Join(failed, "; ")))
		return
	}
	redirect(w, r, back, "flash.done")
}

func checkAct(ids []string, action alerts.Action, in alerts.ActionInput) string {
	switch {
	case len(ids) == 0:
		return "alerts.none_selected"
	case len(ids) > 200:
		return "alerts.too_many"
	case !slices.Contains([]alerts.Action{alerts.ActionAck, alerts.ActionAssign, alerts.ActionRespond, alerts.ActionClose, alerts.ActionDismiss}, action):
		return "alerts.bad_action"
	case action == alerts.ActionAssign && in.Assignee == "":
		return "alerts.need_assignee"
	case action == alerts.ActionRespond && !article.IsWebURL(in.Link):
		return "alerts.need_link"
	case action == alerts.ActionDismiss && in.Reason == "":
		return "alerts.need_reason"
	}
	return ""
}

// actOne applies action to one incident and says in the page's language
// why it could not, or "".
func (u *UI) actOne(r *http.Request, p *Page, me *web.Principal, id string, action alerts.Action, in alerts.ActionInput) string {
	a, err := u.d.AlertStore.Get(r.Context(), id)
	if err == nil && !u.mayAct(me, a) {
		return p.T("alerts.not_yours", titleOr(a), u.deptNames(p.Lang, a.Departments))
	}
	if err == nil {
		_, err = u.d.AlertStore.Act(r.Context(), id, action, in, me.Name)
	}
	var tr *alerts.TransitionError
	var bad *alerts.InputError
	switch {
	case err == nil:
		u.audit(r, "", "alert."+string(action), id, actionDetail(in))
		return ""
	case errors.Is(err, alerts.ErrNotFound):
		return p.T("alerts.not_found")
	case errors.As(err, &tr):
		msg := p.T("alerts.cannot", p.T("action."+string(tr.Action)), titleOr(a), p.T("status."+string(tr.From)))
		if h := alerts.HintCode(tr.Action, tr.From); h != "" {
			msg += " " + p.T("alerts.hint."+h)
		}
		return msg
	case errors.As(err, &bad):
		return bad.Error()
	}
	u.log.Error("alert action failed", "alert", id, "action", action, "err", err)
	return p.T("error.unavailable")
}

func titleOr(a *alerts.Alert) string {
	if a == nil || a.Title == "" {
		return "—"
	}
	return "«" + a.Title + "»"
}

// backWith renders the page the form was posted from (an incident page,
// else the inbox with its filters) with msg, instead of a dead end.
func (u *UI) backWith(w http.ResponseWriter, r *http.Request, back string, ids []string, code int, msg string) {
	if len(ids) == 1 && back == "/alerts/"+url.PathEscape(ids[0]) {
		u.showAlert(w, r, ids[0], code, msg)
		return
	}
	b, err := url.Parse(back)
	if err != nil || b.Path != "/alerts" {
		b = &url.URL{Path: "/alerts"}
	}
	r2 := r.Clone(r.Context())
	r2.URL = b
	u.showInbox(w, r2, code, msg)
}

func actionDetail(in alerts.ActionInput) string {
	var parts []string
	for _, kv := range [][2]string{{"assignee", in.Assignee}, {"link", in.Link}, {"note", in.Note}, {"reason", in.Reason}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, " ")
}
