package ui

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/confstore"
)

// Problem is one thing wrong with what an officer entered, shown at its
// field. Code picks the Vietnamese/English sentence (locale key
// "problem.<code>"); Detail is the validator's own words, shown second.
type Problem struct {
	Field     string
	Code      string
	Line, Col int
	Detail    string
}

// Problem codes.
const (
	ProblemInvalid   = "invalid"
	ProblemDuplicate = "duplicate"
	ProblemBlocked   = "blocked"
	ProblemParse     = "parse"
	ProblemExamples  = "examples"
	ProblemFetch     = "fetch"
)

// InputError is an edit refused for what was entered; nothing changed.
type InputError struct{ Problems []Problem }

func (e *InputError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Field + ": " + p.Detail)
	}
	return b.String()
}

// Origin says where a rule or source is defined.
const (
	OriginFile    = "file"
	OriginBuiltin = "builtin"
	OriginUI      = "ui"
)

// RuleDoc is a rule as the editor opens it.
type RuleDoc struct {
	ID, YAML, Query string
	Origin          string
	// Revision is the stored edit's KV revision (0: none yet); a save
	// names it so a concurrent edit is detected.
	Revision uint64
	History  []confstore.Record
}

// RuleSave is an officer's save of a rule.
type RuleSave struct {
	// ID is the rule edited; empty for a new rule (the YAML names it).
	ID, YAML, By, Note string
	Base               uint64
}

// RuleEditor edits the rules every process uses; Deps.Rules may
// implement it. Errors: *InputError, web.ErrNotFound,
// confstore.ErrConflict.
type RuleEditor interface {
	Rule(ctx context.Context, id string) (*RuleDoc, error)
	SaveRule(ctx context.Context, s RuleSave) (*RuleDoc, error)
	// CheckRule checks without saving and gives the rule's query.
	CheckRule(ctx context.Context, s RuleSave) (query string, err error)
	RollbackRule(ctx context.Context, id string, rev uint64, by string, base uint64) error
}

// SourceDoc is a source as the form opens it.
type SourceDoc struct {
	Source   config.Source
	Origin   string
	Revision uint64
	History  []confstore.Record
}

// SourceSave is an officer's save of a source; New refuses an ID in use.
type SourceSave struct {
	Source config.Source
	By     string
	Base   uint64
	New    bool
}

// SourcePreview is what a test fetch found.
type SourcePreview struct {
	Items                   int
	URL, Title, Lang, Start string
	Published               time.Time
	Partial                 bool
	PageError               string
}

// SourceEditor edits the sources every crawler polls; Deps.Sources may
// implement it. Errors as RuleEditor's.
type SourceEditor interface {
	Source(ctx context.Context, id string) (*SourceDoc, error)
	SaveSource(ctx context.Context, s SourceSave) error
	DeleteSource(ctx context.Context, id, by string, base uint64) error
	TestFetch(ctx context.Context, src config.Source) (*SourcePreview, error)
}

// formPage is an editing form as rendered: a new item or an edit of id,
// failed when it comes back with problems.
type formPage struct {
	tmpl, nav           string
	data                any
	isNew, failed       bool
	newTitle, editTitle string
	id                  string
}

func (u *UI) renderForm(w http.ResponseWriter, r *http.Request, code int, f formPage) {
	p := u.page(r, f.nav, f.data)
	p.Title = p.T(f.newTitle)
	if !f.isNew {
		p.Title = p.T(f.editTitle, f.id)
	}
	if f.failed {
		p.Error = p.T("form.has_problems")
	}
	u.render(w, code, f.tmpl, p)
}

// shownProblem is a problem as a page shows it: the sentence in the
// page's language, where, and the validator's words second.
type shownProblem struct {
	Msg, Where, Detail string
}

// Problems words the problems of one field for the page.
func (p *Page) Problems(list []Problem) []shownProblem {
	out := make([]shownProblem, 0, len(list))
	for _, pr := range list {
		sp := shownProblem{Msg: p.T("problem." + pr.Code), Detail: pr.Detail}
		switch {
		case pr.Line > 0 && pr.Col > 0:
			sp.Where = p.T("problem.line_col", pr.Line, pr.Col)
		case pr.Line > 0:
			sp.Where = p.T("problem.line", pr.Line)
		}
		out = append(out, sp)
	}
	return out
}
