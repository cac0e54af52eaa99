package ui

import (
	"context"
	"errors"
	"net/http"

	"github.com/presswatch/presswatch/sourcehealth"
	"github.com/presswatch/presswatch/web"
)

type sourcesData struct {
	Rows     []sourcehealth.Status
	CanPause bool
}

// SourcePauser pauses a source by hand; Deps.Sources may implement it.
type SourcePauser interface {
	Pause(ctx context.Context, id, by, reason string) error
}

func (u *UI) sources(w http.ResponseWriter, r *http.Request) {
	d := &sourcesData{}
	_, d.CanPause = u.d.Sources.(SourcePauser)
	p := u.page(r, "sources", d)
	p.Title = p.T("sources.title")
	if u.d.Sources == nil {
		p.Error = p.T("error.no_sources")
		u.render(w, http.StatusServiceUnavailable, "sources", p)
		return
	}
	list, err := u.d.Sources.Sources(r.Context())
	if err != nil {
		u.log.Error("sources page", "err", err)
		p.Error = p.T("error.unavailable")
		u.render(w, http.StatusServiceUnavailable, "sources", p)
		return
	}
	d.Rows = list
	u.render(w, http.StatusOK, "sources", p)
}

func (u *UI) resumeSource(w http.ResponseWriter, r *http.Request) {
	p := u.page(r, "sources", nil)
	if u.d.Sources == nil {
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.no_sources"))
		return
	}
	id := r.PathValue("id")
	err := u.d.Sources.Resume(r.Context(), id)
	switch {
	case errors.Is(err, web.ErrNotFound):
		u.errorPage(w, r, http.StatusNotFound, p.T("sources.not_found"))
		return
	case err != nil:
		u.log.Error("resume source", "source", id, "err", err)
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.unavailable"))
		return
	}
	u.audit(r, "", "source.resume", id, "")
	redirect(w, r, "/sources", "flash.resumed")
}

func (u *UI) pauseSource(w http.ResponseWriter, r *http.Request) {
	p := u.page(r, "sources", nil)
	pauser, ok := u.d.Sources.(SourcePauser)
	if !ok {
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.no_sources"))
		return
	}
	id, reason := r.PathValue("id"), r.PostFormValue("reason")
	err := pauser.Pause(r.Context(), id, principal(r).Name, reason)
	switch {
	case errors.Is(err, web.ErrNotFound):
		u.errorPage(w, r, http.StatusNotFound, p.T("sources.not_found"))
		return
	case err != nil:
		u.log.Error("pause source", "source", id, "err", err)
		u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.unavailable"))
		return
	}
	u.audit(r, "", "source.pause", id, reason)
	redirect(w, r, "/sources", "flash.paused")
}
