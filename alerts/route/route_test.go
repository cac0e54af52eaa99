package route

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseMatcher(t *testing.T) {
	good := []struct {
		in    string
		attrs Attrs
		want  bool
	}{
		{`severity>=high`, Attrs{"severity": {"critical"}}, true},
		{`severity>=high`, Attrs{"severity": {"medium"}}, false},
		{`severity < medium`, Attrs{"severity": {"low"}}, true},
		{`department="so-tnmt"`, Attrs{"department": {"so-yt", "so-tnmt"}}, true},
		{`department!=so-tnmt`, Attrs{"department": {"so-yt", "so-tnmt"}}, false},
		{`department!=so-tnmt`, Attrs{}, true},
		{`label=~"flood|storm"`, Attrs{"label": {"crisis", "storm"}}, true},
		{`label=~"flood|storm"`, Attrs{"label": {"stormy"}}, false}, // anchored
		{`source!~"baomoi.*"`, Attrs{"source": {"baomoi-tin"}}, false},
		{`type=`, Attrs{}, true}, // absent reads as empty
	}
	for _, c := range good {
		m, err := ParseMatcher(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := m.Matches(c.attrs); got != c.want {
			t.Errorf("%s on %v = %v, want %v", c.in, c.attrs, got, c.want)
		}
	}
	bad := map[string]string{
		`severty=high`:     "unknown name",
		`severity>=urgent`: "unknown severity",
		`severity=urgent`:  "unknown severity",
		`label>=x`:         "compares severities only",
		`label=~"("`:       "bad regular expression",
		`label`:            "unknown operator",
		`=x`:               "want name",
		`label="x`:         "bad quoted value",
	}
	for in, want := range bad {
		if _, err := ParseMatcher(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", in, err, want)
		}
	}
}

func ids(rs []*Route) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestTreeContinueDefaultAndInheritance(t *testing.T) {
	yes := true
	root, err := New(Spec{
		Receivers: []string{"log"},
		Timing:    Timing{GroupInterval: 10 * time.Minute},
		Routes: []Spec{
			{Matchers: []string{`severity>=critical`}, Receivers: []string{"oncall"}, Continue: true, Timing: Timing{GroupWait: time.Second}},
			{Matchers: []string{`department=so-tnmt`}, Receivers: []string{"email"}, ToDepartment: &yes,
				Routes: []Spec{{Matchers: []string{`lang!=vi`}, Receivers: []string{"foreign"}}}},
			{Matchers: []string{`department=so-yt`}, Receivers: []string{"health"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		attrs Attrs
		want  []string
	}{
		{Attrs{"severity": {"low"}}, []string{"0"}},                                                          // default route
		{Attrs{"severity": {"critical"}}, []string{"0.0"}},                                                   // continue, nothing else matched
		{Attrs{"severity": {"critical"}, "department": {"so-tnmt"}, "lang": {"vi"}}, []string{"0.0", "0.1"}}, // continue goes on
		{Attrs{"department": {"so-tnmt", "so-yt"}, "lang": {"vi"}}, []string{"0.1"}},                         // first match stops
		{Attrs{"department": {"so-tnmt"}, "lang": {"en"}}, []string{"0.1.0"}},                                // deepest
		{Attrs{"department": {"so-yt"}, "severity": {"critical"}}, []string{"0.0", "0.2"}},                   // continue then sibling
	}
	for _, c := range cases {
		if got := ids(root.Match(c.attrs)); !slices.Equal(got, c.want) {
			t.Errorf("Match(%v) = %v, want %v", c.attrs, got, c.want)
		}
	}
	leaf := root.Routes[1].Routes[0]
	if !leaf.ToDepartment || leaf.GroupInterval != 10*time.Minute || leaf.GroupWait != DefaultTiming().GroupWait || !slices.Equal(leaf.GroupBy, DefaultGroupBy()) {
		t.Errorf("inheritance: %+v", leaf)
	}
	if root.Routes[0].GroupWait != time.Second {
		t.Errorf("own timing lost")
	}
	if g := root.GroupLabels(Attrs{"alert": {"x1"}, "story": {"s1"}, "rule": {"b", "a"}}); g != "alert=x1" {
		t.Errorf("group labels %q", g)
	}
	two, _ := New(Spec{GroupBy: []string{"story", "department"}})
	if g := two.GroupLabels(Attrs{"story": {"s1"}, "department": {"so-b", "so-a"}}); g != "story=s1|department=so-a,so-b" {
		t.Errorf("group labels %q", g)
	}
}

func TestNewNamesTheBadKey(t *testing.T) {
	_, err := New(Spec{Routes: []Spec{{}, {Matchers: []string{`sevrity=high`}}}})
	if err == nil || !strings.HasPrefix(err.Error(), "route.routes[1].matchers[0]: ") {
		t.Fatalf("err = %v", err)
	}
	_, err = New(Spec{GroupBy: []string{"storey"}})
	if err == nil || !strings.Contains(err.Error(), "route.group_by[0]") {
		t.Fatalf("err = %v", err)
	}
	// Grouping by rule would split an incident again as rules join it.
	_, err = New(Spec{Routes: []Spec{{GroupBy: []string{"story", "rule"}}}})
	if err == nil || !strings.Contains(err.Error(), "route.routes[0].group_by[1]: rule cannot group") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzParseMatcher: any text either fails with an error or gives a matcher
// that prints back to one matching alike, and never panics.
func FuzzParseMatcher(f *testing.F) {
	for _, s := range []string{`severity>=high`, `department="so-y-te"`, `label=~"a|b"`, `source!~".*"`, `lang!=vi`, `type=`, `rule="\x00"`, `label=~"(?i)Lũ"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMatcher(s)
		if err != nil {
			return
		}
		again, err := ParseMatcher(m.String())
		if err != nil {
			t.Fatalf("%q parsed, but its printed form %q does not: %v", s, m.String(), err)
		}
		a := Attrs{m.Name: {m.Value}}
		if m.Matches(a) != again.Matches(a) {
			t.Fatalf("%q and %q disagree", s, m.String())
		}
	})
}
