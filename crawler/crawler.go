// Package crawler reads the configured sources (feeds, sitemaps, site
// crawls, search feeds, YouTube and Telegram channels, and links officers
// submit), fetches each new article once, politely and within bounds,
// extracts its text, keeps the raw page as evidence and publishes it as
// article.fetched. It records each source's health and re-checks flagged
// articles for edits and removals.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/presswatch/presswatch/sourcehealth"
	"github.com/presswatch/presswatch/storagehealth"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/extract"
	"github.com/presswatch/presswatch/crawler/fetch"
)

// Bus is what the crawler needs from the message bus.
type Bus interface {
	Publish(ctx context.Context, subject, msgID string, data []byte) error
	KV(bucket string) jetstream.KeyValue
	Objects(bucket string) jetstream.ObjectStore
	Consume(ctx context.Context, spec bus.ConsumerSpec, h bus.Handler) error
}

// Options configure a Crawler.
type Options struct {
	// Sources returns the current sources; it is called at start and every
	// SourcesReload, and a failing call keeps the previous set.
	Sources       func() ([]config.Source, error)
	SourcesReload time.Duration
	Concurrency   int
	PauseAfter    int
	MaxItemAge    time.Duration
	RecheckEvery  time.Duration
	RecheckFor    time.Duration
	Fetcher       *fetch.Fetcher
	Extractor     *extract.Extractor
	Logger        *slog.Logger
	Registerer    prometheus.Registerer
	// Storage hears the outcome of every write the crawler must keep
	// (evidence, publishes), so readiness shows a full disk; may be nil.
	Storage *storagehealth.Tracker
}

// Crawler polls sources and fetches their new articles.
type Crawler struct {
	bus      Bus
	seen     jetstream.KeyValue
	health   sourcehealth.Store
	recheck  jetstream.KeyValue
	evidence jetstream.ObjectStore
	opts     Options
	fetch    *fetch.Fetcher
	extract  *extract.Extractor
	lister   *lister
	log      *slog.Logger
	now      func() time.Time
	jobs     chan job
	m        crawlerMetrics

	mu      sync.Mutex
	sources []config.Source
	// polling marks sources with a poll in flight in this process.
	polling map[string]bool
	// valid keeps conditional-GET validators per source.
	valid map[string]validators
	// stopping is closed when Run's context ends, so handlers running under
	// the bus's own context stop waiting for workers that have left.
	stopping chan struct{}
	// inflight holds article IDs being processed, so an item listed by
	// two sources (or two search queries) at once is fetched once.
	inflight map[string]bool
	// deferred holds article IDs waiting for their host (see deferJob).
	deferred map[string]bool
	// waiting holds the note last written for each source that waits for
	// its host.
	waiting map[string]waitNote
}

type job struct {
	src  config.Source
	cand candidate
	// done receives the outcome for manual submissions; nil otherwise.
	done chan<- error
}

// New registers metrics with o.Registerer.
func New(b Bus, o Options) (*Crawler, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.PauseAfter <= 0 {
		o.PauseAfter = 10
	}
	if o.SourcesReload <= 0 {
		o.SourcesReload = 10 * time.Second
	}
	if o.RecheckEvery <= 0 {
		o.RecheckEvery = time.Hour
	}
	if o.RecheckFor <= 0 {
		o.RecheckFor = 7 * 24 * time.Hour
	}
	if o.Fetcher == nil || o.Extractor == nil || o.Sources == nil {
		return nil, errors.New("crawler: Fetcher, Extractor and Sources are required")
	}
	c := &Crawler{
		bus: b, seen: b.KV(bus.BucketSeen), health: sourcehealth.Store{KV: b.KV(bus.BucketSourceHealth)},
		recheck: b.KV(bus.BucketRecheck), evidence: b.Objects(bus.ObjectEvidence),
		opts: o, fetch: o.Fetcher, extract: o.Extractor,
		log: o.Logger.With("component", "crawler"), now: time.Now,
		jobs: make(chan job), polling: map[string]bool{}, valid: map[string]validators{}, inflight: map[string]bool{}, stopping: make(chan struct{}),
		deferred: map[string]bool{}, waiting: map[string]waitNote{},
	}
	c.lister = &lister{fetch: o.Fetcher, now: c.now, maxItemAge: o.MaxItemAge, isSeen: c.isSeenURL}
	var err error
	if c.m, err = newCrawlerMetrics(o.Registerer); err != nil {
		return nil, err
	}
	if c.sources, err = o.Sources(); err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return c, nil
}

// Sources returns the sources in use.
func (c *Crawler) Sources() []config.Source {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sources
}

// Run schedules polls, runs the page workers, manual submissions and
// re-checks until ctx is cancelled. A page in flight when ctx ends is
// abandoned; it was not marked seen, so it is fetched again later.
func (c *Crawler) Run(ctx context.Context) error {
	go func() { <-ctx.Done(); close(c.stopping) }()
	var wg sync.WaitGroup
	for range c.opts.Concurrency {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-c.jobs:
					err := c.process(ctx, j)
					if j.done != nil {
						j.done <- err // buffered: never blocks
					}
				}
			}
		})
	}
	wg.Go(func() { c.schedule(ctx) })
	wg.Go(func() { c.reloadSources(ctx) })
	wg.Go(func() {
		if err := c.bus.Consume(ctx, bus.SubmitConsumer(), c.handleSubmit); err != nil {
			c.log.Error("manual submissions stopped", "err", err)
		}
	})
	wg.Go(func() {
		if err := c.bus.Consume(ctx, bus.RecheckConsumer(), c.handleClassified); err != nil {
			c.log.Error("recheck tracking stopped", "err", err)
		}
	})
	wg.Go(func() { c.recheckLoop(ctx) })
	wg.Wait()
	return nil
}

// reloadSources re-reads the sources every SourcesReload. A change is
// applied once two reads in a row agree (no half-written file); a failing
// read keeps the active set and is logged once per distinct error.
func (c *Crawler) reloadSources(ctx context.Context) {
	t := time.NewTicker(c.opts.SourcesReload)
	defer t.Stop()
	var lastErr, pending string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		srcs, err := c.opts.Sources()
		if err != nil {
			if err.Error() != lastErr {
				c.log.Error("sources reload refused; keeping the active sources", "err", err)
				lastErr = err.Error()
			}
			continue
		}
		lastErr = ""
		now := fmt.Sprint(srcs)
		c.mu.Lock()
		changed := now != fmt.Sprint(c.sources)
		apply := changed && now == pending
		if apply {
			c.sources = srcs
		}
		c.mu.Unlock()
		switch {
		case apply:
			pending = ""
			c.log.Info("sources reloaded", "sources", len(srcs))
		case changed:
			pending = now
		default:
			pending = ""
		}
	}
}

// schedule starts a poll for every due source, once a second.
func (c *Crawler) schedule(ctx context.Context) {
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		paused := 0
		for _, src := range c.Sources() {
			if !src.IsEnabled() {
				continue
			}
			c.mu.Lock()
			busy := c.polling[src.ID]
			if !busy {
				c.polling[src.ID] = true
			}
			c.mu.Unlock()
			if busy {
				continue
			}
			lease, claimed, isPaused := c.claim(ctx, src, c.now())
			if isPaused {
				paused++
			}
			if !claimed {
				c.release(src.ID)
				continue
			}
			wg.Go(func() {
				defer c.release(src.ID)
				stop := c.holdLease(ctx, src.ID, lease, leaseFor/3)
				defer stop()
				c.poll(ctx, src, rnd)
			})
		}
		c.m.paused.Set(float64(paused))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (c *Crawler) release(id string) {
	c.mu.Lock()
	delete(c.polling, id)
	c.mu.Unlock()
}

// leaseFor is how long a claim on a source's poll lasts unless renewed:
// the poller renews it while it works, so a process killed mid-poll
// keeps the others from polling the source for at most this long.
const leaseFor = 30 * time.Second

// claim takes the source's next poll if it is due at now, by moving
// NextPoll forward with compare-and-set, so that of several crawler
// processes only one polls it. lease is the NextPoll it set.
func (c *Crawler) claim(ctx context.Context, src config.Source, now time.Time) (lease time.Time, claimed, paused bool) {
	ok, err := c.health.Update(ctx, src.ID, func(h *sourcehealth.Health) error {
		if h.Paused {
			paused = true
			return sourcehealth.ErrSkip
		}
		if !h.NextPoll.IsZero() && now.Before(h.NextPoll) {
			return sourcehealth.ErrSkip
		}
		if h.Interval == 0 {
			h.Interval, _, _ = bounds(src)
		}
		h.NextPoll = now.Add(leaseFor)
		lease = h.NextPoll
		return nil
	})
	if err != nil {
		c.log.Warn("claim source", "source", src.ID, "err", err)
		return time.Time{}, false, paused
	}
	return lease, ok, paused
}

// holdLease renews a claim every interval until stop is called. It only
// moves NextPoll while NextPoll is still its lease: once the poll has
// recorded its outcome (a new NextPoll), the renewal stops by itself and
// cannot overwrite it, compare-and-set ordering the two writes.
func (c *Crawler) holdLease(ctx context.Context, id string, lease time.Time, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			next := c.now().Add(leaseFor)
			ok, err := c.health.Update(ctx, id, func(h *sourcehealth.Health) error {
				if !h.NextPoll.Equal(lease) {
					return sourcehealth.ErrSkip
				}
				h.NextPoll = next
				return nil
			})
			if err != nil && ctx.Err() == nil {
				c.log.Warn("renew source claim", "source", id, "err", err)
			}
			if err != nil || !ok {
				return
			}
			lease = next
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// poll lists one source, queues its new items and records the outcome.
func (c *Crawler) poll(ctx context.Context, src config.Source, rnd *rand.Rand) {
	log := c.log.With("source", src.ID)
	h, _, err := c.health.Get(ctx, src.ID)
	if err != nil {
		log.Warn("read source health", "err", err)
		h = &sourcehealth.Health{SourceID: src.ID}
	}
	c.mu.Lock()
	v := c.valid[src.ID]
	if v == nil {
		v = validators{}
		c.valid[src.ID] = v
	}
	c.mu.Unlock()
	start := c.now()
	ls, err := c.lister.list(fetch.NoWait(ctx, hostWaitMax), src, v, h.Discovered)
	c.m.fetchDur.WithLabelValues(src.Kind).Observe(time.Since(start).Seconds())
	if ctx.Err() != nil {
		// Shutting down: let the lease lapse so the next start polls.
		_, _ = c.health.Update(context.WithoutCancel(ctx), src.ID, func(h *sourcehealth.Health) error { h.NextPoll = time.Time{}; return nil })
		return
	}
	if err != nil {
		// Forget the validators: a 304 must not pass for success when the
		// last full answer could not be used.
		c.forgetValidators(src.ID)
		if d := asDeferred(err, c.now()); d != nil {
			c.m.polls.WithLabelValues(src.ID, "waiting").Inc()
			c.recordWaiting(ctx, src.ID, d)
			return
		}
		c.m.polls.WithLabelValues(src.ID, "error").Inc()
		c.recordFailure(ctx, src, err, rnd)
		return
	}
	fresh := 0
	for _, cand := range ls.items {
		if c.isSeenURL(ctx, cand.url) {
			continue
		}
		fresh++
		if c.isDeferredURL(cand.url) {
			continue
		}
		select {
		case c.jobs <- job{src: src, cand: cand}:
		case <-ctx.Done():
			return
		}
	}
	result := "ok"
	if ls.notModified {
		result = "not_modified"
	}
	c.m.polls.WithLabelValues(src.ID, result).Inc()
	_, lo, hi := bounds(src)
	_, err = c.health.Update(ctx, src.ID, func(h *sourcehealth.Health) error {
		now := c.now()
		h.LastPoll, h.LastSuccess = now, now
		h.ConsecutiveFailures = 0
		h.Interval = adapt(max(h.Interval, lo), lo, hi, len(ls.items), fresh)
		h.NextPoll = now.Add(h.Interval)
		h.RecordNew(now, fresh)
		if ls.discovered != "" {
			h.Discovered = ls.discovered
		}
		if !h.WaitingUntil.IsZero() && now.After(h.WaitingUntil) {
			// Left by a process that stopped before its host came back.
			h.Waiting, h.WaitingUntil = "", time.Time{}
		}
		return nil
	})
	if err != nil {
		log.Warn("record poll", "err", err)
	}
	log.Debug("source polled", "listed", len(ls.items), "new", fresh)
}

func (c *Crawler) recordFailure(ctx context.Context, src config.Source, cause error, rnd *rand.Rand) {
	var retryAfter time.Duration
	var fe *fetch.Error
	if errors.As(cause, &fe) {
		retryAfter = fe.RetryAfter
	}
	_, _, hi := bounds(src)
	var pausedNow bool
	var failures int
	_, err := c.health.Update(ctx, src.ID, func(h *sourcehealth.Health) error {
		now := c.now()
		h.LastPoll = now
		h.LastError = cause.Error()
		h.LastErrorAt = now
		h.ConsecutiveFailures++
		failures = h.ConsecutiveFailures
		h.NextPoll = now.Add(backoff(max(h.Interval, time.Second), hi, h.ConsecutiveFailures, retryAfter, rnd))
		if h.ConsecutiveFailures >= c.opts.PauseAfter && !h.Paused {
			h.Paused, h.PausedAt = true, now
			h.PausedReason = fmt.Sprintf("%d consecutive failures; last: %s", h.ConsecutiveFailures, cause)
			pausedNow = true
		}
		return nil
	})
	if err != nil {
		c.log.Warn("record failure", "source", src.ID, "err", err)
	}
	c.log.Error("source poll failed", "source", src.ID, "url", src.URL, "failures", failures, "err", cause)
	if pausedNow {
		c.log.Error("source paused after repeated failures; an admin can resume it", "source", src.ID, "failures", failures)
	}
}

// Resume clears a source's pause and failure count and polls it soon.
func (c *Crawler) Resume(ctx context.Context, id string) error {
	return ResumeSource(ctx, c.bus.KV(bus.BucketSourceHealth), id)
}

// ResumeSource clears a pause in the shared health bucket; any process
// with access to the bus may call it (the web role does).
func ResumeSource(ctx context.Context, kv jetstream.KeyValue, id string) error {
	found := false
	_, err := sourcehealth.Store{KV: kv}.Update(ctx, id, func(h *sourcehealth.Health) error {
		found = h.LastPoll != (time.Time{}) || h.Paused
		h.Paused, h.PausedReason, h.PausedAt = false, "", time.Time{}
		h.ConsecutiveFailures = 0
		h.NextPoll = time.Time{}
		return nil
	})
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("source %s: %w", id, ErrUnknownSource)
	}
	return nil
}

// ErrUnknownSource is returned for a source ID with no record.
var ErrUnknownSource = errors.New("no such source")

// StatusOf combines a source's configuration and health (h may be nil for
// a source never polled).
func StatusOf(src config.Source, h *sourcehealth.Health) sourcehealth.Status {
	st := sourcehealth.Status{ID: src.ID, Name: src.Name, Kind: src.Kind, URL: src.URL, Tier: src.Tier, Lang: src.Lang, Enabled: src.IsEnabled()}
	if h == nil {
		return st
	}
	st.Paused, st.PausedReason = h.Paused, h.PausedReason
	st.Waiting, st.WaitingUntil = h.Waiting, h.WaitingUntil
	st.LastPoll, st.LastSuccess, st.LastError, st.LastErrorAt = h.LastPoll, h.LastSuccess, h.LastError, h.LastErrorAt
	st.ConsecutiveFailures = h.ConsecutiveFailures
	st.NewPerDay = h.NewPerDay()
	st.AvgTextLen, st.RecentTextLen, st.LayoutSuspect = h.AvgTextLen, h.RecentTextLen, h.LayoutSuspect()
	st.IntervalSeconds = h.Interval.Seconds()
	st.NextPoll, st.Discovered = h.NextPoll, h.Discovered
	return st
}
