package classifier

// RuleSummary is an enabled rule as people read it (the web UI's rules
// page): its query in canonical syntax and how many examples it has.
type RuleSummary struct {
	Rule
	// Query is the compiled query in canonical syntax, also for keyword
	// rules.
	Query    string
	Examples int
}

// Summaries lists the enabled rules in file order.
func (rs *Ruleset) Summaries() []RuleSummary {
	out := make([]RuleSummary, 0, len(rs.rules))
	for _, cr := range rs.rules {
		out = append(out, RuleSummary{Rule: cr.rule, Query: cr.node.String(), Examples: len(cr.rule.Examples.Match) + len(cr.rule.Examples.NoMatch)})
	}
	return out
}
