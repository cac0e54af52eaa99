package classifier

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/query"
)

// SignalConfig is the signals: section of a rules file: marker signals
// (rumour and clickbait wording, all-caps titles, runs of ! and ?) and the
// credibility signal that weighs a source's tier against the markers. At
// most one file of a rules directory has it.
type SignalConfig struct {
	Markers     []MarkerSignal  `yaml:"markers"`
	Response    *ResponseSignal `yaml:"response"`
	Credibility *Credibility    `yaml:"credibility"`
}

// ResponseSignal recognises an official response: an authority denying
// or correcting information ("Sở Y tế bác bỏ tin đồn …"). Such an article
// is the office's answer, not a new alarm: it gets the signal's labels,
// the credibility signal is not weighed on it, and the rules that match
// it are kept as context (signal matches) that raise no alert. The
// classifier puts it on the story of the claim it answers.
type ResponseSignal struct {
	Title map[string]string `yaml:"title"`
	// Query says what counts as a response, in the query language:
	// typically denial wording near a provincial body, or denial wording
	// from a source of tier official.
	Query  string   `yaml:"query"`
	Labels []string `yaml:"labels"`

	node query.Node
	// line is the line of response:, queryAt locates its query.
	line    int
	queryAt scalarPos
}

// MarkerSignal notices wording typical of rumours or clickbait. It matches
// when any of its parts does.
type MarkerSignal struct {
	ID    string            `yaml:"id"`
	Title map[string]string `yaml:"title"`
	// Lists are named lists (lists:) whose entries are the marker
	// phrases, looked for in the title and the text.
	Lists []string `yaml:"lists"`
	// CapsTitle, when set, matches a title written in capitals.
	CapsTitle *CapsTitle `yaml:"caps_title"`
	// Punctuation, when above 0, matches a run of at least that many ! or
	// ? ("!!!", "?!?") in the title or the text.
	Punctuation int              `yaml:"punctuation"`
	Labels      []string         `yaml:"labels"`
	Severity    article.Severity `yaml:"severity"`
	// Flag makes the signal flag an article on its own; by default it only
	// labels and explains (article.Match.Signal).
	Flag bool `yaml:"flag"`

	node query.Node
	line int
}

// CapsTitle says when a title counts as written in capitals: at least
// MinLetters cased letters (Vietnamese letters with diacritics count), of
// which at least MinRatio are upper case.
type CapsTitle struct {
	MinLetters int     `yaml:"min_letters"`
	MinRatio   float64 `yaml:"min_ratio"`
}

// Credibility flags articles from weak sources that carry markers: the
// weight of the article's source tier plus the weights of the marker
// signals that matched must reach Threshold, the tier must weigh more
// than 0 (markers in an outlet of an unlisted tier, official or central,
// are reporting about a rumour, not a weak source spreading one), and at
// least one weighted marker must have matched (a tier alone says nothing
// about an article).
type Credibility struct {
	Title map[string]string `yaml:"title"`
	// Tiers weigh source tiers (article.Tiers, and "unknown" for
	// articles whose source has none); unlisted tiers weigh 0.
	Tiers map[string]float64 `yaml:"tiers"`
	// Signals weigh marker signals by id; unlisted markers weigh 0.
	Signals   map[string]float64 `yaml:"signals"`
	Threshold float64            `yaml:"threshold"`
	Labels    []string           `yaml:"labels"`
	Severity  article.Severity   `yaml:"severity"`
	Flag      bool               `yaml:"flag"`

	line int
}

// locate records the line of each marker and of credibility from the
// section's YAML node, for error positions.
func (sc *SignalConfig) locate(src []byte, n *yaml.Node) {
	if sc == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k, v := n.Content[i], n.Content[i+1]; k.Value {
		case "markers":
			for j, item := range v.Content {
				if j < len(sc.Markers) {
					sc.Markers[j].line = item.Line
				}
			}
		case "credibility":
			if sc.Credibility != nil {
				sc.Credibility.line = k.Line
			}
		case "response":
			if sc.Response != nil {
				sc.Response.line = k.Line
				sc.Response.locateQuery(src, v)
			}
		}
	}
}

// locateQuery records where the response's query text starts, so that a
// query error points at its column.
func (r *ResponseSignal) locateQuery(src []byte, n *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "query" {
			r.queryAt = locateScalar(src, n.Content[i+1])
		}
	}
}

// ResponseID is the match rule ID of the official-response signal.
const ResponseID = "signal:response"

// CredibilityID is the match rule ID of the credibility signal; marker
// signals are "signal:<id>". Rule IDs cannot contain ':'.
const CredibilityID = "signal:credibility"

const unknownTier = "unknown"

// compileSignals checks a signals section and parses its list queries.
func compileSignals(sc *SignalConfig, pos Position, lists map[string][]string) (*SignalConfig, []error) {
	if sc == nil {
		return nil, nil
	}
	e := &signalErrs{pos: pos, at: pos}
	out := &SignalConfig{Credibility: sc.Credibility, Response: sc.Response}
	ids := map[string]bool{}
	for i, m := range sc.Markers {
		e.line(m.line)
		out.Markers = append(out.Markers, compileMarker(e, i, m, ids, lists))
	}
	if r := sc.Response; r != nil {
		e.errs = append(e.errs, compileResponse(r, pos, lists)...)
	}
	if c := sc.Credibility; c != nil {
		e.line(c.line)
		checkCredibility(e, c, ids)
	}
	return out, e.errs
}

// signalErrs collects a signals section's errors, each at the line of
// the entry being checked (the section's, when unknown).
type signalErrs struct {
	pos, at Position
	errs    []error
}

func (e *signalErrs) line(l int) {
	e.at = e.pos
	if l > 0 {
		e.at.Line = l
	}
}

func (e *signalErrs) bad(format string, a ...any) {
	e.errs = append(e.errs, &Error{Pos: e.at, Msg: "signals: " + fmt.Sprintf(format, a...)})
}

// compileMarker checks the i-th marker, fills its caps_title defaults,
// parses its lists into one query, and records its ID in ids.
func compileMarker(e *signalErrs, i int, m MarkerSignal, ids map[string]bool, lists map[string][]string) MarkerSignal {
	name := fmt.Sprintf("markers[%d]", i)
	switch {
	case m.ID == "":
		e.bad("%s has no id", name)
	case !idPattern.MatchString(m.ID):
		e.bad("%s: id %q: use lower-case letters, digits, '.', '_' and '-'", name, m.ID)
	case ids[m.ID]:
		e.bad("%s: duplicate id %q", name, m.ID)
	}
	ids[m.ID] = true
	if !m.Severity.Valid() {
		e.bad("marker %s: unknown severity %q", m.ID, m.Severity)
	}
	if len(m.Lists) == 0 && m.CapsTitle == nil && m.Punctuation <= 0 {
		e.bad("marker %s: give lists, caps_title or punctuation", m.ID)
	}
	if m.Punctuation < 0 || m.Punctuation == 1 {
		e.bad("marker %s: punctuation %d: give the shortest run to notice, 2 or more", m.ID, m.Punctuation)
	}
	if c := m.CapsTitle; c != nil {
		if c.MinLetters == 0 {
			c.MinLetters = 10
		}
		if c.MinRatio == 0 {
			c.MinRatio = 0.8
		}
		if c.MinLetters < 1 || c.MinRatio <= 0 || c.MinRatio > 1 {
			e.bad("marker %s: caps_title wants min_letters ≥ 1 and min_ratio in (0, 1]", m.ID)
		}
	}
	if len(m.Lists) > 0 {
		refs := make([]string, len(m.Lists))
		for j, l := range m.Lists {
			refs[j] = "@" + strings.TrimPrefix(l, "@")
		}
		node, err := query.Parse(strings.Join(refs, " OR "), query.Options{Lists: func(name string) ([]string, bool) {
			l, ok := lists[name]
			return l, ok
		}})
		if err != nil {
			e.bad("marker %s: lists: %v", m.ID, err)
		}
		m.node = node
	}
	return m
}

// checkCredibility checks the credibility signal against the known tiers
// and the markers' ids.
func checkCredibility(e *signalErrs, c *Credibility, ids map[string]bool) {
	if !c.Severity.Valid() {
		e.bad("credibility: unknown severity %q", c.Severity)
	}
	if c.Threshold <= 0 {
		e.bad("credibility: threshold must be above 0")
	}
	known := append(article.Tiers(), unknownTier)
	for _, t := range sortedKeys(c.Tiers) {
		if !slices.Contains(known, t) {
			e.bad("credibility: unknown tier %q (known: %s)", t, strings.Join(known, ", "))
		}
	}
	for _, id := range sortedKeys(c.Signals) {
		if !ids[id] {
			e.bad("credibility: signals: no marker %q", id)
		}
	}
	if len(c.Signals) == 0 {
		e.bad("credibility: weigh at least one marker under signals")
	}
}

// compileResponse parses the response signal's query; an error points at
// the query's line and column in the file.
func compileResponse(r *ResponseSignal, pos Position, lists map[string][]string) []error {
	at := pos
	if r.line > 0 {
		at.Line = r.line
	}
	if strings.TrimSpace(r.Query) == "" {
		return []error{&Error{Pos: at, Msg: "signals: response: no query"}}
	}
	if len(r.Labels) == 0 {
		return []error{&Error{Pos: at, Msg: "signals: response: give the labels that mark a response (e.g. official-response)"}}
	}
	node, err := query.Parse(r.Query, query.Options{Lists: func(name string) ([]string, bool) {
		l, ok := lists[name]
		return l, ok
	}})
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) && qe.Col > 0 && r.queryAt.known() {
			at.Line, at.Col = r.queryAt.at(qe.Col)
			return []error{&Error{Pos: at, Msg: "signals: response: query: " + qe.Msg}}
		}
		return []error{&Error{Pos: at, Msg: fmt.Sprintf("signals: response: query: %v", err)}}
	}
	r.node = node
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// matches evaluates the signals on a and its query document.
func (sc *SignalConfig) matches(a *article.Article, doc *query.Document) []article.Match {
	if sc == nil {
		return nil
	}
	var out []article.Match
	fired := map[string]article.Match{}
	for _, m := range sc.Markers {
		match := article.Match{
			RuleID: "signal:" + m.ID, Title: titleOf(m.Title, m.ID), Labels: m.Labels,
			Severity: m.Severity, Signal: !m.Flag,
		}
		if m.node != nil && query.Eval(m.node, doc) {
			explainInto(&match, m.node, doc)
		}
		if c := m.CapsTitle; c != nil {
			if upper, letters := capsRatio(a.Title); letters >= c.MinLetters && float64(upper) >= c.MinRatio*float64(letters) {
				match.Terms = append(match.Terms, fmt.Sprintf("tiêu đề viết hoa (%d/%d chữ in hoa)", upper, letters))
				match.Offsets = append(match.Offsets, article.Span{Field: query.FieldTitle, Start: 0, End: len(a.Title)})
			}
		}
		if m.Punctuation > 0 {
			for _, f := range []string{query.FieldTitle, query.FieldText} {
				for _, r := range punctuationRuns(doc.Text[f], m.Punctuation) {
					span := article.Span{Field: f, Start: r[0], End: r[1]}
					match.Offsets = append(match.Offsets, span)
					if run := doc.Text[f][r[0]:r[1]]; !slices.Contains(match.Terms, run) {
						match.Terms = append(match.Terms, run)
					}
				}
			}
		}
		if len(match.Offsets) > 0 {
			out = append(out, match)
			fired[m.ID] = match
		}
	}
	if r := sc.Response; r != nil && r.node != nil && query.Eval(r.node, doc) {
		m := article.Match{RuleID: ResponseID, Title: titleOf(r.Title, "response"), Labels: r.Labels, Signal: true}
		explainInto(&m, r.node, doc)
		// The office's own answer is not weighed as a weak source's
		// rumour, whatever wording it quotes.
		return append(out, m)
	}
	if c := sc.Credibility; c != nil {
		if m, ok := c.match(a.Tier, fired); ok {
			out = append(out, m)
		}
	}
	return out
}

// match weighs the tier and the fired markers; the explanation is the sum
// as an officer would check it.
func (c *Credibility) match(tier string, fired map[string]article.Match) (article.Match, bool) {
	if tier == "" {
		tier = unknownTier
	}
	if c.Tiers[tier] <= 0 {
		// Markers in an official, central or local outlet are reporting
		// (a story about a rumour), not a weak source spreading one.
		return article.Match{}, false
	}
	score := c.Tiers[tier]
	parts := []string{fmt.Sprintf("nguồn %s (%g)", tier, c.Tiers[tier])}
	m := article.Match{RuleID: CredibilityID, Title: titleOf(c.Title, "credibility"), Labels: c.Labels, Severity: c.Severity, Signal: !c.Flag}
	markers := 0
	for _, id := range sortedKeys(c.Signals) {
		f, ok := fired[id]
		if !ok || c.Signals[id] == 0 {
			continue
		}
		markers++
		score += c.Signals[id]
		parts = append(parts, fmt.Sprintf("signal:%s (%g)", id, c.Signals[id]))
		m.Offsets = append(m.Offsets, f.Offsets...)
	}
	if markers == 0 || score < c.Threshold {
		return article.Match{}, false
	}
	m.Terms = []string{fmt.Sprintf("%s = %g ≥ %g", strings.Join(parts, " + "), score, c.Threshold)}
	return m, true
}

// capsRatio counts the cased letters of s and how many are upper case.
// Letters without case (digits, CJK) do not count either way.
func capsRatio(s string) (upper, letters int) {
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper++
			letters++
		case unicode.IsLower(r):
			letters++
		}
	}
	return upper, letters
}

// punctuationRuns returns the byte ranges of runs of at least n ! or ?
// (ASCII or full-width), at most ten.
func punctuationRuns(s string, n int) [][2]int {
	var out [][2]int
	start, count := -1, 0
	flush := func(end int) {
		if count >= n && len(out) < 10 {
			out = append(out, [2]int{start, end})
		}
		start, count = -1, 0
	}
	for i, r := range s {
		if r == '!' || r == '?' || r == '！' || r == '？' {
			if start < 0 {
				start = i
			}
			count++
			continue
		}
		if start >= 0 {
			flush(i)
		}
	}
	if start >= 0 {
		flush(len(s))
	}
	return out
}

// explainInto adds the terms and offsets behind node's match on doc.
func explainInto(m *article.Match, node query.Node, doc *query.Document) {
	for _, h := range query.Explain(node, doc) {
		field := h.Field
		if field == query.FieldAuthor {
			field = "byline"
		}
		span := article.Span{Field: field, Start: h.Start, End: h.End}
		if slices.Contains(m.Offsets, span) {
			continue // two list entries folding to the same text
		}
		m.Offsets = append(m.Offsets, span)
		term := doc.Text[h.Field][h.Start:h.End]
		if !slices.Contains(m.Terms, term) {
			m.Terms = append(m.Terms, term)
		}
	}
}

// titleOf prefers the Vietnamese title, the office's working language.
func titleOf(titles map[string]string, id string) string {
	for _, l := range []string{"vi", "en"} {
		if t := titles[l]; t != "" {
			return t
		}
	}
	return id
}
