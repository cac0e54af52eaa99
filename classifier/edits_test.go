package classifier

import (
	"errors"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/article"
)

const editBase = `lists:
  province: ["Điện Biên"]
rules:
  - id: flood
    query: '"lũ quét" AND @province'
    severity: high
  - id: fire
    query: '"cháy rừng"'
    severity: medium
`

func matched(rs *Ruleset, text string) []string {
	var ids []string
	for _, m := range rs.Match(&article.Article{Title: text}) {
		ids = append(ids, m.RuleID)
	}
	return ids
}

func TestEditsReplaceAddAndDeleteFileRules(t *testing.T) {
	files := map[string][]byte{"base.yaml": []byte(editBase)}
	rs, err := CompileWithEdits(files, []Edit{
		{ID: "flood", YAML: "id: flood\nquery: '\"sạt lở\" AND @province'\nseverity: critical\n"},
		{ID: "fire", Deleted: true},
		{ID: "scam", YAML: "id: scam\nquery: 'lừa đảo'\nseverity: low\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := matched(rs, "Lũ quét ở Điện Biên"); len(got) != 0 {
		t.Errorf("the replaced query still matches: %v", got)
	}
	if got := matched(rs, "Sạt lở ở Điện Biên"); len(got) != 1 || got[0] != "flood" {
		t.Errorf("edited flood: %v", got)
	}
	if got := matched(rs, "Cháy rừng lớn"); len(got) != 0 {
		t.Errorf("deleted rule still matches: %v", got)
	}
	if got := matched(rs, "Cảnh báo lừa đảo"); len(got) != 1 {
		t.Errorf("added rule: %v", got)
	}
	plain, err := Compile(files)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Version == rs.Version {
		t.Error("edits do not change the version")
	}
	text, file, ok := rs.RuleYAML("flood")
	if !ok || file != EditFile("flood") || !strings.Contains(text, "severity: critical") {
		t.Errorf("RuleYAML = %q, %q, %v", text, file, ok)
	}
	// The YAML the editor is given compiles back to the same rule.
	again, err := CompileWithEdits(files, []Edit{{ID: "flood", YAML: text}})
	if err != nil {
		t.Fatalf("editor text does not compile back: %v\n%s", err, text)
	}
	if got := matched(again, "Sạt lở ở Điện Biên"); len(got) != 1 {
		t.Errorf("round trip lost the rule: %v", got)
	}
}

func TestEditErrorsAtTheEditsLineAndColumn(t *testing.T) {
	files := map[string][]byte{"base.yaml": []byte(editBase)}
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"query", "id: flood\nseverity: high\nquery: '\"lũ quét\" AND ('\n", "ui:flood:3:"},
		{"unknown field", "id: flood\nseverity: high\nqeury: x\n", "ui:flood:3"},
		{"renamed", "id: other\nquery: x\nseverity: high\n", "an edit keeps its id"},
		{"not yaml", "id: [flood\n", "ui:flood"},
		{"unknown list", "id: flood\nquery: '@nowhere'\nseverity: high\n", "ui:flood:2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CompileWithEdits(files, []Edit{{ID: "flood", YAML: tc.yaml}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("not positioned: %T", err)
			}
		})
	}
	// The column points at the problem in the query as typed.
	_, err := CompileWithEdits(files, []Edit{{ID: "flood", YAML: "id: flood\nseverity: high\nquery: 'lũ AND'\n"}})
	var pe *Error
	if !errors.As(err, &pe) || pe.Pos.Line != 3 || pe.Pos.Col < 8 {
		t.Fatalf("query error at %v, want line 3 inside the query: %v", pe, err)
	}
}

func TestRuleIDOf(t *testing.T) {
	if id, err := RuleIDOf("id: scam\nquery: x\n"); err != nil || id != "scam" {
		t.Fatalf("RuleIDOf = %q, %v", id, err)
	}
	if _, err := RuleIDOf("- id: scam\n"); err == nil {
		t.Fatal("a list is not one rule")
	}
}

// Version names the inputs, whatever order the edits come in, and changes
// with any file's name or content and any edit.
func TestVersionOfTheInputs(t *testing.T) {
	files := map[string][]byte{"base.yaml": []byte(editBase), "more.yaml": []byte("rules: []\n")}
	edits := []Edit{{ID: "fire", Deleted: true}, {ID: "scam", YAML: "id: scam\nquery: 'lừa đảo'\nseverity: low\n"}}
	v := Version(files, edits)
	if got := Version(files, []Edit{edits[1], edits[0]}); got != v {
		t.Errorf("edits in another order: %s, want %s", got, v)
	}
	rs, err := CompileWithEdits(files, edits)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Version != v {
		t.Errorf("the compiled set's version %q, want %s", rs.Version, v)
	}
	changed := map[string]string{
		"a file's content": Version(map[string][]byte{"base.yaml": []byte(editBase + "\n"), "more.yaml": files["more.yaml"]}, edits),
		"a file's name":    Version(map[string][]byte{"base.yaml": files["base.yaml"], "other.yaml": files["more.yaml"]}, edits),
		"an edit undone":   Version(files, edits[:1]),
		"an edit restored": Version(files, []Edit{{ID: "fire"}, edits[1]}),
	}
	for what, got := range changed {
		if got == v {
			t.Errorf("%s leaves the version %s", what, v)
		}
	}
}
