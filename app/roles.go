package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/classifier/sentiment"
	"github.com/presswatch/presswatch/classifier/spike"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/crawler"
	"github.com/presswatch/presswatch/indexer"
)

// A starter is one long-running part of a role, run until its context ends.
type starter = func(context.Context) error

// startRoles builds the configured roles, in the order their dependencies
// need (the index before the classifier that reads stories, the alert
// engine before the web role that lists its incidents), and returns what
// must run for each.
func (a *App) startRoles(ctx context.Context) ([]starter, error) {
	var starters []starter
	steps := []struct {
		role  string
		start func(context.Context) ([]starter, error)
	}{
		{RoleIndexer, func(ctx context.Context) ([]starter, error) { return a.startIndexer(ctx, a.bus) }},
		{RoleClassifier, a.startClassifier},
		{RoleAlerts, a.startAlerts},
		{RoleCrawler, a.startCrawler},
		{RoleWeb, a.startWebRole},
	}
	for _, st := range steps {
		if !a.cfg.HasRole(st.role) {
			continue
		}
		run, err := st.start(ctx)
		if err != nil {
			return nil, err
		}
		starters = append(starters, run...)
	}
	return starters, nil
}

// startClassifier loads the rule layers and the signals (sentiment,
// stories, spikes) and returns the classifier, the spike follower and the
// rule watcher.
func (a *App) startClassifier(ctx context.Context) ([]starter, error) {
	b := a.bus
	layers := a.ruleLayers()
	rs, err := layers.load(ctx)
	if err != nil {
		return nil, fmt.Errorf("rules (%s): %w", layers.from(), err)
	}
	lex, err := sentiment.New()
	if err != nil {
		return nil, fmt.Errorf("sentiment lexicon: %w", err)
	}
	stories, err := story.New(ctx, b.KV(bus.BucketStories), b.KV(bus.BucketCases), story.Options{Logger: a.log})
	if err != nil {
		return nil, fmt.Errorf("story clusters: %w", err)
	}
	a.stories = stories
	if err := stories.Register(a.reg); err != nil {
		return nil, err
	}
	svc, err := classifier.NewService(b, rs, classifier.Signals{Sentiment: lex, Stories: stories}, a.log, a.reg)
	if err != nil {
		return nil, err
	}
	a.rules.Store(svc)
	a.log.Info("rules loaded", "from", layers.from(), "rules", rs.Len(), "version", rs.Version)
	// Every classifier process follows the whole classified stream for
	// spikes, so counts are shared and survive restarts (see
	// classifier/spike.Follower).
	spikes, err := spike.NewFollower(b, spike.New(spike.Options{}), spike.FollowOptions{Log: a.log, Registerer: a.reg})
	if err != nil {
		return nil, err
	}
	return []starter{svc.Run, spikes.Run, func(ctx context.Context) error {
		svc.Watch(ctx, layers.from(), func() (*classifier.Ruleset, error) { return layers.load(ctx) }, 2*time.Second)
		return nil
	}}, nil
}

// startAlerts builds the alert engine with its receivers and returns it
// and the watcher that reloads routes and silences.
func (a *App) startAlerts(context.Context) ([]starter, error) {
	receivers, err := a.receivers()
	if err != nil {
		return nil, err
	}
	o, err := alertOptions(a.cfg.Alerts, receivers)
	if err != nil {
		return nil, err
	}
	o.Store, o.Logger, o.Registerer, o.Links, o.SourceNames = a.alertStore, a.log, a.reg, a.links, a.sourceNames
	o.WatchedSources = func() ([]string, error) {
		srcs, err := a.sourceLayers().sources()
		var ids []string
		for _, src := range srcs {
			if src.IsEnabled() {
				ids = append(ids, src.ID)
			}
		}
		return ids, err
	}
	svc, err := alerts.NewService(a.bus, o)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return []starter{svc.Run, func(ctx context.Context) error {
		a.watchAlertsConfig(ctx, svc, 2*time.Second)
		return nil
	}}, nil
}

func (a *App) startCrawler(context.Context) ([]starter, error) {
	c, err := a.crawler(a.bus)
	if err != nil {
		return nil, err
	}
	return []starter{c.Run}, nil
}

// startWebRole prepares what the web role runs besides HTTP (startWeb):
// the in-memory incident list, the report schedule and the saved-search
// digests.
func (a *App) startWebRole(context.Context) ([]starter, error) {
	// The inbox and dashboard list alerts from memory.
	starters := []starter{func(ctx context.Context) error {
		a.alertStore.Follow(ctx, a.log)
		return nil
	}}
	pub, err := a.reportPublisher()
	if err != nil {
		return nil, err
	}
	a.reports = &pub
	sched, err := a.reportScheduler(pub)
	if err != nil {
		return nil, err
	}
	starters = append(starters, sched.Run)
	if a.saved, err = a.newSavedDesk(); err != nil {
		return nil, err
	}
	return append(starters, a.saved.run), nil
}

func (a *App) crawler(b *bus.Bus) (*crawler.Crawler, error) {
	cc := a.cfg.Crawler
	f, x, err := a.tools()
	if err != nil {
		return nil, err
	}
	return crawler.New(b, crawler.Options{
		Sources:       a.sourceLayers().sources,
		SourcesReload: cc.SourcesReload.D(),
		Concurrency:   cc.Concurrency,
		PauseAfter:    cc.PauseAfter,
		MaxItemAge:    cc.MaxItemAge.D(),
		RecheckEvery:  cc.RecheckEvery.D(),
		RecheckFor:    cc.RecheckFor.D(),
		Fetcher:       f,
		Extractor:     x,
		Logger:        a.log,
		Registerer:    a.reg,
		Storage:       a.storage,
	})
}

// startIndexer claims the replica name, opens the index and returns the
// indexer's goroutines: the writer, retention, and (for an index that has
// not caught up yet) joining the search service once it has.
func (a *App) startIndexer(ctx context.Context, b *bus.Bus) (starters []func(context.Context) error, err error) {
	if a.lease, err = indexer.ClaimReplica(ctx, b.KV(bus.BucketIndexerReplicas), a.cfg.Indexer.Replica, bus.ReplicaLeaseTTL); err != nil {
		return nil, err
	}
	idx, err := indexer.OpenWith(filepath.Join(a.cfg.DataDir, "index"), indexer.Options{
		Retention: a.cfg.Indexer.Retention.D(), Lists: a.lists,
	})
	if err != nil {
		return nil, err
	}
	a.index = idx
	if idx.HasCaughtUp() {
		if err := a.serveSearch(idx); err != nil {
			return nil, err
		}
	} else {
		starters = append(starters, func(ctx context.Context) error { return a.serveWhenCaughtUp(ctx, idx) })
	}
	w, err := indexer.NewWriter(idx, b, indexer.WriterOptions{
		Replica: a.cfg.Indexer.Replica, BatchSize: a.cfg.Indexer.BatchSize, BatchInterval: a.cfg.Indexer.BatchInterval.D(),
		Storage: a.storage,
	}, a.log, a.reg)
	if err != nil {
		return nil, err
	}
	return append(starters, w.Run, func(ctx context.Context) error {
		a.pruneLoop(ctx, idx)
		return nil
	}), nil
}

// serveSearch registers the index as the NATS search service.
func (a *App) serveSearch(idx *indexer.Index) error {
	svc, err := idx.Serve(a.bus.Conn(), a.cfg.Indexer.SearchTimeout.D())
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.search = svc
	a.mu.Unlock()
	a.serving.Store(true)
	return nil
}

// serveWhenCaughtUp joins the search service only once a new (or
// rebuilt-from-nothing) index has read the whole stream: until then it
// lacks what the other replicas have, and a search it answered would come
// back short or empty.
func (a *App) serveWhenCaughtUp(ctx context.Context, idx *indexer.Index) error {
	spec := bus.IndexerConsumer(a.cfg.Indexer.Replica)
	if err := indexer.WaitCaughtUp(ctx, a.bus.JetStream(), spec.Stream, spec.Name, time.Second); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	if err := idx.MarkCaughtUp(); err != nil {
		a.log.Warn("index caught up but the mark could not be written; it will catch up again after a restart", "err", err)
	}
	a.log.Info("index caught up with the article stream; answering searches", "replica", a.cfg.Indexer.Replica)
	return a.serveSearch(idx)
}

// pruneLoop drops index partitions past the retention and compacts the
// months that have ended, at start and then every hour.
func (a *App) pruneLoop(ctx context.Context, idx *indexer.Index) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		dropped, err := idx.Prune(time.Now())
		if err != nil {
			a.log.Error("index retention", "err", err)
		}
		if len(dropped) > 0 {
			a.log.Info("index partitions dropped by retention", "partitions", dropped)
		}
		start := time.Now()
		compacted, err := idx.Compact(ctx, start)
		if err != nil && ctx.Err() == nil {
			a.log.Error("index compaction", "err", err)
		}
		if len(compacted) > 0 {
			a.log.Info("index partitions compacted", "partitions", compacted, "took", time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
