package classifier

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/presswatch/presswatch/article"
)

func exampleRules(t *testing.T) *Ruleset {
	t.Helper()
	rs, err := LoadDir(os.DirFS("../examples/rules"), ".")
	if err != nil {
		t.Fatalf("examples/rules: %v", err)
	}
	return rs
}

func TestExampleRulesMatchToneInsensitively(t *testing.T) {
	rs := exampleRules(t)
	cases := []struct {
		name, title, text string
		want              []string
	}{
		{"marked flood", "Lũ quét ở Mường Chà", "Nhiều nhà dân bị cuốn trôi.", []string{"disaster.flood"}},
		{"unmarked flood", "Lu quet o Muong Cha", "Nhieu nha dan bi cuon troi.", []string{"disaster.flood"}},
		{"old tone placement", "Mưa lũ", "Thuỷ điện xả lũ, huyện Mường Chà ngập lụt, nhà hoà mình trong nước.", []string{"disaster.flood"}},
		{"flood elsewhere", "Lũ quét ở Yên Bái", "Nhiều nhà dân bị cuốn trôi.", nil},
		{"neutral", "Lễ hội hoa ban Điện Biên", "Du khách đổ về thành phố.", nil},
		{"english", "Floods hit Dien Bien", "Flash flood in the north.", []string{"disaster.flood"}},
		{"two rules", "Sạt lở và lũ quét tại Tuần Giáo", "", []string{"disaster.flood", "disaster.landslide"}},
		{"phrase must be contiguous", "Ngộ nhận về thực phẩm độc", "ở Điện Biên", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &article.Article{Title: c.title, Text: c.text}
			rs.Apply(a)
			var got []string
			for _, m := range a.Matches {
				got = append(got, m.RuleID)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Fatalf("matched %v, want %v", got, c.want)
			}
			if len(c.want) > 0 && (a.Severity == article.SeverityNone || len(a.Labels) == 0) {
				t.Errorf("flagged article has severity %q labels %v", a.Severity, a.Labels)
			}
			if a.RulesetVersion != rs.Version {
				t.Errorf("ruleset version %q, want %q", a.RulesetVersion, rs.Version)
			}
		})
	}
}

func TestMatchOffsetsPointAtTheText(t *testing.T) {
	rs := exampleRules(t)
	a := &article.Article{Title: "Tin mới", Text: "Sáng nay, LŨ QUÉT tràn qua xã ở huyện Mường Chà."}
	rs.Apply(a)
	if len(a.Matches) != 1 {
		t.Fatalf("matches = %+v", a.Matches)
	}
	var got []string
	for _, sp := range a.Matches[0].Offsets {
		if sp.Field != "text" {
			t.Errorf("span in %q, want text", sp.Field)
		}
		got = append(got, a.Text[sp.Start:sp.End])
	}
	if strings.Join(got, "|") != "LŨ QUÉT|Mường Chà" {
		t.Errorf("spans cover %q", got)
	}
	if strings.Join(a.Matches[0].Terms, ",") != "LŨ QUÉT,Mường Chà" {
		t.Errorf("terms = %v", a.Matches[0].Terms)
	}
}

func TestCompileErrorsNameFileAndLine(t *testing.T) {
	cases := []struct {
		name, file string
		want       []string
	}{
		{"unknown field", "rules:\n  - id: a\n    keywords: [x]\n    colour: red\n", []string{`bad.yaml:4: unknown field "colour"`}},
		{"bad yaml", "rules: [\n", []string{"bad.yaml: invalid YAML"}},
		{"unknown list", "rules:\n  - id: a\n    keywords: [\"@nowhere\"]\n", []string{"bad.yaml:2: rule a: query: col 1: unknown list @nowhere"}},
		{"duplicate id", "rules:\n  - id: a\n    keywords: [x]\n  - id: a\n    keywords: [y]\n", []string{`bad.yaml:4: duplicate rule id "a" (first at bad.yaml:2)`}},
		{"bad severity", "rules:\n  - id: a\n    keywords: [x]\n    severity: urgent\n", []string{`bad.yaml:2: rule a: unknown severity "urgent"`}},
		{"no keywords and bad id", "rules:\n  - id: A B\n", []string{`bad.yaml:2: rule id "A B"`, "bad.yaml:2: rule A B: no query (or keywords)"}},
		{"punctuation keyword", "rules:\n  - id: a\n    keywords: [\"!!\"]\n", []string{`bad.yaml:2: rule a: keyword "!!" has no letters or digits`}},
		{"query error column", "rules:\n  - id: a\n    query: lũ AND\n", []string{"bad.yaml:3:18: rule a: query: expected a term after AND"}},
		{"quoted query column", "rules:\n  - id: a\n    query: \"(lũ OR\"\n", []string{"bad.yaml:3:"}},
		{"malformed accent prefix", "rules:\n  - id: a\n    query: lũ AND ~=x\n", []string{"bad.yaml:3:19: rule a: query: ~=: use one of = (exact as written) and ~ (ignore marks)"}},
		{"lone fold prefix", "rules:\n  - id: a\n    query: ~ lũ\n", []string{"bad.yaml:3:13: rule a: query: expected a term or phrase after ~"}},
		{"fold prefix on a list", "rules:\n  - id: a\n    query: lũ ~@x\n", []string{"bad.yaml:3:15: rule a: query: ~ cannot be used with a list"}},
		{"both query and keywords", "rules:\n  - id: a\n    query: lũ\n    keywords: [bão]\n", []string{"give either query or keywords"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(map[string][]byte{"bad.yaml": []byte(c.file)})
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestDisabledRuleAndVersion(t *testing.T) {
	fs := fstest.MapFS{
		"a.yaml":    {Data: []byte("rules:\n  - id: a\n    keywords: [lũ]\n    enabled: false\n  - id: b\n    keywords: [bão]\n")},
		"notes.txt": {Data: []byte("ignored")},
	}
	rs, err := LoadDir(fs, ".")
	if err != nil {
		t.Fatal(err)
	}
	if rs.Len() != 1 {
		t.Errorf("enabled rules = %d, want 1", rs.Len())
	}
	a := &article.Article{Text: "lũ và bão"}
	rs.Apply(a)
	if len(a.Matches) != 1 || a.Matches[0].RuleID != "b" {
		t.Errorf("matches = %+v", a.Matches)
	}
	fs["a.yaml"] = &fstest.MapFile{Data: []byte("rules:\n  - id: b\n    keywords: [bão, gió]\n")}
	rs2, err := LoadDir(fs, ".")
	if err != nil {
		t.Fatal(err)
	}
	if rs2.Version == rs.Version {
		t.Error("version did not change with the rules")
	}
}

func FuzzCompile(f *testing.F) {
	f.Add([]byte("lists:\n  p: [Điện Biên]\nrules:\n  - id: a\n    keywords: [lũ quét]\n    require: ['@p']\n"))
	f.Add([]byte("rules: [{id: x, keywords: [\"\"]}]"))
	f.Add([]byte("rules:\n  - id: a\n    keywords: ['@p']\n"))
	f.Add([]byte(signalsYAML + "rules:\n  - {id: a, query: 'label:misleading AND @province', labels: [x]}\n"))
	f.Add([]byte("rules:\n  - {id: a, query: 'label:x', labels: [x]}\n"))
	// Multi-line queries, whose error positions are mapped back to the file.
	f.Add([]byte("rules:\n  - id: a\n    query: >-\n      (lũ OR\n        bão) AND @x\n"))
	f.Add([]byte("rules:\n  - id: a\n    query: |\n      lũ\n\n      AND (\n"))
	f.Add([]byte("rules:\n  - id: a\n    query: lũ OR\n      \"mưa đá\" AND @x\n"))
	f.Add([]byte("rules:\n  - id: a\n    query: \"lũ\\t OR\n  @x\"\n"))
	f.Add([]byte(responseYAML))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := Compile(map[string][]byte{"f.yaml": data})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		rs.Apply(&article.Article{Title: string(data), Text: "Lũ quét ở Điện Biên"})
	})
}

// TestRebuttalIsCarriedOntoTheMatch: the registry of false claims links
// each flagged article to the official answer.
func TestRebuttalIsCarriedOntoTheMatch(t *testing.T) {
	rs := compileOne(t, map[string]string{"r.yaml": "rules:\n  - id: claim.fee\n    query: '\"thu phí xe máy\"'\n    rebuttal: https://dienbien.gov.example/bac-bo\n    labels: [misleading]\n"})
	a := &article.Article{Title: "Sắp thu phí xe máy vào thành phố"}
	rs.Apply(a)
	if len(a.Matches) != 1 || a.Matches[0].Rebuttal != "https://dienbien.gov.example/bac-bo" {
		t.Errorf("matches %+v", a.Matches)
	}
}

// TestRulesMatchByMarksAndStems: a rule written with marks fires on its
// word, not on a word that differs only by marks, unless the text has no
// marks; English rules find inflected forms through the presearcher.
func TestRulesMatchByMarksAndStems(t *testing.T) {
	rs, err := Compile(map[string][]byte{"r.yaml": []byte(`rules:
  - id: landslide
    query: '"lở đất" OR "sạt lở"'
  - id: flood-en
    query: flood OR "forest fire"
  - id: any-spelling
    query: '~"lở đất"'
`)})
	if err != nil {
		t.Fatal(err)
	}
	fired := func(a *article.Article) string {
		var ids []string
		for _, m := range rs.Match(a) {
			ids = append(ids, m.RuleID)
		}
		return strings.Join(ids, ",")
	}
	for _, tc := range []struct {
		a    article.Article
		want string
	}{
		{article.Article{Lang: "vi", Text: "Mưa lớn gây lở đất ở Mường Chà."}, "landslide,any-spelling"},
		{article.Article{Lang: "vi", Text: "Dự án chia lô đất nền ở ngoại ô."}, "any-spelling"},
		{article.Article{Lang: "vi", Text: "Mua lon gay lo dat o Muong Cha."}, "landslide,any-spelling"},
		{article.Article{Lang: "en", Title: "Floods cut roads", Text: "Forest fires burned for days."}, "flood-en"},
		{article.Article{Lang: "en", Text: "Floodlights lit the stadium."}, ""},
		{article.Article{Lang: "vi", Text: "Floods cut roads."}, ""},
	} {
		if got := fired(&tc.a); got != tc.want {
			t.Errorf("%q: fired %q, want %q", tc.a.Title+" "+tc.a.Text, got, tc.want)
		}
	}
}

func TestExampleLang(t *testing.T) {
	for text, want := range map[string]string{
		"Lũ quét tại Mường Chà cuốn trôi 7 ngôi nhà":       "vi",
		"Flash floods hit villages in Dien Bien province":  "en",
		"Les crues ont coupé la route de Muong Cha":        "fr",
		"Lu quet o Muong Cha, nhieu ho dan phai di doi":    "",
		"Inondations dans la province de Dien Bien":        "fr",
		"Phone scams target families in Dien Bien and Lào": "en",
	} {
		if got := ExampleLang(text); got != want {
			t.Errorf("ExampleLang(%q) = %q, want %q", text, got, want)
		}
	}
}
