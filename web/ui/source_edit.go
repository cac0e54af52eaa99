package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/confstore"
	"github.com/presswatch/presswatch/web"
)

// sourceForm is the add/edit form of a source, as typed.
type sourceForm struct {
	S                                  config.Source
	New                                bool
	Base                               uint64
	Origin                             string
	Interval, Depth                    string
	Include, Exclude, Queries, Regions string
	Kinds, Tiers                       []string
	Problems                           map[string][]Problem
	Conflict                           bool
	Preview                            *SourcePreview
	History                            []confstore.Record
}

func newSourceForm(s config.Source) *sourceForm {
	f := &sourceForm{S: s, Kinds: config.SourceKinds(), Tiers: config.SourceTiers(), Problems: map[string][]Problem{}}
	if s.Interval > 0 {
		f.Interval = s.Interval.String()
	}
	if s.Depth > 0 {
		f.Depth = strconv.Itoa(s.Depth)
	}
	f.Include, f.Exclude = strings.Join(s.Include, "\n"), strings.Join(s.Exclude, "\n")
	f.Queries, f.Regions = strings.Join(s.Queries, "\n"), strings.Join(s.Regions, ", ")
	return f
}

// Enabled reports whether the form's source is on.
func (f *sourceForm) Enabled() bool { return f.S.IsEnabled() }

// Has reports problems at field (for aria-invalid).
func (f *sourceForm) Has(field string) bool { return len(f.Problems[field]) > 0 }

func (f *sourceForm) add(probs ...Problem) {
	for _, p := range probs {
		field := p.Field
		if i := strings.IndexByte(field, '['); i > 0 {
			field = field[:i] // include[1] is shown at include
		}
		f.Problems[field] = append(f.Problems[field], p)
	}
}

func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(strings.ReplaceAll(s, ",", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// readSourceForm reads the posted form; values that do not parse are
// problems at their field.
func readSourceForm(r *http.Request) *sourceForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := newSourceForm(config.Source{ID: v("id"), Name: v("name"), Kind: v("kind"), URL: v("url"), Tier: v("tier"), Lang: v("lang"), ArticlePattern: v("article_pattern")})
	f.New = r.PostFormValue("new") == "1"
	f.Base, _ = strconv.ParseUint(r.PostFormValue("base"), 10, 64)
	f.Interval, f.Depth = v("interval"), v("depth")
	f.Include, f.Exclude, f.Queries, f.Regions = r.PostFormValue("include"), r.PostFormValue("exclude"), r.PostFormValue("queries"), v("regions")
	f.S.Include, f.S.Exclude = nonEmptyLines(f.Include), nonEmptyLines(f.Exclude)
	f.S.Queries, f.S.Regions = nonEmptyLines(f.Queries), lines(f.Regions)
	if r.PostFormValue("enabled") != "1" {
		off := false
		f.S.Enabled = &off
	}
	if f.Interval != "" {
		d, err := config.ParseDuration(f.Interval)
		if err != nil {
			f.add(Problem{Field: "interval", Code: ProblemInvalid, Detail: err.Error()})
		}
		f.S.Interval = d
	}
	if f.Depth != "" {
		n, err := strconv.Atoi(f.Depth)
		if err != nil {
			f.add(Problem{Field: "depth", Code: ProblemInvalid, Detail: err.Error()})
		}
		f.S.Depth = n
	}
	return f
}

// nonEmptyLines keeps regular expressions and queries whole (commas are
// part of them), one a line.
func nonEmptyLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (u *UI) sourceEditor(w http.ResponseWriter, r *http.Request) (SourceEditor, bool) {
	ed, ok := u.d.Sources.(SourceEditor)
	if !ok {
		u.errorPage(w, r, http.StatusServiceUnavailable, u.page(r, "sources", nil).T("error.no_sources"))
	}
	return ed, ok
}

func (u *UI) renderSourceForm(w http.ResponseWriter, r *http.Request, code int, f *sourceForm) {
	u.renderForm(w, r, code, formPage{tmpl: "source_form", nav: "sources", data: f, isNew: f.New, newTitle: "sources.add",
		editTitle: "sources.edit", id: f.S.ID, failed: len(f.Problems) > 0 || f.Conflict})
}

func (u *UI) newSource(w http.ResponseWriter, r *http.Request) {
	if _, ok := u.sourceEditor(w, r); !ok {
		return
	}
	f := newSourceForm(config.Source{Kind: "feed"})
	f.New = true
	u.renderSourceForm(w, r, http.StatusOK, f)
}

func (u *UI) editSource(w http.ResponseWriter, r *http.Request) {
	ed, ok := u.sourceEditor(w, r)
	if !ok {
		return
	}
	doc, err := ed.Source(r.Context(), r.PathValue("id"))
	if err != nil {
		u.editFailed(w, r, "sources", err)
		return
	}
	f := newSourceForm(doc.Source)
	f.Base, f.Origin, f.History = doc.Revision, doc.Origin, doc.History
	u.renderSourceForm(w, r, http.StatusOK, f)
}

// saveSource tests or saves the posted source; on any problem the form
// comes back as typed with the problems at their fields, and nothing is
// stored.
func (u *UI) saveSource(w http.ResponseWriter, r *http.Request) {
	ed, ok := u.sourceEditor(w, r)
	if !ok {
		return
	}
	f := readSourceForm(r)
	if len(f.Problems) > 0 {
		u.renderSourceForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	var err error
	if r.PostFormValue("action") == "test" {
		f.Preview, err = ed.TestFetch(r.Context(), f.S)
	} else {
		err = ed.SaveSource(r.Context(), SourceSave{Source: f.S, By: principal(r).Name, Base: f.Base, New: f.New})
	}
	if err = formError(err, f.add, &f.Conflict); err != nil {
		u.editFailed(w, r, "sources", err)
		return
	}
	switch {
	case f.Conflict:
		u.renderSourceForm(w, r, http.StatusConflict, f)
		return
	case len(f.Problems) > 0:
		u.renderSourceForm(w, r, http.StatusUnprocessableEntity, f)
		return
	case f.Preview != nil:
		u.renderSourceForm(w, r, http.StatusOK, f)
		return
	}
	verb := "source.edit"
	if f.New {
		verb = "source.add"
	}
	u.audit(r, "", verb, f.S.ID, f.S.URL)
	redirect(w, r, "/sources", "flash.source_saved")
}

// formError sorts an editor's error: problems go to their fields and a
// concurrent edit sets conflict, for the form to show again; anything
// else is returned.
func formError(err error, add func(...Problem), conflict *bool) error {
	var in *InputError
	switch {
	case errors.As(err, &in):
		add(in.Problems...)
		return nil
	case errors.Is(err, confstore.ErrConflict):
		*conflict = true
		return nil
	}
	return err
}

// editFailed answers an editor error that is not the form's.
func (u *UI) editFailed(w http.ResponseWriter, r *http.Request, nav string, err error) {
	p := u.page(r, nav, nil)
	if errors.Is(err, web.ErrNotFound) {
		u.errorPage(w, r, http.StatusNotFound, p.T("error.not_found_item"))
		return
	}
	u.log.Error("editing", "path", r.URL.Path, "err", err)
	u.errorPage(w, r, http.StatusServiceUnavailable, p.T("error.unavailable"))
}

func (u *UI) deleteSource(w http.ResponseWriter, r *http.Request) {
	ed, ok := u.sourceEditor(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	base, _ := strconv.ParseUint(r.PostFormValue("base"), 10, 64)
	err := ed.DeleteSource(r.Context(), id, principal(r).Name, base)
	if errors.Is(err, confstore.ErrConflict) {
		redirect(w, r, "/sources/"+id+"/edit", "flash.conflict")
		return
	}
	if err != nil {
		u.editFailed(w, r, "sources", err)
		return
	}
	u.audit(r, "", "source.delete", id, "")
	redirect(w, r, "/sources", "flash.source_deleted")
}
