package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/presswatch/presswatch/app"
)

func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	load := storeFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	n, err := app.Reindex(ctx, cfg, newLogger(cfg.Log, stderr))
	if err != nil {
		return fmt.Errorf("presswatch reindex: %w", err)
	}
	fmt.Fprintf(stdout, "reindexed %d article versions into %s/index\n", n, cfg.DataDir)
	return nil
}
