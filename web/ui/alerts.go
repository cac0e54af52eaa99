package ui

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/web"
)

// doneStatuses leave the inbox's open view: the office answered, closed
// the matter or decided there was nothing to answer. (The alert store
// counts a responded alert as open until it is closed; the inbox lists
// what still waits for the office's answer.)
var doneStatuses = []alerts.Status{alerts.StatusResponded, alerts.StatusClosed, alerts.StatusDismissed}

// openStatuses are the others: what still waits for the office.
var openStatuses = []alerts.Status{alerts.StatusNew, alerts.StatusAcknowledged, alerts.StatusAssigned}

// inboxLimit bounds one inbox page.
const inboxLimit = 1000

// severityRank orders the inbox: most severe first.
func severityRank(s article.Severity) int { return -s.Rank() }

type inboxRow struct {
	A   *alerts.Alert
	Age string
}

type inboxData struct {
	Rows       []inboxRow
	Show       string // "open", "done" or "all"
	Severity   string
	Department string
	Label      string
	Severities []string
	CanAct     bool
	Back       string
}

// listAlerts lists the alerts o selects. The store filters before it
// applies o.Limit, so that an open alert older than a thousand answered
// ones still reaches the inbox.
func (u *UI) listAlerts(ctx context.Context, o alerts.ListOptions) ([]*alerts.Alert, error) {
	if u.d.AlertStore != nil {
		return u.d.AlertStore.List(ctx, o)
	}
	if u.d.Alerts == nil {
		return nil, nil
	}
	return u.d.Alerts.List(ctx, o)
}

// age says how long ago t was, roughly, in the page's language.
func age(p *Page, now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return p.T("age.minutes", int(d.Minutes()))
	case d < 48*time.Hour:
		return p.T("age.hours", int(d.Hours()))
	}
	return p.T("age.days", int(d.Hours()/24))
}

func (u *UI) inbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &inboxData{Show: q.Get("show"), Severity: q.Get("severity"), Department: q.Get("department"), Label: q.Get("label"),
		Severities: []string{"critical", "high", "medium", "low"}, Back: r.URL.RequestURI()}
	if d.Show != "done" && d.Show != "all" {
		d.Show = "open"
	}
	p := u.page(r, "alerts", d)
	p.Title = p.T("alerts.title")
	d.CanAct = u.d.AlertStore != nil && p.Can("officer")
	o := alerts.ListOptions{Severity: article.Severity(d.Severity), Department: d.Department, Label: d.Label, Limit: inboxLimit}
	switch d.Show {
	case "open":
		o.Statuses = openStatuses
	case "done":
		o.Statuses = doneStatuses
	}
	list, err := u.listAlerts(r.Context(), o)
	if err != nil {
		u.log.Error("alerts page", "err", err)
		p.Error = p.T("error.unavailable")
		u.render(w, http.StatusServiceUnavailable, "alerts", p)
		return
	}
	now := u.d.Now()
	for _, a := range list {
		d.Rows = append(d.Rows, inboxRow{A: a, Age: age(p, now, a.Created)})
	}
	// Most severe first; within a severity, the oldest waits longest.
	slices.SortStableFunc(d.Rows, func(x, y inboxRow) int {
		if c := severityRank(x.A.Severity) - severityRank(y.A.Severity); c != 0 {
			return c
		}
		return x.A.Created.Compare(y.A.Created)
	})
	u.render(w, http.StatusOK, "alerts", p)
}

type alertData struct {
	A      *alerts.Alert
	Age    string
	CanAct bool
	Back   string
	// Responses are the official responses published on the alert's
	// story (denials and corrections by the province's bodies).
	Responses []indexer.Hit
}

func (u *UI) alert(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
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
	d := &alertData{A: a, Age: age(p, u.d.Now(), a.Created), CanAct: u.d.AlertStore != nil && p.Can("officer"), Back: r.URL.RequestURI()}
	if d.Responses, err = web.OfficialResponses(r.Context(), u.d.Search, a.StoryID); err != nil {
		u.log.Warn("alert page: official responses", "alert", a.ID, "err", err)
	}
	p.Data = d
	p.Title = a.Title
	u.render(w, http.StatusOK, "alert", p)
}

// act applies one lifecycle action to the alerts ticked in the inbox (or
// the one on its page).
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
	back := localPath(r.PostFormValue("back"))
	problem := ""
	switch {
	case len(ids) == 0:
		problem = "alerts.none_selected"
	case len(ids) > 200:
		problem = "alerts.too_many"
	case !slices.Contains([]alerts.Action{alerts.ActionAck, alerts.ActionAssign, alerts.ActionRespond, alerts.ActionClose, alerts.ActionDismiss}, action):
		problem = "alerts.bad_action"
	case action == alerts.ActionAssign && in.Assignee == "":
		problem = "alerts.need_assignee"
	case action == alerts.ActionRespond && !article.IsWebURL(in.Link):
		problem = "alerts.need_link"
	case action == alerts.ActionDismiss && in.Reason == "":
		problem = "alerts.need_reason"
	}
	if problem != "" {
		u.errorPage(w, r, http.StatusBadRequest, p.T(problem))
		return
	}
	actor := principal(r).Name
	var failed []string
	for _, id := range ids {
		if _, err := u.d.AlertStore.Act(r.Context(), id, action, in, actor); err != nil {
			var tr *alerts.TransitionError
			var bad *alerts.InputError
			if !errors.Is(err, alerts.ErrNotFound) && !errors.As(err, &tr) && !errors.As(err, &bad) {
				u.log.Error("alert action failed", "alert", id, "action", action, "err", err)
				err = errors.New(p.T("error.unavailable"))
			}
			failed = append(failed, id+": "+err.Error())
			continue
		}
		u.audit(r, "", "alert."+string(action), id, actionDetail(in))
	}
	if len(failed) > 0 {
		u.errorPage(w, r, http.StatusConflict, p.T("alerts.failed", strings.Join(failed, "; ")))
		return
	}
	redirect(w, r, back, "flash.done")
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
