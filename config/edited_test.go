package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestRulesDirFirstRunAndMissingDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if dir, err := c.RulesDir(); err != nil || dir != "" {
		t.Fatalf("no config, no rules directory: %q, %v; want the built-in pack", dir, err)
	}

	path := writeConfig(t, "classifier:\n  rules_dir: regeln\n")
	c, err = Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RulesDir()
	want := path + ":2: classifier.rules_dir: rules directory " + filepath.Join(filepath.Dir(path), "regeln") + " does not exist"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant  %s", err, want)
	}

	c, err = Load("", []string{"PRESSWATCH_CLASSIFIER_RULES_DIR=/nonexistent/rules"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = c.RulesDir(); err == nil || !strings.Contains(err.Error(), "PRESSWATCH_CLASSIFIER_RULES_DIR") || !strings.Contains(err.Error(), "/nonexistent/rules") {
		t.Fatalf("env: %v", err)
	}

	dir := filepath.Dir(writeFile(t, t.TempDir(), "rules/a.yaml", "rules: []\n"))
	c, err = Load("", []string{"PRESSWATCH_CLASSIFIER_RULES_DIR=" + dir})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.RulesDir(); err != nil || got != dir {
		t.Fatalf("existing: %q, %v", got, err)
	}
}

func TestCheckSourceNamesTheField(t *testing.T) {
	good := Source{ID: "vnexpress", Kind: "feed", URL: "https://vnexpress.net/rss/thoi-su.rss", Tier: "central"}
	if errs := CheckSource(good); len(errs) != 0 {
		t.Fatalf("good source: %v", errs)
	}
	bad := Source{ID: "Bad ID", Kind: "rss", URL: "ftp://x", Tier: "national", Include: []string{"ok", "("}}
	fields := map[string]bool{}
	for _, e := range CheckSource(bad) {
		fields[e.Field] = true
	}
	for _, f := range []string{"id", "kind", "url", "tier", "include[1]"} {
		if !fields[f] {
			t.Errorf("no error for %s in %v", f, fields)
		}
	}
}
