package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/confstore"
	"github.com/presswatch/presswatch/indexer"
)

// ruleForm is the rule editor: the rule's YAML as typed, its problems at
// their line and column, a preview over recent articles, the history.
type ruleForm struct {
	ID, YAML, Note string
	New            bool
	Base           uint64
	Origin         string
	Problems       map[string][]Problem
	Conflict       bool
	Since          string
	Query          string
	Preview        *indexer.SearchResult
	PreviewError   string
	History        []confstore.Record
}

func (f *ruleForm) add(probs ...Problem) {
	f.Problems["yaml"] = append(f.Problems["yaml"], probs...)
}

// Has reports problems with the YAML.
func (f *ruleForm) Has(field string) bool { return len(f.Problems[field]) > 0 }

// newRuleTemplate starts a new rule with every required key.
const newRuleTemplate = `id: 
title: {vi: "", en: ""}
query: ''
severity: medium
labels: []
examples:
  match: []
  no_match: []
`

func (u *UI) ruleEditor(w http.ResponseWriter, r *http.Request) (RuleEditor, bool) {
	ed, ok := u.d.Rules.(RuleEditor)
	if !ok {
		u.errorPage(w, r, http.StatusServiceUnavailable, u.page(r, "rules", nil).T("error.no_rules"))
	}
	return ed, ok
}

func (u *UI) renderRuleForm(w http.ResponseWriter, r *http.Request, code int, f *ruleForm) {
	u.renderForm(w, r, code, formPage{tmpl: "rule_form", nav: "rules", data: f, isNew: f.New, newTitle: "rules.new_rule",
		editTitle: "rules.edit", id: f.ID, failed: len(f.Problems) > 0 || f.Conflict})
}

func (u *UI) newRule(w http.ResponseWriter, r *http.Request) {
	if _, ok := u.ruleEditor(w, r); !ok {
		return
	}
	u.renderRuleForm(w, r, http.StatusOK, &ruleForm{New: true, YAML: newRuleTemplate, Since: "7d", Problems: map[string][]Problem{}})
}

func (u *UI) editRule(w http.ResponseWriter, r *http.Request) {
	ed, ok := u.ruleEditor(w, r)
	if !ok {
		return
	}
	doc, err := ed.Rule(r.Context(), r.PathValue("id"))
	if err != nil {
		u.editFailed(w, r, "rules", err)
		return
	}
	f := &ruleForm{ID: doc.ID, YAML: doc.YAML, Base: doc.Revision, Origin: doc.Origin, Query: doc.Query,
		History: doc.History, Since: "7d", Problems: map[string][]Problem{}}
	u.renderRuleForm(w, r, http.StatusOK, f)
}

// saveRule previews or saves the posted rule. Saving checks it as `rules
// check` does and runs its examples first; on any problem the editor
// comes back as typed and the live rules are unchanged.
func (u *UI) saveRule(w http.ResponseWriter, r *http.Request) {
	ed, ok := u.ruleEditor(w, r)
	if !ok {
		return
	}
	f := &ruleForm{ID: r.PostFormValue("id"), YAML: r.PostFormValue("yaml"), Note: strings.TrimSpace(r.PostFormValue("note")),
		New: r.PostFormValue("new") == "1", Since: r.PostFormValue("since"), Problems: map[string][]Problem{}}
	if _, ok := sinceChoices[f.Since]; !ok {
		f.Since = "7d"
	}
	f.Base, _ = strconv.ParseUint(r.PostFormValue("base"), 10, 64)
	save := RuleSave{ID: f.ID, YAML: f.YAML, By: principal(r).Name, Note: f.Note, Base: f.Base}
	if f.New {
		save.ID = ""
	}
	if r.PostFormValue("action") == "preview" {
		q, err := ed.CheckRule(r.Context(), save)
		if err = formError(err, f.add, &f.Conflict); err != nil {
			u.editFailed(w, r, "rules", err)
			return
		}
		if q != "" {
			f.Query = q
			u.previewRule(r.Context(), f)
		}
		u.renderRuleForm(w, r, u.formCode(len(f.Problems) > 0, false), f)
		return
	}
	doc, err := ed.SaveRule(r.Context(), save)
	if err = formError(err, f.add, &f.Conflict); err != nil {
		u.editFailed(w, r, "rules", err)
		return
	}
	if len(f.Problems) > 0 || f.Conflict {
		u.renderRuleForm(w, r, u.formCode(len(f.Problems) > 0, f.Conflict), f)
		return
	}
	u.audit(r, "", "rule.save", doc.ID, f.Note)
	redirect(w, r, "/rules/"+url.PathEscape(doc.ID)+"/edit", "flash.rule_saved")
}

func (u *UI) formCode(problems, conflict bool) int {
	switch {
	case conflict:
		return http.StatusConflict
	case problems:
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// previewRule runs the rule's query over the recent articles (a
// backtest): the index and the classifier share the query language.
func (u *UI) previewRule(ctx context.Context, f *ruleForm) {
	if u.d.Search == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := u.d.Search.Search(ctx, indexer.SearchRequest{Q: f.Query, From: u.d.Now().Add(-sinceChoices[f.Since]), Limit: 10, Sort: "newest"})
	switch {
	case errors.Is(err, indexer.ErrBadQuery):
		f.PreviewError = err.Error()
	case err != nil:
		u.log.Error("rule preview", "err", err)
		f.PreviewError = "unavailable"
	default:
		f.Preview = res
	}
}

func (u *UI) rollbackRule(w http.ResponseWriter, r *http.Request) {
	ed, ok := u.ruleEditor(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	rev, err1 := strconv.ParseUint(r.PostFormValue("rev"), 10, 64)
	base, err2 := strconv.ParseUint(r.PostFormValue("base"), 10, 64)
	if err1 != nil || err2 != nil {
		u.errorPage(w, r, http.StatusBadRequest, u.page(r, "rules", nil).T("error.400"))
		return
	}
	err := ed.RollbackRule(r.Context(), id, rev, principal(r).Name, base)
	var in *InputError
	switch {
	case errors.Is(err, confstore.ErrConflict):
		redirect(w, r, "/rules/"+url.PathEscape(id)+"/edit", "flash.conflict")
		return
	case errors.As(err, &in):
		redirect(w, r, "/rules/"+url.PathEscape(id)+"/edit", "flash.rollback_refused")
		return
	case err != nil:
		u.editFailed(w, r, "rules", err)
		return
	}
	u.audit(r, "", "rule.rollback", id, strconv.FormatUint(rev, 10))
	redirect(w, r, "/rules/"+url.PathEscape(id)+"/edit", "flash.rule_rolled_back")
}
