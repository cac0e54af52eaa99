package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/confstore"
	"github.com/presswatch/presswatch/web"
	"github.com/presswatch/presswatch/web/ui"
)

func TestSourceLayersLayUIEditsOverTheConfiguration(t *testing.T) {
	b := bustest.Start(t)
	ctx := context.Background()
	cfg := config.Default()
	cfg.Crawler.Sources = []config.Source{
		{ID: "a", Kind: "feed", URL: "https://a.example/rss"},
		{ID: "b", Kind: "feed", URL: "https://b.example/rss"},
	}
	st := confstore.New(b.KV(bus.BucketSources))
	l := sourceLayers{cfg: cfg, store: st}
	save := func(s config.Source, deleted bool) {
		body := ""
		if !deleted {
			var err error
			if body, err = encodeSource(s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Save(ctx, confstore.Record{ID: s.ID, Body: body, Deleted: deleted, By: "lan", At: time.Now()}, 0); err != nil {
			t.Fatal(err)
		}
	}
	off := false
	save(config.Source{ID: "a", Kind: "feed", URL: "https://a.example/new-rss", Interval: config.Duration(90 * time.Second), Enabled: &off}, false)
	save(config.Source{ID: "b"}, true)
	save(config.Source{ID: "c", Kind: "sitemap", URL: "https://c.example/sitemap.xml", Tier: "local", Include: []string{"/tin/"}}, false)
	srcs, origin, err := l.list(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[0].ID != "a" || srcs[1].ID != "c" {
		t.Fatalf("merged = %+v", srcs)
	}
	if srcs[0].URL != "https://a.example/new-rss" || srcs[0].IsEnabled() || srcs[0].Interval.D() != 90*time.Second {
		t.Errorf("edit of a not applied: %+v", srcs[0])
	}
	if srcs[1].Include[0] != "/tin/" || origin["c"] != ui.OriginUI || origin["a"] != ui.OriginUI {
		t.Errorf("c = %+v, origins %v", srcs[1], origin)
	}
	// A record written past the UI that does not validate refuses the
	// whole set, as a bad sources file does: the crawler keeps its old one.
	if _, err := st.Save(ctx, confstore.Record{ID: "d", Body: "id: d\nkind: feed\nurl: ftp://nope\n", By: "x", At: time.Now()}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := l.sources(); err == nil || !strings.Contains(err.Error(), "config_sources/d") {
		t.Fatalf("bad record: %v", err)
	}
}

func TestRuleBookSavesOnlyWhatChecks(t *testing.T) {
	b := bustest.Start(t)
	ctx := context.Background()
	a := &App{rulesDir: "", ruleStore: confstore.New(b.KV(bus.BucketRules)), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	book := ruleBook{a: a}
	before, err := a.ruleLayers().load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := book.Rule(ctx, "scam.fraud")
	if err != nil || doc.Origin != ui.OriginBuiltin || doc.Revision != 0 {
		t.Fatalf("built-in rule: %+v, %v", doc, err)
	}
	refused := func(s ui.RuleSave, code string) {
		t.Helper()
		_, err := book.SaveRule(ctx, s)
		var in *ui.InputError
		if !errors.As(err, &in) || in.Problems[0].Code != code {
			t.Fatalf("save %q: %v, want a %s problem", s.YAML, err, code)
		}
	}
	refused(ui.RuleSave{ID: "scam.fraud", YAML: "id: scam.fraud\nseverity: high\nquery: 'x AND ('\n", By: "lan"}, ui.ProblemParse)
	refused(ui.RuleSave{YAML: "id: disaster.flood\nquery: x\nseverity: low\n", By: "lan"}, ui.ProblemDuplicate)
	refused(ui.RuleSave{ID: "scam.fraud", YAML: "id: scam.fraud\nquery: xyz\nseverity: low\nexamples: {match: [abc]}\n", By: "lan"}, ui.ProblemExamples)
	after, err := a.ruleLayers().load(ctx)
	if err != nil || after.Version != before.Version {
		t.Fatalf("refused saves changed the rules: %v", err)
	}

	edit := "id: scam.fraud\nquery: 'xyzcauvang'\nseverity: high\n"
	doc, err = book.SaveRule(ctx, ui.RuleSave{ID: "scam.fraud", YAML: edit, By: "lan", Base: 0})
	if err != nil || doc.Origin != ui.OriginUI || doc.Revision == 0 || len(doc.History) != 1 {
		t.Fatalf("save: %+v, %v", doc, err)
	}
	// Minh opened the rule before Lan saved: his save is refused.
	_, err = book.SaveRule(ctx, ui.RuleSave{ID: "scam.fraud", YAML: edit, By: "minh", Base: 0})
	if !errors.Is(err, confstore.ErrConflict) {
		t.Fatalf("stale save: %v, want a conflict", err)
	}
	if err := book.RollbackRule(ctx, "scam.fraud", 0, "lan", 0); !errors.Is(err, confstore.ErrConflict) {
		t.Fatalf("stale roll-back: %v", err)
	}
	if err := book.RollbackRule(ctx, "scam.fraud", 0, "lan", doc.Revision); err != nil {
		t.Fatal(err)
	}
	rs, err := a.ruleLayers().load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := rs.RuleQuery("scam.fraud"); strings.Contains(q, "xyzcauvang") {
		t.Errorf("roll-back left the edit: %s", q)
	}
	if err := book.RollbackRule(ctx, "scam.fraud", 999, "lan", 0); !errors.Is(err, web.ErrNotFound) {
		t.Errorf("unknown revision: %v", err)
	}
}

// The watcher loads the rule layers every two seconds: an unchanged set is
// not compiled again, a changed one is, and a broken one keeps its error
// without being compiled again either.
func TestRuleLayersCompileAgainOnlyWhenChanged(t *testing.T) {
	var last lastCompiled
	l := ruleLayers{last: &last}
	files, err := l.files()
	if err != nil {
		t.Fatal(err)
	}
	first, err := last.compile(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := last.compile(maps.Clone(files), nil)
	if err != nil || again != first {
		t.Fatalf("same files compiled again (%p, then %p; err %v)", first, again, err)
	}
	edit := []classifier.Edit{{ID: "ui-test", YAML: "id: ui-test\nlabels: [crisis]\nquery: 'lũ quét'\n"}}
	edited, err := last.compile(files, edit)
	if err != nil {
		t.Fatal(err)
	}
	if edited == first || edited.Version == first.Version {
		t.Fatalf("an edit gave the same rule set (version %s)", edited.Version)
	}
	broken := maps.Clone(files)
	broken["99-broken.yaml"] = []byte("rules: [")
	_, err1 := last.compile(broken, nil)
	_, err2 := last.compile(broken, nil)
	if err1 == nil || err1 != err2 {
		t.Fatalf("a broken file: errors %v and %v, want one error kept", err1, err2)
	}
	if rs, err := last.compile(files, nil); err != nil || rs.Version != first.Version {
		t.Fatalf("back to the first files: version %v, err %v; want %s", rs, err, first.Version)
	}
}
