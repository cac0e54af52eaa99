package classifier

import (
	"fmt"
	"slices"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/textnorm"
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

// CheckExamples runs every rule's examples (each text is the text of a
// test article) through the whole rule set, signals included, so that a
// rule testing another rule's label is checked as it will run, and
// returns the failures. A rule matches an example when it would flag it:
// in an official response its match is context only and does not count.
func (rs *Ruleset) CheckExamples() (checked int, failures []ExampleFailure) {
	for _, cr := range rs.rules {
		run := func(text string, want bool) {
			checked++
			a := &article.Article{Text: text, Lang: ExampleLang(text)}
			got := slices.ContainsFunc(rs.Match(a), func(m article.Match) bool { return m.RuleID == cr.rule.ID && !m.Signal })
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

// ExampleLang guesses the language of a rule example, which has no
// article around it to say, so that English and French examples are
// stemmed as articles in those languages are: "en" or "fr" when the text
// is written without Vietnamese marks and holds more of that language's
// commonest words than of the other's; otherwise "vi" (marked) or "".
func ExampleLang(text string) string {
	toks := textnorm.Tokenize(text)
	if !textnorm.Toneless(text, toks) {
		return "vi"
	}
	en, fr := 0, 0
	for _, t := range toks {
		switch t.Text {
		case "the", "of", "and", "in", "to", "is", "are", "was", "were", "for", "on", "with", "by", "at", "from", "an", "a":
			en++
		case "le", "la", "les", "des", "de", "du", "dans", "une", "un", "et", "est", "sont", "au", "aux", "sur", "pour", "par":
			fr++
		}
	}
	switch {
	case en > fr:
		return "en"
	case fr > en:
		return "fr"
	}
	return ""
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

// RuleQuery returns an enabled rule's query in canonical syntax (lists by
// name), for previews against the search index.
func (rs *Ruleset) RuleQuery(id string) (string, bool) {
	for _, cr := range rs.rules {
		if cr.rule.ID == id {
			return cr.node.String(), true
		}
	}
	return "", false
}

// RuleScope returns an enabled rule's scope, for previews that must count
// only the articles the rule applies to.
func (rs *Ruleset) RuleScope(id string) (Scope, bool) {
	for _, cr := range rs.rules {
		if cr.rule.ID == id {
			return cr.rule.Scope, true
		}
	}
	return Scope{}, false
}
