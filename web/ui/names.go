package ui

import (
	"cmp"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/names"
)

// Department is a department as a page offers it: its ID and its name in
// the page's language.
type Department struct {
	ID, Name string
}

// deptList are the configured departments named in lang.
func (u *UI) deptList(lang string) []Department {
	out := make([]Department, len(u.d.Departments))
	for i, d := range u.d.Departments {
		out[i] = Department{ID: d.ID, Name: d.In(lang)}
	}
	return out
}

func (u *UI) deptName(lang, id string) string { return u.d.Departments.Name(id, lang) }

func (u *UI) deptNames(lang string, ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = u.deptName(lang, id)
	}
	return strings.Join(out, ", ")
}

// assigneeName shows an assignee: a department by name, a person by
// account name.
func (u *UI) assigneeName(lang, a string) string {
	if d, ok := strings.CutPrefix(a, alerts.DeptAssignee); ok {
		return u.deptName(lang, d)
	}
	return a
}

// sourceNames looks the configured sources up once per page, and only if
// the page shows a source: ID -> name (the ID itself for a source without
// a name). Empty when the list cannot be read.
func (u *UI) sourceNames(ctx context.Context) func() map[string]string {
	return sync.OnceValue(func() map[string]string {
		m := map[string]string{}
		if u.d.Sources == nil {
			return m
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		list, err := u.d.Sources.Sources(ctx)
		if err != nil {
			u.log.Warn("source names: sources shown by ID", "err", err)
			return m
		}
		for _, s := range list {
			m[s.ID] = cmp.Or(s.Name, s.ID)
		}
		return m
	})
}

// Label names a label in the page's language (a rule's own label shows
// as written).
func (p *Page) Label(slug string) string { return names.Label(slug, p.Lang) }

// Language names a language code ("vi": "Tiếng Việt").
func (p *Page) Language(code string) string { return names.Language(code, p.Lang) }

// Labels names several labels, comma-separated.
func (p *Page) Labels(slugs []string) string {
	out := make([]string, len(slugs))
	for i, l := range slugs {
		out[i] = p.Label(l)
	}
	return strings.Join(out, ", ")
}

// Dept names a department in the page's language.
func (p *Page) Dept(id string) string { return p.depts.Name(id, p.Lang) }

// Source names a source; its ID when it has no name.
func (p *Page) Source(id string) string {
	if p.srcNames != nil {
		if n := p.srcNames()[id]; n != "" {
			return n
		}
	}
	return id
}

// Sources names several sources, comma-separated.
func (p *Page) Sources(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p.Source(id)
	}
	return strings.Join(out, ", ")
}
