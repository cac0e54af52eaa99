package classifier

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Edit is a rule edited in the web UI: the YAML of one rule (what a rules
// file lists under rules:, without the leading "- "), or, when Deleted,
// the removal of the rule with that ID.
type Edit struct {
	ID      string
	YAML    string
	Deleted bool
}

// EditFile is the name rule positions of an edit carry ("ui:flood:3:12"),
// so that errors say it is the stored edit, not a file, at fault.
func EditFile(id string) string { return "ui:" + id }

// applyEdits lays edits over rules in order of ID.
func applyEdits(rules []Rule, edits []Edit) ([]Rule, []error) {
	var errs []error
	for _, e := range sortedEdits(edits) {
		rules = slices.DeleteFunc(rules, func(r Rule) bool { return r.ID == e.ID })
		if e.Deleted {
			continue
		}
		r, rerrs := ParseEdit(e.ID, e.YAML)
		if len(rerrs) > 0 {
			errs = append(errs, rerrs...)
			continue
		}
		rules = append(rules, r)
	}
	return rules, errs
}

// sortedEdits is edits in order of ID, the order they apply in.
func sortedEdits(edits []Edit) []Edit {
	edits = slices.Clone(edits)
	slices.SortFunc(edits, func(a, b Edit) int { return strings.Compare(a.ID, b.ID) })
	return edits
}

// ParseEdit decodes the YAML of one rule as strictly as a rules file,
// with positions in the edit's own lines and columns. The rule's id must
// be id (an empty id takes the one written).
func ParseEdit(id, text string) (Rule, []error) {
	name := EditFile(id)
	if strings.TrimSpace(text) == "" {
		return Rule{}, []error{&Error{Pos: Position{File: name, Line: 1}, Msg: "the rule is empty"}}
	}
	// Parsed as the one item of a rules file: two columns of indent and
	// one line of "rules:" in front, taken off the positions again.
	var b strings.Builder
	b.WriteString("rules:\n")
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if i == 0 {
			b.WriteString("- ")
		} else {
			b.WriteString("  ")
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	f, errs := parseFile(name, []byte(b.String()))
	for _, err := range errs {
		var pe *Error
		if errors.As(err, &pe) {
			pe.Pos = unshift(pe.Pos)
		}
	}
	if len(errs) > 0 {
		return Rule{}, errs
	}
	if len(f.Rules) != 1 {
		return Rule{}, []error{&Error{Pos: Position{File: name, Line: 1}, Msg: "write one rule (a mapping with id, query, severity, ...)"}}
	}
	r := f.Rules[0]
	r.line = max(1, r.line-1)
	r.queryAt = r.queryAt.shifted(-1, -2)
	if id != "" && r.ID != id {
		return Rule{}, []error{&Error{Pos: Position{File: name, Line: 1}, Msg: fmt.Sprintf("the rule's id is %q; an edit keeps its id (%q): create a new rule to rename", r.ID, id)}}
	}
	return r, nil
}

func unshift(p Position) Position {
	if p.Line > 1 {
		p.Line--
	}
	if p.Col > 2 {
		p.Col -= 2
	}
	return p
}

// RuleIDOf reads the id a rule's YAML gives, for a new rule before it has
// one in the store.
func RuleIDOf(text string) (string, error) {
	r, errs := ParseEdit("", text)
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	return r.ID, nil
}

// editableRule is Rule as an editor shows it: only what is set.
type editableRule struct {
	ID         string            `yaml:"id"`
	Title      map[string]string `yaml:"title,omitempty"`
	Keywords   []string          `yaml:"keywords,omitempty"`
	Require    []string          `yaml:"require,omitempty"`
	Query      string            `yaml:"query,omitempty"`
	Labels     []string          `yaml:"labels,omitempty"`
	Severity   string            `yaml:"severity,omitempty"`
	Department string            `yaml:"department,omitempty"`
	Enabled    *bool             `yaml:"enabled,omitempty"`
	Scope      Scope             `yaml:"scope,omitempty"`
	Examples   Examples          `yaml:"examples,omitempty"`
	Rebuttal   string            `yaml:"rebuttal,omitempty"`
}

// RuleYAML returns the rule's YAML as the editor starts from it, and the
// file it came from (EditFile(id) for an edit).
func (rs *Ruleset) RuleYAML(id string) (text, file string, ok bool) {
	for _, cr := range rs.rules {
		r := cr.rule
		if r.ID != id {
			continue
		}
		e := editableRule{ID: r.ID, Title: r.Title, Keywords: r.Keywords, Require: r.Require, Query: r.Query,
			Labels: r.Labels, Severity: string(r.Severity), Department: r.Department, Enabled: r.Enabled,
			Scope: r.Scope, Examples: r.Examples, Rebuttal: r.Rebuttal}
		var b strings.Builder
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(e); err != nil {
			return "", "", false
		}
		return b.String(), r.file, true
	}
	return "", "", false
}

// File is the rules file the rule came from (EditFile(id) for an edit).
func (r Rule) File() string { return r.file }
