package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/presswatch/presswatch/app"
)

// runExport writes what officers edited in the web UI to a file (or
// standard output): "rules export" or "sources export".
func runExport(ctx context.Context, what string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(what+" export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	load := storeFlags(fs)
	out := fs.String("out", "", "file to write (default: standard output)")
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
	log := newLogger(cfg.Log, stderr)
	export := app.ExportRules
	if what == "sources" {
		export = app.ExportSources
	}
	if *out == "" {
		return wrapExport(what, export(ctx, cfg, log, stdout))
	}
	f, err := os.Create(*out)
	if err != nil {
		return wrapExport(what, err)
	}
	if err := export(ctx, cfg, log, f); err != nil {
		f.Close()
		return wrapExport(what, err)
	}
	return wrapExport(what, f.Close())
}

func wrapExport(what string, err error) error {
	if err != nil {
		return fmt.Errorf("presswatch %s export: %w", what, err)
	}
	return nil
}

// runSources is "presswatch sources export".
func runSources(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprintln(stderr, "usage: presswatch sources export [--config FILE] [--data DIR] [--out FILE]")
		return errUsage
	}
	return runExport(ctx, "sources", args[1:], stdout, stderr)
}
