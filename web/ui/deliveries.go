package ui

import (
	"context"
	"net/http"

	"github.com/presswatch/presswatch/alerts"
)

// DeadLetterStore lists the notifications that failed for good and
// queues them again; Deps.AlertStore may implement it.
type DeadLetterStore interface {
	DeadLetters(ctx context.Context) ([]*alerts.DeadLetter, error)
	Replay(ctx context.Context, keys []string) ([]string, error)
}

type deliveriesData struct {
	Letters []*alerts.DeadLetter
}

// deliveries lists failed notifications with their error, so that an
// officer can fix the cause (an address, a token) and retry.
func (u *UI) deliveries(w http.ResponseWriter, r *http.Request) {
	d := &deliveriesData{}
	p := u.page(r, "deliveries", d)
	p.Title = p.T("deliveries.title")
	st, ok := u.d.AlertStore.(DeadLetterStore)
	if !ok {
		p.Error = p.T("error.unavailable")
		u.render(w, http.StatusServiceUnavailable, "deliveries", p)
		return
	}
	list, err := st.DeadLetters(r.Context())
	if err != nil {
		u.log.Error("failed deliveries page", "err", err)
		p.Error = p.T("error.unavailable")
		u.render(w, http.StatusServiceUnavailable, "deliveries", p)
		return
	}
	d.Letters = list
	u.render(w, http.StatusOK, "deliveries", p)
}

func (u *UI) retryDeliveries(w http.ResponseWriter, r *http.Request) {
	st, ok := u.d.AlertStore.(DeadLetterStore)
	if !ok {
		u.errorPage(w, r, http.StatusServiceUnavailable, u.page(r, "deliveries", nil).T("error.unavailable"))
		return
	}
	if err := r.ParseForm(); err != nil {
		u.errorPage(w, r, http.StatusBadRequest, u.page(r, "deliveries", nil).T("error.400"))
		return
	}
	// No key ticked is "retry all", as in the API.
	keys := r.PostForm["key"]
	done, err := st.Replay(r.Context(), keys)
	if err != nil {
		u.editFailed(w, r, "deliveries", err)
		return
	}
	for _, k := range done {
		u.audit(r, "", "delivery.retry", k, "")
	}
	redirect(w, r, "/deliveries", "flash.retried")
}
