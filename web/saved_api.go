package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/presswatch/presswatch/savedsearch"
)

// SavedSearches keeps each account's saved searches and their digest
// subscriptions. Every call but List of everyone's and SendDigests names
// the owner: a search is seen and changed by its owner only. Input the
// user can fix is a *savedsearch.FieldError; someone else's search is
// savedsearch.ErrNotFound.
type SavedSearches interface {
	List(ctx context.Context, owner string) ([]savedsearch.Search, error)
	Create(ctx context.Context, s savedsearch.Search) (savedsearch.Search, error)
	Rename(ctx context.Context, owner, id, name string) (savedsearch.Search, error)
	Subscribe(ctx context.Context, owner, id string, sub *savedsearch.Subscription) (savedsearch.Search, error)
	Delete(ctx context.Context, owner, id string) error
	// Receivers are what a subscription may choose.
	Receivers() []savedsearch.Receiver
	// SendDigests sends every subscribed search's digest now (what the
	// daily schedule does) and returns how many went out.
	SendDigests(ctx context.Context) (int, error)
}

// savedSearchBody is what creating or renaming a saved search sends.
type savedSearchBody struct {
	Name    string `json:"name"`
	Query   string `json:"query"`
	Filters string `json:"filters,omitempty"`
}

type subscriptionBody struct {
	Receiver string `json:"receiver"`
	To       string `json:"to,omitempty"`
}

// savedRoutes: viewers may save and subscribe their own searches (a
// saved search changes nothing anyone else sees); sending the digests
// now is an administrator's.
func (s *Server) savedRoutes() {
	s.route("GET /api/v1/saved-searches", RoleViewer, s.listSaved)
	s.route("POST /api/v1/saved-searches", RoleViewer, s.createSaved)
	s.route("POST /api/v1/saved-searches/digest", RoleAdmin, s.sendDigests)
	s.route("POST /api/v1/saved-searches/{id}", RoleViewer, s.renameSaved)
	s.route("DELETE /api/v1/saved-searches/{id}", RoleViewer, s.deleteSaved)
	s.route("PUT /api/v1/saved-searches/{id}/subscription", RoleViewer, s.subscribeSaved)
	s.route("DELETE /api/v1/saved-searches/{id}/subscription", RoleViewer, s.subscribeSaved)
}

func (s *Server) saved(w http.ResponseWriter) SavedSearches {
	if s.opts.Saved == nil {
		writeError(w, http.StatusServiceUnavailable, "saved searches are not available in this process")
	}
	return s.opts.Saved
}

// savedFailed answers a saved-search error: the field at fault, or 404.
func (s *Server) savedFailed(w http.ResponseWriter, err error) {
	var fe *savedsearch.FieldError
	switch {
	case errors.As(err, &fe):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fe.Error(), "field": fe.Field, "code": fe.Code, "detail": fe.Detail})
	case errors.Is(err, savedsearch.ErrNotFound):
		writeError(w, http.StatusNotFound, "no such saved search")
	case errors.Is(err, savedsearch.ErrConflict):
		writeError(w, http.StatusConflict, err.Error())
	default:
		s.log.Error("saved search", "err", err)
		writeError(w, http.StatusInternalServerError, "saved searches failed")
	}
}

func (s *Server) listSaved(w http.ResponseWriter, r *http.Request) {
	st := s.saved(w)
	if st == nil {
		return
	}
	list, err := st.List(r.Context(), PrincipalOf(r).Name)
	if err != nil {
		s.savedFailed(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"searches": append([]savedsearch.Search{}, list...), "receivers": append([]savedsearch.Receiver{}, st.Receivers()...)})
}

func (s *Server) createSaved(w http.ResponseWriter, r *http.Request) {
	st := s.saved(w)
	var body savedSearchBody
	if st == nil || !decodeBody(w, r, &body, `{"name": "...", "query": "...", "filters": "tier=local"}`) {
		return
	}
	p := PrincipalOf(r)
	out, err := st.Create(r.Context(), savedsearch.Search{Owner: p.Name, Name: body.Name, Query: body.Query, Filters: body.Filters, Lang: p.Lang})
	if err != nil {
		s.savedFailed(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) renameSaved(w http.ResponseWriter, r *http.Request) {
	st := s.saved(w)
	var body savedSearchBody
	if st == nil || !decodeBody(w, r, &body, `{"name": "..."}`) {
		return
	}
	out, err := st.Rename(r.Context(), PrincipalOf(r).Name, r.PathValue("id"), body.Name)
	if err != nil {
		s.savedFailed(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteSaved(w http.ResponseWriter, r *http.Request) {
	st := s.saved(w)
	if st == nil {
		return
	}
	if err := st.Delete(r.Context(), PrincipalOf(r).Name, r.PathValue("id")); err != nil {
		s.savedFailed(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) subscribeSaved(w http.ResponseWriter, r *http.Request) {
	st := s.saved(w)
	if st == nil {
		return
	}
	var sub *savedsearch.Subscription
	if r.Method == http.MethodPut {
		var body subscriptionBody
		if !decodeBody(w, r, &body, `{"receiver": "email", "to": "canbo@example.gov.vn"}`) {
			return
		}
		sub = &savedsearch.Subscription{Receiver: body.Receiver, To: body.To}
	}
	out, err := st.Subscribe(r.Context(), PrincipalOf(r).Name, r.PathValue("id"), sub)
	if err != nil {
		s.savedFailed(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) sendDigests(w http.ResponseWriter, r *http.Request) {
	st := s.saved(w)
	if st == nil {
		return
	}
	n, err := st.SendDigests(r.Context())
	if err != nil {
		s.log.Error("saved search digests", "err", err)
		writeJSON(w, http.StatusBadGateway, map[string]any{"sent": n, "error": "some digests were not sent; see the log"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sent": n})
}
