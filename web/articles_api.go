package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/classifier/story"
)

// LinkSubmitter queues a link an officer submits and returns its article ID.
type LinkSubmitter interface {
	Submit(ctx context.Context, rawURL, submittedBy string) (id string, err error)
}

// MisleadingMarker records that an article is misleading, with the link to
// the official rebuttal, so copies elsewhere are flagged.
type MisleadingMarker interface {
	MarkMisleading(ctx context.Context, id, rebuttalURL, by string) (story.Case, error)
}

func (s *Server) submitArticle(w http.ResponseWriter, r *http.Request) {
	if s.opts.Submit == nil {
		writeError(w, http.StatusServiceUnavailable, "manual submission is not available in this process")
		return
	}
	var body struct {
		URL string `json:"url"`
	}
	if !decodeBody(w, r, &body, `{"url": "https://…"}`) {
		return
	}
	if body.URL == "" {
		writeError(w, http.StatusBadRequest, `body: "url" is required`)
		return
	}
	id, err := s.opts.Submit.Submit(r.Context(), body.URL, caller(r))
	if err != nil {
		var bad *inputError
		if errors.As(err, &bad) {
			writeError(w, http.StatusBadRequest, "url: "+err.Error())
			return
		}
		s.log.Error("submit link failed", "err", err)
		writeError(w, http.StatusInternalServerError, "queueing the link failed")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": id, "url": body.URL, "status": "queued"})
}

func (s *Server) markMisleading(w http.ResponseWriter, r *http.Request) {
	if s.opts.Misleading == nil {
		writeError(w, http.StatusServiceUnavailable, "marking articles needs the classifier and indexer roles in this process")
		return
	}
	var body struct {
		RebuttalURL string `json:"rebuttal_url"`
	}
	if !decodeBody(w, r, &body, `{"rebuttal_url": "https://…"}`) {
		return
	}
	if !article.IsWebURL(body.RebuttalURL) {
		writeError(w, http.StatusBadRequest, "rebuttal_url: must be the http(s) link to the official information")
		return
	}
	c, err := s.opts.Misleading.MarkMisleading(r.Context(), r.PathValue("id"), body.RebuttalURL, caller(r))
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "no such article")
	case err != nil:
		s.log.Error("mark misleading failed", "err", err)
		writeError(w, http.StatusInternalServerError, "marking the article failed")
	default:
		s.log.Info("article marked misleading", "article", r.PathValue("id"), "by", caller(r))
		writeJSON(w, http.StatusOK, c)
	}
}
