package app

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/classifier/story"

	"github.com/presswatch/presswatch/web/ui"
)

// ruleBook shows the live rules (or, without the classifier role, the
// rules directory) with their examples' results.
type ruleBook struct{ a *App }

func (b ruleBook) Rules(ctx context.Context) ([]ui.RuleInfo, error) {
	rs, err := b.ruleset(ctx)
	if err != nil {
		return nil, err
	}
	_, failures := rs.CheckExamples()
	failed := map[string][]string{}
	for _, f := range failures {
		failed[f.RuleID] = append(failed[f.RuleID], f.String())
	}
	var out []ui.RuleInfo
	for _, s := range rs.Summaries() {
		title := s.Title["vi"]
		if title == "" {
			title = s.Title["en"]
		}
		out = append(out, ui.RuleInfo{
			ID: s.ID, Title: title, Query: s.Query, Labels: s.Labels, Severity: string(s.Severity),
			Department: s.Department, Examples: s.Examples, Failures: failed[s.ID], Origin: b.origin(s.File()),
		})
	}
	return out, nil
}

// caseReader reads misleading marks from the shared cases bucket, in any
// process.
type caseReader struct{ kv jetstream.KeyValue }

func (c caseReader) CaseOf(ctx context.Context, id string) (*story.Case, error) {
	return story.CaseOf(ctx, c.kv, id)
}
