// Package crawler reads the configured sources, fetches each new article
// page once, extracts its text and publishes it as article.fetched.
package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/textnorm"
)

// Bus is what the crawler needs from the message bus.
type Bus interface {
	Publish(ctx context.Context, subject, msgID string, data []byte) error
	KV(bucket string) jetstream.KeyValue
}

// Options configure a Crawler.
type Options struct {
	Sources      []config.Source
	Concurrency  int
	DefaultEvery time.Duration
	Fetcher      *Fetcher
	Logger       *slog.Logger
	Registerer   prometheus.Registerer
}

// Crawler polls feeds and fetches their new articles.
type Crawler struct {
	bus     Bus
	seen    jetstream.KeyValue
	opts    Options
	fetch   *Fetcher
	extract *Extractor
	log     *slog.Logger
	now     func() time.Time
	jobs    chan job
	m       crawlerMetrics
}

type crawlerMetrics struct {
	polls     *prometheus.CounterVec
	pages     *prometheus.CounterVec
	published *prometheus.CounterVec
	fetchDur  *prometheus.HistogramVec
}

type job struct {
	src       config.Source
	id        string
	canonical string
	item      *gofeed.Item
}

// New registers metrics with o.Registerer.
func New(b Bus, o Options) (*Crawler, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.DefaultEvery <= 0 {
		o.DefaultEvery = 5 * time.Minute
	}
	c := &Crawler{
		bus: b, seen: b.KV(bus.BucketSeen), opts: o, fetch: o.Fetcher, extract: NewExtractor(),
		log: o.Logger.With("component", "crawler"), now: time.Now,
		jobs: make(chan job, 256),
		m: crawlerMetrics{
			polls: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "presswatch", Subsystem: "crawler", Name: "feed_polls_total",
				Help: "Feed polls, by source and result (ok, not_modified, error).",
			}, []string{"source", "result"}),
			pages: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "presswatch", Subsystem: "crawler", Name: "pages_total",
				Help: "Article pages fetched, by result (ok, partial, error).",
			}, []string{"result"}),
			published: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "presswatch", Subsystem: "crawler", Name: "articles_published_total",
				Help: "Articles published to article.fetched, by source.",
			}, []string{"source"}),
			fetchDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
				Namespace: "presswatch", Subsystem: "crawler", Name: "fetch_duration_seconds",
				Help:    "Time to fetch (and for pages, extract) one resource.",
				Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10),
			}, []string{"kind"}),
		},
	}
	for _, col := range []prometheus.Collector{c.m.polls, c.m.pages, c.m.published, c.m.fetchDur} {
		if err := o.Registerer.Register(col); err != nil {
			return nil, fmt.Errorf("register crawler metrics: %w", err)
		}
	}
	return c, nil
}

// Run polls every enabled source and fetches new articles until ctx is
// cancelled. A page being fetched when ctx ends is abandoned; it was not
// marked seen, so the next run fetches it again.
func (c *Crawler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range c.opts.Concurrency {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-c.jobs:
					c.process(ctx, j)
				}
			}
		})
	}
	for _, src := range c.opts.Sources {
		if !src.IsEnabled() {
			continue
		}
		wg.Go(func() { c.pollLoop(ctx, src) })
	}
	wg.Wait()
	return nil
}

type validators struct{ etag, lastModified string }

func (c *Crawler) pollLoop(ctx context.Context, src config.Source) {
	every := src.Interval.D()
	if every <= 0 {
		every = c.opts.DefaultEvery
	}
	var v validators
	for {
		v = c.poll(ctx, src, v)
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// poll reads one feed and queues the items not seen before.
func (c *Crawler) poll(ctx context.Context, src config.Source, v validators) validators {
	log := c.log.With("source", src.ID)
	start := time.Now()
	resp, err := c.fetch.FetchFeed(ctx, src.URL, v.etag, v.lastModified)
	c.m.fetchDur.WithLabelValues("feed").Observe(time.Since(start).Seconds())
	if err != nil {
		if ctx.Err() == nil {
			c.m.polls.WithLabelValues(src.ID, "error").Inc()
			log.Error("feed fetch failed", "url", src.URL, "err", err)
		}
		return v
	}
	if resp.notModified {
		c.m.polls.WithLabelValues(src.ID, "not_modified").Inc()
		return v
	}
	feed, err := gofeed.NewParser().ParseString(string(resp.body))
	if err != nil {
		c.m.polls.WithLabelValues(src.ID, "error").Inc()
		log.Error("feed parse failed", "url", src.URL, "err", fmt.Errorf("source %s: %w", src.ID, err))
		// Keep no validators: the next poll must fetch the body again.
		return validators{}
	}
	c.m.polls.WithLabelValues(src.ID, "ok").Inc()
	queued := 0
	for _, it := range feed.Items {
		link := strings.TrimSpace(it.Link)
		if link == "" {
			continue
		}
		if base, err := url.Parse(src.URL); err == nil {
			if ref, err := base.Parse(link); err == nil {
				link = ref.String()
			}
		}
		id, canonical, err := article.IDFromURL(link)
		if err != nil {
			log.Warn("feed item with unusable link", "link", link, "err", err)
			continue
		}
		if _, err := c.seen.Get(ctx, id); err == nil {
			continue
		} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
			log.Warn("seen-store lookup failed; will retry next poll", "err", err)
			continue
		}
		select {
		case c.jobs <- job{src: src, id: id, canonical: canonical, item: it}:
			queued++
		case <-ctx.Done():
			return validators{}
		}
	}
	log.Debug("feed polled", "items", len(feed.Items), "queued", queued)
	return validators{etag: resp.etag, lastModified: resp.lastModified}
}

// process fetches, extracts and publishes one article, then marks it seen.
func (c *Crawler) process(ctx context.Context, j job) {
	log := c.log.With("source", j.src.ID, "url", j.item.Link)
	if _, err := c.seen.Get(ctx, j.id); err == nil {
		return // queued twice by overlapping polls
	}
	a := c.fromFeedItem(j)
	start := time.Now()
	p, err := c.fetch.FetchPage(ctx, j.canonical)
	if err == nil {
		err = c.fill(a, p)
	}
	c.m.fetchDur.WithLabelValues("page").Observe(time.Since(start).Seconds())
	result := "ok"
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		if a.Text == "" {
			c.m.pages.WithLabelValues("error").Inc()
			log.Warn("page fetch failed and the feed has no text; will retry next poll", "err", err)
			return
		}
		// The feed's own content stands in until the page can be read.
		a.Partial = true
		result = "partial"
		log.Warn("page fetch failed; using the feed's content", "err", err)
	}
	c.m.pages.WithLabelValues(result).Inc()
	a.Title = textnorm.Normalize(a.Title)
	a.Text = textnorm.Normalize(a.Text)
	a.Summary = textnorm.Normalize(a.Summary)
	a.ContentHash = article.ContentHash(a.Title, a.Text)
	a.Fingerprint = article.SimHash(a.Text)
	a.Fetched = c.now().UTC()
	data, err := json.Marshal(a)
	if err != nil {
		log.Error("encode article", "err", err)
		return
	}
	if err := c.bus.Publish(ctx, bus.SubjectFetched, a.ID+":"+a.ContentHash[:16], data); err != nil {
		log.Error("publish failed; will retry next poll", "err", err)
		return
	}
	c.m.published.WithLabelValues(j.src.ID).Inc()
	if _, err := c.seen.Put(ctx, a.ID, []byte(a.Fetched.Format(time.RFC3339))); err != nil {
		// Published but not remembered: the next poll publishes it again
		// and the stream's de-duplication drops it.
		log.Warn("mark seen failed", "err", err)
	}
	log.Debug("article published", "id", a.ID, "title", a.Title)
}

func (c *Crawler) fromFeedItem(j job) *article.Article {
	it := j.item
	a := &article.Article{
		ID: j.id, URL: it.Link, CanonicalURL: j.canonical, SourceID: j.src.ID, Tier: j.src.Tier,
		Title: strings.TrimSpace(it.Title), Lang: j.src.Lang, Regions: j.src.Regions,
		Tags: it.Categories,
	}
	if u, err := url.Parse(j.canonical); err == nil {
		a.Site = u.Hostname()
	}
	if it.PublishedParsed != nil {
		a.Published = it.PublishedParsed.UTC()
	} else if it.UpdatedParsed != nil {
		a.Published = it.UpdatedParsed.UTC()
	}
	if it.Author != nil {
		a.Byline = it.Author.Name
	}
	a.Summary = c.extract.PlainText(it.Description)
	if it.Content != "" {
		a.Text = c.extract.PlainText(it.Content)
	} else {
		a.Text = a.Summary
	}
	return a
}

// fill overwrites the feed's view of the article with the page's.
func (c *Crawler) fill(a *article.Article, p *page) error {
	x, err := c.extract.Extract(p.body, p.finalURL)
	if err != nil {
		return err
	}
	if len([]rune(x.Text)) < 40 {
		return fmt.Errorf("extracted text too short (%d characters)", len([]rune(x.Text)))
	}
	a.Text = x.Text
	if a.Title == "" {
		a.Title = x.Title
	}
	if a.Byline == "" {
		a.Byline = x.Byline
	}
	if a.Summary == "" {
		a.Summary = x.Description
	}
	if x.Lang != "" {
		a.Lang = x.Lang
	}
	if a.Published.IsZero() && x.Published != "" {
		if t, err := time.Parse(time.RFC3339, x.Published); err == nil {
			a.Published = t
		}
	}
	if len(a.Tags) == 0 {
		a.Tags = x.Tags
	}
	return nil
}
