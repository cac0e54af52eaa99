package classifier

import (
	"fmt"
	"slices"
	"strings"

	"github.com/presswatch/presswatch/query"
)

// labelTerms returns every label: leaf of n, negated ones included: a rule
// with NOT label:x depends on the rules giving x as much as one with
// label:x.
func labelTerms(n query.Node) []*query.Term {
	var out []*query.Term
	var walk func(query.Node)
	walk = func(n query.Node) {
		switch n := n.(type) {
		case *query.Term:
			if n.Field == query.FieldLabel {
				out = append(out, n)
			}
		case *query.ListRef:
			if n.Field == query.FieldLabel {
				out = append(out, n.Terms...)
			}
		case *query.And:
			for _, c := range n.Children {
				walk(c)
			}
		case *query.Or:
			for _, c := range n.Children {
				walk(c)
			}
		case *query.Not:
			walk(n.Child)
		case *query.Near:
			walk(n.Left)
			walk(n.Right)
		}
	}
	walk(n)
	return out
}

// givesLabel reports whether a label value matches the label: leaf t, by
// the query language's own rule for keyword fields.
func givesLabel(t *query.Term, label string) bool {
	return query.Eval(t, &query.Document{Keywords: map[string][]string{query.FieldLabel: {label}}})
}

// orderByLabels sorts rules so that a rule testing label:x comes after
// every rule that gives x, keeping file order otherwise. A cycle (a rule
// that needs its own label, or rules that need each other's) is an error
// naming the rules.
func orderByLabels(rules []compiledRule) ([]compiledRule, error) {
	// deps[i]: the rules whose labels rule i tests.
	deps := make([][]int, len(rules))
	why := map[[2]int]string{}
	for i := range rules {
		terms := labelTerms(rules[i].node)
		rules[i].usesLabels = len(terms) > 0
		for _, t := range terms {
			for j := range rules {
				for _, l := range rules[j].rule.Labels {
					if givesLabel(t, l) {
						if !slices.Contains(deps[i], j) {
							deps[i] = append(deps[i], j)
							why[[2]int{i, j}] = l
						}
						break
					}
				}
			}
		}
	}
	// Depth-first, visiting dependencies first; rules in file order.
	const (
		unseen = iota
		active
		done
	)
	state := make([]int, len(rules))
	out := make([]compiledRule, 0, len(rules))
	var stack []int
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case done:
			return nil
		case active:
			from := slices.Index(stack, i)
			cycle := append(slices.Clone(stack[from:]), i)
			var steps []string
			for k := 0; k+1 < len(cycle); k++ {
				a, b := rules[cycle[k]].rule, rules[cycle[k+1]].rule
				steps = append(steps, fmt.Sprintf("%s tests label:%s given by %s", a.ID, why[[2]int{cycle[k], cycle[k+1]}], b.ID))
			}
			r := rules[i].rule
			return &Error{Pos: Position{File: r.file, Line: r.line}, Msg: "rules depend on each other's labels: " + strings.Join(steps, ", ")}
		}
		state[i] = active
		stack = append(stack, i)
		for _, j := range deps[i] {
			if err := visit(j); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		out = append(out, rules[i])
		return nil
	}
	for i := range rules {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return out, nil
}
