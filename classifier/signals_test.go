package classifier

import (
	"slices"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/article"
)

const signalsYAML = `
lists:
  province: [Điện Biên, Mường Chà]
  rumour_markers: [tin đồn, chưa kiểm chứng]
  clickbait_markers: [sốc, chia sẻ ngay]
signals:
  markers:
    - id: rumour
      lists: [rumour_markers]
      labels: [rumour]
    - id: clickbait
      lists: ["@clickbait_markers"]
      caps_title: {min_letters: 12}
      punctuation: 3
      labels: [clickbait]
  credibility:
    tiers: {social: 1.5, unknown: 1}
    signals: {rumour: 1.5, clickbait: 1}
    threshold: 2.5
    labels: [misleading]
    severity: medium
    flag: true
`

func compileOne(t *testing.T, files map[string]string) *Ruleset {
	t.Helper()
	in := map[string][]byte{}
	for n, s := range files {
		in[n] = []byte(s)
	}
	rs, err := Compile(in)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func matchByID(a *article.Article, id string) *article.Match {
	for i := range a.Matches {
		if a.Matches[i].RuleID == id {
			return &a.Matches[i]
		}
	}
	return nil
}

func TestMarkersLabelAndExplainWithoutFlagging(t *testing.T) {
	rs := compileOne(t, map[string]string{"s.yaml": signalsYAML})
	a := &article.Article{Title: "Tin đồn về thu phí ở Mường Chà", Text: "Thông tin chưa kiểm chứng.", Tier: "official"}
	rs.Apply(a)
	m := matchByID(a, "signal:rumour")
	if m == nil {
		t.Fatalf("no rumour signal: %+v", a.Matches)
	}
	if !m.Signal || a.Flagged() || a.Severity != article.SeverityNone || !slices.Contains(a.Labels, "rumour") {
		t.Errorf("a marker alone: signal %v, flagged %v, severity %q, labels %v", m.Signal, a.Flagged(), a.Severity, a.Labels)
	}
	if !slices.Equal(m.Terms, []string{"Tin đồn", "chưa kiểm chứng"}) || a.Title[m.Offsets[0].Start:m.Offsets[0].End] != "Tin đồn" {
		t.Errorf("explanation: terms %q offsets %+v", m.Terms, m.Offsets)
	}
	if matchByID(a, CredibilityID) != nil {
		t.Errorf("an official source got the credibility signal: %+v", a.Matches)
	}
}

func TestAllCapsTitlesCountVietnameseLetters(t *testing.T) {
	rs := compileOne(t, map[string]string{"s.yaml": signalsYAML})
	for _, tc := range []struct {
		title string
		want  bool
	}{
		{"LŨ QUÉT CUỐN TRÔI NHÀ Ở ĐIỆN BIÊN", true}, // every letter, diacritics included
		{"LŨ QUÉT CUỐN TRÔI nhà ở Điện Biên", false},
		{"ĐIỆN BIÊN 2026", false}, // too few letters to tell
		{"Lũ quét ở Điện Biên", false},
		{"UBND TỈNH ĐIỆN BIÊN họp", true}, // 18 of 21 letters
	} {
		a := &article.Article{Title: tc.title, Tier: "official"}
		rs.Apply(a)
		m := matchByID(a, "signal:clickbait")
		if (m != nil) != tc.want {
			t.Errorf("%q: clickbait %v, want %v", tc.title, m != nil, tc.want)
		}
		if m != nil && (m.Offsets[0] != article.Span{Field: "title", Start: 0, End: len(tc.title)} || !strings.Contains(m.Terms[0], "chữ in hoa")) {
			t.Errorf("%q: explanation %+v", tc.title, m)
		}
	}
	if up, n := capsRatio("ĐƯỜNG Ở ỮA"); up != 8 || n != 8 {
		t.Errorf("capsRatio = %d/%d", up, n)
	}
}

func TestPunctuationRuns(t *testing.T) {
	rs := compileOne(t, map[string]string{"s.yaml": signalsYAML})
	a := &article.Article{Title: "Thật không?!?", Text: "Hay quá!! Thật sao？？？", Tier: "official"}
	rs.Apply(a)
	m := matchByID(a, "signal:clickbait")
	if m == nil || len(m.Offsets) != 2 {
		t.Fatalf("clickbait = %+v", m)
	}
	if got := a.Title[m.Offsets[0].Start:m.Offsets[0].End]; got != "?!?" {
		t.Errorf("title run %q", got)
	}
	if got := a.Text[m.Offsets[1].Start:m.Offsets[1].End]; got != "？？？" {
		t.Errorf("text run %q (the pair !! is below the minimum)", got)
	}
}

func TestCredibilityWeighsTheTierAgainstTheMarkers(t *testing.T) {
	rs := compileOne(t, map[string]string{"s.yaml": signalsYAML})
	for _, tc := range []struct {
		tier, title string
		want        string // the explanation, "" for no match
	}{
		{"social", "Tin đồn về thu phí", "nguồn social (1.5) + signal:rumour (1.5) = 3 ≥ 2.5"},
		{"", "Tin đồn về thu phí", "nguồn unknown (1) + signal:rumour (1.5) = 2.5 ≥ 2.5"},
		{"", "Sốc với mức phí mới", ""},        // 1 + 1 < 2.5
		{"official", "Tin đồn về thu phí", ""}, // 0 + 1.5
		{"social", "Thu phí xe máy", ""},       // a weak source alone is no evidence
		{"social", "Sốc: tin đồn thu phí", "nguồn social (1.5) + signal:clickbait (1) + signal:rumour (1.5) = 4 ≥ 2.5"},
	} {
		a := &article.Article{Title: tc.title, Tier: tc.tier}
		rs.Apply(a)
		m := matchByID(a, CredibilityID)
		switch {
		case tc.want == "" && m != nil:
			t.Errorf("%s %q: credibility %v", tc.tier, tc.title, m.Terms)
		case tc.want != "" && m == nil:
			t.Errorf("%s %q: no credibility signal", tc.tier, tc.title)
		case m != nil:
			if m.Terms[0] != tc.want || m.Signal || !a.Flagged() || a.Severity != article.SeverityMedium || !slices.Contains(a.Labels, "misleading") || len(m.Offsets) == 0 {
				t.Errorf("%s %q: %+v, flagged %v, severity %q, labels %v", tc.tier, tc.title, m, a.Flagged(), a.Severity, a.Labels)
			}
		}
	}
}

func TestRulesTestLabelsOfEarlierRulesAndSignals(t *testing.T) {
	rs := compileOne(t, map[string]string{"s.yaml": signalsYAML, "r.yaml": `
rules:
  # Listed before the rules that give its labels: order is by dependency.
  - id: local-misleading
    query: label:misleading AND @province
    labels: [sensitive]
    severity: high
  - id: local-clickbait
    query: label:clickbait AND NOT label:rumour AND @province
    labels: [watch]
    severity: low
  - id: fee
    query: '"thu phí"'
    labels: [policy:fees]
    severity: info
  - id: fee-misleading
    query: label:policy:* AND label:misleading
    labels: [answer]
    severity: medium
`})
	a := &article.Article{Title: "Tin đồn thu phí ở Điện Biên", Tier: "social"}
	rs.Apply(a)
	var ids []string
	for _, m := range a.Matches {
		ids = append(ids, m.RuleID)
	}
	want := []string{"signal:rumour", CredibilityID, "local-misleading", "fee", "fee-misleading"}
	if !slices.Equal(ids, want) || a.Severity != article.SeverityHigh {
		t.Errorf("matches %v (severity %q), want %v", ids, a.Severity, want)
	}
	b := &article.Article{Title: "Sốc với cảnh ở Mường Chà", Tier: "official"}
	rs.Apply(b)
	if matchByID(b, "local-clickbait") == nil || matchByID(b, "local-misleading") != nil {
		t.Errorf("clickbait article: %+v", b.Matches)
	}
	// Without the labels the rules stay silent.
	c := &article.Article{Title: "Điện Biên thu phí", Tier: "official"}
	rs.Apply(c)
	if matchByID(c, "local-misleading") != nil || matchByID(c, "fee-misleading") != nil {
		t.Errorf("plain article: %+v", c.Matches)
	}
	// Examples of a label rule run through the whole set.
	rs2 := compileOne(t, map[string]string{"s.yaml": signalsYAML, "r.yaml": `
rules:
  - id: x
    query: label:rumour AND @province
    examples: {match: ["Tin đồn ở Điện Biên"], no_match: ["Tin tức Điện Biên"]}
`})
	if n, f := rs2.CheckExamples(); n != 2 || len(f) != 0 {
		t.Errorf("examples of a label rule: %d checked, failures %v", n, f)
	}
}

func TestLabelCyclesAreLoadErrors(t *testing.T) {
	for _, tc := range []struct{ rules, want string }{
		{`
  - {id: a, query: 'label:y AND lũ', labels: [x]}
  - {id: b, query: 'label:x AND bão', labels: [y]}`,
			"r.yaml:2: rules depend on each other's labels: a tests label:y given by b, b tests label:x given by a"},
		{`
  - {id: self, query: 'label:x OR lũ', labels: [x]}`,
			"r.yaml:2: rules depend on each other's labels: self tests label:x given by self"},
		{`
  - {id: p, query: 'lũ', labels: [base]}
  - {id: a, query: 'NOT label:c AND label:base', labels: [x]}
  - {id: b, query: 'label:x', labels: [y]}
  - {id: c, query: 'label:y', labels: [c]}`,
			"rules depend on each other's labels: a tests label:c given by c, c tests label:y given by b, b tests label:x given by a"},
	} {
		_, err := Compile(map[string][]byte{"r.yaml": []byte("rules:" + tc.rules + "\n")})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}

func TestBadSignalsAreLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"s.yaml": "signals:\n  markers:\n    - {id: r, lists: [nope]}\n"}, `s.yaml:3: signals: marker r: lists: col 1: unknown list @nope`},
		{map[string]string{"s.yaml": "signals:\n  markers:\n    - {id: r}\n"}, `s.yaml:3: signals: marker r: give lists, caps_title or punctuation`},
		{map[string]string{"s.yaml": "signals:\n  markers:\n    - {id: r, punctuation: 1}\n"}, `s.yaml:3: signals: marker r: punctuation 1`},
		{map[string]string{"s.yaml": "signals:\n  markers:\n    - {id: r, caps_title: {min_ratio: 1.5}}\n"}, `s.yaml:3: signals: marker r: caps_title wants`},
		{map[string]string{"s.yaml": "signals:\n  markers:\n    - {id: r, punctuation: 3}\n    - {id: r, punctuation: 3}\n"}, `s.yaml:4: signals: markers[1]: duplicate id "r"`},
		{map[string]string{"s.yaml": "signals:\n  markers:\n    - {id: r, punctuation: 3}\n  credibility: {tiers: {blog: 1}, signals: {r: 1}, threshold: 1}\n"}, `s.yaml:4: signals: credibility: unknown tier "blog"`},
		{map[string]string{"s.yaml": "signals:\n  markers:\n    - {id: r, punctuation: 3}\n  credibility: {tiers: {social: 1}, signals: {q: 1}, threshold: 1}\n"}, `s.yaml:4: signals: credibility: signals: no marker "q"`},
		{map[string]string{"s.yaml": "signals:\n  markers:\n    - {id: r, punctuation: 3}\n  credibility: {tiers: {social: 1}, signals: {r: 1}}\n"}, `s.yaml:4: signals: credibility: threshold must be above 0`},
		{map[string]string{"s.yaml": "signals:\n  markers:\n    - {id: r, punctuation: 3, colour: red}\n"}, `s.yaml:3: unknown field "colour"`},
		{map[string]string{"a.yaml": "signals:\n  markers:\n    - {id: r, punctuation: 3}\n", "b.yaml": "\n\nsignals:\n  markers: []\n"}, `b.yaml:3: signals are defined again (first in a.yaml:1)`},
	} {
		_, err := Compile(func() map[string][]byte {
			out := map[string][]byte{}
			for n, s := range tc.files {
				out[n] = []byte(s)
			}
			return out
		}())
		if err == nil {
			t.Errorf("%v: no error", tc.files)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.files, err, tc.want)
		}
	}
}
