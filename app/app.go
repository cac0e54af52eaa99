// Package app wires presswatch's roles into one embeddable process with
// New, Start and Stop, so the binary, the demo and the tests all run the
// same thing.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/micro"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/confstore"
	"github.com/presswatch/presswatch/crawler"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/report/archive"
	"github.com/presswatch/presswatch/storagehealth"
	"github.com/presswatch/presswatch/web"
	"github.com/presswatch/presswatch/web/auth"
	"github.com/presswatch/presswatch/web/ui"
)

// Role names.
const (
	RoleCrawler    = "crawler"
	RoleClassifier = "classifier"
	RoleIndexer    = "indexer"
	RoleAlerts     = "alerts"
	RoleWeb        = "web"
)

// App is one presswatch process running the configured roles.
type App struct {
	cfg config.Config
	log *slog.Logger
	reg *prometheus.Registry

	lock    *os.File
	stories *story.Clusterer
	bus     *bus.Bus
	index   *indexer.Index
	// lease holds this indexer's replica name against a second indexer
	// started with the same one.
	lease *indexer.Lease
	// search is the NATS search service, registered once the index has
	// caught up with the stream (under mu: set by a role goroutine).
	search micro.Service
	// serving is set once this indexer answers searches.
	serving atomic.Bool
	httpSrv *http.Server
	ln      net.Listener
	// accounts are the web UI's users, sessions and tokens.
	accounts *auth.Accounts

	// rules is the classifier service, when this process runs one: its
	// live rule set resolves @lists in search queries.
	rules atomic.Pointer[classifier.Service]
	// storage hears whether the writes this process must keep succeed;
	// readiness is false while they fail (a full disk).
	storage *storagehealth.Tracker
	// alertStore reads alerts and moves them through their lifecycle for
	// the API, in any process.
	alertStore *alerts.Store
	// reports builds and archives reports (web role).
	reports *archive.Publisher
	// saved keeps saved searches and sends their digests (web role).
	saved *savedDesk
	// links signs and checks the one-tap action links of messages.
	links *actionlink.Signer
	// rulesDir is the rules directory, "" for the built-in pack;
	// ruleStore and sourceStore hold what officers edited in the UI.
	rulesDir    string
	ruleStore   *confstore.Store
	lastRules   lastCompiled  // see ruleLayers
	hashCost    auth.HashCost // see WithPasswordHashCost
	sourceStore *confstore.Store
	fetchTools  fetchTools

	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	failed error
}

// New returns an app for cfg; nothing runs until Start.
func New(cfg config.Config, log *slog.Logger, opts ...Option) *App {
	a := &App{cfg: cfg, log: log, reg: prometheus.NewRegistry()}
	for _, o := range opts {
		o(a)
	}
	return a
}

// Option sets what the configuration deliberately leaves out.
type Option func(*App)

// WithPasswordHashCost makes new password hashes cost c instead of the
// production cost: for tests, where a production hash takes a third of a
// second under the race detector and the app's tests add users and sign
// in over a dozen times. A deployment never sets it, so the configuration
// has no such key.
func WithPasswordHashCost(c auth.HashCost) Option {
	return func(a *App) { a.hashCost = c }
}

// Accounts are the web UI's users, sessions, API tokens and audit log,
// once started.
func (a *App) Accounts() *auth.Accounts { return a.accounts }

// Registry is the app's metrics registry.
func (a *App) Registry() *prometheus.Registry { return a.reg }

// Addr is the HTTP listener's address once started ("" without web role).
func (a *App) Addr() string {
	if a.ln == nil {
		return ""
	}
	return a.ln.Addr().String()
}

// Start opens the bus and the index and starts every role. On error
// everything already started is stopped again.
func (a *App) Start(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			a.closeResources()
		}
	}()
	if err := a.openShared(ctx); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a.cancel = cancel
	starters, err := a.startRoles(ctx)
	if err != nil {
		return err
	}
	// Every process serves health and metrics; only the web role adds the
	// API.
	if err := a.startWeb(); err != nil {
		return err
	}
	for _, run := range starters {
		a.wg.Go(func() {
			if err := run(runCtx); err != nil {
				a.log.Error("role stopped with error", "err", err)
				a.mu.Lock()
				a.failed = errors.Join(a.failed, err)
				a.mu.Unlock()
			}
		})
	}
	a.log.Info("presswatch started", "roles", a.cfg.Roles, "data", a.cfg.DataDir, "listen", a.Addr(), "nats", a.bus.ClientURL())
	return nil
}

// openShared opens what every role uses: the locked data directory, the
// bus, the disk-health probe, the alert store, the action links and the
// durable rule and source layers.
func (a *App) openShared(ctx context.Context) error {
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{Namespace: "presswatch"}))
	if err := os.MkdirAll(a.cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	lock, err := lockDataDir(a.cfg.DataDir)
	if err != nil {
		return err
	}
	a.lock = lock
	bo := busOptions(a.cfg, "presswatch", a.log, a.reg)
	bo.Listen = a.cfg.NATS.EmbeddedListen
	b, err := bus.Open(ctx, bo)
	if err != nil {
		return err
	}
	a.bus = b
	if a.storage, err = storagehealth.New(a.reg); err != nil {
		return err
	}
	if a.alertStore, err = alerts.NewStore(b, a.reg, nil); err != nil {
		return err
	}
	if a.links, err = actionLinks(ctx, a.cfg.Alerts.ActionLinks, b); err != nil {
		return err
	}
	if a.rulesDir, err = a.cfg.RulesDir(); err != nil {
		return err
	}
	a.ruleStore = confstore.New(b.KV(bus.BucketRules))
	a.sourceStore = confstore.New(b.KV(bus.BucketSources))
	return nil
}

func (a *App) receivers() ([]alerts.Receiver, error) {
	out, err := a.notifiers()
	if err != nil {
		return nil, err
	}
	for i := range out {
		r := a.cfg.Alerts.Receivers[i]
		out[i].Channel, out[i].Lang = receiverChannel(r), r.Lang
		if err := receiverPolicy(a.cfg.Alerts, r, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// notifiers builds one notifier per configured receiver, in order.
func (a *App) notifiers() ([]alerts.Receiver, error) {
	var out []alerts.Receiver
	for i, r := range a.cfg.Alerts.Receivers {
		n, err := notifier(r, a.log)
		if err != nil {
			return nil, fmt.Errorf("alerts.receivers[%d] (%s): %w", i, r.Name, err)
		}
		out = append(out, alerts.Receiver{Name: r.Name, Notifier: n})
	}
	return out, nil
}

// misleadingMarker lets officers mark an article misleading, where this
// process clusters stories (the classifier role).
func (a *App) misleadingMarker() web.MisleadingMarker {
	if a.stories == nil || a.index == nil {
		return nil
	}
	return caseMarker{stories: a.stories, index: a.index}
}

type caseMarker struct {
	stories *story.Clusterer
	index   *indexer.Index
}

func (m caseMarker) MarkMisleading(ctx context.Context, id, rebuttalURL, by string) (story.Case, error) {
	v, err := m.index.Get(ctx, id)
	if errors.Is(err, indexer.ErrNotFound) {
		return story.Case{}, web.ErrNotFound
	}
	if err != nil {
		return story.Case{}, err
	}
	return m.stories.MarkMisleading(ctx, story.Doc{ID: v.ID, URL: v.URL, Title: v.Title, Text: v.Text, Source: v.Source, Site: v.Site, Published: v.Published}, rebuttalURL, by)
}

// linkSubmitter queues officers' links on the bus for any crawler.
type linkSubmitter struct{ b *bus.Bus }

func (l linkSubmitter) Submit(ctx context.Context, rawURL, by string) (string, error) {
	id, canonical, err := article.IDFromURL(rawURL)
	if err != nil {
		return "", web.BadInput(err)
	}
	// Recorded before it is queued, so a fast crawler's "fetched" is
	// never overwritten by "queued"; a link already fetched keeps its
	// record, a failed one is queued again.
	kv := l.b.KV(bus.BucketSubmissions)
	prev, err := crawler.SubmissionOf(ctx, kv, id)
	if errors.Is(err, crawler.ErrNoSubmission) || (err == nil && prev.State == crawler.SubmissionFailed) {
		now := time.Now().UTC()
		st := crawler.SubmissionStatus{ID: id, URL: canonical, SubmittedBy: by, Submitted: now, State: crawler.SubmissionQueued, Updated: now}
		if err := crawler.RecordSubmission(ctx, kv, st); err != nil {
			return "", err
		}
	}
	return crawler.Submit(ctx, l.b, rawURL, by, time.Now())
}

// Submission says what became of a submitted link (the web UI's link
// page).
func (l linkSubmitter) Submission(ctx context.Context, id string) (*crawler.SubmissionStatus, error) {
	st, err := crawler.SubmissionOf(ctx, l.b.KV(bus.BucketSubmissions), id)
	if errors.Is(err, crawler.ErrNoSubmission) {
		return nil, web.ErrNotFound
	}
	return st, err
}

func (a *App) startWeb() error {
	var tokens []web.Token
	for _, t := range a.cfg.API.Tokens {
		role, err := web.ParseRole(t.Role)
		if err != nil {
			return fmt.Errorf("api.tokens %s: %w", t.Name, err)
		}
		tokens = append(tokens, web.Token{Name: t.Name, Role: role, Value: t.Token.Reveal()})
	}
	a.accounts = accounts(a.bus, a.cfg.Web, a.hashCost)
	proxies, err := trustedProxies(a.cfg.Web)
	if err != nil {
		return err
	}
	o := web.Options{
		API:            a.cfg.HasRole(RoleWeb),
		Accounts:       a.accounts,
		SecureCookies:  a.cfg.Web.SecureCookies,
		HSTSMaxAge:     a.cfg.Web.HSTSMaxAge.D(),
		ProxyHeader:    a.cfg.Web.ProxyAuth.Header,
		TrustedProxies: proxies,
		Alerts:         a.alertStore,
		Silences:       silence.NewStore(a.bus.KV(bus.BucketSilences)),
		Sources:        sourceBoard{layers: a.sourceLayers(), kv: a.bus.KV(bus.BucketSourceHealth), tools: a.tools},
		Submit:         linkSubmitter{b: a.bus},
		Misleading:     a.misleadingMarker(),
		Reports:        a.reportDesk(),
		Saved:          a.savedSearches(),
		Ready:          a.ready,
		Gatherer:       a.reg,
		Registerer:     a.reg,
		Tokens:         tokens,
		MetricsPublic:  a.cfg.API.MetricsPublic != nil && *a.cfg.API.MetricsPublic,
		SearchTimeout:  a.cfg.Indexer.SearchTimeout.D(),
		ExportLimit:    a.cfg.Indexer.ExportLimit,
		Logger:         a.log,
	}
	if a.index != nil {
		o.Search = a.index
	} else {
		o.Search = indexer.Remote{NC: a.bus.Conn()}
	}
	srv, err := web.New(o)
	if err != nil {
		return err
	}
	if o.API {
		if _, err := ui.Mount(ui.Deps{
			Server: srv, Search: o.Search, Alerts: o.Alerts, AlertStore: a.alertStore, Silences: silence.NewStore(a.bus.KV(bus.BucketSilences)),
			Misleading: o.Misleading, Cases: caseReader{kv: a.bus.KV(bus.BucketCases)}, Stories: story.Reader{KV: a.bus.KV(bus.BucketStories)}, Submit: o.Submit, Sources: o.Sources, Rules: ruleBook{a: a}, Reports: o.Reports, Saved: o.Saved, Logger: a.log,
			Tally: tallier(o.Search), Departments: departmentNames(a.cfg.Alerts), Links: a.links, LinkLedger: actionlink.NewLedger(a.bus.KV(bus.BucketActionLinks)),
		}); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", a.cfg.Listen, err)
	}
	a.ln = ln
	a.httpSrv = &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	a.wg.Go(func() {
		if err := a.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("http server stopped", "err", err)
		}
	})
	return nil
}

// lists resolves @name in search queries from the live rule set, or,
// in a process without the classifier role, from the rules as stored.
func (a *App) lists(name string) ([]string, bool) {
	if svc := a.rules.Load(); svc != nil {
		return svc.Rules().List(name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rs, err := a.ruleLayers().load(ctx)
	if err != nil {
		return nil, false
	}
	return rs.List(name)
}

func (a *App) ruleLayers() ruleLayers {
	return ruleLayers{dir: a.rulesDir, store: a.ruleStore, last: &a.lastRules}
}

func (a *App) sourceLayers() sourceLayers { return sourceLayers{cfg: a.cfg, store: a.sourceStore} }

func (a *App) ready(context.Context) error {
	if err := a.bus.Healthy(); err != nil {
		return err
	}
	if err := a.storage.Err(); err != nil {
		return err
	}
	if a.index != nil {
		if err := a.index.Damaged(); err != nil {
			return err
		}
		if err := a.lease.Err(); err != nil {
			return err
		}
		if !a.serving.Load() {
			return errors.New("indexer catching up with the article stream; it answers searches once it has")
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failed != nil {
		return fmt.Errorf("a role failed: %w", a.failed)
	}
	return nil
}

// Stop shuts down gracefully: the HTTP server stops taking requests, every
// role finishes the message in hand (the indexer commits its batch), then
// the index and the bus are closed. ctx bounds the wait.
func (a *App) Stop(ctx context.Context) error {
	var errs []error
	if a.httpSrv != nil {
		if err := a.httpSrv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
	}
	if a.cancel != nil {
		a.cancel()
	}
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("roles did not stop in time: %w", ctx.Err()))
	}
	if err := a.closeResources(); err != nil {
		errs = append(errs, err)
	}
	a.log.Info("presswatch stopped")
	return errors.Join(errs...)
}

func (a *App) closeResources() error {
	var errs []error
	a.mu.Lock()
	if a.search != nil {
		errs = append(errs, a.search.Stop())
		a.search = nil
	}
	a.mu.Unlock()
	if a.lease != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, a.lease.Release(ctx))
		cancel()
		a.lease = nil
	}
	if a.stories != nil {
		errs = append(errs, a.stories.Close())
		a.stories = nil
	}
	if a.index != nil {
		errs = append(errs, a.index.Close())
		a.index = nil
	}
	if a.bus != nil {
		errs = append(errs, a.bus.Close())
		a.bus = nil
	}
	if a.ln != nil && a.httpSrv == nil {
		errs = append(errs, a.ln.Close())
	}
	if a.lock != nil {
		errs = append(errs, a.lock.Close())
		a.lock = nil
	}
	return errors.Join(errs...)
}
