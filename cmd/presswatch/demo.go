package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts/notify/webhook"
	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/demosite"
	"github.com/presswatch/presswatch/demosite/sink"
	"github.com/presswatch/presswatch/examples"
	"github.com/presswatch/presswatch/web/auth"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseDemoFlags(args, stderr)
	if err != nil || f == nil {
		return err
	}
	level := slog.LevelInfo
	if f.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	dir := f.dataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "presswatch-demo-")
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	rulesDir := filepath.Join(dir, "rules")
	if err := writeRules(rulesDir); err != nil {
		return err
	}
	peers, stopPeers, err := startDemoPeers(ctx, log, f.interval)
	if err != nil {
		return err
	}
	defer stopPeers()

	token := os.Getenv("PRESSWATCH_DEMO_TOKEN")
	if token == "" {
		token = randomHex(16)
	}
	cfg, err := demoConfig(dir, rulesDir, f.listen, token, peers)
	if err != nil {
		return err
	}
	password := os.Getenv("PRESSWATCH_DEMO_PASSWORD")
	if password == "" {
		password = randomHex(8)
	}
	return serve(ctx, cfg, nil, log, func(a *app.App) {
		base := "http://" + a.Addr()
		if err := demoAdmin(ctx, a, password); err != nil {
			log.Error("demo admin user", "err", err)
		}
		fmt.Fprintf(stdout, `
presswatch demo is running.

  Web UI:               %[4]s/   (user: admin, password: %[9]s)
  Simulated news site:  %[1]s/   (a new article every %[2]s)
  API token (admin):    %[3]s
  Search:               curl -H "Authorization: Bearer %[3]s" '%[4]s/api/v1/search?q=lu+quet'
  Alerts:               curl -H "Authorization: Bearer %[3]s" '%[4]s/api/v1/alerts'
  Metrics:              curl -H "Authorization: Bearer %[3]s" '%[4]s/metrics'   (any viewer token; or api.metrics_public: true)
  Health:               %[4]s/healthz   %[4]s/readyz
  Rules (edit to see them reload): %[5]s
  Data directory:       %[6]s
  Notifications seen by the office (e-mail and chat, refreshed every 10 s):
                        %[7]s/
                        %[7]s/mail.json   %[7]s/chat.json
  Test mail server:     smtp://%[8]s (no TLS, no password)

Alerts are also written to this log and posted to a local webhook receiver.
Press Ctrl-C to stop.

`, peers.siteURL, f.interval, token, base, rulesDir, dir, peers.sinkURL, peers.sinks.SMTPAddr(), password)
	})
}

// demoFlags are the demo's command line.
type demoFlags struct {
	dataDir, listen string
	interval        time.Duration
	verbose         bool
}

// parseDemoFlags reads the demo's flags; nil flags and no error mean
// help was asked for (and printed).
func parseDemoFlags(args []string, stderr io.Writer) (*demoFlags, error) {
	fl := flag.NewFlagSet("demo", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dataDir := fl.String("data", "", "data directory (default: a temporary one, removed on exit)")
	listen := fl.String("listen", "127.0.0.1:8080", "HTTP address of the API (a free port is picked if this one is taken)")
	interval := fl.Duration("interval", 3*time.Second, "how often the simulated site publishes an article")
	verbose := fl.Bool("v", false, "log at debug level")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil
		}
		return nil, errUsage
	}
	return &demoFlags{dataDir: *dataDir, listen: *listen, interval: *interval, verbose: *verbose}, nil
}

// demoPeers are what the demo runs beside presswatch on loopback: the
// simulated news site, a webhook receiver, and the office's mailbox and
// chat (sinks).
type demoPeers struct {
	siteURL             string
	hookURL, hookSecret string
	sinks               *sink.Sinks
	sinkURL             string
	smtpHost            string
	smtpPort            int
}

// startDemoPeers starts the demo's peers; stop ends them, newest first.
// On an error those already started are stopped.
func startDemoPeers(ctx context.Context, log *slog.Logger, interval time.Duration) (p *demoPeers, stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	p = &demoPeers{hookSecret: randomHex(16)}
	site := demosite.New(demosite.Options{Interval: interval, Logger: log})
	siteURL, stopSite, err := serveLocal(site.Handler())
	if err != nil {
		return nil, nil, fmt.Errorf("demo site: %w", err)
	}
	stops = append(stops, stopSite)
	go site.Run(ctx)
	p.siteURL = siteURL

	hookURL, stopHook, err := serveLocal(webhookSink(log, p.hookSecret))
	if err != nil {
		return nil, nil, fmt.Errorf("demo webhook receiver: %w", err)
	}
	stops = append(stops, stopHook)
	p.hookURL = hookURL

	if p.sinks, err = sink.Start(); err != nil {
		return nil, nil, fmt.Errorf("demo mailbox: %w", err)
	}
	stops = append(stops, func() { p.sinks.Close() })
	sinkURL, stopSinks, err := serveLocal(p.sinks.Handler())
	if err != nil {
		return nil, nil, fmt.Errorf("demo mailbox: %w", err)
	}
	stops = append(stops, stopSinks)
	p.sinkURL = sinkURL
	smtpHost, smtpPort, err := net.SplitHostPort(p.sinks.SMTPAddr())
	if err != nil {
		return nil, nil, fmt.Errorf("demo mailbox: %w", err)
	}
	p.smtpHost = smtpHost
	p.smtpPort, _ = strconv.Atoi(smtpPort)
	return p, stop, nil
}

// demoConfig is the demo's configuration: the simulated site as the one
// source, a receiver on every channel, and the demo's admin token.
func demoConfig(dir, rulesDir, listen, token string, peers *demoPeers) (config.Config, error) {
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Listen = freeOr(listen)
	cfg.Classifier.RulesDir = rulesDir
	cfg.Crawler.AllowPrivateHosts = []string{"127.0.0.1"}
	cfg.Crawler.Sources = []config.Source{{
		ID: "bao-hoa-ban", Name: demosite.SiteName, Kind: "feed", URL: peers.siteURL + "/rss.xml",
		Tier: "local", Lang: "vi", Regions: []string{"dien-bien"}, Interval: config.Duration(2 * time.Second),
	}}
	cfg.Indexer.BatchInterval = config.Duration(500 * time.Millisecond)
	cfg.Alerts.Receivers = []config.Receiver{
		{Name: "log", Log: &config.LogReceiver{}},
		{Name: "demo-webhook", Webhook: &config.WebhookReceiver{URL: config.Secret(peers.hookURL + "/hook"), Secret: config.Secret(peers.hookSecret)}},
		// The local mailbox takes mail in clear text without a password:
		// it listens on loopback only. A real server uses starttls.
		{Name: "demo-email", Lang: "vi", Email: &config.EmailReceiver{
			Host: peers.smtpHost, Port: peers.smtpPort, TLS: "none",
			From: "Presswatch demo <canhbao@presswatch.demo>", To: []string{"Phòng Báo chí <baochi@presswatch.demo>"},
		}},
		{Name: "demo-chat", Slack: &config.SlackReceiver{URL: config.Secret(peers.sinkURL + peers.sinks.ChatPath()), Channel: "#bao-chi"}},
	}
	// Shorter than the defaults so that the demo shows a story's first
	// notification within seconds and its follow-ups within a minute.
	cfg.Alerts.Route = &config.AlertRoute{Receivers: []string{"log", "demo-webhook", "demo-email", "demo-chat"},
		GroupWait: config.Duration(5 * time.Second), GroupInterval: config.Duration(time.Minute), RepeatInterval: config.Duration(4 * time.Hour)}
	cfg.API.Tokens = []config.Token{{Name: "demo", Role: "admin", Token: config.Secret(token)}}
	// Messages link to the incident and carry one-tap actions.
	cfg.Alerts.BaseURL = baseURL(cfg.Listen)
	cfg.Alerts.Departments = app.DemoDepartments()
	if err := cfg.Validate(); err != nil {
		return config.Config{}, fmt.Errorf("demo config: %w", err)
	}
	return cfg, nil
}

// demoAdmin makes the demo's admin account, or resets its password on a
// reused data directory.
func demoAdmin(ctx context.Context, a *app.App, password string) error {
	users := a.Accounts().Users
	_, err := users.Add(ctx, "admin", auth.RoleAdmin, password)
	if errors.Is(err, auth.ErrUserExists) {
		return users.SetPassword(ctx, "admin", password)
	}
	return err
}

// writeRules copies the embedded example rules to dir, where an officer
// can edit them while the demo runs.
func writeRules(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("demo rules: %w", err)
	}
	entries, err := fs.ReadDir(examples.Rules, "rules")
	if err != nil {
		return fmt.Errorf("demo rules: %w", err)
	}
	for _, e := range entries {
		dst := filepath.Join(dir, e.Name())
		if _, err := os.Stat(dst); err == nil {
			continue // keep the officer's edits on a reused data directory
		}
		data, err := fs.ReadFile(examples.Rules, "rules/"+e.Name())
		if err != nil {
			return fmt.Errorf("demo rules: %w", err)
		}
		if err := os.WriteFile(dst, data, 0o640); err != nil {
			return fmt.Errorf("demo rules: %w", err)
		}
	}
	return nil
}

// serveLocal serves h on a random loopback port.
func serveLocal(h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// freeOr returns addr if it can be listened on, else a random loopback port.
func freeOr(addr string) string {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		// Taken: any free port, known before start so that messages can
		// link to it.
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return "127.0.0.1:0"
		}
	}
	defer ln.Close()
	if strings.HasSuffix(addr, ":0") || err == nil && ln.Addr().String() != addr {
		return ln.Addr().String()
	}
	return addr
}

// baseURL is the address a browser on this machine reaches listen at.
func baseURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://127.0.0.1:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// webhookSink stands in for the office's chat bridge: it checks the
// signature and logs what arrived.
func webhookSink(log *slog.Logger, secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "read error", http.StatusBadRequest)
			return
		}
		var ts int64
		_, _ = fmt.Sscan(r.Header.Get(webhook.HeaderTimestamp), &ts)
		if webhook.Sign(secret, ts, body) != r.Header.Get(webhook.HeaderSignature) {
			log.Warn("demo webhook: bad signature")
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err == nil && p.Notification != nil {
			for _, a := range p.Notification.Alerts {
				if len(a.Articles) > 0 {
					log.Info("demo webhook received alert", "key", p.IdempotencyKey, "kind", p.Notification.Kind, "severity", a.Severity, "title", a.Articles[0].Title)
				}
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
