package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/presswatch/presswatch/savedsearch"
	"github.com/presswatch/presswatch/web"
)

// savedPanel is the search page's "saved searches" part.
type savedPanel struct {
	// List is the signed-in user's searches, by name.
	List      []savedItem
	Receivers []savedsearch.Receiver
	// Query and Filters are the search on screen, which the save form
	// saves; Back is the page's parameters, to return to.
	Query, Filters, Back string
	// Form is the form that failed, shown again with its message at
	// the field.
	Form savedForm
	// Failed says the list could not be read.
	Failed bool
}

type savedItem struct {
	savedsearch.Search
	// Run is the search page's link that runs it.
	Run string
}

// savedForm is a saved-search form sent back with a problem: For is
// "new" or the search's ID, Field the input at fault.
type savedForm struct {
	For, Field, Msg, Detail string
	Name, To, Receiver      string
}

// Error is the message for field of the form for, if it is that form.
func (f savedForm) Error(form, field string) string {
	if f.For == form && f.Field == field {
		return f.Msg
	}
	return ""
}

// queryProblems are the query language's commonest errors, said in the
// user's language; others show the parser's words beside the sentence.
var queryProblems = map[string]string{
	"unbalanced (":                     "saved.qerr.open",
	"unbalanced )":                     "saved.qerr.close",
	"expected a term":                  "saved.qerr.term",
	"empty parentheses":                "saved.qerr.empty_parens",
	"empty phrase":                     "saved.qerr.empty_phrase",
	"&& is not an operator: write AND": "saved.qerr.and",
	"|| is not an operator: write OR":  "saved.qerr.or",
}

func (u *UI) savedPanel(ctx context.Context, p *Page, q url.Values, form *savedForm) *savedPanel {
	if u.d.Saved == nil || p.User == nil {
		return nil
	}
	back := cloneValues(q)
	back.Del("cursor")
	back.Del("start")
	back.Del("flash")
	sp := &savedPanel{Receivers: u.d.Saved.Receivers(), Query: strings.TrimSpace(q.Get("q")), Filters: savedsearch.FiltersOf(q), Back: back.Encode()}
	if form != nil {
		sp.Form = *form
	}
	list, err := u.d.Saved.List(ctx, p.User.Name)
	if err != nil {
		u.log.Error("saved searches", "err", err)
		sp.Failed = true
	}
	for _, s := range list {
		sp.List = append(sp.List, savedItem{Search: s, Run: "/search?" + s.Params().Encode()})
	}
	return sp
}

// savedBack is the search page a saved-search form came from.
func savedBack(r *http.Request) url.Values {
	v, err := url.ParseQuery(r.PostFormValue("back"))
	if err != nil {
		return url.Values{}
	}
	return v
}

// savedDone returns to the search page with a notice, or shows it again
// with the problem at the field.
func (u *UI) savedDone(w http.ResponseWriter, r *http.Request, back url.Values, form savedForm, flash string, err error) {
	var fe *savedsearch.FieldError
	switch {
	case err == nil:
		redirect(w, r, localPath("/search?"+back.Encode()), flash)
	case errors.As(err, &fe):
		p := u.page(r, "search", nil)
		form.Field, form.Msg = fe.Field, p.T("saved.err."+fe.Code)
		if fe.Code == savedsearch.CodeQueryInvalid {
			detail := fe.Detail
			if key, ok := queryProblems[fe.Detail]; ok {
				detail = p.T(key)
			}
			form.Msg = p.T("saved.err.query_invalid", fe.Col, detail)
		}
		if fe.Field == "query" && form.For == "new" {
			// The query is the search box's: say it there too.
			form.Field = "q"
		}
		u.searchPage(w, r, back, &form)
	case errors.Is(err, savedsearch.ErrNotFound):
		u.errorPage(w, r, http.StatusNotFound, u.page(r, "", nil).T("saved.not_found"))
	case errors.Is(err, savedsearch.ErrConflict):
		redirect(w, r, localPath("/search?"+back.Encode()), "flash.conflict")
	default:
		u.log.Error("saved search", "err", err)
		u.errorPage(w, r, http.StatusInternalServerError, u.page(r, "", nil).T("error.unavailable"))
	}
}

func (u *UI) savedStore(w http.ResponseWriter, r *http.Request) web.SavedSearches {
	if u.d.Saved == nil {
		u.errorPage(w, r, http.StatusServiceUnavailable, u.page(r, "", nil).T("saved.unavailable"))
	}
	return u.d.Saved
}

func (u *UI) createSaved(w http.ResponseWriter, r *http.Request) {
	st := u.savedStore(w, r)
	if st == nil {
		return
	}
	back := savedBack(r)
	p := web.PrincipalOf(r)
	name := r.PostFormValue("name")
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	s, err := st.Create(ctx, savedsearch.Search{Owner: p.Name, Name: name, Query: back.Get("q"), Filters: savedsearch.FiltersOf(back), Lang: u.page(r, "", nil).Lang})
	if err == nil {
		back = s.Params()
	}
	u.savedDone(w, r, back, savedForm{For: "new", Name: name}, "saved.created", err)
}

func (u *UI) renameSaved(w http.ResponseWriter, r *http.Request) {
	st := u.savedStore(w, r)
	if st == nil {
		return
	}
	id, name := r.PathValue("id"), r.PostFormValue("name")
	_, err := st.Rename(r.Context(), web.PrincipalOf(r).Name, id, name)
	u.savedDone(w, r, savedBack(r), savedForm{For: id, Name: name}, "saved.renamed", err)
}

func (u *UI) deleteSaved(w http.ResponseWriter, r *http.Request) {
	st := u.savedStore(w, r)
	if st == nil {
		return
	}
	err := st.Delete(r.Context(), web.PrincipalOf(r).Name, r.PathValue("id"))
	u.savedDone(w, r, savedBack(r), savedForm{}, "saved.deleted", err)
}

func (u *UI) subscribeSaved(w http.ResponseWriter, r *http.Request) {
	st := u.savedStore(w, r)
	if st == nil {
		return
	}
	id := r.PathValue("id")
	var sub *savedsearch.Subscription
	flash := "saved.unsubscribed"
	if r.PostFormValue("stop") == "" {
		sub = &savedsearch.Subscription{Receiver: r.PostFormValue("receiver"), To: r.PostFormValue("to")}
		flash = "saved.subscribed"
	}
	_, err := st.Subscribe(r.Context(), web.PrincipalOf(r).Name, id, sub)
	u.savedDone(w, r, savedBack(r), savedForm{For: id, To: r.PostFormValue("to"), Receiver: r.PostFormValue("receiver")}, flash, err)
}
