package classifier

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/classifier/query"
	"github.com/presswatch/presswatch/textnorm"
)

type compiledRule struct {
	rule Rule
	node query.Node
}

// Ruleset is an immutable compiled set of rules, safe for concurrent use.
type Ruleset struct {
	// Version identifies the rule files' content; every classification
	// records it.
	Version string
	rules   []compiledRule
	lists   map[string][]string

	// The presearcher: a rule can only match a document holding one of
	// its positive literal terms, so rules are indexed by the first folded
	// token of each such term (byToken), or by the first three characters
	// of a prefix term (byPrefix). Rules that can match by what a document
	// lacks (NOT x) or by keyword fields only are always evaluated.
	byToken  map[string][]int
	byPrefix map[string][]int
	always   []int
}

// prefixKeyLen is how many characters of a prefix term key the presearcher
// (the query language's minimum prefix).
const prefixKeyLen = query.MinPrefix

// List returns a named term list, for @name in search queries.
func (rs *Ruleset) List(name string) ([]string, bool) {
	l, ok := rs.lists[name]
	return l, ok
}

// Len is the number of enabled rules.
func (rs *Ruleset) Len() int { return len(rs.rules) }

func (rs *Ruleset) index() {
	rs.byToken, rs.byPrefix = map[string][]int{}, map[string][]int{}
	for i, r := range rs.rules {
		if !query.HasPositiveRequirement(r.node) {
			rs.always = append(rs.always, i)
			continue
		}
		keyed := false
		for _, t := range query.Terms(r.node) {
			if query.IsKeywordField(t.Field) {
				continue
			}
			toks := textnorm.Tokenize(t.Raw)
			if len(toks) == 0 {
				continue
			}
			first := toks[0].Text
			if t.Prefix && len(toks) == 1 {
				rs.byPrefix[prefixKey(first)] = appendOnce(rs.byPrefix[prefixKey(first)], i)
			} else {
				rs.byToken[first] = appendOnce(rs.byToken[first], i)
			}
			keyed = true
		}
		if !keyed {
			rs.always = append(rs.always, i)
		}
	}
}

func appendOnce(s []int, i int) []int {
	if len(s) > 0 && s[len(s)-1] == i {
		return s
	}
	return append(s, i)
}

func prefixKey(tok string) string {
	n := 0
	for i := range tok {
		if n == prefixKeyLen {
			return tok[:i]
		}
		n++
	}
	return tok
}

// candidates returns the rules worth evaluating on the tokens, in rule
// order.
func (rs *Ruleset) candidates(tokens []textnorm.Token) []int {
	seen := make(map[int]bool, 16)
	out := slices.Clone(rs.always)
	for _, i := range out {
		seen[i] = true
	}
	add := func(ids []int) {
		for _, i := range ids {
			if !seen[i] {
				seen[i] = true
				out = append(out, i)
			}
		}
	}
	for _, tk := range tokens {
		add(rs.byToken[tk.Text])
		if len(rs.byPrefix) > 0 && utf8.RuneCountInString(tk.Text) >= prefixKeyLen {
			add(rs.byPrefix[prefixKey(tk.Text)])
		}
	}
	slices.Sort(out)
	return out
}

// Candidates reports how many rules the presearcher lets through for a,
// for benchmarks and diagnostics.
func (rs *Ruleset) Candidates(a *article.Article) int {
	return len(rs.candidates(docTokens(a)))
}

func docTokens(a *article.Article) []textnorm.Token {
	toks := textnorm.Tokenize(a.Title)
	toks = textnorm.AppendTokens(toks, a.Text)
	return textnorm.AppendTokens(toks, a.Byline)
}

func inScope(s Scope, a *article.Article) bool {
	in := func(vals []string, v string) bool {
		return len(vals) == 0 || slices.ContainsFunc(vals, func(x string) bool { return strings.EqualFold(x, v) })
	}
	return in(s.Sources, a.SourceID) && in(s.Tiers, a.Tier) && in(s.Langs, a.Lang)
}

// Match returns the matches of every rule on a, in rule order, each with
// the terms that matched and their byte offsets.
func (rs *Ruleset) Match(a *article.Article) []article.Match {
	doc := &query.Document{
		Text: map[string]string{query.FieldTitle: a.Title, query.FieldText: a.Text, query.FieldAuthor: a.Byline},
		Keywords: map[string][]string{
			query.FieldSource: {a.SourceID}, query.FieldSite: {a.Site}, query.FieldLang: {a.Lang}, query.FieldTier: {a.Tier},
		},
	}
	var out []article.Match
	for _, i := range rs.candidates(docTokens(a)) {
		cr := rs.rules[i]
		if !inScope(cr.rule.Scope, a) || !query.Eval(cr.node, doc) {
			continue
		}
		m := article.Match{
			RuleID: cr.rule.ID, Title: ruleTitle(cr.rule), Labels: cr.rule.Labels,
			Severity: cr.rule.Severity, Department: cr.rule.Department,
		}
		for _, h := range query.Explain(cr.node, doc) {
			field := h.Field
			if field == query.FieldAuthor {
				field = "byline"
			}
			m.Offsets = append(m.Offsets, article.Span{Field: field, Start: h.Start, End: h.End})
			term := doc.Text[h.Field][h.Start:h.End]
			if !slices.Contains(m.Terms, term) {
				m.Terms = append(m.Terms, term)
			}
		}
		out = append(out, m)
	}
	return out
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
