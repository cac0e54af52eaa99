package ui

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/web"
)

// reportSet is one archived report: its period and language, with a file
// per format.
type reportSet struct {
	From, To, Lang string
	Created        time.Time
	By             string
	Files          []web.ReportEntry
}

type reportsData struct {
	Sets []reportSet
	// Form defaults: last week; Max is today (no future days).
	From, To, Max string
	Failed        bool
}

// fileURL is where an archived file downloads.
func fileURL(e web.ReportEntry) string {
	return "/api/v1/reports/files/" + (&url.URL{Path: e.Name}).EscapedPath()
}

func (u *UI) reportsPage(w http.ResponseWriter, r *http.Request, code int, errMsg string) {
	now := u.d.Now().In(vietnam)
	last := report.LastWeek(now, vietnam)
	d := &reportsData{From: last.From.Format(time.DateOnly), To: last.Last().Format(time.DateOnly), Max: now.Format(time.DateOnly)}
	p := u.page(r, "reports", d)
	p.Title = p.T("reports.title")
	p.Error = errMsg
	if u.d.Reports == nil {
		d.Failed = true
		u.render(w, code, "reports", p)
		return
	}
	list, err := u.d.Reports.Archived(r.Context())
	if err != nil {
		u.log.Error("reports page", "err", err)
		d.Failed = true
	}
	for _, e := range list {
		n := len(d.Sets)
		if n == 0 || d.Sets[n-1].From != e.From || d.Sets[n-1].To != e.To || d.Sets[n-1].Lang != e.Lang {
			d.Sets = append(d.Sets, reportSet{From: e.From, To: e.To, Lang: e.Lang, Created: e.Created, By: e.By})
			n++
		}
		d.Sets[n-1].Files = append(d.Sets[n-1].Files, e)
	}
	u.render(w, code, "reports", p)
}

func (u *UI) reports(w http.ResponseWriter, r *http.Request) { u.reportsPage(w, r, http.StatusOK, "") }

// buildReport builds, archives and lists the report of the chosen period.
func (u *UI) buildReport(w http.ResponseWriter, r *http.Request) {
	if u.d.Reports == nil {
		u.errorPage(w, r, http.StatusServiceUnavailable, u.page(r, "", nil).T("error.unavailable"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	lang := r.PostFormValue("lang")
	if lang != "en" {
		lang = "vi"
	}
	_, err := u.d.Reports.Publish(ctx, web.ReportRequest{From: r.PostFormValue("from"), To: r.PostFormValue("to"), Lang: lang}, web.PrincipalOf(r).Name)
	switch {
	case err == nil:
		redirect(w, r, "/reports", "reports.built")
	case web.IsBadInput(err):
		u.reportsPage(w, r, http.StatusBadRequest, err.Error())
	default:
		u.log.Error("build report", "err", err)
		u.reportsPage(w, r, http.StatusInternalServerError, u.page(r, "", nil).T("reports.failed"))
	}
}
