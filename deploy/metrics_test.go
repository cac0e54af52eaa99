package deploy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/presswatch/presswatch/app/apptest"
	"github.com/presswatch/presswatch/config"
)

// promQL lists every PromQL expression shipped: the alerting and
// recording rules, and every dashboard query and variable, by where it is.
func promQL(t *testing.T) (exprs map[string]string, recorded map[string]bool) {
	t.Helper()
	exprs, recorded = map[string]string{}, map[string]bool{}
	var rules struct {
		Groups []struct {
			Rules []struct {
				Record, Alert, Expr string
			}
		}
	}
	readYAML(t, "prometheus/presswatch-rules.yaml", &rules)
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			exprs["rules "+r.Record+r.Alert] = r.Expr
			if r.Record != "" {
				recorded[r.Record] = true
			}
		}
	}
	files, _ := filepath.Glob("grafana/dashboards/*.json")
	if len(files) < 6 {
		t.Fatalf("%d dashboards in grafana/dashboards, want ingest, crawler, classifier, index, alerts and response KPIs", len(files))
	}
	for _, f := range files {
		for where, e := range dashboardQueries(t, f) {
			exprs[where] = e
		}
	}
	return exprs, recorded
}

type dashboard struct {
	UID        string `json:"uid"`
	Title      string `json:"title"`
	Templating struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		ID         int             `json:"id"`
		Title      string          `json:"title"`
		Datasource json.RawMessage `json:"datasource"`
		GridPos    struct{ X, Y, W, H int }
		Targets    []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

func readDashboard(t *testing.T, path string) dashboard {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

func dashboardQueries(t *testing.T, path string) map[string]string {
	t.Helper()
	d := readDashboard(t, path)
	out := map[string]string{}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct{ Query string }
		if json.Unmarshal(v.Query, &q) != nil {
			_ = json.Unmarshal(v.Query, &q.Query)
		}
		out[fmt.Sprintf("%s variable $%s", filepath.Base(path), v.Name)] = q.Query
	}
	for _, p := range d.Panels {
		for i, tg := range p.Targets {
			out[fmt.Sprintf("%s panel %q query %d", filepath.Base(path), p.Title, i)] = tg.Expr
		}
	}
	return out
}

func readYAML(t *testing.T, path string, out any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, out); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

var (
	quoted   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	braces   = regexp.MustCompile(`\{[^{}]*\}`)
	brackets = regexp.MustCompile(`\[[^\[\]]*\]`)
	grouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	variable = regexp.MustCompile(`\$\{?\w+\}?`)
	ident    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	keywords = map[string]bool{"and": true, "or": true, "unless": true, "offset": true, "bool": true, "inf": true, "nan": true,
		"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true}
)

// metricNames returns the metric names an expression reads: identifiers
// that are not functions, keywords, label names or Grafana variables.
func metricNames(expr string) []string {
	s := variable.ReplaceAllString(expr, "x")
	s = quoted.ReplaceAllString(s, `""`)
	s = braces.ReplaceAllString(s, "")
	s = brackets.ReplaceAllString(s, "")
	s = grouping.ReplaceAllString(s, "")
	if strings.HasPrefix(strings.TrimSpace(s), "label_values(") {
		// label_values(metric, label): the label is not a metric.
		inner := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "label_values("), ")")
		s, _, _ = strings.Cut(inner, ",")
	}
	var out []string
	for _, loc := range ident.FindAllStringIndex(s, -1) {
		name := s[loc[0]:loc[1]]
		rest := strings.TrimLeft(s[loc[1]:], " \t\n")
		if strings.HasPrefix(rest, "(") || keywords[strings.ToLower(name)] {
			continue // a function or an operator
		}
		if loc[0] > 0 && (s[loc[0]-1] >= '0' && s[loc[0]-1] <= '9' || s[loc[0]-1] == '.') {
			continue // the unit of a number or duration, e.g. 1e3
		}
		out = append(out, name)
	}
	return out
}

func TestMetricNamesAreExtracted(t *testing.T) {
	got := metricNames(`histogram_quantile(0.95, sum by (job, le) (rate(presswatch_x_seconds_bucket{job=~"$job",le!="a b"}[5m]))) / on (job) group_left(source) presswatch:y:max offset 1h unless up == 0`)
	want := []string{"presswatch_x_seconds_bucket", "presswatch:y:max", "up"}
	if !slices.Equal(got, want) {
		t.Fatalf("metricNames = %v, want %v", got, want)
	}
	if got := metricNames(`label_values(presswatch_http_requests_total, job)`); !slices.Equal(got, []string{"presswatch_http_requests_total"}) {
		t.Fatalf("label_values: %v", got)
	}
}

// startApp runs every role in one process (embedded NATS, port 0) and
// returns its metrics registry.
func startApp(t *testing.T) *prometheus.Registry {
	t.Helper()
	dir := t.TempDir()
	rules, err := filepath.Abs("../examples/rules")
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "presswatch.yaml")
	cfg := fmt.Sprintf("data_dir: %s\nlisten: 127.0.0.1:0\nclassifier:\n  rules_dir: %s\nalerts:\n  receivers:\n    - name: log\n      log: {}\n  route:\n    receivers: [log]\n", filepath.Join(dir, "data"), rules)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	return apptest.Start(t, c).Registry()
}

// registered reports whether reg has a metric called name, even one with
// no sample yet (a labelled series appears only once counted): registering
// a probe under the same name with another help text fails exactly when
// the name is taken.
func registered(reg *prometheus.Registry, name string) bool {
	probe := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: "probe for a metric name (deploy test)"})
	err := reg.Register(probe)
	if err == nil {
		reg.Unregister(probe)
		return false
	}
	var already prometheus.AlreadyRegisteredError
	return errors.As(err, &already) || strings.Contains(err.Error(), "same fully-qualified name")
}

// Every metric the dashboards and rules read must be one the app really
// registers: a renamed metric would otherwise leave an empty panel or an
// alert that can never fire.
func TestDashboardsAndRulesReadOnlyMetricsTheAppExports(t *testing.T) {
	exprs, recorded := promQL(t)
	reg := startApp(t)
	builtin := map[string]bool{"up": true} // Prometheus's own, per target
	unknown := map[string][]string{}
	checked := 0
	for where, e := range exprs {
		for _, name := range metricNames(e) {
			checked++
			if builtin[name] || recorded[name] || registered(reg, name) {
				continue
			}
			base := name
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				base = strings.TrimSuffix(base, suf)
			}
			if base != name && registered(reg, base) {
				continue
			}
			unknown[name] = append(unknown[name], where)
		}
	}
	if checked < 50 {
		t.Fatalf("only %d metric references found: the extraction is broken", checked)
	}
	names := make([]string, 0, len(unknown))
	for n := range unknown {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Errorf("%s is not registered by presswatch (used in %s)", n, strings.Join(unknown[n], "; "))
	}
	// The probe itself must be able to fail.
	if registered(reg, "presswatch_no_such_metric_total") {
		t.Fatal("the registration probe accepts any name")
	}
}

// Every dashboard loads as Grafana expects: a unique uid, panels on the
// 24-column grid with a data source and at least one query each.
func TestDashboardsAreWellFormed(t *testing.T) {
	files, _ := filepath.Glob("grafana/dashboards/*.json")
	uids := map[string]string{}
	for _, f := range files {
		d := readDashboard(t, f)
		if d.UID == "" || d.Title == "" {
			t.Errorf("%s: no uid or title", f)
		}
		if other, dup := uids[d.UID]; dup {
			t.Errorf("%s and %s share uid %s", f, other, d.UID)
		}
		uids[d.UID] = f
		if len(d.Panels) == 0 {
			t.Errorf("%s: no panels", f)
		}
		for _, p := range d.Panels {
			if len(p.Targets) == 0 || len(p.Datasource) == 0 {
				t.Errorf("%s panel %q: no query or no data source", f, p.Title)
			}
			if p.GridPos.W <= 0 || p.GridPos.X+p.GridPos.W > 24 {
				t.Errorf("%s panel %q: off the 24-column grid (%+v)", f, p.Title, p.GridPos)
			}
		}
	}
}

// With promtool at hand (CI installs it), every dashboard query must also
// parse as PromQL: they are checked as recording rules.
func TestDashboardQueriesParse(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus)")
	}
	exprs, _ := promQL(t)
	var b strings.Builder
	b.WriteString("groups:\n  - name: dashboards\n    rules:\n")
	keys := make([]string, 0, len(exprs))
	for k := range exprs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		e := exprs[k]
		if strings.HasPrefix(e, "label_values(") {
			continue // a Grafana function, not PromQL
		}
		e = strings.NewReplacer("$job", ".*", "${job}", ".*").Replace(e)
		q, _ := json.Marshal(e)
		fmt.Fprintf(&b, "      - record: check:q%d\n        expr: %s\n", i, q)
	}
	path := filepath.Join(t.TempDir(), "queries.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules on the dashboard queries: %v\n%s", err, out)
	}
}
