package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/presswatch/presswatch/sourcehealth"
)

// SourceBoard shows sources with their health and resumes paused ones.
type SourceBoard interface {
	Sources(ctx context.Context) ([]sourcehealth.Status, error)
	Resume(ctx context.Context, id string) error
}

func (s *Server) listSources(w http.ResponseWriter, r *http.Request) {
	if s.opts.Sources == nil {
		writeError(w, http.StatusServiceUnavailable, "sources are not available in this process")
		return
	}
	list, err := s.opts.Sources.Sources(r.Context())
	if err != nil {
		s.log.Error("list sources failed", "err", err)
		writeError(w, http.StatusInternalServerError, "listing sources failed")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": list})
}

func (s *Server) resumeSource(w http.ResponseWriter, r *http.Request) {
	if s.opts.Sources == nil {
		writeError(w, http.StatusServiceUnavailable, "sources are not available in this process")
		return
	}
	id := r.PathValue("id")
	err := s.opts.Sources.Resume(r.Context(), id)
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("no source %q", id))
	case err != nil:
		s.log.Error("resume source failed", "source", id, "err", err)
		writeError(w, http.StatusInternalServerError, "resuming the source failed")
	default:
		s.log.Info("source resumed", "source", id, "by", caller(r))
		writeJSON(w, http.StatusOK, map[string]string{"id": id, "status": "resumed"})
	}
}
