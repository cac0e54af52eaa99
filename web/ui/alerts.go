package ui

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/web"
)

// doneStatuses leave the inbox's open view: the office answered, closed
// the matter or decided there was nothing to answer. (The alert store
// counts a responded alert as open until it is closed; the inbox lists
// what still waits for the office's answer.)
var doneStatuses = []alerts.Status{alerts.StatusResponded, alerts.StatusClosed, alerts.StatusDismissed}

// openStatuses are the others: what still waits for the office.
var openStatuses = []alerts.Status{alerts.StatusNew, alerts.StatusAcknowledged, alerts.StatusAssigned}

// inboxLimit bounds what one inbox view reads; pageSize what one page
// shows of it.
const (
	inboxLimit = 5000
	pageSize   = 50
)

// allDepartments is the department filter value of every department.
const allDepartments = "*"

// severityRank orders the inbox: most severe first.
func severityRank(s article.Severity) int { return -s.Rank() }

type inboxRow struct {
	A       *alerts.Alert
	Age     string
	Depts   string // department names
	Who     string // the assignee, a department by name
	Actions []alerts.Action
}

type inboxData struct {
	Rows        []inboxRow
	Show        string // "open", "done" or "all"
	Severity    string
	Department  string // an ID, "" for the user's own, or "*"
	Label       string
	Sort        string // severity, age or spread
	Page, Pages int
	Total       int
	Severities  []string
	Departments []Department
	Mine        []string // the user's department names, when they limit the view
	Picker      *picker
	CanAct      bool
	Back        string
	PrevURL     string
	NextURL     string
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
	u.showInbox(w, r, http.StatusOK, "")
}

// showInbox renders the inbox for r's query, with msg as the page's
// error (an action that could not be done) when set.
func (u *UI) showInbox(w http.ResponseWriter, r *http.Request, code int, msg string) {
	q := r.URL.Query()
	d := &inboxData{Show: q.Get("show"), Severity: q.Get("severity"), Department: q.Get("department"), Label: q.Get("label"),
		Sort: q.Get("sort"), Severities: []string{"critical", "high", "medium", "low"}, Back: r.URL.RequestURI()}
	if d.Show != "done" && d.Show != "all" {
		d.Show = "open"
	}
	if !slices.Contains([]string{"severity", "age", "spread", "newest"}, d.Sort) {
		// What waits comes by urgency; what is done, newest first.
		d.Sort = "severity"
		if d.Show != "open" {
			d.Sort = "newest"
		}
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	p := u.page(r, "alerts", d)
	p.Title, p.Error = p.T("alerts.title"), msg
	d.Departments = u.deptList(p.Lang)
	me := principal(r)
	d.CanAct = u.d.AlertStore != nil && p.Can("officer")
	o := alerts.ListOptions{Severity: article.Severity(d.Severity), Label: d.Label, Limit: inboxLimit}
	switch {
	case d.Department == allDepartments:
	case d.Department != "":
		o.Department = d.Department
	case !me.AllDepartments():
		o.Departments = me.Departments
		for _, id := range me.Departments {
			d.Mine = append(d.Mine, u.deptName(p.Lang, id))
		}
	}
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
	sortIncidents(list, d.Sort)
	d.Total = len(list)
	d.Pages = max(1, (len(list)+pageSize-1)/pageSize)
	d.Page = min(d.Page, d.Pages)
	list = list[(d.Page-1)*pageSize : min(len(list), d.Page*pageSize)]
	d.PrevURL, d.NextURL = pageURL(r.URL, d.Page-1, d.Pages), pageURL(r.URL, d.Page+1, d.Pages)
	now := u.d.Now()
	for _, a := range list {
		row := inboxRow{A: a, Age: age(p, now, a.Created), Depts: u.deptNames(p.Lang, a.Departments), Who: u.assigneeName(p.Lang, a.Assignee)}
		if d.CanAct && u.mayAct(me, a) {
			row.Actions = alerts.Allowed(a.Status)
		}
		d.Rows = append(d.Rows, row)
	}
	if d.CanAct {
		d.Picker = u.picker(r.Context(), p.Lang, me, nil)
	}
	if q.Get("partial") == "1" {
		// The rows alone, for the page's live update.
		u.renderPart(w, code, "alerts", "rows", p)
		return
	}
	u.render(w, code, "alerts", p)
}

// sortIncidents orders list by severity (most severe first, then the
// oldest: it waited longest), age (oldest first), newest or spread (most
// outlets, then most articles).
func sortIncidents(list []*alerts.Alert, by string) {
	slices.SortStableFunc(list, func(x, y *alerts.Alert) int {
		switch by {
		case "age":
			return x.Created.Compare(y.Created)
		case "newest":
			return y.Created.Compare(x.Created)
		case "spread":
			if c := cmp.Compare(len(y.Sources), len(x.Sources)); c != 0 {
				return c
			}
			return cmp.Compare(y.ArticleCount, x.ArticleCount)
		}
		if c := severityRank(x.Severity) - severityRank(y.Severity); c != 0 {
			return c
		}
		return x.Created.Compare(y.Created)
	})
}

// pageURL is u at page n, or "" when n is out of 1..pages.
func pageURL(u *url.URL, n, pages int) string {
	if n < 1 || n > pages {
		return ""
	}
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	q.Del("partial")
	return u.Path + "?" + q.Encode()
}

// mayAct reports whether me may act on a: leads, admins and officers of
// no particular department everywhere; other officers on their
// departments' incidents.
func (u *UI) mayAct(me *web.Principal, a *alerts.Alert) bool {
	return me != nil && me.Role >= web.RoleOfficer && (me.AllDepartments() || alerts.InDepartments(a, me.Departments))
}
