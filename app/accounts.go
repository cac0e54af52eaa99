package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/web/auth"
)

// busOptions are the bus settings every process of cfg uses; name tells
// the connections apart in NATS monitoring.
func busOptions(cfg config.Config, name string, log *slog.Logger, reg prometheus.Registerer) bus.Options {
	return bus.Options{
		URL: cfg.NATS.URL, CredentialsFile: cfg.NATS.CredentialsFile,
		StoreDir: filepath.Join(cfg.DataDir, "nats"), Name: name,
		Replicas: cfg.NATS.Replicas, MaxDeliver: cfg.NATS.MaxDeliver, AckWait: cfg.NATS.AckWait.D(),
		DuplicateWindow: cfg.NATS.DuplicateWindow.D(), ArticleRetention: cfg.NATS.ArticleRetention.D(),
		SeenTTL: cfg.Crawler.SeenTTL.D(), EvidenceRetention: cfg.Crawler.EvidenceRetention.D(), ReportRetention: cfg.Report.Retention.D(),
		Logger: log, Registerer: reg,
	}
}

// accounts returns the sign-in stores on b; cost is the work of new
// password hashes (the zero value: the production cost).
func accounts(b *bus.Bus, w config.Web, cost auth.HashCost) *auth.Accounts {
	return auth.New(auth.Buckets{
		Users: b.KV(bus.BucketUsers), Sessions: b.KV(bus.BucketSessions), Tokens: b.KV(bus.BucketAPITokens),
		JS: b.JetStream(), AuditStream: bus.StreamAudit, AuditSubject: bus.SubjectAudit,
	}, auth.Policy{SessionTTL: w.SessionTTL.D(), MaxFailures: w.LoginMaxFailures, Lockout: w.LoginLockout.D(), HashCost: cost})
}

// trustedProxies parses web.proxy_auth.trusted_proxies (validated at load).
func trustedProxies(w config.Web) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range w.ProxyAuth.TrustedProxies {
		p, err := config.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("web.proxy_auth.trusted_proxies: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// WithAccounts opens the bus of cfg's data directory (or its external
// NATS) and runs f with the account stores, for the users command.
func WithAccounts(ctx context.Context, cfg config.Config, log *slog.Logger, f func(*auth.Accounts) error) error {
	return withBus(ctx, cfg, log, "presswatch-users", func(b *bus.Bus) error { return f(accounts(b, cfg.Web, auth.HashCost{})) })
}

// withBus opens the bus of cfg's data directory (or its external NATS)
// for a command that runs beside no server. With the embedded NATS it
// takes the data-directory lock, so it refuses to run beside a server on
// the same directory.
func withBus(ctx context.Context, cfg config.Config, log *slog.Logger, name string, f func(*bus.Bus) error) error {
	if cfg.NATS.URL == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
		lock, err := lockDataDir(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("%w (stop presswatch serve first, or use --nats-url)", err)
		}
		defer lock.Close()
	}
	b, err := bus.Open(ctx, busOptions(cfg, name, log, prometheus.NewRegistry()))
	if err != nil {
		return err
	}
	defer b.Close()
	return f(b)
}
