package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/crawler/fetch"
)

// recheckEntry is a flagged article to fetch again.
type recheckEntry struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	SourceID    string    `json:"source"`
	ContentHash string    `json:"content_hash"`
	Evidence    string    `json:"evidence,omitempty"`
	Flagged     time.Time `json:"flagged"`
	NextCheck   time.Time `json:"next_check"`
	Checks      int       `json:"checks"`
	// Article is the article as flagged, less its text, so a republished
	// edit keeps its source, site, tier, regions and dates.
	Article article.Article `json:"article"`
}

// handleClassified starts tracking each flagged article (once).
func (c *Crawler) handleClassified(ctx context.Context, msg jetstream.Msg) error {
	var a article.Article
	if err := json.Unmarshal(msg.Data(), &a); err != nil {
		return bus.Permanent(fmt.Errorf("decode article.classified: %w", err))
	}
	if !a.Flagged() || a.ID == "" || a.Partial || a.Evidence == "" {
		// Without a page snapshot there is nothing to compare against.
		return nil
	}
	now := c.now().UTC()
	flagged := a.Classified
	if flagged.IsZero() || flagged.After(now) {
		flagged = now
	}
	kept := a
	kept.Text, kept.Matches, kept.Labels, kept.Severity = "", nil, nil, ""
	e := recheckEntry{ID: a.ID, URL: a.CanonicalURL, SourceID: a.SourceID, ContentHash: a.ContentHash,
		Evidence: a.Evidence, Flagged: flagged, NextCheck: now.Add(c.opts.RecheckEvery), Article: kept}
	data, err := json.Marshal(e)
	if err != nil {
		return bus.Permanent(err)
	}
	if _, err := c.recheck.Create(ctx, a.ID, data); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("track %s for recheck: %w", a.ID, err)
	}
	return nil
}

// recheckLoop fetches tracked articles when due.
func (c *Crawler) recheckLoop(ctx context.Context) {
	every := min(c.opts.RecheckEvery, time.Minute)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		lister, err := c.recheck.ListKeys(ctx)
		if err != nil {
			continue
		}
		for key := range lister.Keys() {
			if ctx.Err() != nil {
				return
			}
			c.recheckOne(ctx, key)
		}
	}
}

// recheckOne claims a due entry with compare-and-set and fetches it.
func (c *Crawler) recheckOne(ctx context.Context, id string) {
	kv, err := c.recheck.Get(ctx, id)
	if err != nil {
		return
	}
	var e recheckEntry
	if json.Unmarshal(kv.Value(), &e) != nil {
		_ = c.recheck.Delete(ctx, id)
		return
	}
	now := c.now()
	if now.Sub(e.Flagged) > c.opts.RecheckFor {
		_ = c.recheck.Delete(ctx, id, jetstream.LastRevision(kv.Revision()))
		return
	}
	if now.Before(e.NextCheck) {
		return
	}
	e.NextCheck = now.Add(c.opts.RecheckEvery)
	e.Checks++
	data, _ := json.Marshal(e)
	rev, err := c.recheck.Update(ctx, id, data, kv.Revision())
	if err != nil {
		return // another process claimed it
	}
	log := c.log.With("article", id, "url", e.URL)
	page, err := c.fetch.Get(ctx, fetch.Request{URL: e.URL, Accept: []string{"text/html", "application/xhtml+xml"}})
	var fe *fetch.Error
	if errors.As(err, &fe) && (fe.Status == http.StatusNotFound || fe.Status == http.StatusGone) {
		c.revision(ctx, article.Revision{ArticleID: id, URL: e.URL, Kind: article.RevisionRemoved, Detected: now.UTC(),
			Status: fe.Status, OldHash: e.ContentHash, OldEvidence: e.Evidence})
		_ = c.recheck.Delete(ctx, id, jetstream.LastRevision(rev))
		return
	}
	if err != nil {
		log.Debug("recheck fetch failed; next time", "err", err)
		return
	}
	a := e.Article
	a.ID, a.CanonicalURL, a.Title, a.Text = id, e.URL, "", ""
	if a.URL == "" {
		a.URL = e.URL
	}
	a.Fetched = now.UTC()
	if err := c.fromPage(ctx, &a, page); err != nil {
		log.Debug("recheck extract failed; next time", "err", err)
		return
	}
	a.ID = id // a recheck keeps the article's identity
	hash := article.ContentHash(a.Title, a.Text)
	if hash == e.ContentHash {
		return
	}
	// Edited: record it, and send the new text through the pipeline so the
	// index and the alerts see what the page says now.
	if a.Title == "" {
		a.Title = "(untitled)"
	}
	c.revision(ctx, article.Revision{ArticleID: id, URL: e.URL, Kind: article.RevisionEdited, Detected: now.UTC(),
		OldHash: e.ContentHash, NewHash: hash, OldEvidence: e.Evidence, NewEvidence: a.Evidence})
	if err := c.publish(ctx, &a); err != nil {
		log.Warn("republish edited article", "err", err)
		return
	}
	e.ContentHash, e.Evidence = hash, a.Evidence
	data, _ = json.Marshal(e)
	_, _ = c.recheck.Update(ctx, id, data, rev)
}

func (c *Crawler) revision(ctx context.Context, r article.Revision) {
	data, err := json.Marshal(r)
	if err != nil {
		return
	}
	id := r.ArticleID + ":" + r.Kind + ":" + r.NewHash
	if err := c.bus.Publish(ctx, bus.SubjectRevision, id, data); err != nil {
		c.log.Warn("publish revision", "article", r.ArticleID, "err", err)
		return
	}
	c.m.revisions.WithLabelValues(r.Kind).Inc()
	c.log.Info("article revised", "article", r.ArticleID, "kind", r.Kind, "url", r.URL)
}
