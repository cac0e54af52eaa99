package query

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// dump renders a tree with every field Eval and the Bleve compiler use, so
// that the tests below pin the AST, not just its behaviour.
func dump(n Node) string {
	switch n := n.(type) {
	case *Term:
		var flags []string
		if n.Field != "" {
			flags = append(flags, n.Field)
		}
		for _, f := range []struct {
			on   bool
			name string
		}{{n.Exact, "exact"}, {n.Fold, "fold"}, {n.Marked(), "marked"}, {n.Prefix, "prefix"}, {n.Phrase, "phrase"}} {
			if f.on {
				flags = append(flags, f.name)
			}
		}
		return fmt.Sprintf("T(%q %s %s @%d)", n.Raw, strings.Join(n.Tokens, "|"), strings.Join(flags, ","), n.Col)
	case *ListRef:
		parts := make([]string, len(n.Terms))
		for i, t := range n.Terms {
			parts[i] = dump(t)
		}
		return fmt.Sprintf("L(%s:@%s @%d [%s])", n.Field, n.Name, n.Col, strings.Join(parts, " "))
	case *And:
		return "AND(" + dumpAll(n.Children) + ")"
	case *Or:
		return "OR(" + dumpAll(n.Children) + ")"
	case *Not:
		return "NOT(" + dump(n.Child) + ")"
	case *Near:
		name := "NEAR"
		if n.Ordered {
			name = "ONEAR"
		}
		return fmt.Sprintf("%s/%d(%s %s)", name, n.N, dump(n.Left), dump(n.Right))
	}
	return fmt.Sprintf("?%T", n)
}

func dumpAll(ns []Node) string {
	parts := make([]string, len(ns))
	for i, c := range ns {
		parts[i] = dump(c)
	}
	return strings.Join(parts, " ")
}

func TestParseTree(t *testing.T) {
	tests := []struct {
		q, want, canonical string
	}{
		{`lũ`, `T("lũ" lũ marked @1)`, `lũ`},
		{`~lũ`, `T("lũ" lu fold @1)`, `~lũ`},
		{`~"Hoà Bình"`, `T("Hoà Bình" hoa|binh fold,phrase @1)`, `~"Hoà Bình"`},
		{`title:~thủy*`, `T("thủy" thuy title,fold,prefix @1)`, `title:~thủy*`},
		{`~lu`, `T("lu" lu fold @1)`, `~lu`},
		{`"Hoà Bình"`, `T("Hoà Bình" hòa|bình marked,phrase @1)`, `"Hoà Bình"`},
		{`"COVID-19 ở Hà Nội"`, `T("COVID-19 ở Hà Nội" covid|19|ở|hà|nội marked,phrase @1)`, `"COVID-19 ở Hà Nội"`},
		{`lũ quét`, `AND(T("lũ" lũ marked @1) T("quét" quét marked @4))`, `lũ AND quét`},
		{`a OR b c`, `OR(T("a" a  @1) AND(T("b" b  @6) T("c" c  @8)))`, `a OR b AND c`},
		{`(a OR b) c`, `AND(OR(T("a" a  @2) T("b" b  @7)) T("c" c  @10))`, `(a OR b) AND c`},
		{`(a AND b) AND c`, `AND(T("a" a  @2) T("b" b  @8) T("c" c  @15))`, `a AND b AND c`},
		{`a OR (b OR c)`, `OR(T("a" a  @1) T("b" b  @7) T("c" c  @12))`, `a OR b OR c`},
		{`a NOT b`, `AND(T("a" a  @1) NOT(T("b" b  @7)))`, `a AND NOT b`},
		{`NOT a b`, `AND(NOT(T("a" a  @5)) T("b" b  @7))`, `NOT a AND b`},
		{`NOT (a b)`, `NOT(AND(T("a" a  @6) T("b" b  @8)))`, `NOT (a AND b)`},
		{`not not a`, `NOT(NOT(T("a" a  @9)))`, `NOT NOT a`},
		{`a b NEAR/3 c`, `AND(T("a" a  @1) NEAR/3(T("b" b  @3) T("c" c  @12)))`, `a AND b NEAR/3 c`},
		{`a near/03 b`, `NEAR/3(T("a" a  @1) T("b" b  @11))`, `a NEAR/3 b`},
		{`a Onear/7 b`, `ONEAR/7(T("a" a  @1) T("b" b  @11))`, `a ONEAR/7 b`},
		{`NOT (a NEAR/2 b)`, `NOT(NEAR/2(T("a" a  @6) T("b" b  @15)))`, `NOT (a NEAR/2 b)`},
		{`(a OR "b c") NEAR/2 dxy*`, `NEAR/2(OR(T("a" a  @2) T("b c" b|c phrase @7)) T("dxy" dxy prefix @21))`, `(a OR "b c") NEAR/2 dxy*`},
		{`COVID-19`, `T("COVID-19" covid|19 phrase @1)`, `"COVID-19"`},
		{`Bien's`, `T("Bien's" bien|s phrase @1)`, `"Bien's"`},
		{`"lũ"`, `T("lũ" lũ marked,phrase @1)`, `"lũ"`},
		{`“Mường Chà”`, `T("Mường Chà" mường|chà marked,phrase @1)`, `"Mường Chà"`},
		{`="Hoà Bình"`, `T("Hoà Bình" hòa|bình exact,phrase @1)`, `="Hoà Bình"`},
		{`=ĐIỆN`, `T("ĐIỆN" điện exact @1)`, `=ĐIỆN`},
		{`thiên*`, `T("thiên" thiên marked,prefix @1)`, `thiên*`},
		{`=thiên*`, `T("thiên" thiên exact,prefix @1)`, `=thiên*`},
		{`title:lũ quét`, `AND(T("lũ" lũ title,marked @1) T("quét" quét marked @10))`, `title:lũ AND quét`},
		{`Title:"lũ quét"`, `T("lũ quét" lũ|quét title,marked,phrase @1)`, `title:"lũ quét"`},
		{`title:="Hòa"`, `T("Hòa" hòa title,exact,phrase @1)`, `title:="Hòa"`},
		{`title:=hòa*`, `T("hòa" hòa title,exact,prefix @1)`, `title:=hòa*`},
		{`title:(lũ OR bão)`, `OR(T("lũ" lũ title,marked @8) T("bão" bão title,marked @14))`, `title:lũ OR title:bão`},
		{`x title:(lũ OR bão)`, `AND(T("x" x  @1) OR(T("lũ" lũ title,marked @10) T("bão" bão title,marked @16)))`, `x AND (title:lũ OR title:bão)`},
		{`title:(a NEAR/2 b)`, `NEAR/2(T("a" a title @8) T("b" b title @17))`, `title:a NEAR/2 title:b`},
		{`title:and`, `T("and" and title @1)`, `title:and`},
		{`author:thủy`, `T("thủy" thủy author,marked @1)`, `author:thủy`},
		{`label:Sensitive`, `T("Sensitive" sensitive label @1)`, `label:Sensitive`},
		{`label:policy:land`, `T("policy:land" policy:land label @1)`, `label:policy:land`},
		{`label:=Policy:Đất`, `T("Policy:Đất" policy:đất label,exact @1)`, `label:=Policy:Đất`},
		{`label:polic*`, `T("polic" polic label,prefix @1)`, `label:polic*`},
		{`label:(a:b OR title:x)`, `OR(T("a:b" a:b label @8) T("title:x" title:x label @15))`, `label:a:b OR label:title:x`},
		{`source:"Báo Điện Biên Phủ"`, `T("Báo Điện Biên Phủ" bao dien bien phu source @1)`, `source:"Báo Điện Biên Phủ"`},
		{`site:"=x"`, `T("=x" =x site @1)`, `site:"=x"`},
		{`lang:vi`, `T("vi" vi lang @1)`, `lang:vi`},
		{`@province`, `L(:@province @1 [T("Điện Biên" điện|biên marked,phrase @1) T("Mường Chà" mường|chà marked,phrase @1) T("Tuần Giáo" tuần|giáo marked,phrase @1)])`, `@province`},
		{`title:@disaster`, `L(title:@disaster @1 [T("lũ quét" lũ|quét title,marked,phrase @1) T("sạt lở" sạt|lở title,marked,phrase @1) T("flood" flood title @1)])`, `title:@disaster`},
		{`label:@labels`, `L(label:@labels @1 [T("negative" negative label @1) T("crisis" crisis label @1)])`, `label:@labels`},
		{`@empty`, `L(:@empty @1 [])`, `@empty`},
		{`lũ, quét.`, `AND(T("lũ," lũ marked @1) T("quét." quét marked @5))`, `lũ, AND quét.`},
		{`lũ:`, `T("lũ:" lũ marked @1)`, `lũ:`},
		{"lũ\tquét\u00a0bão", `AND(T("lũ" lũ marked @1) T("quét" quét marked @4) T("bão" bão marked @9))`, `lũ AND quét AND bão`},
		{`NOT(a)OR(b)`, `OR(NOT(T("a" a  @5)) T("b" b  @10))`, `NOT a OR b`},
		{`nearby`, `T("nearby" nearby  @1)`, `nearby`},
		{`"near"`, `T("near" near phrase @1)`, `"near"`},
	}
	for _, tc := range tests {
		n, err := Parse(tc.q, testOpts)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.q, err)
			continue
		}
		if got := dump(n); got != tc.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tc.q, got, tc.want)
		}
		if got := n.String(); got != tc.canonical {
			t.Errorf("String(Parse(%q)) = %q, want %q", tc.q, got, tc.canonical)
		}
		n2, err := Parse(n.String(), testOpts)
		if err != nil || !Equal(n, n2) {
			t.Errorf("Parse(%q) = %s, %v: not Equal to Parse(%q)", n.String(), dump(n2), err, tc.q)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ q, want string }{
		{``, `empty query`},
		{" \t\n", `empty query`},
		{`lũ quét AND`, `col 12: expected a term after AND`},
		{`lũ AND )`, `col 8: expected a term after AND`},
		{`lũ AND OR quét`, `col 8: expected a term after AND`},
		{`lũ OR OR quét`, `col 7: expected a term after OR`},
		{`lũ OR`, `col 6: expected a term after OR`},
		{`NOT`, `col 4: expected a term after NOT`},
		{`lũ NOT )`, `col 8: expected a term after NOT`},
		{`lũ NEAR/3`, `col 10: expected a term after NEAR/3`},
		{`lũ near/03 AND`, `col 12: expected a term after NEAR/3`},
		{`AND lũ`, `col 1: expected a term before AND`},
		{`or lũ`, `col 1: expected a term before OR`},
		{`NEAR/3 lũ`, `col 1: expected a term before NEAR/3`},
		{`(OR lũ)`, `col 2: expected a term before OR`},
		{`)`, `col 1: unbalanced )`},
		{`lũ)`, `col 3: unbalanced )`},
		{`(lũ))`, `col 5: unbalanced )`},
		{`(lũ`, `col 1: unbalanced (`},
		{`a (b (c)`, `col 3: unbalanced (`},
		{`title:(lũ`, `col 7: unbalanced (`},
		{`()`, `col 1: empty parentheses`},
		{`lũ ( )`, `col 4: empty parentheses`},
		{`ab "cd`, `col 4: unterminated phrase`},
		{`ab “cd`, `col 4: unterminated phrase`},
		{`lũ NEAR quét`, `col 4: NEAR needs a number: NEAR/5`},
		{`lũ quét NEAR/ x`, `col 9: NEAR needs a number: NEAR/5`},
		{`lũ near/x quét`, `col 4: NEAR needs a number: NEAR/5`},
		{`lũ NEAR/3x quét`, `col 4: NEAR needs a number: NEAR/5`},
		{`lũ ONEAR quét`, `col 4: ONEAR needs a number: ONEAR/5`},
		{`lũ NEAR/0 quét`, `col 4: NEAR/0: n must be from 1 to 100`},
		{`lũ ONEAR/101 quét`, `col 4: ONEAR/101: n must be from 1 to 100`},
		{`lũ NEAR/99999999999999999999 quét`, `col 4: NEAR/99999999999999999999: n must be from 1 to 100`},
		{`lũ NEAR/3 quét NEAR/3 bão`, `col 16: NEAR and ONEAR cannot be chained: write (a NEAR/n b) AND (b NEAR/n c)`},
		{`(lũ AND quét) NEAR/3 bão`, `col 1: NEAR/3 operand must be a term, phrase, prefix, list or an OR group of them, not AND`},
		{`bão NEAR/3 (lũ quét)`, `col 12: NEAR/3 operand must be a term, phrase, prefix, list or an OR group of them, not AND`},
		{`(a OR b c) NEAR/3 bão`, `col 1: NEAR/3 operand must be a term, phrase, prefix, list or an OR group of them, not AND`},
		{`lũ ONEAR/3 NOT quét`, `col 12: ONEAR/3 operand must be a term, phrase, prefix, list or an OR group of them, not NOT: write NOT (a ONEAR/3 b)`},
		{`NOT lũ NEAR/3 quét`, `col 1: NEAR/3 operand must be a term, phrase, prefix, list or an OR group of them, not NOT: write NOT (a NEAR/3 b)`},
		{`(lũ NEAR/2 quét) NEAR/2 bão`, `col 1: NEAR/2 operand must be a term, phrase, prefix, list or an OR group of them, not another NEAR`},
		{`label:x NEAR/3 lũ`, `col 1: NEAR/3 operand must be a term, phrase, prefix, list or an OR group of them, not label: (a keyword field has no word positions)`},
		{`(lũ OR site:x) NEAR/2 lũ`, `col 8: NEAR/2 operand must be a term, phrase, prefix, list or an OR group of them, not site: (a keyword field has no word positions)`},
		{`lũ NEAR/2 label:@labels`, `col 11: NEAR/2 operand must be a term, phrase, prefix, list or an OR group of them, not label: (a keyword field has no word positions)`},
		{`titel:lũ`, `col 1: unknown field "titel:" (known: title, text, author, source, site, lang, tier, label)`},
		{`lũ TITEL:"x"`, `col 4: unknown field "TITEL:" (known: title, text, author, source, site, lang, tier, label)`},
		{`https://example.com`, `col 1: unknown field "https:" (known: title, text, author, source, site, lang, tier, label)`},
		{`title:`, `col 7: expected a term after title:`},
		{`title: lũ`, `col 7: expected a term after title:`},
		{`title:(text:lũ)`, `col 8: text: inside title:( … )`},
		{`label:(title:(x))`, `col 14: missing space before (`},
		{`lũ(quét)`, `col 3: missing space before (`},
		{`lũ @provinc`, `col 4: unknown list @provinc`},
		{`title:@provinc`, `col 7: unknown list @provinc`},
		{`@`, `col 1: expected a list name after @`},
		{`@prov!`, `col 1: bad list name "@prov!": use letters, digits, _, - and .`},
		{`=@province`, `col 1: = cannot be used with a list`},
		{`=`, `col 2: expected a term or phrase after =`},
		{`= "hòa"`, `col 2: expected a term or phrase after =`},
		{`title:=`, `col 8: expected a term or phrase after =`},
		{`=title:hòa`, `col 1: write the field before =: title:=…`},
		{`=titel:hòa`, `col 2: unknown field "titel:" (known: title, text, author, source, site, lang, tier, label)`},
		{`lu*`, `col 1: prefix "lu*" is too short: at least 3 letters before *`},
		{`abcd lũ*`, `col 6: prefix "lũ*" is too short: at least 3 letters before *`},
		{`title:=lũ*`, `col 8: prefix "lũ*" is too short: at least 3 letters before *`},
		{`label:se*`, `col 7: prefix "se*" is too short: at least 3 letters before *`},
		{`*`, `col 1: "*" contains no letters or digits`},
		{`covid-19*`, `col 1: prefix "covid-19*" must be a single word`},
		{`l*u`, `col 2: * is only allowed at the end of a word`},
		{`lũng**`, `col 5: * is only allowed at the end of a word`},
		{`"lũ*"`, `col 4: * inside a phrase is not supported`},
		{`"lũ quét"*`, `col 10: * inside a phrase is not supported`},
		{`label:"se*"`, `col 10: * inside a phrase is not supported`},
		{`-lũ`, `col 1: a leading - is not an operator: write NOT lũ`},
		{`title:-lũ`, `col 7: a leading - is not an operator: write NOT lũ`},
		{`lũ && quét`, `col 4: && is not an operator: write AND`},
		{`lũ || quét`, `col 4: || is not an operator: write OR`},
		{`lũ ...`, `col 4: "..." contains no letters or digits`},
		{`""`, `col 1: empty phrase`},
		{`" ,. "`, `col 1: empty phrase`},
		{`label:""`, `col 7: empty value after label:`},
		{`lũ"quét"`, `col 3: missing space before "`},
		{`@province"x"`, `col 10: missing space before "`},
		{`"lũ"quét`, `col 5: missing space after "`},
		{`"lũ""quét"`, `col 5: missing space after "`},
		// Columns count characters, not bytes.
		{`Điện Biên AND`, `col 14: expected a term after AND`},
	}
	for _, tc := range tests {
		n, err := Parse(tc.q, testOpts)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want error %q", tc.q, n, tc.want)
			continue
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error %T is not *Error", tc.q, err)
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%q)\n got %q\nwant %q", tc.q, err.Error(), tc.want)
		}
	}
}

func TestParseNilLists(t *testing.T) {
	_, err := Parse(`@province`, Options{})
	if err == nil || err.Error() != "col 1: unknown list @province" {
		t.Errorf("Parse with no Lists: %v", err)
	}
}

func TestLimits(t *testing.T) {
	big := make([]string, 600)
	for i := range big {
		big[i] = "từ" + strconv.Itoa(i)
	}
	lists := func(name string) ([]string, bool) {
		if name == "big" {
			return big, true
		}
		return testLists(name)
	}
	// k one-letter terms: 1024 distinct words would not fit in 4096 bytes.
	terms := func(k int) string { return strings.TrimSpace(strings.Repeat("a ", k)) }
	tests := []struct {
		name string
		q    string
		want string // "" means the query is valid
	}{
		{"length at limit", `"` + strings.Repeat("a ", MaxQueryBytes/2-1) + `"`, ""},
		{"length over limit", `"` + strings.Repeat("a ", MaxQueryBytes/2-1) + `a"`, "query too long: 4097 bytes, at most 4096"},
		{"depth 32 parens", strings.Repeat("(", 32) + "a" + strings.Repeat(")", 32), ""},
		{"depth 33 parens", strings.Repeat("(", 33) + "a" + strings.Repeat(")", 33), "col 33: nesting deeper than 32"},
		{"depth 32 NOTs", strings.Repeat("NOT ", 32) + "a", ""},
		{"depth 33 NOTs", strings.Repeat("NOT ", 33) + "a", "col 129: nesting deeper than 32"},
		{"depth mixed", strings.Repeat("NOT (", 16) + "a" + strings.Repeat(")", 16) + " " + strings.Repeat("(", 32) + "b" + strings.Repeat(")", 32), ""},
		{"depth mixed over", strings.Repeat("NOT (", 16) + "NOT a" + strings.Repeat(")", 16), "col 81: nesting deeper than 32"},
		{"depth field group", strings.Repeat("(", 31) + "title:(a)" + strings.Repeat(")", 31), ""},
		{"depth field group over", strings.Repeat("(", 32) + "title:(a)" + strings.Repeat(")", 32), "col 39: nesting deeper than 32"},
		{"1024 terms", terms(MaxTerms), ""},
		{"1025 terms", terms(MaxTerms + 1), "col 2049: too many terms: at most 1024, list entries included"},
		{"one big list", "@big", ""},
		{"list expansion over", "@big lũ @big", "col 9: too many terms: at most 1024, list entries included"},
		{"NEAR/100", "a NEAR/100 b", ""},
		{"NEAR/101", "a NEAR/101 b", "col 3: NEAR/101: n must be from 1 to 100"},
		{"prefix 3", "abc*", ""},
		{"prefix 3 letters", "lũn*", ""},
		{"prefix 2", "ab*", `col 1: prefix "ab*" is too short: at least 3 letters before *`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Parse(tc.q, Options{Lists: lists})
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && err == nil:
				t.Errorf("Parse = %.80s…, want error %q", n, tc.want)
			case tc.want != "" && err.Error() != tc.want:
				t.Errorf("got %q, want %q", err, tc.want)
			}
		})
	}
}

func TestTerms(t *testing.T) {
	tests := []struct {
		q        string
		terms    string
		positive bool
	}{
		{`lũ`, `lũ`, true},
		{`lũ NOT quét`, `lũ`, true},
		{`NOT quét`, ``, false},
		{`lũ OR NOT quét`, `lũ`, false},
		{`NOT NOT quét`, ``, false}, // a presearcher need not see through double negation
		{`(bão OR @disaster) NEAR/2 x label:sensitive`, `bão "lũ quét" "sạt lở" flood x label:sensitive`, true},
		{`title:(a OR b) NOT (c OR d)`, `title:a title:b`, true},
		{`@empty`, ``, true}, // matches nothing, so nothing is missed
		{`lang:vi`, `lang:vi`, true},
	}
	for _, tc := range tests {
		n, err := Parse(tc.q, testOpts)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.q, err)
		}
		var got []string
		for _, term := range Terms(n) {
			got = append(got, term.String())
		}
		if s := strings.Join(got, " "); s != tc.terms {
			t.Errorf("Terms(%q) = %q, want %q", tc.q, s, tc.terms)
		}
		if got := HasPositiveRequirement(n); got != tc.positive {
			t.Errorf("HasPositiveRequirement(%q) = %v, want %v", tc.q, got, tc.positive)
		}
	}
}

func TestEqual(t *testing.T) {
	parse := func(q string) Node {
		n, err := Parse(q, testOpts)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		return n
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{`lũ`, `  lũ`, true}, // columns differ
		{`lũ`, `lu`, false},  // same tokens, different Raw
		{`lũ`, `=lũ`, false},
		{`lũ`, `"lũ"`, false},
		{`lũ`, `title:lũ`, false},
		{`lũng*`, `lũng`, false},
		{`a b`, `a AND b`, true},
		{`a b`, `b a`, false},
		{`a OR b`, `a AND b`, false},
		{`a NEAR/2 b`, `a NEAR/3 b`, false},
		{`a NEAR/2 b`, `a ONEAR/2 b`, false},
		{`a NEAR/2 b`, `b NEAR/2 a`, false},
		{`NOT a`, `NOT b`, false},
		{`@province`, `title:@province`, false},
		{`@province`, `@disaster`, false},
	}
	for _, tc := range tests {
		if got := Equal(parse(tc.a), parse(tc.b)); got != tc.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	if !Equal(nil, nil) || Equal(parse("a"), nil) || Equal(nil, parse("a")) {
		t.Error("Equal with nil")
	}
}
