package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/confstore"
	"github.com/presswatch/presswatch/examples"
	"github.com/presswatch/presswatch/web"
	"github.com/presswatch/presswatch/web/ui"
)

// ruleLayers are the rules as every process sees them: the rules
// directory (or, when there is none, the built-in pack) with the rules
// edited in the web UI, kept in KV, laid over it by rule ID.
type ruleLayers struct {
	dir   string // "" for the built-in pack
	store *confstore.Store
	last  *lastCompiled // nil: compile every time
}

// lastCompiled is the rule set compiled last and the digest of what it
// was compiled from (classifier.Digest). The watcher loads the layers
// every two seconds; compiling the whole set each time (every term
// normalised and indexed again) was most of an idle classifier's CPU, for
// a set that rarely changes.
type lastCompiled struct {
	mu     sync.Mutex
	digest [sha256.Size]byte
	rs     *classifier.Ruleset
	err    error
}

// compile returns the rule set of files and edits, compiled again only
// when they changed since the last call.
func (c *lastCompiled) compile(files map[string][]byte, edits []classifier.Edit) (*classifier.Ruleset, error) {
	digest := classifier.Digest(files, edits)
	c.mu.Lock()
	defer c.mu.Unlock()
	if (c.rs != nil || c.err != nil) && digest == c.digest {
		return c.rs, c.err
	}
	c.rs, c.err = classifier.CompileWithEdits(files, edits)
	c.digest = digest
	return c.rs, c.err
}

func (l ruleLayers) files() (map[string][]byte, error) {
	if l.dir == "" {
		return classifier.ReadDir(examples.Rules, "rules")
	}
	return classifier.ReadDir(os.DirFS(l.dir), ".")
}

// from names where the rules come from, for logs.
func (l ruleLayers) from() string {
	return config.RulesFrom(l.dir) + " with the web UI's edits (" + "config_rules" + ")"
}

func (l ruleLayers) load(ctx context.Context) (*classifier.Ruleset, error) {
	recs, err := l.store.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("rules edited in the UI: %w", err)
	}
	return l.compile(recs)
}

func (l ruleLayers) compile(recs []confstore.Record) (*classifier.Ruleset, error) {
	files, err := l.files()
	if err != nil {
		return nil, err
	}
	if l.last == nil {
		return classifier.CompileWithEdits(files, ruleEdits(recs))
	}
	return l.last.compile(files, ruleEdits(recs))
}

// ruleEdits turns stored records into edits; a record with neither body
// nor deletion restores the file's rule.
func ruleEdits(recs []confstore.Record) []classifier.Edit {
	out := make([]classifier.Edit, 0, len(recs))
	for _, r := range recs {
		if r.Body == "" && !r.Deleted {
			continue
		}
		out = append(out, classifier.Edit{ID: r.ID, YAML: r.Body, Deleted: r.Deleted})
	}
	return out
}

// replace returns recs with id's record set to r.
func replace(recs []confstore.Record, r confstore.Record) []confstore.Record {
	out := make([]confstore.Record, 0, len(recs)+1)
	for _, x := range recs {
		if x.ID != r.ID {
			out = append(out, x)
		}
	}
	return append(out, r)
}

// ruleset is the live rule set, or, without the classifier role, the
// rules as loaded now.
func (b ruleBook) ruleset(ctx context.Context) (*classifier.Ruleset, error) {
	if svc := b.a.rules.Load(); svc != nil {
		return svc.Rules(), nil
	}
	return b.a.ruleLayers().load(ctx)
}

func (b ruleBook) origin(file string) string {
	switch {
	case strings.HasPrefix(file, "ui:"):
		return ui.OriginUI
	case b.a.rulesDir == "":
		return ui.OriginBuiltin
	}
	return ui.OriginFile
}

func (b ruleBook) Rule(ctx context.Context, id string) (*ui.RuleDoc, error) {
	rs, err := b.ruleset(ctx)
	if err != nil {
		return nil, err
	}
	doc := &ui.RuleDoc{ID: id}
	rec, err := b.a.ruleStore.Get(ctx, id)
	switch {
	case err == nil:
		doc.Revision = rec.Revision
	case !errors.Is(err, confstore.ErrNotFound):
		return nil, err
	}
	text, file, ok := rs.RuleYAML(id)
	switch {
	case ok && rec.Body != "":
		// The officer's own text, comments and layout kept.
		doc.YAML, doc.Origin = rec.Body, b.origin(file)
		doc.Query, _ = rs.RuleQuery(id)
	case ok:
		doc.YAML, doc.Origin = text, b.origin(file)
		doc.Query, _ = rs.RuleQuery(id)
	case rec.Body != "":
		// Disabled in the UI: not in the live set, still editable.
		doc.YAML, doc.Origin = rec.Body, ui.OriginUI
	default:
		return nil, web.ErrNotFound
	}
	if doc.History, err = b.a.ruleStore.History(ctx, id); err != nil {
		return nil, err
	}
	return doc, nil
}

// SaveRule checks the rule as `rules check` would, in the whole rule set
// it would join, runs its examples, and stores it only if all pass.
func (b ruleBook) SaveRule(ctx context.Context, s ui.RuleSave) (*ui.RuleDoc, error) {
	id, base, action := s.ID, s.Base, confstore.ActionEdit
	if id == "" {
		newID, baseRev, err := b.newRuleID(ctx, s.YAML)
		if err != nil {
			return nil, err
		}
		id, base, action = newID, baseRev, confstore.ActionCreate
	}
	rec := confstore.Record{ID: id, Body: s.YAML, By: s.By, At: time.Now().UTC(), Action: action, Note: s.Note}
	rs, err := b.check(ctx, rec)
	if err != nil {
		return nil, err
	}
	if _, err := b.a.ruleStore.Save(ctx, rec, base); err != nil {
		return nil, err
	}
	b.apply(rs)
	return b.Rule(ctx, id)
}

// newRuleID reads a new rule's id and refuses one in use; the base is the
// revision of a deleted rule of that id, which the new one replaces.
func (b ruleBook) newRuleID(ctx context.Context, text string) (string, uint64, error) {
	id, err := classifier.RuleIDOf(text)
	if err != nil {
		return "", 0, &ui.InputError{Problems: ruleProblems(err, "")}
	}
	rs, err := b.ruleset(ctx)
	if err != nil {
		return "", 0, err
	}
	rec, err := b.a.ruleStore.Get(ctx, id)
	if err != nil && !errors.Is(err, confstore.ErrNotFound) {
		return "", 0, err
	}
	_, _, inSet := rs.RuleYAML(id)
	if inSet || (err == nil && !rec.Deleted) {
		return "", 0, &ui.InputError{Problems: []ui.Problem{{Field: "yaml", Code: ui.ProblemDuplicate, Line: 1, Detail: fmt.Sprintf("a rule with id %q exists", id)}}}
	}
	return id, rec.Revision, nil
}

// check compiles the rule set with rec in it and runs rec's examples.
func (b ruleBook) check(ctx context.Context, rec confstore.Record) (*classifier.Ruleset, error) {
	recs, err := b.a.ruleStore.All(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := b.a.ruleLayers().compile(replace(recs, rec))
	if err != nil {
		return nil, &ui.InputError{Problems: ruleProblems(err, rec.ID)}
	}
	_, failures := rs.CheckExamples()
	var probs []ui.Problem
	for _, f := range failures {
		if f.RuleID == rec.ID {
			probs = append(probs, ui.Problem{Field: "yaml", Code: ui.ProblemExamples, Detail: f.String()})
		}
	}
	if len(probs) > 0 {
		return nil, &ui.InputError{Problems: probs}
	}
	return rs, nil
}

// apply installs rs in this process at once; the others load it from KV
// at their next check.
func (b ruleBook) apply(rs *classifier.Ruleset) {
	if svc := b.a.rules.Load(); svc != nil {
		svc.SetRules(rs)
		b.a.log.Info("rules changed in the web UI", "version", rs.Version, "rules", rs.Len())
	}
}

// ruleProblems turns compile errors into problems: those in the edit at
// their line and column, others (a list it names, another rule) whole.
func ruleProblems(err error, id string) []ui.Problem {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var out []ui.Problem
	for _, e := range errs {
		p := ui.Problem{Field: "yaml", Code: ui.ProblemParse, Detail: e.Error()}
		var pe *classifier.Error
		if errors.As(e, &pe) {
			if pe.Pos.File == classifier.EditFile(id) || id == "" {
				p.Line, p.Col, p.Detail = pe.Pos.Line, pe.Pos.Col, pe.Msg
			}
		}
		out = append(out, p)
	}
	return out
}

func (b ruleBook) RollbackRule(ctx context.Context, id string, rev uint64, by string, base uint64) error {
	// Revision 0 is the rule as the files have it, before any edit.
	old, note := confstore.Record{}, "file"
	if rev != 0 {
		var err error
		old, err = b.a.ruleStore.Revision(ctx, id, rev)
		if errors.Is(err, confstore.ErrNotFound) {
			return web.ErrNotFound
		}
		if err != nil {
			return err
		}
		note = fmt.Sprintf("revision %d", rev)
	}
	rec := confstore.Record{ID: id, Body: old.Body, Deleted: old.Deleted, By: by, At: time.Now().UTC(),
		Action: confstore.ActionRollback, Note: note}
	rs, err := b.check(ctx, rec)
	if err != nil {
		return err
	}
	if _, err := b.a.ruleStore.Save(ctx, rec, base); err != nil {
		return err
	}
	b.apply(rs)
	return nil
}

// CheckRule checks a rule as SaveRule would, storing nothing, and returns
// its query in canonical syntax for the preview.
func (b ruleBook) CheckRule(ctx context.Context, s ui.RuleSave) (string, error) {
	id := s.ID
	if id == "" {
		var err error
		if id, err = classifier.RuleIDOf(s.YAML); err != nil {
			return "", &ui.InputError{Problems: ruleProblems(err, "")}
		}
	}
	rs, err := b.check(ctx, confstore.Record{ID: id, Body: s.YAML})
	if err != nil {
		return "", err
	}
	q, _ := rs.RuleQuery(id)
	return q, nil
}
