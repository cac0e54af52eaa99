// Package eval measures a rule set against a labelled set of texts: for
// each text the rules it must fire and those it must not, and from that
// precision and recall per rule and overall. It also measures how often
// the rules alert on a corpus of national news about other places
// (corpus.go), the false-province rate.
package eval

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/classifier"
)

// Item is one labelled text.
type Item struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
	Lang  string `yaml:"lang"`
	Tier  string `yaml:"tier"`
	// Kind groups items in the report: true, near-miss, toneless,
	// denial, elsewhere, foreign, neutral.
	Kind string `yaml:"kind"`
	// Must lists the rules (or signal:response) the item must fire; every
	// other rule that fires on it is a false positive.
	Must []string `yaml:"must"`
	// MustNot names the rules a careless rule would fire, for the reader
	// and for the per-kind report; firing one is a false positive like
	// any rule not in Must.
	MustNot []string `yaml:"must_not"`

	file string
	line int
}

// Set is a labelled evaluation set.
type Set struct {
	Items []Item
}

type setFile struct {
	Items []Item `yaml:"items"`
}

// Load reads every *.yaml file of dir in fsys. Unknown fields and items
// without an id or a text are errors naming the file and line.
func Load(fsys fs.FS, dir string) (*Set, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("eval set %s: %w", dir, err)
	}
	sort.Strings(names)
	set := &Set{}
	var errs []error
	ids := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("eval set: %w", err)
		}
		var root yaml.Node
		if err := yaml.Unmarshal(data, &root); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		var f setFile
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		lines := itemLines(&root)
		for i := range f.Items {
			it := &f.Items[i]
			it.file = name
			if i < len(lines) {
				it.line = lines[i]
			}
			at := fmt.Sprintf("%s:%d", name, it.line)
			switch {
			case it.ID == "":
				errs = append(errs, fmt.Errorf("%s: item without id", at))
			case ids[it.ID] != "":
				errs = append(errs, fmt.Errorf("%s: item %s again (first at %s)", at, it.ID, ids[it.ID]))
			case strings.TrimSpace(it.Title+it.Text) == "":
				errs = append(errs, fmt.Errorf("%s: item %s has no text", at, it.ID))
			}
			ids[it.ID] = at
			if both := intersection(it.Must, it.MustNot); len(both) > 0 {
				errs = append(errs, fmt.Errorf("%s: item %s: %v both must and must not fire", at, it.ID, both))
			}
		}
		set.Items = append(set.Items, f.Items...)
	}
	if len(names) == 0 {
		errs = append(errs, fmt.Errorf("eval set %s: no *.yaml files", dir))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return set, nil
}

func itemLines(root *yaml.Node) []int {
	if len(root.Content) != 1 {
		return nil
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == "items" {
			var out []int
			for _, n := range doc.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

func intersection(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// Score counts outcomes of one rule, one kind or all.
type Score struct {
	Name       string
	TP, FP, FN int
}

// Precision is TP/(TP+FP); 1 when nothing fired.
func (s Score) Precision() float64 {
	if s.TP+s.FP == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FP)
}

// Recall is TP/(TP+FN); 1 when nothing had to fire.
func (s Score) Recall() float64 {
	if s.TP+s.FN == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FN)
}

func (s *Score) add(o Score) { s.TP, s.FP, s.FN = s.TP+o.TP, s.FP+o.FP, s.FN+o.FN }

// Miss is an item the rules got wrong.
type Miss struct {
	Item
	// Missed are rules that had to fire and did not; Extra fired and
	// should not have.
	Missed, Extra []string
}

func (m Miss) String() string {
	var parts []string
	if len(m.Missed) > 0 {
		parts = append(parts, "missed "+strings.Join(m.Missed, ", "))
	}
	if len(m.Extra) > 0 {
		parts = append(parts, "fired "+strings.Join(m.Extra, ", "))
	}
	text := m.Title
	if text == "" {
		text = m.Text
	}
	if r := []rune(text); len(r) > 90 {
		text = string(r[:90]) + "…"
	}
	return fmt.Sprintf("%s:%d: %s [%s]: %s: %q", m.file, m.line, m.ID, m.Kind, strings.Join(parts, "; "), text)
}

// Report is the outcome of Run.
type Report struct {
	Items   int
	Overall Score
	Rules   []Score // by rule ID
	Kinds   []Score // by item kind
	Misses  []Miss
}

// Fired returns what counts as firing on a classified article: every
// rule that flags it, and the response signal.
func Fired(a *article.Article) []string {
	var out []string
	for _, m := range a.Matches {
		if (!m.Signal || m.RuleID == classifier.ResponseID) && !slices.Contains(out, m.RuleID) {
			out = append(out, m.RuleID)
		}
	}
	return out
}

// Run classifies every item with rs and scores it. A rule named by an
// item that rs does not have is an error: a typo must not pass for a
// rule that never fires.
func Run(rs *classifier.Ruleset, set *Set) (*Report, error) {
	known := func(id string) bool {
		_, ok := rs.RuleQuery(id)
		return ok || id == classifier.ResponseID
	}
	var errs []error
	rules, kinds := map[string]*Score{}, map[string]*Score{}
	score := func(m map[string]*Score, k string) *Score {
		if m[k] == nil {
			m[k] = &Score{Name: k}
		}
		return m[k]
	}
	rep := &Report{Items: len(set.Items)}
	for _, it := range set.Items {
		for _, id := range append(slices.Clone(it.Must), it.MustNot...) {
			if !known(id) {
				errs = append(errs, fmt.Errorf("%s:%d: item %s: no rule %q in the rule set", it.file, it.line, it.ID, id))
			}
		}
		a := &article.Article{Title: it.Title, Text: it.Text, Lang: it.Lang, Tier: it.Tier}
		rs.Apply(a)
		fired := Fired(a)
		var miss Miss
		var s Score
		for _, id := range it.Must {
			if slices.Contains(fired, id) {
				score(rules, id).TP++
				s.TP++
			} else {
				score(rules, id).FN++
				s.FN++
				miss.Missed = append(miss.Missed, id)
			}
		}
		for _, id := range fired {
			if !slices.Contains(it.Must, id) {
				score(rules, id).FP++
				s.FP++
				miss.Extra = append(miss.Extra, id)
			}
		}
		rep.Overall.add(s)
		score(kinds, it.Kind).add(s)
		if len(miss.Missed)+len(miss.Extra) > 0 {
			miss.Item = it
			rep.Misses = append(rep.Misses, miss)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	rep.Overall.Name = "overall"
	rep.Rules, rep.Kinds = sorted(rules), sorted(kinds)
	return rep, nil
}

func sorted(m map[string]*Score) []Score {
	out := make([]Score, 0, len(m))
	for _, s := range m {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Score) int { return strings.Compare(a.Name, b.Name) })
	return out
}
