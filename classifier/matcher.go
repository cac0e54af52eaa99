package classifier

import (
	"slices"
	"strings"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/textnorm"
)

// term is a keyword as a sequence of folded tokens.
type term struct {
	raw    string
	tokens []string
}

func newTerm(raw string) (term, bool) {
	toks := textnorm.Tokenize(raw)
	if len(toks) == 0 {
		return term{}, false
	}
	t := term{raw: raw, tokens: make([]string, len(toks))}
	for i, tk := range toks {
		t.tokens[i] = tk.Text
	}
	return t, true
}

type compiledRule struct {
	rule    Rule
	any     []term
	require []term
}

// termRef points at one term of one rule.
type termRef struct {
	rule    int
	require bool
	term    int
}

// Ruleset is an immutable compiled set of rules, safe for concurrent use.
type Ruleset struct {
	// Version identifies the rule files' content; every classification
	// records it.
	Version string
	rules   []compiledRule
	// byFirst indexes terms by their first token, so that a document is
	// scanned once and only the rules whose terms start there are tried.
	byFirst map[string][]termRef
	lists   map[string][]string
}

// List returns a named term list, for @name in search queries.
func (rs *Ruleset) List(name string) ([]string, bool) {
	l, ok := rs.lists[name]
	return l, ok
}

func (rs *Ruleset) index() {
	rs.byFirst = map[string][]termRef{}
	for ri, r := range rs.rules {
		for ti, t := range r.any {
			rs.byFirst[t.tokens[0]] = append(rs.byFirst[t.tokens[0]], termRef{rule: ri, term: ti})
		}
		for ti, t := range r.require {
			rs.byFirst[t.tokens[0]] = append(rs.byFirst[t.tokens[0]], termRef{rule: ri, require: true, term: ti})
		}
	}
}

// Len is the number of enabled rules.
func (rs *Ruleset) Len() int { return len(rs.rules) }

type hit struct {
	field      string
	start, end int
}

type ruleHits struct {
	any, require []hit
	anyTerms     []string
}

// Match returns the matches of every rule on a, in rule order.
func (rs *Ruleset) Match(a *article.Article) []article.Match {
	found := map[int]*ruleHits{}
	scan := func(field, s string) {
		toks := textnorm.Tokenize(s)
		for i, tk := range toks {
			for _, ref := range rs.byFirst[tk.Text] {
				cr := rs.rules[ref.rule]
				t := cr.any
				if ref.require {
					t = cr.require
				}
				tm := t[ref.term]
				if !matchesAt(toks, i, tm.tokens) {
					continue
				}
				h := hit{field: field, start: tk.Start, end: toks[i+len(tm.tokens)-1].End}
				rh := found[ref.rule]
				if rh == nil {
					rh = &ruleHits{}
					found[ref.rule] = rh
				}
				if ref.require {
					rh.require = append(rh.require, h)
				} else {
					rh.any = append(rh.any, h)
					if !slices.Contains(rh.anyTerms, tm.raw) {
						rh.anyTerms = append(rh.anyTerms, tm.raw)
					}
				}
			}
		}
	}
	scan("title", a.Title)
	scan("text", a.Text)

	var out []article.Match
	for ri, cr := range rs.rules {
		rh := found[ri]
		if rh == nil || len(rh.any) == 0 || (len(cr.require) > 0 && len(rh.require) == 0) {
			continue
		}
		m := article.Match{
			RuleID:     cr.rule.ID,
			Title:      ruleTitle(cr.rule),
			Labels:     cr.rule.Labels,
			Severity:   cr.rule.Severity,
			Department: cr.rule.Department,
			Terms:      rh.anyTerms,
		}
		for _, h := range append(rh.any, rh.require...) {
			m.Offsets = append(m.Offsets, article.Span{Field: h.field, Start: h.start, End: h.end})
		}
		out = append(out, m)
	}
	return out
}

func matchesAt(toks []textnorm.Token, i int, want []string) bool {
	if i+len(want) > len(toks) {
		return false
	}
	for j, w := range want {
		if toks[i+j].Text != w {
			return false
		}
	}
	return true
}

// ruleTitle prefers the Vietnamese title, the office's working language.
func ruleTitle(r Rule) string {
	for _, l := range []string{"vi", "en"} {
		if t := r.Title[l]; t != "" {
			return t
		}
	}
	return r.ID
}

// Apply fills a's classifier fields from the rule set.
func (rs *Ruleset) Apply(a *article.Article) {
	a.Matches = rs.Match(a)
	a.Labels = nil
	a.Severity = article.SeverityNone
	for _, m := range a.Matches {
		for _, l := range m.Labels {
			if !slices.Contains(a.Labels, l) {
				a.Labels = append(a.Labels, l)
			}
		}
		if m.Severity.Rank() > a.Severity.Rank() {
			a.Severity = m.Severity
		}
	}
	slices.SortFunc(a.Labels, strings.Compare)
	a.RulesetVersion = rs.Version
}
