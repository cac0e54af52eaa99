package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRulesCheckPassesOnTheExamplesAndFailsWithPosition(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"rules", "check", "../../examples/rules"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "all pass") {
		t.Errorf("output %q", out.String())
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("rules:\n  - id: a\n    query: (lũ OR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"rules", "check", dir}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), dir+"/bad.yaml:3:") || !strings.Contains(err.Error(), "rule a: query:") {
		t.Errorf("broken rules: %v", err)
	}
	// A malformed accent prefix is refused with the file, line and column.
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("rules:\n  - id: a\n    query: lở OR =~lũ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"rules", "check", dir}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), dir+"/bad.yaml:3:18: rule a: query: =~:") {
		t.Errorf("malformed accent prefix: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("rules:\n  - id: a\n    query: lũ\n    examples: {match: [bão]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(context.Background(), []string{"rules", "check", dir}, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(out.String(), `bad.yaml:2: rule a: example should match but does not: "bão"`) {
		t.Errorf("failing example: %v\n%s", err, out.String())
	}
}

func TestRulesTestReportsTheDisasterRuleOnToneLessText(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "flood.txt")
	text := "Lu quet o Muong Cha lam 7 nha bi cuon troi\nDem qua, mua lon gay lu quet tai xa Sa Long, huyen Muong Cha, tinh Dien Bien.\n"
	if err := os.WriteFile(doc, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"rules", "test", "--rules", "../../examples/rules", doc}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var res testResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if len(res.Matches) != 1 || res.Matches[0].RuleID != "disaster.flood" || res.Severity != "high" {
		t.Fatalf("result %+v", res)
	}
	m := res.Matches[0]
	title, body, _ := strings.Cut(text, "\n")
	fields := map[string]string{"title": title, "text": strings.TrimSpace(body)}
	var spans []string
	for _, sp := range m.Offsets {
		spans = append(spans, fields[sp.Field][sp.Start:sp.End])
	}
	if got := strings.Join(spans, "|"); !strings.Contains(got, "Lu quet") || !strings.Contains(got, "Muong Cha") || !strings.Contains(strings.Join(m.Terms, "|"), "lu quet") {
		t.Errorf("spans %q terms %q", got, m.Terms)
	}
}

func TestRulesBacktestAsksThePreviewAPI(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/rules/preview" || r.Header.Get("Authorization") != "Bearer t0k" {
			http.Error(w, `{"error":"wrong"}`, http.StatusUnauthorized)
			return
		}
		_ = json.NewDecoder(r.Body).Decode(&got)
		io.WriteString(w, `{"total":3,"samples":[{"title":"Lũ quét ở Mường Chà","url":"https://a.example/1","source":"a"}]}`)
	}))
	defer srv.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"rules", "backtest", "--rules", "../../examples/rules", "--since", "3d", "--server", srv.URL, "--token", "t0k", "disaster.flood"}, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if got["since"] != "3d" || !strings.Contains(fmt.Sprint(got["query"]), "@province") || !strings.Contains(out.String(), "would have flagged 3 articles") {
		t.Errorf("sent %v, printed %s", got, out.String())
	}
	// A scoped rule is previewed within its scope.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("rules:\n  - id: s\n    query: lũ\n    scope: {tiers: [social], langs: [vi], sources: [fb-page]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"rules", "backtest", "--rules", dir, "--server", srv.URL, "--token", "t0k", "s"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got["tiers"], got["langs"], got["sources"]) != "[social] [vi] [fb-page]" || !strings.Contains(out.String(), "scope: sources [fb-page], tiers [social], langs [vi]") {
		t.Errorf("scoped rule: sent %v, printed %s", got, out.String())
	}
	if err := run(context.Background(), []string{"rules", "backtest", "--rules", "../../examples/rules", "--server", srv.URL, "no.such.rule"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("unknown rule accepted")
	}
}

func TestRulesCheckWarnsWithPositionAndPasses(t *testing.T) {
	dir := t.TempDir()
	rules := "rules:\n  - id: a\n    query: 'lũ AND source:nope'\n    examples: {match: []}\n  - id: b\n    query: 'tier:blog AND lũ'\n    examples: {match: []}\n"
	if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	sources := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(sources, []byte("sources:\n  - {id: portal, kind: feed, url: \"https://portal.example/rss\", tier: official}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"rules", "check", "--sources", sources, dir}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("warnings failed the check: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"warning: " + dir + "/r.yaml:3:20: rule a: can never match: source:nope is no known source",
		"warning: " + dir + "/r.yaml:6:13: rule b: can never match: tier:blog is no source tier",
		"r.yaml:2: rule a: has no examples.match",
		"4 warnings",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
