package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/indexer"
)

// Reindex rebuilds the data directory's index from the article stream. It
// takes the data-directory lock, so it refuses to run beside a server on
// the same directory.
func Reindex(ctx context.Context, cfg config.Config, log *slog.Logger) (int, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return 0, fmt.Errorf("data directory: %w", err)
	}
	lock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return 0, fmt.Errorf("%w (stop presswatch serve first)", err)
	}
	defer lock.Close()
	b, err := bus.Open(ctx, busOptions(cfg, "presswatch-reindex", log, prometheus.NewRegistry()))
	if err != nil {
		return 0, err
	}
	defer b.Close()
	return indexer.Rebuild(ctx, b.JetStream(), filepath.Join(cfg.DataDir, "index"),
		indexer.Options{Retention: cfg.Indexer.Retention.D()}, cfg.Indexer.BatchSize, log)
}
