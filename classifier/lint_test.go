package classifier

import (
	"fmt"
	"strings"
	"testing"
)

func TestLintFindsRulesThatCanNeverMatch(t *testing.T) {
	rs := compileOne(t, map[string]string{"r.yaml": `lists:
  province: [Điện Biên]
  nothing: []
  marks:
    - "!!!"
    - lũ
rules:
  - {id: self-not, query: 'lũ AND NOT lũ'}
  - {id: phrase-not, query: '"lũ quét" AND NOT "lũ quét" AND @province'}
  - {id: two-langs, query: 'lang:vi AND lang:en AND lũ'}
  - {id: bad-tier, query: 'tier:blog AND lũ'}
  - {id: empty-list, query: '@nothing AND lũ'}
  - {id: all-empty, query: '@nothing OR tier:blog'}
  - id: scope
    query: lũ
    scope: {tiers: [blogs], langs: [vietnamese], sources: [nope]}
  - {id: unknown-source, query: 'source:nope AND lũ'}
  - {id: fine, query: '(lũ OR bão) AND @province AND NOT lang:en AND tier:local'}
`})
	got := map[string][]string{}
	for _, w := range lintSansExamples(rs, LintOptions{Sources: []string{"bao-dien-bien"}}) {
		got[w.RuleID] = append(got[w.RuleID], w.String())
	}
	want := map[string][]string{
		"":               {`r.yaml:3: list nothing is empty: @nothing matches nothing`, `r.yaml:5: list marks: entry "!!!" has no letters or digits and is skipped`},
		"self-not":       {`r.yaml:8:28: rule self-not: can never match: lũ AND NOT lũ`},
		"phrase-not":     {`r.yaml:9:30: rule phrase-not: can never match: "lũ quét" AND NOT "lũ quét"`},
		"two-langs":      {`r.yaml:10:41: rule two-langs: can never match: lang:vi AND lang:en: an article has one lang`},
		"bad-tier":       {`r.yaml:11:28: rule bad-tier: can never match: tier:blog is no source tier (known: official, central, local, foreign, social)`},
		"empty-list":     {`r.yaml:12:30: rule empty-list: can never match: @nothing has no entries with letters or digits`},
		"all-empty":      {`r.yaml:13:29: rule all-empty: can never match: @nothing has no entries with letters or digits`},
		"unknown-source": {`r.yaml:17:34: rule unknown-source: can never match: source:nope is no known source`},
		"scope": {
			`r.yaml:14: rule scope: scope.tiers: unknown tier "blogs" (known: official, central, local, foreign, social)`,
			`r.yaml:14: rule scope: scope.langs: "vietnamese" is not a language code like vi or en`,
			`r.yaml:14: rule scope: scope.sources: no source "nope"`,
			`r.yaml:14: rule scope: can never match: no tier of scope.tiers is known`,
		},
	}
	for id, w := range want {
		if strings.Join(got[id], "\n") != strings.Join(w, "\n") {
			t.Errorf("rule %q:\n got %q\nwant %q", id, got[id], w)
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("unexpected warnings for %q: %q", id, got[id])
		}
	}
	// Without source IDs, source: is not judged.
	for _, w := range lintSansExamples(rs, LintOptions{}) {
		if w.RuleID == "unknown-source" || strings.Contains(w.Msg, "scope.sources") {
			t.Errorf("sources checked without a sources list: %s", w)
		}
	}
}

func TestLintFindsCostlyRules(t *testing.T) {
	var or []string
	for i := range 250 {
		or = append(or, fmt.Sprintf("w%d", i))
	}
	rs := compileOne(t, map[string]string{"r.yaml": "rules:\n  - {id: huge, query: '" + strings.Join(or, " OR ") + "'}\n  - {id: neg, query: 'NOT lũ'}\n  - {id: short, query: 'abc* AND lũ'}\n"})
	var got []string
	for _, w := range lintSansExamples(rs, LintOptions{}) {
		got = append(got, w.String())
	}
	want := []string{
		"r.yaml:2: rule huge: has 250 terms (an OR this large is slow): consider a list or several rules",
		"r.yaml:3: rule neg: can match by what an article lacks (NOT …): it is evaluated on every article",
		"r.yaml:4:25: rule short: prefix abc* is short and matches many words",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTheExampleRulesLintClean(t *testing.T) {
	for _, w := range exampleRules(t).Lint(LintOptions{}) {
		t.Error(w)
	}
}

// lintSansExamples leaves out the warnings about missing examples, which
// the rules written for these tests all have.
func lintSansExamples(rs *Ruleset, o LintOptions) []Warning {
	var out []Warning
	for _, w := range rs.Lint(o) {
		if w.Msg != "has no examples.match" {
			out = append(out, w)
		}
	}
	return out
}
