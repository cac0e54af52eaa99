// Package apptest runs a presswatch app in-process for tests: started with
// the given configuration, stopped when the test ends.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/web/auth"
)

// Start starts an app for cfg, logging nowhere and hashing passwords at
// auth.CheapHashCost, and stops it (within 30 s) when the test ends.
func Start(t testing.TB, cfg config.Config) *app.App {
	t.Helper()
	a := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.WithPasswordHashCost(auth.CheapHashCost()))
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = a.Stop(ctx)
	})
	return a
}
