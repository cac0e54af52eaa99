package web

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"time"
)

// ReportRequest asks for the report of a period: first and last day
// (YYYY-MM-DD, both empty for last week), language and format.
type ReportRequest struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Lang   string `json:"lang,omitempty"`
	Format string `json:"format,omitempty"`
}

// ReportFile is a rendered or archived report.
type ReportFile struct {
	Name        string
	ContentType string
	Data        []byte
}

// ReportEntry is one archived report file.
type ReportEntry struct {
	Name    string    `json:"name"` // what GET /api/v1/reports/files/{name} serves
	File    string    `json:"file"`
	From    string    `json:"from"` // first day, YYYY-MM-DD
	To      string    `json:"to"`   // last day
	Lang    string    `json:"lang"`
	Format  string    `json:"format"`
	Size    uint64    `json:"size"`
	Created time.Time `json:"created"`
	By      string    `json:"by"`
}

// ReportDesk builds, archives and serves reports. Errors in the request
// (a bad or future period, an unknown format, nothing to report) are
// BadInput; a missing archived file is ErrNotFound.
type ReportDesk interface {
	Render(ctx context.Context, req ReportRequest) (*ReportFile, error)
	Publish(ctx context.Context, req ReportRequest, by string) (any, error)
	Archived(ctx context.Context) ([]ReportEntry, error)
	File(ctx context.Context, name string) (*ReportFile, error)
}

// reportTimeout bounds building a report: a week of a busy province takes
// seconds (docs/PERFORMANCE.md).
const reportTimeout = 2 * time.Minute

func (s *Server) reportRoutes() {
	s.route("GET /api/v1/reports", RoleViewer, s.listReports)
	s.route("POST /api/v1/reports", RoleOfficer, s.publishReport)
	s.route("GET /api/v1/reports/render", RoleViewer, s.renderReport)
	s.route("GET /api/v1/reports/files/{name...}", RoleViewer, s.reportFile)
}

func (s *Server) reportDesk(w http.ResponseWriter) ReportDesk {
	if s.opts.Reports == nil {
		writeError(w, http.StatusServiceUnavailable, "reports are not available in this process")
	}
	return s.opts.Reports
}

// reportFailed answers a desk error.
func (s *Server) reportFailed(w http.ResponseWriter, what string, err error) {
	var in *inputError
	switch {
	case errors.As(err, &in):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusGatewayTimeout, what+" took too long")
	default:
		s.log.Error(what+" failed", "err", err)
		writeError(w, http.StatusInternalServerError, what+" failed")
	}
}

func (s *Server) listReports(w http.ResponseWriter, r *http.Request) {
	d := s.reportDesk(w)
	if d == nil {
		return
	}
	list, err := d.Archived(r.Context())
	if err != nil {
		s.reportFailed(w, "listing reports", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": list})
}

func (s *Server) publishReport(w http.ResponseWriter, r *http.Request) {
	d := s.reportDesk(w)
	if d == nil {
		return
	}
	var req ReportRequest
	if !decodeBody(w, r, &req, `{"from": "2026-11-30", "to": "2026-12-06", "lang": "vi"}`) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), reportTimeout)
	defer cancel()
	out, err := d.Publish(ctx, req, caller(r))
	if err != nil {
		s.reportFailed(w, "building the report", err)
		return
	}
	s.log.Info("report built", "from", req.From, "to", req.To, "by", caller(r))
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request) {
	d := s.reportDesk(w)
	if d == nil {
		return
	}
	q := r.URL.Query()
	ctx, cancel := context.WithTimeout(r.Context(), reportTimeout)
	defer cancel()
	f, err := d.Render(ctx, ReportRequest{From: q.Get("from"), To: q.Get("to"), Lang: q.Get("lang"), Format: q.Get("format")})
	if err != nil {
		s.reportFailed(w, "building the report", err)
		return
	}
	serveReport(w, r, f)
}

func (s *Server) reportFile(w http.ResponseWriter, r *http.Request) {
	d := s.reportDesk(w)
	if d == nil {
		return
	}
	f, err := d.File(r.Context(), r.PathValue("name"))
	if err != nil {
		s.reportFailed(w, "reading the report", err)
		return
	}
	serveReport(w, r, f)
}

// serveReport sends a report file as a download, or shown in the browser
// with ?inline=1. An HTML report keeps its inline styles, and nothing else
// may run.
func serveReport(w http.ResponseWriter, r *http.Request, f *ReportFile) {
	disposition := "attachment"
	if r.URL.Query().Get("inline") == "1" {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	w.Header().Set("Content-Length", fmt.Sprint(len(f.Data)))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(f.Data)
}
