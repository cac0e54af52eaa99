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

	"github.com/KimMachineGun/automemlimit/memlimit"

	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/config"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
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
	log := newLogger(cfg.Log, stderr)
	limitHeapToContainer(log)
	return serve(ctx, cfg, stdout, log, nil)
}

// limitHeapToContainer sets the Go soft memory limit to three quarters of
// the container's (cgroup's) memory limit, unless GOMEMLIMIT is set. The
// index's segment files are mapped, and under the limit the kernel takes
// those pages back; the heap it cannot, and without a soft limit the
// collector lets garbage grow until the container is killed. Outside a
// limited cgroup nothing changes.
func limitHeapToContainer(log *slog.Logger) {
	// Set logs its own failure; the process runs without a soft limit then.
	_, _ = memlimit.Set(memlimit.WithRatio(0.75), memlimit.WithProvider(memlimit.FromCgroup), memlimit.WithLogger(log))
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
// With out set it prints where the UI is and, on a first start, creates
// the first admin and says how to sign in (the demo makes its own).
// started, when set, is called once the app is up.
func serve(ctx context.Context, cfg config.Config, out io.Writer, log *slog.Logger, started func(*app.App)) error {
	a := app.New(cfg, log)
	if err := a.Start(ctx); err != nil {
		return fmt.Errorf("presswatch: start: %w", err)
	}
	if out != nil {
		fr, err := a.FirstRun(ctx)
		if err != nil {
			log.Error("first run", "err", err)
		}
		printFirstRun(out, fr)
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

// printFirstRun tells whoever started the server where to go and, on a
// first start, how to sign in: Vietnamese first, English second.
func printFirstRun(w io.Writer, fr app.FirstRun) {
	if fr.URL == "" {
		return
	}
	fmt.Fprintf(w, "presswatch đang chạy tại / is running at %s\n", fr.URL)
	if fr.User != "" {
		fmt.Fprintf(w, "Đăng nhập lần đầu / First sign-in: tài khoản / user %q, mật khẩu trong tệp / password in %s\n", fr.User, fr.PasswordFile)
		fmt.Fprintln(w, "Hãy đổi mật khẩu sau khi đăng nhập (Tài khoản) / Change it after signing in (Account).")
	}
}
