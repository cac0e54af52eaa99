package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/config"
)

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file (presswatch.yaml); defaults and PRESSWATCH_* variables apply without one")
	data := fs.String("data", "", "data directory (overrides data_dir)")
	listen := fs.String("listen", "", "HTTP address (overrides listen)")
	natsURL := fs.String("nats-url", "", "external NATS cluster URL (overrides nats.url; empty runs an embedded server)")
	roles := fs.String("roles", "", "comma-separated roles to run: crawler,classifier,indexer,alerts,web (overrides roles)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	cfg, err := loadConfig(*cfgPath, map[string]string{"data_dir": *data, "listen": *listen, "nats.url": *natsURL, "roles": *roles})
	if err != nil {
		return err
	}
	return serve(ctx, cfg, newLogger(cfg.Log, stderr), nil)
}

// loadConfig loads the configuration with flag values (by key path) as
// environment overrides, so that a bad value is reported against the
// flag's variable, not a line of the file.
func loadConfig(path string, flags map[string]string) (config.Config, error) {
	env := os.Environ()
	for key, v := range flags {
		if v != "" {
			env = append(env, config.EnvVar(key)+"="+v)
		}
	}
	return config.Load(path, env)
}

// storeFlags adds --config, --data and --nats-url for commands that open
// the data directory's store themselves; the returned func loads the
// configuration with them once the flags are parsed.
func storeFlags(fs *flag.FlagSet) func() (config.Config, error) {
	cfgPath := fs.String("config", "", "configuration file")
	data := fs.String("data", "", "data directory (overrides data_dir)")
	natsURL := fs.String("nats-url", "", "external NATS cluster (overrides nats.url)")
	return func() (config.Config, error) {
		return loadConfig(*cfgPath, map[string]string{"data_dir": *data, "nats.url": *natsURL})
	}
}

// serve runs the app until ctx is cancelled, then stops it gracefully.
// started, when set, is called once the app is up.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, started func(*app.App)) error {
	a := app.New(cfg, log)
	if err := a.Start(ctx); err != nil {
		return fmt.Errorf("presswatch: start: %w", err)
	}
	if started != nil {
		started(a)
	}
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Stop(sctx); err != nil {
		return fmt.Errorf("presswatch: stop: %w", err)
	}
	return nil
}

func newLogger(c config.LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	o := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}
