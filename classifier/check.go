package classifier

import (
	"fmt"

	"github.com/presswatch/presswatch/article"
)

// ExampleFailure is a rule example that did not behave as written.
type ExampleFailure struct {
	Pos    Position
	RuleID string
	Text   string
	// WantMatch is what the example says: true for examples.match.
	WantMatch bool
}

func (f ExampleFailure) String() string {
	want := "should match but does not"
	if !f.WantMatch {
		want = "should not match but does"
	}
	return fmt.Sprintf("%s: rule %s: example %s: %q", f.Pos, f.RuleID, want, f.Text)
}

// CheckExamples runs every rule's examples (each text is both title and
// text of a test article) and returns the failures.
func (rs *Ruleset) CheckExamples() (checked int, failures []ExampleFailure) {
	for _, cr := range rs.rules {
		one := &Ruleset{Version: rs.Version, rules: []compiledRule{cr}, lists: rs.lists}
		one.index()
		run := func(text string, want bool) {
			checked++
			a := &article.Article{Text: text}
			got := len(one.Match(a)) > 0
			if got != want {
				failures = append(failures, ExampleFailure{Pos: Position{File: cr.rule.file, Line: cr.rule.line}, RuleID: cr.rule.ID, Text: text, WantMatch: want})
			}
		}
		for _, t := range cr.rule.Examples.Match {
			run(t, true)
		}
		for _, t := range cr.rule.Examples.NoMatch {
			run(t, false)
		}
	}
	return checked, failures
}

// RulesWithoutExamples lists enabled rules that have no example to match.
func (rs *Ruleset) RulesWithoutExamples() []string {
	var out []string
	for _, cr := range rs.rules {
		if len(cr.rule.Examples.Match) == 0 {
			out = append(out, cr.rule.ID)
		}
	}
	return out
}
