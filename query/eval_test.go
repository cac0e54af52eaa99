package query

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/presswatch/presswatch/textnorm"
)

// testLists is the resolver the tests parse with.
func testLists(name string) ([]string, bool) {
	switch name {
	case "province":
		return []string{"Điện Biên", "Mường Chà", "Tuần Giáo"}, true
	case "disaster":
		return []string{"lũ quét", "sạt lở", "flood"}, true
	case "labels":
		return []string{"negative", "crisis"}, true
	case "empty":
		return []string{"", "—"}, true
	}
	return nil, false
}

var testOpts = Options{Lists: testLists}

// docSpec describes a test document; newDoc builds a fresh Document from it
// each time, because a Document caches and must not be copied.
type docSpec struct {
	title, text, author string
	kw                  map[string][]string
}

func (s docSpec) newDoc() *Document {
	return &Document{
		Text:     map[string]string{FieldTitle: s.title, FieldText: s.text, FieldAuthor: s.author},
		Keywords: s.kw,
	}
}

// The table's documents. They are short on purpose: each query below says
// which of them it matches, and a reader must be able to check that by eye.
var testDocs = map[string]docSpec{
	// flood: new tone placement, đ, a byline, labels with a colon.
	"flood": {
		title: "Lũ quét ở Mường Chà",
		text: "Trận lũ quét đêm 12/9 làm sập 5 căn nhà tại xã Huổi Lèng, huyện Mường Chà, tỉnh Điện Biên. " +
			"Ông Nguyễn Văn Hòa, chủ tịch xã, cho biết đường giao thông bị chia cắt. Dịch COVID-19 đã được kiểm soát.",
		author: "Trần Thị Thủy",
		kw: map[string][]string{
			FieldSource: {"Báo Điện Biên Phủ"}, FieldSite: {"baodienbienphu.info.vn"},
			FieldLang: {"vi"}, FieldTier: {"1"}, FieldLabel: {"sensitive", "policy:disaster"},
		},
	},
	// old: old tone placement (hoà, toà, thuỷ, khoẻ).
	"old": {
		title: "Hoà giải thành ở toà án",
		text:  "Thuỷ điện Sơn La xả lũ; người dân khoẻ mạnh.",
		kw:    map[string][]string{FieldLang: {"vi"}, FieldLabel: {"negative"}},
	},
	// plain: hoa without tone, and hóa with another tone.
	"plain": {
		title: "Mùa hoa ban",
		text:  "Hoa ban nở trắng núi rừng Điện Biên. Hóa đơn tiền điện tăng.",
		kw:    map[string][]string{FieldLang: {"vi"}},
	},
	// nfd: decomposed input (combining marks after the base letters).
	"nfd": {
		title: "Ho\u0300a Bi\u0300nh",
		text:  "Thu\u0309y đie\u0323\u0302n Ho\u0300a Bi\u0300nh xa\u0309 lu\u0303.",
		kw:    map[string][]string{FieldLang: {"vi"}},
	},
	// english: word order and distances in a language the reader can count.
	// text tokens: The0 flood1 caused2 very3 severe4 damage5 to6 roads7
	// Officials8 said9 the10 damage11 from12 the13 flood14 was15 limited16
	// Bien17 s18 market19 reopened20
	"english": {
		title: "Flood damage in Dien Bien",
		text: "The flood caused very severe damage to roads. Officials said the damage from the flood was limited. " +
			"Bien's market reopened.",
		kw: map[string][]string{
			FieldSource: {"VnExpress International"}, FieldSite: {"e.vnexpress.net"},
			FieldLang: {"en"}, FieldTier: {"2"},
		},
	},
	"empty": {},
}

func TestEval(t *testing.T) {
	tests := []struct {
		q     string
		match []string // the testDocs the query matches; all others must not
	}{
		// Terms: folded by default, exact with =.
		{`lũ`, []string{"flood", "old", "nfd"}},
		{`lu`, []string{"flood", "old", "nfd"}},
		{`LŨ`, []string{"flood", "old", "nfd"}},
		{`=lũ`, []string{"flood", "old", "nfd"}},
		{`=lu`, nil},
		{`hoa`, []string{"flood", "old", "plain", "nfd"}},
		{`="hòa"`, []string{"flood", "old", "nfd"}},
		{`=hoà`, []string{"flood", "old", "nfd"}}, // old placement in the query
		{`=Hòa`, []string{"flood", "old", "nfd"}},
		{`=hoa`, []string{"plain"}},
		{`=hóa`, []string{"plain"}},
		{`thủy`, []string{"old", "nfd"}}, // flood has it only in the byline
		{`=thuỷ`, []string{"old", "nfd"}},
		{`duong`, []string{"flood"}},
		{`Đường`, []string{"flood"}},
		{`=đường`, []string{"flood"}},
		{`=duong`, nil},
		{`="Điện Biên"`, []string{"flood", "plain"}},
		{`"dien bien"`, []string{"flood", "plain", "english"}},
		{`"hòa bình"`, []string{"nfd"}},
		{`="Hòa Bình"`, []string{"nfd"}},
		{`COVID-19`, []string{"flood"}},
		{`covid`, []string{"flood"}},
		{`"19 covid"`, nil},
		{`Bien's`, []string{"english"}},
		{`"and"`, nil},

		// Phrases: adjacent, in order, within one field.
		{`"lũ quét"`, []string{"flood"}},
		{`"quét lũ"`, nil},
		{`"Mường Chà tỉnh"`, []string{"flood"}},
		{`"Chà Điện"`, nil},
		{`"damage in"`, []string{"english"}},
		{`"Bien the"`, nil}, // would span title and text

		// Prefixes.
		{`thủ*`, []string{"old", "nfd"}},
		{`=thủ*`, []string{"old", "nfd"}},
		{`=thu*`, nil},
		{`dien*`, []string{"flood", "old", "plain", "nfd", "english"}},
		{`=điệ*`, []string{"flood", "old", "plain", "nfd"}},
		{`title:dien*`, []string{"english"}},
		{`offic*`, []string{"english"}},
		{`officials*`, []string{"english"}},
		{`officialsx*`, nil},

		// Boolean operators and precedence.
		{`lũ quét`, []string{"flood"}},
		{`lũ AND quét`, []string{"flood"}},
		{`lũ and quét`, []string{"flood"}},
		{`lũ OR flood`, []string{"flood", "old", "nfd", "english"}},
		{`lũ or flood`, []string{"flood", "old", "nfd", "english"}},
		{`lũ NOT quét`, []string{"old", "nfd"}},
		{`lũ AND NOT quét`, []string{"old", "nfd"}},
		{`NOT lũ`, []string{"plain", "english", "empty"}},
		{`not lũ`, []string{"plain", "english", "empty"}},
		{`NOT NOT lũ`, []string{"flood", "old", "nfd"}},
		{`hoa OR lũ quét`, []string{"flood", "old", "plain", "nfd"}}, // hoa OR (lũ AND quét)
		{`(hoa OR lũ) quét`, []string{"flood"}},
		{`NOT hoa lũ`, nil},                                     // (NOT hoa) AND lũ: every lũ doc has hòa
		{`NOT (hoa lũ)`, []string{"plain", "english", "empty"}}, // hoa docs without lũ: plain
		{`flood OR lũ NOT =xả`, []string{"english", "flood"}},   // flood OR (lũ AND NOT =xả)
		{`(flood OR lũ) NOT =xả`, []string{"english", "flood"}}, // same docs, other tree
		{`NOT (lũ OR flood)`, []string{"plain", "empty"}},       // De Morgan, pair 1
		{`NOT lũ NOT flood`, []string{"plain", "empty"}},        // De Morgan, pair 2
		{`"lũ quét" (Mường OR Sơn)`, []string{"flood"}},         // implicit AND before a group
		{`((lũ))`, []string{"flood", "old", "nfd"}},             // redundant parentheses
		{`lũ OR NOT hoa`, []string{"flood", "old", "nfd", "english", "empty"}},

		// Fields.
		{`title:lũ`, []string{"flood"}},
		{`text:lũ`, []string{"flood", "old", "nfd"}},
		{`TITLE:lũ`, []string{"flood"}},
		{`author:thủy`, []string{"flood"}},
		{`author:thủ*`, []string{"flood"}},
		{`author:="Trần Thị Thủy"`, []string{"flood"}},
		{`title:(lũ OR flood)`, []string{"flood", "english"}},
		{`title:(lũ quét)`, []string{"flood"}},
		{`title:(title:lũ)`, []string{"flood"}},
		{`title:"lũ quét" OR text:flood`, []string{"flood", "english"}},
		{`title:lũ quét`, []string{"flood"}}, // title:lũ AND quét (anywhere)
		{`title:and`, nil},
		{`label:sensitive`, []string{"flood"}},
		{`label:SENSITIVE`, []string{"flood"}},
		{`label:sens`, nil}, // keyword values match whole
		{`label:policy:disaster`, []string{"flood"}},
		{`label:policy*`, []string{"flood"}},
		{`label:(negative OR sensitive)`, []string{"flood", "old"}},
		{`label:(policy:disaster)`, []string{"flood"}},
		{`NOT label:sensitive`, []string{"old", "plain", "nfd", "english", "empty"}},
		{`lang:en`, []string{"english"}},
		{`lang:vi`, []string{"flood", "old", "plain", "nfd"}},
		{`lang:vi lũ`, []string{"flood", "old", "nfd"}},
		{`site:e.vnexpress.net`, []string{"english"}},
		{`site:vnexpress.net`, nil},
		{`site:e.vnex*`, []string{"english"}},
		{`source:"báo điện biên phủ"`, []string{"flood"}},
		{`source:"bao dien bien phu"`, []string{"flood"}},
		{`source:="báo điện biên phủ"`, []string{"flood"}},
		{`source:="bao dien bien phu"`, nil},
		{`source:"VnExpress"`, nil},
		{`tier:1`, []string{"flood"}},
		{`tier:2 OR tier:1`, []string{"flood", "english"}},

		// Lists.
		{`@province`, []string{"flood", "plain", "english"}},
		{`title:@province`, []string{"flood", "english"}},
		{`NOT @province`, []string{"old", "nfd", "empty"}},
		{`@disaster @province`, []string{"flood", "english"}},
		{`label:@labels`, []string{"old"}},
		{`@empty`, nil},
		{`NOT @empty`, []string{"flood", "old", "plain", "nfd", "english", "empty"}},

		// Proximity, on real sentences (boundaries in TestNearDistance).
		{`flood NEAR/2 damage`, []string{"english"}},
		{`flood ONEAR/1 damage`, []string{"english"}},
		{`damage ONEAR/1 flood`, nil},
		{`damage ONEAR/2 flood`, []string{"english"}}, // damage11 from the flood14
		{`flood NEAR/5 roads`, []string{"english"}},   // flood1 … roads7: 5 between
		{`flood NEAR/4 roads`, nil},
		{`title:flood NEAR/10 roads`, nil}, // roads is only in the text
		{`flood NEAR/12 flood`, nil},       // flood1 and flood14 are in two sentences
		{`damage NEAR/5 damage`, nil},
		{`lũ NEAR/3 lũ`, nil},          // one occurrence per field cannot pair with itself
		{`"lũ quét" NEAR/3 quét`, nil}, // overlapping occurrences do not pair
		{`"Mường Chà" NEAR/1 lũ`, nil}, // Lũ0 quét1 ở2 Mường3: 2 between
		{`"Mường Chà" NEAR/2 lũ`, []string{"flood"}},
		{`"lũ quét" ONEAR/1 "Mường Chà"`, []string{"flood"}},
		{`"Mường Chà" ONEAR/1 "lũ quét"`, nil},
		{`@disaster NEAR/5 @province`, []string{"flood", "english"}},
		{`@disaster ONEAR/1 @province`, []string{"flood"}},
		{`(lũ OR flood) NEAR/1 (quét OR damage)`, []string{"flood", "english"}},
		{`title:(damage NEAR/1 dien)`, []string{"english"}}, // damage1 in2 Dien3
		{`text:(damage NEAR/1 dien)`, nil},
		{`=lũ NEAR/1 quét`, []string{"flood"}},
		{`=lu NEAR/1 quét`, nil},
		{`dien* NEAR/1 bien`, []string{"flood", "plain", "english"}},
		{`NOT (flood NEAR/2 damage)`, []string{"flood", "old", "plain", "nfd", "empty"}},
		{`lũ NEAR/1 quét NOT label:sensitive`, nil},
		{`thủy NEAR/1 "hòa bình"`, []string{"nfd"}}, // thủy0 điện1 hòa2: 1 between
	}
	for _, tc := range tests {
		n, err := Parse(tc.q, testOpts)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.q, err)
			continue
		}
		for _, name := range sortedKeys(testDocs) {
			want := slices.Contains(tc.match, name)
			if got := Eval(n, testDocs[name].newDoc()); got != want {
				t.Errorf("Eval(%q) on %s = %v, want %v", tc.q, name, got, want)
			}
		}
		for _, name := range tc.match {
			if _, ok := testDocs[name]; !ok {
				t.Errorf("%q: no test document %q", tc.q, name)
			}
		}
		// Canonical form: re-parses to the same tree, is stable, and
		// matches the same documents.
		s := n.String()
		n2, err := Parse(s, testOpts)
		if err != nil {
			t.Errorf("Parse(String(%q) = %q): %v", tc.q, s, err)
			continue
		}
		if !Equal(n, n2) {
			t.Errorf("Parse(String(%q) = %q) is not Equal to the original", tc.q, s)
		}
		if s2 := n2.String(); s2 != s {
			t.Errorf("String not stable for %q: %q then %q", tc.q, s, s2)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestNearDistance checks the boundary of NEAR/n and ONEAR/n: exactly n
// tokens between the operands match, n+1 do not, in both orders, for terms
// and for phrases.
func TestNearDistance(t *testing.T) {
	filler := func(k int) string { return strings.Repeat("và ", k) }
	for n := 1; n <= 4; n++ {
		for k := 0; k <= n+2; k++ {
			fwd := &Document{Text: map[string]string{FieldText: "lũ " + filler(k) + "quét"}}
			rev := &Document{Text: map[string]string{FieldText: "quét " + filler(k) + "lũ"}}
			phr := &Document{Text: map[string]string{FieldText: "sạt lở " + filler(k) + "Mường Chà"}}
			within := k <= n
			cases := []struct {
				q    string
				d    *Document
				want bool
			}{
				{fmt.Sprintf("lũ NEAR/%d quét", n), fwd, within},
				{fmt.Sprintf("lũ NEAR/%d quét", n), rev, within},
				{fmt.Sprintf("quét NEAR/%d lũ", n), fwd, within},
				{fmt.Sprintf("lũ ONEAR/%d quét", n), fwd, within},
				{fmt.Sprintf("lũ ONEAR/%d quét", n), rev, false},
				{fmt.Sprintf("quét ONEAR/%d lũ", n), rev, within},
				{fmt.Sprintf(`"sạt lở" NEAR/%d "Mường Chà"`, n), phr, within},
				{fmt.Sprintf(`"Mường Chà" NEAR/%d "sạt lở"`, n), phr, within},
				{fmt.Sprintf(`"sạt lở" ONEAR/%d "Mường Chà"`, n), phr, within},
				{fmt.Sprintf(`"Mường Chà" ONEAR/%d "sạt lở"`, n), phr, false},
				{fmt.Sprintf(`lở NEAR/%d mường`, n), phr, within},
				{fmt.Sprintf(`sạt NEAR/%d chà`, n), phr, k+2 <= n},
			}
			for _, c := range cases {
				q, err := Parse(c.q, Options{})
				if err != nil {
					t.Fatalf("Parse(%q): %v", c.q, err)
				}
				if got := Eval(q, c.d); got != c.want {
					t.Errorf("%s on %q: got %v, want %v", c.q, c.d.Text[FieldText], got, c.want)
				}
			}
		}
	}
}

// TestSortedIndexPath runs the table's queries on a long document after
// enough lookups that the sorted index is in use, and compares with a fresh
// document that still scans.
func TestSortedIndexPath(t *testing.T) {
	text := strings.Repeat("Người dân xã Huổi Lèng chưa nhận được hỗ trợ sau trận lũ quét. ", 6) +
		"Thuỷ điện Hoà Bình xả lũ; Điện Biên có mưa to. Flood damage near the bridge."
	queries := []string{
		`lũ`, `=lũ`, `=lu`, `hoa`, `=hòa`, `=hoa`, `"lũ quét"`, `"quét lũ"`, `thủ*`, `=thủ*`,
		`=thu*`, `dien*`, `"dien bien"`, `lũ NEAR/3 quét`, `flood ONEAR/1 damage`, `damage ONEAR/1 flood`,
		`xã NEAR/100 bridge`, `huổi*`, `"hỗ trợ" ONEAR/4 lũ`, `NOT hoa`,
	}
	warm := &Document{Text: map[string]string{FieldText: text}}
	for range indexAfter + 1 {
		Eval(&Term{Tokens: []string{"warm"}}, warm)
	}
	if warm.index().fields[fText].lookups.Load() <= indexAfter {
		t.Fatal("the warm-up did not reach the index threshold")
	}
	for _, q := range queries {
		n, err := Parse(q, Options{})
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		cold := &Document{Text: map[string]string{FieldText: text}}
		if got, want := Eval(n, warm), Eval(n, cold); got != want {
			t.Errorf("%s: sorted index says %v, scan says %v", q, got, want)
		}
		if got, want := Explain(n, warm), Explain(n, cold); !slices.Equal(got, want) {
			t.Errorf("%s: Explain differs between index and scan:\n%v\n%v", q, got, want)
		}
	}
	if warm.index().fields[fText].sorted == nil {
		t.Error("the sorted index was never built")
	}
}

func TestExplain(t *testing.T) {
	d := testDocs["flood"]
	tests := []struct {
		q    string
		want []string // field:matched text:Term[:List]
	}{
		{`lũ`, []string{"title:Lũ:lũ", "text:lũ:lũ"}},
		{`title:"lũ quét"`, []string{`title:Lũ quét:title:"lũ quét"`}},
		{`lũ NOT hoa`, nil}, // does not match: no hits
		{`NOT hoa`, nil},
		{`label:sensitive`, []string{}}, // matches, but keyword fields have no offsets
		{`title:@province`, []string{"title:Mường Chà:title:\"Mường Chà\":province"}},
		{`quét OR "không có"`, []string{"title:quét:quét", "text:quét:quét"}},
		{`quét AND NOT "không có"`, []string{"title:quét:quét", "text:quét:quét"}},
		{`(quét AND "không có") OR thủy`, nil},
		{`(quét AND "không có") OR author:thủy`, []string{"author:Thủy:author:thủy"}},
		// Only occurrences that form a pair: text's lũ is far from Mường Chà.
		{`lũ NEAR/2 "Mường Chà"`, []string{"title:Lũ:lũ", `title:Mường Chà:"Mường Chà"`}},
		{`COVID-19`, []string{`text:COVID-19:"COVID-19"`}},
		{`chà*`, []string{"title:Chà:chà*", "text:Chà:chà*"}},
	}
	for _, tc := range tests {
		n, err := Parse(tc.q, testOpts)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.q, err)
		}
		doc := d.newDoc()
		hits := Explain(n, doc)
		var got []string
		if hits != nil {
			got = []string{}
		}
		for _, h := range hits {
			s := h.Field + ":" + doc.Text[h.Field][h.Start:h.End] + ":" + h.Term
			if h.List != "" {
				s += ":" + h.List
			}
			got = append(got, s)
		}
		if !slices.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("Explain(%q) = %q, want %q", tc.q, got, tc.want)
		}
		if (hits != nil) != Eval(n, doc) {
			t.Errorf("Explain(%q) is nil = %v, but Eval = %v", tc.q, hits == nil, Eval(n, doc))
		}
	}
}

// TestExplainOffsetsNFD checks that offsets point into the text as given,
// not into its normalised form.
func TestExplainOffsetsNFD(t *testing.T) {
	doc := testDocs["nfd"].newDoc()
	n, err := Parse(`="hòa bình"`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hits := Explain(n, doc)
	if len(hits) != 2 {
		t.Fatalf("got %d hits, want 2 (title and text): %v", len(hits), hits)
	}
	for _, h := range hits {
		if got := doc.Text[h.Field][h.Start:h.End]; got != "Ho\u0300a Bi\u0300nh" {
			t.Errorf("hit in %s covers %q", h.Field, got)
		}
	}
}

func TestEvalNil(t *testing.T) {
	n, err := Parse("lũ", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if Eval(nil, testDocs["flood"].newDoc()) || Eval(n, nil) {
		t.Error("nil node or document matched")
	}
	if Explain(nil, testDocs["flood"].newDoc()) != nil || Explain(n, nil) != nil {
		t.Error("nil node or document explained")
	}
}

// TestConcurrentEval shares one Document between goroutines; run with -race.
func TestConcurrentEval(t *testing.T) {
	queries := []string{`lũ`, `=hòa`, `"lũ quét"`, `dien*`, `lũ NEAR/3 quét`, `author:thủy`}
	nodes := make([]Node, len(queries))
	want := make([]bool, len(queries))
	for i, q := range queries {
		n, err := Parse(q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		nodes[i] = n
		want[i] = Eval(n, testDocs["flood"].newDoc())
	}
	doc := testDocs["flood"].newDoc()
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(nodes)*20)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				for i, n := range nodes {
					if Eval(n, doc) != want[i] {
						errs <- queries[i]
					}
					Explain(n, doc)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for q := range errs {
		t.Errorf("concurrent Eval(%q) disagreed", q)
	}
}

// TestExactImpliesFolded backs the claim in the package documentation that
// lets a back end check exact leaves against exact forms alone: for every
// letter below U+2000, in either case, precomposed or decomposed, alone or
// after a Vietnamese initial, equal exact forms imply equal folded forms.
// The exception, outside this set, is a letter and mark with a precomposed
// form in one case only: textnorm.Fold keeps the mark of T+U+0308 but
// strips that of ẗ; FuzzSelfMatch keeps that case.
func TestExactImpliesFolded(t *testing.T) {
	var failures []string
	check := func(s string) {
		if textnorm.Fold(ExactForm(s)) != textnorm.Fold(s) {
			failures = append(failures, fmt.Sprintf("%+q", s))
		}
	}
	for r := rune('A'); r < 0x2000; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		for _, s := range []string{string(r), strings.ToUpper(string(r)), strings.ToLower(string(r))} {
			check(s)
			check(norm.NFD.String(s))
			check("Ho" + norm.NFD.String(s))
		}
	}
	if len(failures) > 0 {
		t.Errorf("exact forms do not imply folded forms for %d letters: %s", len(failures), strings.Join(failures, " "))
	}
}
