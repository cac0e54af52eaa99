package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/confstore"
)

// TestExportRulesWritesARulesFile: what the export writes compiles as a
// rules file with the officer's edit in it, so a team can commit it.
func TestExportRulesWritesARulesFile(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	err := withBus(ctx, cfg, log, "test", func(b *bus.Bus) error {
		st := confstore.New(b.KV(bus.BucketRules))
		at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		if _, err := st.Save(ctx, confstore.Record{ID: "scam.new", Body: "id: scam.new\n# the officer's comment\nquery: 'xyzcauvang'\nseverity: high\n", By: "lan", At: at}, 0); err != nil {
			return err
		}
		_, err := st.Save(ctx, confstore.Record{ID: "old.rule", Deleted: true, By: "lan", At: at}, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := ExportRules(ctx, cfg, log, &out); err != nil {
		t.Fatal(err)
	}
	rs, err := classifier.Compile(map[string][]byte{"exported.yaml": out.Bytes()})
	if err != nil {
		t.Fatalf("export does not compile: %v\n%s", err, out.String())
	}
	if q, ok := rs.RuleQuery("scam.new"); !ok || !strings.Contains(q, "xyzcauvang") {
		t.Fatalf("exported rule: %q %v\n%s", q, ok, out.String())
	}
	if !strings.Contains(out.String(), "# deleted in the UI: old.rule") || !strings.Contains(out.String(), "the officer's comment") {
		t.Errorf("export lacks the deletion or the comment:\n%s", out.String())
	}
}
