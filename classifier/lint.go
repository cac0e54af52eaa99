package classifier

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// Warning is something lint found in a legal rule set: a rule that can
// never match, a list entry that is ignored, a costly pattern.
type Warning struct {
	Pos    Position
	RuleID string // "" for a list
	Msg    string
}

func (w Warning) String() string {
	if w.RuleID == "" {
		return fmt.Sprintf("%s: %s", w.Pos, w.Msg)
	}
	return fmt.Sprintf("%s: rule %s: %s", w.Pos, w.RuleID, w.Msg)
}

// LintOptions give lint what the rules directory alone does not know.
type LintOptions struct {
	// Sources are the known source IDs; nil leaves source: and
	// scope.sources unchecked.
	Sources []string
}

// maxTerms is how many literal terms a rule may have before lint calls it
// expensive.
const maxTerms = 200

// langPattern is an ISO 639 code, the form the crawler records.
var langPattern = regexp.MustCompile(`^[a-z]{2,3}$`)

// Lint returns warnings about the enabled rules and the lists, in file
// order.
func (rs *Ruleset) Lint(o LintOptions) []Warning {
	var out []Warning
	for _, name := range sortedKeys(rs.lists) {
		out = append(out, rs.lintList(name)...)
	}
	for _, cr := range rs.rules {
		out = append(out, lintRule(cr, o)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return out
}

func (rs *Ruleset) lintList(name string) []Warning {
	pos := rs.listPos[name]
	entries := rs.lists[name]
	if len(entries) == 0 {
		return []Warning{{Pos: pos, Msg: fmt.Sprintf("list %s is empty: @%s matches nothing", name, name)}}
	}
	var out []Warning
	lines := rs.listEntryLines[name]
	for i, e := range entries {
		if len(textnorm.Tokenize(e)) > 0 {
			continue
		}
		p := pos
		if i+1 < len(lines) {
			p.Line = lines[i+1]
		}
		out = append(out, Warning{Pos: p, Msg: fmt.Sprintf("list %s: entry %q has no letters or digits and is skipped", name, e)})
	}
	return out
}

func lintRule(cr compiledRule, o LintOptions) []Warning {
	r := cr.rule
	rulePos := Position{File: r.file, Line: r.line}
	// at places a query column in the file; a query built from keywords
	// is located by its rule.
	at := func(col int) Position {
		if r.Query == "" || !r.queryAt.known() || col == 0 {
			return rulePos
		}
		line, c := r.queryAt.at(col)
		return Position{File: r.file, Line: line, Col: c}
	}
	var out []Warning
	warn := func(p Position, format string, a ...any) {
		out = append(out, Warning{Pos: p, RuleID: r.ID, Msg: fmt.Sprintf(format, a...)})
	}

	if why, col := never(cr.node, o); why != "" {
		warn(at(col), "can never match: %s", why)
	}
	tiers := article.Tiers()
	for _, t := range r.Scope.Tiers {
		if !slices.Contains(tiers, strings.ToLower(t)) {
			warn(rulePos, "scope.tiers: unknown tier %q (known: %s)", t, strings.Join(tiers, ", "))
		}
	}
	for _, l := range r.Scope.Langs {
		if !langPattern.MatchString(strings.ToLower(l)) {
			warn(rulePos, "scope.langs: %q is not a language code like vi or en", l)
		}
	}
	if o.Sources != nil {
		for _, s := range r.Scope.Sources {
			if !slices.ContainsFunc(o.Sources, func(k string) bool { return strings.EqualFold(k, s) }) {
				warn(rulePos, "scope.sources: no source %q", s)
			}
		}
	}
	if len(r.Scope.Tiers) > 0 && !slices.ContainsFunc(r.Scope.Tiers, func(t string) bool { return slices.Contains(tiers, strings.ToLower(t)) }) {
		warn(rulePos, "can never match: no tier of scope.tiers is known")
	}

	if len(r.Examples.Match) == 0 {
		warn(rulePos, "has no examples.match")
	}
	if !query.HasPositiveRequirement(cr.node) {
		warn(rulePos, "can match by what an article lacks (NOT …): it is evaluated on every article")
	}
	terms := query.Terms(cr.node)
	if len(terms) > maxTerms {
		warn(rulePos, "has %d terms (an OR this large is slow): consider a list or several rules", len(terms))
	}
	for _, t := range terms {
		if t.Prefix && len(t.Tokens) == 1 && len([]rune(t.Tokens[0])) <= query.MinPrefix {
			warn(at(t.Col), "prefix %s* is short and matches many words", t.Tokens[0])
		}
	}
	return out
}

// never reports why n can match no article ("" when it can), and the
// query column of the culprit (0 when none applies).
func never(n query.Node, o LintOptions) (string, int) {
	switch n := n.(type) {
	case *query.Term:
		return neverTerm(n, o), n.Col
	case *query.ListRef:
		if len(n.Terms) == 0 {
			return fmt.Sprintf("@%s has no entries with letters or digits", n.Name), n.Col
		}
	case *query.And:
		for _, c := range n.Children {
			if why, col := never(c, o); why != "" {
				return why, col
			}
		}
		return contradiction(n.Children)
	case *query.Or:
		var why string
		var col int
		for _, c := range n.Children {
			w, cl := never(c, o)
			if w == "" {
				return "", 0
			}
			if why == "" {
				why, col = w, cl
			}
		}
		return why, col
	case *query.Near:
		if why, col := never(n.Left, o); why != "" {
			return why, col
		}
		return never(n.Right, o)
	}
	return "", 0
}

// neverTerm: a keyword value no article can have.
func neverTerm(t *query.Term, o LintOptions) string {
	if len(t.Tokens) == 0 {
		return fmt.Sprintf("%q reduces to nothing once normalised", t.Raw)
	}
	if t.Prefix {
		return ""
	}
	switch t.Field {
	case query.FieldTier:
		if !slices.ContainsFunc(article.Tiers(), func(k string) bool { return query.KeywordForm(k, t.Exact) == t.Tokens[0] }) {
			return fmt.Sprintf("tier:%s is no source tier (known: %s)", t.Raw, strings.Join(article.Tiers(), ", "))
		}
	case query.FieldLang:
		if !langPattern.MatchString(t.Tokens[0]) {
			return fmt.Sprintf("lang:%s is not a language code like vi or en", t.Raw)
		}
	case query.FieldSource:
		if o.Sources != nil && !slices.ContainsFunc(o.Sources, func(k string) bool { return query.KeywordForm(k, t.Exact) == t.Tokens[0] }) {
			return fmt.Sprintf("source:%s is no known source", t.Raw)
		}
	}
	return ""
}

// singleValued are the keyword fields an article has one value of.
func singleValued() []string {
	return []string{query.FieldSource, query.FieldSite, query.FieldLang, query.FieldTier}
}

// contradiction finds operands of one AND that exclude each other: x and
// NOT x, or two different values of a field an article has one of.
func contradiction(children []query.Node) (string, int) {
	for _, c := range children {
		neg, ok := c.(*query.Not)
		if !ok {
			continue
		}
		for _, d := range children {
			if query.Equal(d, neg.Child) {
				return fmt.Sprintf("%s AND %s", d, c), colOf(d)
			}
		}
	}
	for _, a := range children {
		ta, ok := a.(*query.Term)
		if !ok || ta.Prefix || !slices.Contains(singleValued(), ta.Field) {
			continue
		}
		for _, b := range children {
			tb, ok := b.(*query.Term)
			if ok && !tb.Prefix && !tb.Exact && !ta.Exact && tb.Field == ta.Field && tb.Tokens[0] != ta.Tokens[0] {
				return fmt.Sprintf("%s AND %s: an article has one %s", ta, tb, ta.Field), tb.Col
			}
		}
	}
	return "", 0
}

func colOf(n query.Node) int {
	switch n := n.(type) {
	case *query.Term:
		return n.Col
	case *query.ListRef:
		return n.Col
	}
	return 0
}
