package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
)

// AlertStore lists alerts, moves them through their lifecycle and manages
// the notifications that failed for good.
type AlertStore interface {
	AlertLister
	Get(ctx context.Context, id string) (*alerts.Alert, error)
	Act(ctx context.Context, id string, a alerts.Action, in alerts.ActionInput, actor string) (*alerts.Alert, error)
	Dismissals(ctx context.Context, rule string) ([]*alerts.Dismissal, error)
	DeadLetters(ctx context.Context) ([]*alerts.DeadLetter, error)
	Replay(ctx context.Context, keys []string) ([]string, error)
	Snooze(ctx context.Context, silences alerts.SilenceCreator, id string, sn silence.Snooze, who string) (*silence.Silence, error)
}

// SilenceStore keeps silences.
type SilenceStore interface {
	List(ctx context.Context) ([]*silence.Silence, error)
	Create(ctx context.Context, s silence.Silence, now time.Time) (*silence.Silence, error)
	Expire(ctx context.Context, id, by string, now time.Time) (*silence.Silence, error)
}

// alertRoutes registers the alert, silence and dead-letter endpoints.
func (s *Server) alertRoutes() {
	s.route("GET /api/v1/alerts", RoleViewer, s.listAlerts)
	s.route("GET /api/v1/alerts/{id}", RoleViewer, s.getAlert)
	s.route("POST /api/v1/alerts/{id}/{action}", RoleOfficer, s.actOnAlert)
	s.route("POST /api/v1/alerts/{id}/snooze", RoleOfficer, s.snoozeAlert)
	s.route("GET /api/v1/alerts/dismissals", RoleViewer, s.listDismissals)
	s.route("GET /api/v1/alerts/dead-letters", RoleAdmin, s.listDeadLetters)
	s.route("POST /api/v1/alerts/dead-letters/replay", RoleAdmin, s.replayDeadLetters)
	s.route("GET /api/v1/silences", RoleViewer, s.listSilences)
	s.route("POST /api/v1/silences", RoleOfficer, s.createSilence)
	s.route("POST /api/v1/silences/{id}/expire", RoleOfficer, s.expireSilence)
}

func (s *Server) alertStore(w http.ResponseWriter) (AlertStore, bool) {
	st, ok := s.opts.Alerts.(AlertStore)
	if !ok || st == nil {
		writeError(w, http.StatusServiceUnavailable, "alert actions are not available in this process")
	}
	return st, ok && st != nil
}

// alertFailed answers an error from the alert store.
func (s *Server) alertFailed(w http.ResponseWriter, what string, err error) {
	var tr *alerts.TransitionError
	var in *alerts.InputError
	var sin *silence.InputError
	switch {
	case errors.Is(err, alerts.ErrNotFound), errors.Is(err, silence.ErrNotFound), errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.As(err, &tr):
		writeError(w, http.StatusConflict, tr.Error())
	case errors.As(err, &in):
		writeError(w, http.StatusBadRequest, in.Error())
	case errors.As(err, &sin):
		writeError(w, http.StatusBadRequest, sin.Error())
	default:
		s.log.Error(what+" failed", "err", err)
		writeError(w, http.StatusInternalServerError, what+" failed")
	}
}

func alertListOptions(r *http.Request) (alerts.ListOptions, error) {
	q := r.URL.Query()
	o := alerts.ListOptions{
		Status: alerts.Status(q.Get("status")), Severity: article.Severity(q.Get("severity")),
		Department: q.Get("department"), Label: q.Get("label"), Type: q.Get("type"),
	}
	if o.Status != "" && !o.Status.Valid() {
		return o, fmt.Errorf("status: unknown value %q (want new, acknowledged, assigned, responded, closed or dismissed)", o.Status)
	}
	if !o.Severity.Valid() {
		return o, fmt.Errorf("severity: unknown value %q", o.Severity)
	}
	var err error
	if o.Since, err = timeParam(q.Get("since"), false); err != nil {
		return o, fmt.Errorf("since: %w", err)
	}
	if o.Until, err = timeParam(q.Get("until"), true); err != nil {
		return o, fmt.Errorf("until: %w", err)
	}
	if o.Limit, err = intParam(q.Get("limit"), 100, 1, 1000); err != nil {
		return o, fmt.Errorf("limit: %w", err)
	}
	return o, nil
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) {
	o, err := alertListOptions(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	list, err := s.opts.Alerts.List(r.Context(), o)
	if err != nil {
		s.log.Error("list alerts failed", "err", err)
		writeError(w, http.StatusInternalServerError, "listing alerts failed")
		return
	}
	out := make([]*alerts.Alert, len(list))
	for i, al := range list {
		out[i] = al.Outward()
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(out), "alerts": out})
}

func (s *Server) getAlert(w http.ResponseWriter, r *http.Request) {
	st, ok := s.alertStore(w)
	if !ok {
		return
	}
	al, err := st.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.alertFailed(w, "reading the alert", err)
		return
	}
	// The official responses published on the alert's story: the answer
	// the office is looking for. Without them the alert is still worth
	// showing, so a search failure is logged, not returned.
	responses, err := OfficialResponses(r.Context(), s.opts.Search, al.StoryID)
	if err != nil {
		s.log.Warn("alert: official responses", "alert", al.ID, "err", err)
	}
	writeJSON(w, http.StatusOK, alertView{Alert: al.Outward(), OfficialResponses: responses})
}

// alertView is an alert as the API shows it: the stored record plus the
// official responses on its story.
type alertView struct {
	*alerts.Alert
	OfficialResponses []indexer.Hit `json:"official_responses,omitempty"`
}

func (s *Server) actOnAlert(w http.ResponseWriter, r *http.Request) {
	st, ok := s.alertStore(w)
	if !ok {
		return
	}
	act, known := alerts.ParseAction(r.PathValue("action"))
	if !known {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no action %q (want ack, assign, respond, close or dismiss)", r.PathValue("action")))
		return
	}
	var in alerts.ActionInput
	if r.ContentLength != 0 {
		if !decodeBody(w, r, &in, `{"assignee": "…", "link": "https://…", "note": "…", "reason": "…"}`) {
			return
		}
	}
	if !s.mayActOn(w, r, st) {
		return
	}
	al, err := st.Act(r.Context(), r.PathValue("id"), act, in, caller(r))
	if err != nil {
		s.alertFailed(w, "the alert action", err)
		return
	}
	s.log.Info("alert action", "alert", al.ID, "action", act, "status", al.Status, "by", caller(r))
	writeJSON(w, http.StatusOK, al.Outward())
}

func (s *Server) listDismissals(w http.ResponseWriter, r *http.Request) {
	st, ok := s.alertStore(w)
	if !ok {
		return
	}
	list, err := st.Dismissals(r.Context(), r.URL.Query().Get("rule"))
	if err != nil {
		s.alertFailed(w, "listing dismissals", err)
		return
	}
	if list == nil {
		list = []*alerts.Dismissal{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(list), "dismissals": list})
}

func (s *Server) listDeadLetters(w http.ResponseWriter, r *http.Request) {
	st, ok := s.alertStore(w)
	if !ok {
		return
	}
	list, err := st.DeadLetters(r.Context())
	if err != nil {
		s.alertFailed(w, "listing dead letters", err)
		return
	}
	if list == nil {
		list = []*alerts.DeadLetter{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(list), "dead_letters": list})
}

func (s *Server) replayDeadLetters(w http.ResponseWriter, r *http.Request) {
	st, ok := s.alertStore(w)
	if !ok {
		return
	}
	var body struct {
		Keys []string `json:"keys"`
	}
	if r.ContentLength != 0 && !decodeBody(w, r, &body, `{"keys": ["receiver.group/1", …]} (no keys: replay all)`) {
		return
	}
	done, err := st.Replay(r.Context(), body.Keys)
	if err != nil {
		s.alertFailed(w, "replaying dead letters", err)
		return
	}
	if done == nil {
		done = []string{}
	}
	s.log.Info("dead letters replayed", "count", len(done), "by", caller(r))
	writeJSON(w, http.StatusOK, map[string]any{"replayed": done})
}

func (s *Server) silenceStore(w http.ResponseWriter) (SilenceStore, bool) {
	if s.opts.Silences == nil {
		writeError(w, http.StatusServiceUnavailable, "silences are not available in this process")
		return nil, false
	}
	return s.opts.Silences, true
}

func (s *Server) listSilences(w http.ResponseWriter, r *http.Request) {
	st, ok := s.silenceStore(w)
	if !ok {
		return
	}
	list, err := st.List(r.Context())
	if err != nil {
		s.alertFailed(w, "listing silences", err)
		return
	}
	if list == nil {
		list = []*silence.Silence{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(list), "silences": list})
}

func (s *Server) createSilence(w http.ResponseWriter, r *http.Request) {
	st, ok := s.silenceStore(w)
	if !ok {
		return
	}
	var body struct {
		Matchers []string  `json:"matchers"`
		Starts   time.Time `json:"starts"`
		Ends     time.Time `json:"ends"`
		Duration string    `json:"duration"`
		Comment  string    `json:"comment"`
	}
	if !decodeBody(w, r, &body, `{"matchers": ["department=so-y-te"], "duration": "2h" or "ends": "2026-…", "comment": "…"}`) {
		return
	}
	now := time.Now().UTC()
	if body.Duration != "" {
		if !body.Ends.IsZero() {
			writeError(w, http.StatusBadRequest, "give ends or duration, not both")
			return
		}
		d, err := time.ParseDuration(body.Duration)
		if err != nil || d <= 0 || d > 90*24*time.Hour {
			writeError(w, http.StatusBadRequest, "duration: want a positive duration up to 2160h, such as 2h or 90m")
			return
		}
		start := body.Starts
		if start.IsZero() {
			start = now
		}
		body.Ends = start.Add(d)
	}
	sl, err := st.Create(r.Context(), silence.Silence{
		Matchers: body.Matchers, Starts: body.Starts, Ends: body.Ends, CreatedBy: caller(r), Comment: strings.TrimSpace(body.Comment),
	}, now)
	if err != nil {
		s.alertFailed(w, "creating the silence", err)
		return
	}
	s.log.Info("silence created", "silence", sl.ID, "matchers", sl.Matchers, "ends", sl.Ends, "by", caller(r))
	writeJSON(w, http.StatusCreated, sl)
}

func (s *Server) expireSilence(w http.ResponseWriter, r *http.Request) {
	st, ok := s.silenceStore(w)
	if !ok {
		return
	}
	sl, err := st.Expire(r.Context(), r.PathValue("id"), caller(r), time.Now().UTC())
	if err != nil {
		s.alertFailed(w, "expiring the silence", err)
		return
	}
	s.log.Info("silence expired", "silence", sl.ID, "by", caller(r))
	writeJSON(w, http.StatusOK, sl)
}

// snoozeAlert silences an incident's story, one of its rules or one of
// its outlets for some hours, with a reason, noting it in its history.
func (s *Server) snoozeAlert(w http.ResponseWriter, r *http.Request) {
	st, ok := s.alertStore(w)
	if !ok {
		return
	}
	sils, ok := s.silenceStore(w)
	if !ok {
		return
	}
	if !s.mayActOn(w, r, st) {
		return
	}
	var sn silence.Snooze
	if !decodeBody(w, r, &sn, `{"scope": "story" | "rule" | "source", "value": "<rule or source, for those scopes>", "hours": 4, "reason": "…"}`) {
		return
	}
	sl, err := st.Snooze(r.Context(), sils, r.PathValue("id"), sn, caller(r))
	if err != nil {
		s.alertFailed(w, "snoozing the incident", err)
		return
	}
	s.log.Info("incident snoozed", "alert", r.PathValue("id"), "silence", sl.ID, "matchers", sl.Matchers, "ends", sl.Ends, "by", caller(r))
	writeJSON(w, http.StatusCreated, sl)
}

// mayActOn refuses (403) an officer acting on an incident of a department
// not on their account; leads, admins and callers of no particular
// department act on all.
func (s *Server) mayActOn(w http.ResponseWriter, r *http.Request, st AlertStore) bool {
	p := PrincipalOf(r)
	if p.AllDepartments() {
		return true
	}
	al, err := st.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.alertFailed(w, "the alert action", err)
		return false
	}
	if !alerts.InDepartments(al, p.Departments) {
		writeError(w, http.StatusForbidden, fmt.Sprintf("alert %s belongs to %s, not to your departments (%s)", al.ID, strings.Join(al.Departments, ", "), strings.Join(p.Departments, ", ")))
		return false
	}
	return true
}
