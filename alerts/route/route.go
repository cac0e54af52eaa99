// Package route decides which receivers hear about an alert: a tree of
// routes with matchers, modelled on Prometheus Alertmanager's routing tree,
// matching on the facts of an alert (severity, department, tier, source,
// language, rule, label, type, story).
package route

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/article"
)

// Attrs are the facts an alert is routed on. A name may hold several
// values: a story may concern two departments and run in many outlets.
type Attrs map[string][]string

// Names routed on. A matcher on any other name is refused at start: a typo
// would otherwise silently match nothing.
func Names() []string {
	return []string{"severity", "department", "tier", "source", "lang", "rule", "label", "type", "story", "alert"}
}

// Op is a matcher's comparison.
type Op string

// Operators. The ordering ones compare severities by rank.
const (
	OpEq    Op = "="
	OpNotEq Op = "!="
	OpRe    Op = "=~"
	OpNotRe Op = "!~"
	OpGe    Op = ">="
	OpGt    Op = ">"
	OpLe    Op = "<="
	OpLt    Op = "<"
)

// ops lists operators longest first so that ">=" is not read as ">".
func ops() []Op { return []Op{OpNotEq, OpRe, OpNotRe, OpGe, OpLe, OpEq, OpGt, OpLt} }

// Matcher tests one name of an alert's Attrs.
type Matcher struct {
	Name  string
	Op    Op
	Value string
	re    *regexp.Regexp
	rank  int
}

// String writes the matcher back in the form ParseMatcher reads.
func (m Matcher) String() string { return m.Name + string(m.Op) + strconv.Quote(m.Value) }

// ParseMatcher reads `name op value`, e.g. `severity>=high`,
// `department="so-tnmt"`, `label=~"flood|storm"`, `source!=baomoi`.
// Values may be double-quoted; regular expressions are anchored.
func ParseMatcher(s string) (Matcher, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '_') })
	if i < 0 {
		i = len(t)
	}
	if i == 0 {
		return Matcher{}, fmt.Errorf("matcher %q: want name, operator and value, e.g. severity>=high", s)
	}
	m := Matcher{Name: t[:i]}
	if !slices.Contains(Names(), m.Name) {
		return Matcher{}, fmt.Errorf("matcher %q: unknown name %q (known: %s)", s, m.Name, strings.Join(Names(), ", "))
	}
	rest := strings.TrimSpace(t[i:])
	for _, op := range ops() {
		if v, ok := strings.CutPrefix(rest, string(op)); ok {
			m.Op, rest = op, strings.TrimSpace(v)
			break
		}
	}
	if m.Op == "" {
		return Matcher{}, fmt.Errorf("matcher %q: unknown operator (want one of =, !=, =~, !~, >=, >, <=, <)", s)
	}
	if strings.HasPrefix(rest, `"`) {
		v, err := strconv.Unquote(rest)
		if err != nil {
			return Matcher{}, fmt.Errorf("matcher %q: bad quoted value: %w", s, err)
		}
		rest = v
	}
	m.Value = rest
	switch m.Op {
	case OpRe, OpNotRe:
		re, err := regexp.Compile("^(?:" + m.Value + ")$")
		if err != nil {
			return Matcher{}, fmt.Errorf("matcher %q: bad regular expression: %w", s, err)
		}
		m.re = re
	case OpGe, OpGt, OpLe, OpLt:
		if m.Name != "severity" {
			return Matcher{}, fmt.Errorf("matcher %q: %s compares severities only", s, m.Op)
		}
		m.rank = article.Severity(m.Value).Rank()
		if m.rank == 0 {
			return Matcher{}, fmt.Errorf("matcher %q: unknown severity %q (want info, low, medium, high or critical)", s, m.Value)
		}
	}
	if m.Name == "severity" && (m.Op == OpEq || m.Op == OpNotEq) && !article.Severity(m.Value).Valid() {
		return Matcher{}, fmt.Errorf("matcher %q: unknown severity %q (want info, low, medium, high or critical)", s, m.Value)
	}
	return m, nil
}

// Matches reports whether a satisfies m. A name with several values
// matches = and =~ when any value does, and != and !~ when none does; an
// absent name reads as the empty value, as in Alertmanager.
func (m Matcher) Matches(a Attrs) bool {
	vals := a[m.Name]
	if len(vals) == 0 {
		vals = []string{""}
	}
	switch m.Op {
	case OpEq:
		return slices.Contains(vals, m.Value)
	case OpNotEq:
		return !slices.Contains(vals, m.Value)
	case OpRe:
		return slices.ContainsFunc(vals, m.re.MatchString)
	case OpNotRe:
		return !slices.ContainsFunc(vals, m.re.MatchString)
	}
	r := article.Severity(vals[0]).Rank()
	switch m.Op {
	case OpGe:
		return r >= m.rank
	case OpGt:
		return r > m.rank
	case OpLe:
		return r <= m.rank
	case OpLt:
		return r < m.rank
	}
	return false
}

// Timing says when a group's notifications go out: group_wait after the
// first alert, then at most every group_interval while it changes, and
// every repeat_interval while it stays open.
type Timing struct {
	GroupWait      time.Duration
	GroupInterval  time.Duration
	RepeatInterval time.Duration
}

// Route is one node of the tree. Build it with New so that children
// inherit what they do not set.
type Route struct {
	// ID is the node's path ("0", "0.2", "0.2.1"): stable while the tree's
	// shape is, and part of group keys.
	ID       string
	Matchers []Matcher
	// Receivers are notified of every alert this route takes.
	Receivers []string
	// ToDepartment addresses each notification to the focal points of the
	// alert's departments on the receiver's channel.
	ToDepartment bool
	// Continue goes on to the following siblings after a match.
	Continue bool
	// GroupBy names the Attrs whose values make up a group; alerts equal
	// on them share notifications.
	GroupBy []string
	Timing
	Routes []*Route
}

// Spec is a route as configured, before inheritance: zero durations and
// nil lists take the parent's value.
type Spec struct {
	Matchers     []string
	Receivers    []string
	ToDepartment *bool
	Continue     bool
	GroupBy      []string
	Timing
	Routes []Spec
}

// DefaultTiming is the root's timing when it sets none.
func DefaultTiming() Timing {
	return Timing{GroupWait: 30 * time.Second, GroupInterval: 5 * time.Minute, RepeatInterval: 4 * time.Hour}
}

// DefaultGroupBy gives every incident (one story as one department
// handles it) its own notification thread.
func DefaultGroupBy() []string { return []string{"alert"} }

// New builds the tree from the root spec. Errors name the route by its
// path in the configuration (route.routes[1].matchers[0]).
func New(root Spec) (*Route, error) {
	base := &Route{GroupBy: DefaultGroupBy(), Timing: DefaultTiming()}
	if len(root.Matchers) > 0 {
		return nil, fmt.Errorf("route.matchers: the root route matches everything and takes no matchers")
	}
	return build(root, base, "0", "route")
}

func build(s Spec, parent *Route, id, key string) (*Route, error) {
	r := &Route{ID: id, Continue: s.Continue, Receivers: parent.Receivers, ToDepartment: parent.ToDepartment, GroupBy: parent.GroupBy, Timing: parent.Timing}
	if s.Receivers != nil {
		r.Receivers = s.Receivers
	}
	if s.ToDepartment != nil {
		r.ToDepartment = *s.ToDepartment
	}
	if s.GroupBy != nil {
		for i, n := range s.GroupBy {
			if !slices.Contains(Names(), n) {
				return nil, fmt.Errorf("%s.group_by[%d]: unknown name %q (known: %s)", key, i, n, strings.Join(Names(), ", "))
			}
			if n == "rule" {
				// Rules joining an incident would move it to another group
				// and notify again: the very repetition incidents end.
				return nil, fmt.Errorf("%s.group_by[%d]: rule cannot group: an incident holds every rule that matched its story as a reason (use [alert], or [story, department])", key, i)
			}
		}
		r.GroupBy = s.GroupBy
	}
	for _, d := range []struct {
		v   time.Duration
		dst *time.Duration
	}{{s.GroupWait, &r.GroupWait}, {s.GroupInterval, &r.GroupInterval}, {s.RepeatInterval, &r.RepeatInterval}} {
		if d.v < 0 {
			return nil, fmt.Errorf("%s: durations must not be negative", key)
		}
		if d.v > 0 {
			*d.dst = d.v
		}
	}
	for i, ms := range s.Matchers {
		m, err := ParseMatcher(ms)
		if err != nil {
			return nil, fmt.Errorf("%s.matchers[%d]: %w", key, i, err)
		}
		r.Matchers = append(r.Matchers, m)
	}
	for i, cs := range s.Routes {
		c, err := build(cs, r, id+"."+strconv.Itoa(i), fmt.Sprintf("%s.routes[%d]", key, i))
		if err != nil {
			return nil, err
		}
		r.Routes = append(r.Routes, c)
	}
	return r, nil
}

// Match returns the routes that take an alert with attributes a: the
// deepest matching routes, left to right, stopping after the first match
// at each level unless it has Continue. A route none of whose children
// match takes the alert itself; the root matches everything, so the
// result is never empty for the root.
func (r *Route) Match(a Attrs) []*Route {
	for _, m := range r.Matchers {
		if !m.Matches(a) {
			return nil
		}
	}
	var out []*Route
	for _, c := range r.Routes {
		got := c.Match(a)
		out = append(out, got...)
		if len(got) > 0 && !c.Continue {
			break
		}
	}
	if len(out) == 0 {
		out = []*Route{r}
	}
	return out
}

// GroupLabels are the values of r.GroupBy in a, one "name=v1,v2" per
// name, stable for equal inputs.
func (r *Route) GroupLabels(a Attrs) string {
	parts := make([]string, len(r.GroupBy))
	for i, n := range r.GroupBy {
		v := slices.Clone(a[n])
		slices.Sort(v)
		parts[i] = n + "=" + strings.Join(v, ",")
	}
	return strings.Join(parts, "|")
}

// Walk calls fn on r and every route below it, depth first.
func (r *Route) Walk(fn func(*Route)) {
	fn(r)
	for _, c := range r.Routes {
		c.Walk(fn)
	}
}
