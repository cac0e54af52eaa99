package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/confstore"
)

// ExportRules writes the rules edited in the web UI as one rules file
// (rules: with each edited rule as the officer wrote it), so that a team
// keeping its rules in version control can commit them. Rules deleted in
// the UI are listed in comments: deleting them from the files is the
// team's call.
func ExportRules(ctx context.Context, cfg config.Config, log *slog.Logger, w io.Writer) error {
	return withBus(ctx, cfg, log, "presswatch-export", func(b *bus.Bus) error {
		recs, err := confstore.New(b.KV(bus.BucketRules)).All(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "# Rules edited in the presswatch web UI (presswatch rules export).")
		var deleted []string
		fmt.Fprintln(w, "rules:")
		for _, r := range recs {
			switch {
			case r.Deleted:
				deleted = append(deleted, r.ID)
				continue
			case r.Body == "":
				continue // the file's version restored
			}
			fmt.Fprintf(w, "  # %s, %s by %s\n", r.ID, r.At.Format("2006-01-02 15:04 MST"), r.By)
			for i, line := range strings.Split(strings.TrimRight(r.Body, "\n"), "\n") {
				prefix := "    "
				if i == 0 {
					prefix = "  - "
				}
				fmt.Fprintln(w, prefix+line)
			}
		}
		for _, id := range deleted {
			fmt.Fprintf(w, "# deleted in the UI: %s\n", id)
		}
		return nil
	})
}

// ExportSources writes the sources every crawler polls (the configured
// ones with the UI's edits laid over them) as a sources file
// (crawler.sources_file).
func ExportSources(ctx context.Context, cfg config.Config, log *slog.Logger, w io.Writer) error {
	return withBus(ctx, cfg, log, "presswatch-export", func(b *bus.Bus) error {
		srcs, _, err := sourceLayers{cfg: cfg, store: confstore.New(b.KV(bus.BucketSources))}.list(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "# Sources as presswatch polls them (presswatch sources export).")
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(map[string]any{"sources": srcs}); err != nil {
			return err
		}
		return enc.Close()
	})
}
