package classifier

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

type compiledRule struct {
	rule Rule
	node query.Node
	// usesLabels: the query tests label:, so it is evaluated with the
	// labels given before it.
	usesLabels bool
}

// Ruleset is an immutable compiled set of rules, safe for concurrent use.
type Ruleset struct {
	// Version identifies the rule files' content; every classification
	// records it.
	Version string
	// rules are in dependency order (see orderByLabels).
	rules   []compiledRule
	lists   map[string][]string
	signals *SignalConfig
	// listPos and listEntryLines locate lists and their entries, for
	// lint.
	listPos        map[string]Position
	listEntryLines map[string][]int

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
		keys, ok := requiredKeys(r.node)
		if !ok {
			rs.always = append(rs.always, i)
			continue
		}
		for _, k := range keys {
			if k.prefix {
				rs.byPrefix[k.text] = appendOnce(rs.byPrefix[k.text], i)
			} else {
				rs.byToken[k.text] = appendOnce(rs.byToken[k.text], i)
			}
		}
	}
}

// presearchKey is a folded token (or a prefix key) a document must hold
// for a rule to have a chance.
type presearchKey struct {
	text   string
	prefix bool
}

// requiredKeys returns keys such that any document the node matches holds
// at least one of them, choosing rare-looking keys so that few rules are
// evaluated per document: for a phrase its longest token (every token of
// a phrase must be present), for AND and NEAR the operand whose keys look
// rarest (longest shortest key), for OR every alternative. ok is false
// when no such keys exist (NOT, keyword fields only).
func requiredKeys(n query.Node) (keys []presearchKey, ok bool) {
	switch n := n.(type) {
	case *query.Term:
		return termKeys(n)
	case *query.ListRef:
		var out []presearchKey
		for _, t := range n.Terms {
			k, ok := requiredKeys(t)
			if !ok {
				return nil, false
			}
			out = append(out, k...)
		}
		return out, len(out) > 0
	case *query.Or:
		var out []presearchKey
		for _, ch := range n.Children {
			k, ok := requiredKeys(ch)
			if !ok {
				return nil, false
			}
			out = append(out, k...)
		}
		return out, len(out) > 0
	case *query.And:
		return rarest(n.Children...)
	case *query.Near:
		return rarest(n.Left, n.Right)
	}
	return nil, false
}

// termKeys is requiredKeys of a text term: its most selective span of
// tokens, and that span's stems where stemming changes it.
func termKeys(n *query.Term) (keys []presearchKey, ok bool) {
	if query.IsKeywordField(n.Field) {
		return nil, false
	}
	toks := textnorm.Tokenize(n.Raw)
	if len(toks) == 0 {
		return nil, false
	}
	if n.Prefix && len(toks) == 1 {
		return []presearchKey{{text: prefixKey(toks[0].Text), prefix: true}}, true
	}
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.Text
	}
	from, to := selectiveSpan(words)
	key := strings.Join(words[from:to], " ")
	keys = []presearchKey{{text: key}}
	if !n.Exact {
		// In an English or French article the term matches by stem.
		// Such an article is looked up by its stems untagged too
		// (candidates), so a tagged key is needed only where
		// stemming changes the term's: most rule words are
		// Vietnamese, which it leaves alone.
		for _, l := range textnorm.StemLangs {
			stems := make([]string, to-from)
			for i, w := range words[from:to] {
				stems[i] = textnorm.Stem(l, w)
			}
			if st := strings.Join(stems, " "); st != key {
				keys = append(keys, presearchKey{text: l.Tag() + st})
			}
		}
	}
	return keys, true
}

// selectiveSpan picks the words [from, to) to key a term on: the longest
// pair of adjacent words, or for one word that word. Vietnamese has few
// distinct syllables and an article holds hundreds of them, so one
// syllable says little; a pair of adjacent syllables (what a phrase
// requires) is selective.
func selectiveSpan(words []string) (from, to int) {
	from, to = 0, 1
	if len(words) >= 2 {
		to = 2
		for i := 1; i+1 < len(words); i++ {
			if len(words[i])+len(words[i+1]) > len(words[from])+len(words[from+1]) {
				from, to = i, i+2
			}
		}
	} else {
		for i, w := range words {
			if utf8.RuneCountInString(w) > utf8.RuneCountInString(words[from]) {
				from, to = i, i+1
			}
		}
	}
	return from, to
}

// rarest picks, among operands that must all match, the one whose keys
// look rarest: the longest shortest key, then the fewest keys.
func rarest(children ...query.Node) ([]presearchKey, bool) {
	var best []presearchKey
	bestScore := -1
	for _, ch := range children {
		k, ok := requiredKeys(ch)
		if !ok {
			continue
		}
		score := 1 << 20
		for _, key := range k {
			score = min(score, utf8.RuneCountInString(key.text))
		}
		if score > bestScore || (score == bestScore && len(k) < len(best)) {
			best, bestScore = k, score
		}
	}
	return best, best != nil
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

// candidates returns the rules worth evaluating on the tokens of an
// article in language lang, in rule order.
func (rs *Ruleset) candidates(tokens []textnorm.Token, lang textnorm.StemLang) []int {
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
	var pair []byte
	lookPairs := func(forms func(i int) string, tag string) {
		for i := range tokens {
			// Adjacent pairs, for phrase keys. Tokens of different
			// fields are paired at the seams too: a harmless extra
			// candidate.
			if i+1 < len(tokens) && tokens[i+1].Pos == tokens[i].Pos+1 {
				pair = append(append(append(append(pair[:0], tag...), forms(i)...), ' '), forms(i+1)...)
				add(rs.byToken[string(pair)])
			}
		}
	}
	for _, tk := range tokens {
		add(rs.byToken[tk.Text])
		if len(rs.byPrefix) > 0 && utf8.RuneCountInString(tk.Text) >= prefixKeyLen {
			add(rs.byPrefix[prefixKey(tk.Text)])
		}
	}
	lookPairs(func(i int) string { return tokens[i].Text }, "")
	if lang != textnorm.StemNone {
		stems := make([]string, len(tokens))
		tag := lang.Tag()
		for i, tk := range tokens {
			stems[i] = textnorm.Stem(lang, tk.Text)
			add(rs.byToken[stems[i]])
			add(rs.byToken[tag+stems[i]])
		}
		lookPairs(func(i int) string { return stems[i] }, "")
		lookPairs(func(i int) string { return stems[i] }, tag)
	}
	slices.Sort(out)
	return out
}

// Candidates reports how many rules the presearcher lets through for a,
// for benchmarks and diagnostics.
func (rs *Ruleset) Candidates(a *article.Article) int {
	return len(rs.candidates(docTokens(a), textnorm.StemLangOf(a.Lang)))
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

// Match returns the matches of the signals, then of every rule on a in
// dependency order (a rule that tests a label comes after the rules that
// give it), each with the terms that matched and their byte offsets. When
// the response signal recognises an official response, every rule match
// is a signal match: kept as context, flagging nothing.
func (rs *Ruleset) Match(a *article.Article) []article.Match {
	doc := &query.Document{
		Text: map[string]string{query.FieldTitle: a.Title, query.FieldText: a.Text, query.FieldAuthor: a.Byline},
		Keywords: map[string][]string{
			query.FieldSource: {a.SourceID}, query.FieldSite: {a.Site}, query.FieldLang: {a.Lang}, query.FieldTier: {a.Tier},
		},
	}
	out := rs.signals.matches(a, doc)
	// The labels given so far, for label: in later rules.
	var labels []string
	response := false
	for _, m := range out {
		labels = appendNew(labels, m.Labels...)
		response = response || m.RuleID == ResponseID
	}
	for _, i := range rs.candidates(docTokens(a), textnorm.StemLangOf(a.Lang)) {
		cr := rs.rules[i]
		if cr.usesLabels {
			doc.Keywords[query.FieldLabel] = labels
		}
		if !inScope(cr.rule.Scope, a) || !query.Eval(cr.node, doc) {
			continue
		}
		m := article.Match{
			RuleID: cr.rule.ID, Title: titleOf(cr.rule.Title, cr.rule.ID), Labels: cr.rule.Labels,
			Severity: cr.rule.Severity, Department: cr.rule.Department, Rebuttal: cr.rule.Rebuttal,
			// In an official response the topics are the claim being
			// answered ("không có ngộ độc thực phẩm"): context, not an
			// alarm.
			Signal: response,
		}
		explainInto(&m, cr.node, doc)
		out = append(out, m)
		labels = appendNew(labels, cr.rule.Labels...)
	}
	return out
}

func appendNew(s []string, vals ...string) []string {
	for _, v := range vals {
		if !slices.Contains(s, v) {
			s = append(s, v)
		}
	}
	return s
}

// Apply fills a's classifier fields from the rule set. Signals that do
// not flag give their labels but no severity.
func (rs *Ruleset) Apply(a *article.Article) {
	a.Matches = rs.Match(a)
	a.Labels = nil
	a.Severity = article.SeverityNone
	for _, m := range a.Matches {
		a.Labels = appendNew(a.Labels, m.Labels...)
		if !m.Signal && m.Severity.Rank() > a.Severity.Rank() {
			a.Severity = m.Severity
		}
	}
	slices.SortFunc(a.Labels, strings.Compare)
	a.RulesetVersion = rs.Version
}

// mentions returns a sentence test for a named list (any entry occurs), for
// scoring only the sentences about the province.
func (rs *Ruleset) mentions(list string) (func(sentence string) bool, bool) {
	if _, ok := rs.lists[list]; !ok {
		return nil, false
	}
	node, err := query.Parse("@"+list, query.Options{Lists: rs.List})
	if err != nil {
		return nil, false
	}
	return func(sentence string) bool {
		return query.Eval(node, &query.Document{Text: map[string]string{query.FieldText: sentence}})
	}, true
}
