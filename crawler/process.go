package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/presswatch/presswatch/sourcehealth"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/charset"
	"github.com/presswatch/presswatch/crawler/extract"
	"github.com/presswatch/presswatch/crawler/fetch"
)

// minTextRunes is the least extracted text that counts as an article;
// shorter means the extractor missed the body and the feed's text is used.
const minTextRunes = 40

func (c *Crawler) isSeenURL(ctx context.Context, raw string) bool {
	id, _, err := article.IDFromURL(raw)
	if err != nil {
		return true // unusable URL: never fetch it
	}
	return c.isSeenID(ctx, id)
}

func (c *Crawler) isSeenID(ctx context.Context, id string) bool {
	_, err := c.seen.Get(ctx, id)
	return err == nil
}

// errWrite marks a failure to keep what was fetched (the evidence store),
// as opposed to a page that cannot be used.
var errWrite = errors.New("cannot save the page")

// errAlreadySeen tells a submitter that the article is already in.
var errAlreadySeen = errors.New("already fetched")

// process fetches, extracts, stores and publishes one article, then marks
// it seen. An error leaves it unseen, so the next poll tries again.
func (c *Crawler) process(ctx context.Context, j job) error {
	log := c.log.With("source", j.src.ID, "url", j.cand.url)
	id, canonical, err := article.IDFromURL(j.cand.url)
	if err != nil {
		c.m.pages.WithLabelValues("error").Inc()
		log.Warn("unusable article URL", "err", err)
		return err
	}
	if !c.begin(id) {
		return errAlreadySeen
	}
	defer c.end(id)
	if c.isSeenID(ctx, id) {
		return errAlreadySeen
	}
	a := c.fromCandidate(j.src, j.cand, id, canonical)
	result := "complete"
	if !j.cand.complete {
		if result, err = c.fillFromPage(ctx, j, id, a, log); err != nil {
			return err
		}
	}
	if a.ID != id && c.isSeenID(ctx, a.ID) {
		// The page's canonical URL names an article we already have.
		c.markSeen(ctx, id, a.Fetched)
		return errAlreadySeen
	}
	if err := c.publish(ctx, a); err != nil {
		c.opts.Storage.Report("crawler", err)
		c.forgetValidators(j.src.ID)
		log.Error("publish failed; will retry", "err", err)
		return err
	}
	c.opts.Storage.Report("crawler", nil)
	c.m.pages.WithLabelValues(result).Inc()
	c.m.published.WithLabelValues(j.src.ID).Inc()
	c.markSeen(ctx, a.ID, a.Fetched)
	if a.ID != id {
		c.markSeen(ctx, id, a.Fetched)
	}
	if !j.cand.complete && j.cand.page == nil {
		c.clearWaiting(ctx, j.src.ID)
	}
	if !a.Partial && !j.cand.complete && j.src.ID != manualSource {
		n := utf8.RuneCountInString(a.Text)
		_, _ = c.health.Update(ctx, j.src.ID, func(h *sourcehealth.Health) error { h.RecordText(n); return nil })
	}
	log.Debug("article published", "id", a.ID, "title", a.Title)
	return nil
}

// forgetValidators makes the source's next poll a full GET: an item
// whose processing failed is retried only if the listing names it again,
// and a 304 would list nothing.
func (c *Crawler) forgetValidators(srcID string) {
	c.mu.Lock()
	c.valid[srcID] = validators{}
	c.mu.Unlock()
}

// fillFromPage fetches the article's page (unless the listing brought
// it) and fills a from it; result is the pages metric's label. A host
// that would hold the worker defers the job; a page that cannot be saved
// is an error (retried), never a partial article.
func (c *Crawler) fillFromPage(ctx context.Context, j job, id string, a *article.Article, log *slog.Logger) (result string, err error) {
	start := time.Now()
	page := j.cand.page
	if page == nil {
		// Fetch the link as listed: canonicalisation drops parameters
		// some sites need.
		page, err = c.fetch.Get(fetch.NoWait(ctx, hostWaitMax), fetch.Request{URL: j.cand.url, Accept: []string{"text/html", "application/xhtml+xml"}})
		if d := asDeferred(err, c.now()); d != nil {
			c.m.pages.WithLabelValues("deferred").Inc()
			if j.done == nil {
				c.deferJob(ctx, j, id, d)
			}
			return "", d
		}
	}
	if err == nil {
		err = c.fromPage(ctx, a, page)
	}
	c.m.fetchDur.WithLabelValues("page").Observe(time.Since(start).Seconds())
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if errors.Is(err, errWrite) {
			// Our disk, not the page: keep the article unseen so the
			// next poll fetches it again, never a permanent partial.
			c.m.pages.WithLabelValues("error").Inc()
			c.opts.Storage.Report("crawler", err)
			c.forgetValidators(j.src.ID)
			log.Error("page could not be saved; will retry", "err", err)
			return "", err
		}
		if a.Text == "" {
			c.m.pages.WithLabelValues("error").Inc()
			c.forgetValidators(j.src.ID)
			log.Warn("page unusable and the listing has no text; will retry", "err", err)
			return "", err
		}
		// The listing's own text stands in; the article is marked
		// partial so that readers know.
		a.Partial = true
		log.Warn("page unusable; using the listing's text", "err", err)
		return "partial", nil
	}
	return "ok", nil
}

// begin marks id in flight; false means another worker has it.
func (c *Crawler) begin(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight[id] {
		return false
	}
	c.inflight[id] = true
	return true
}

func (c *Crawler) end(id string) {
	c.mu.Lock()
	delete(c.inflight, id)
	c.mu.Unlock()
}

func (c *Crawler) markSeen(ctx context.Context, id string, at time.Time) {
	if _, err := c.seen.Put(ctx, id, []byte(at.Format(time.RFC3339))); err != nil {
		// Published but not remembered: the next poll publishes it again
		// and the stream's de-duplication drops it.
		c.log.Warn("mark seen failed", "id", id, "err", err)
	}
}

func (c *Crawler) publish(ctx context.Context, a *article.Article) error {
	a.ContentHash = article.ContentHash(a.Title, a.Text)
	a.Fingerprint = article.SimHash(a.Text)
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode article %s: %w", a.ID, err)
	}
	return c.bus.Publish(ctx, bus.SubjectFetched, a.ID+":"+a.ContentHash[:16], data)
}

func (c *Crawler) fromCandidate(src config.Source, cand candidate, id, canonical string) *article.Article {
	return articleOf(c.extract, src, cand, id, canonical, c.now())
}

// articleOf is the article a listing's candidate gives before its page is
// read; fetched is when.
func articleOf(x *extract.Extractor, src config.Source, cand candidate, id, canonical string, fetched time.Time) *article.Article {
	a := &article.Article{
		ID: id, URL: cand.url, CanonicalURL: canonical, SourceID: src.ID, Tier: src.Tier,
		Title: charset.Clean(cand.title), Byline: charset.Clean(cand.author), Summary: charset.Clean(cand.summary),
		Lang: src.Lang, Regions: src.Regions, Tags: cand.tags, Image: cand.image, Published: cand.published,
		Fetched: fetched.UTC(),
	}
	if cand.lang != "" {
		a.Lang = strings.ToLower(cand.lang)
	}
	if u, err := url.Parse(canonical); err == nil {
		a.Site = u.Hostname()
	}
	a.Text = charset.Clean(cand.content)
	if a.Text == "" {
		a.Text = a.Summary
	}
	if cand.complete {
		if l := x.DetectLanguage(a.Title + "\n" + a.Text); l != "" {
			a.Lang = l
		}
	}
	return a
}

// fromPage fills a from the fetched page and keeps the raw page as
// evidence.
func (c *Crawler) fromPage(ctx context.Context, a *article.Article, page *fetch.Response) error {
	x, err := extractPage(c.extract, page)
	if err != nil {
		return err
	}
	ev, err := c.storeEvidence(ctx, page.Body)
	if err != nil {
		return err
	}
	a.Evidence = ev
	fillFromPage(a, x)
	return nil
}

// extractPage decodes and extracts a fetched page, refusing one with too
// little text to be an article.
func extractPage(xr *extract.Extractor, page *fetch.Response) (*extract.Result, error) {
	html, _, err := charset.DecodeHTML(page.Body, page.ContentType)
	if err != nil {
		return nil, fmt.Errorf("decode page: %w", err)
	}
	x, err := xr.Extract(html, page.URL)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(x.Text); n < minTextRunes {
		return nil, fmt.Errorf("extracted text too short (%d characters)", n)
	}
	return x, nil
}

// fillFromPage sets what the page says over what the listing said.
func fillFromPage(a *article.Article, x *extract.Result) {
	a.Text = x.Text
	if x.Title != "" && a.Title == "" {
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
	// Page metadata first, then the listing's date (the brief's order).
	if !x.Published.IsZero() {
		a.Published = x.Published.UTC()
	}
	if len(x.Tags) > 0 {
		a.Tags = x.Tags
	}
	if a.Image == "" {
		a.Image = x.Image
	}
	// A page may name its canonical URL; only one on the same site may
	// replace the article's identity, so a page cannot claim another
	// site's article.
	if x.Canonical != "" {
		if id, canon, err := article.IDFromURL(x.Canonical); err == nil && sameSite(canon, a.CanonicalURL) {
			a.ID, a.CanonicalURL = id, canon
		}
	}
}

func sameSite(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return strings.TrimPrefix(ua.Hostname(), "www.") == strings.TrimPrefix(ub.Hostname(), "www.")
}

// storeEvidence keeps the raw page, named by its SHA-256, once.
func (c *Crawler) storeEvidence(ctx context.Context, raw []byte) (string, error) {
	sum := sha256.Sum256(raw)
	name := hex.EncodeToString(sum[:])
	if _, err := c.evidence.GetInfo(ctx, name); err == nil {
		return name, nil
	} else if !errors.Is(err, jetstream.ErrObjectNotFound) {
		return "", fmt.Errorf("%w: evidence lookup: %w", errWrite, err)
	}
	if _, err := c.evidence.PutBytes(ctx, name, raw); err != nil {
		return "", fmt.Errorf("%w: store evidence: %w", errWrite, err)
	}
	return name, nil
}
