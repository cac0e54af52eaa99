package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/crawler/fetch"
	"github.com/presswatch/presswatch/sourcehealth"
)

// hostWaitMax is the longest a worker waits for a host before deferring
// the job: enough for the usual gap between requests to one host, short
// enough that a cooling or slow host never holds a worker while articles
// from other hosts queue behind it.
const hostWaitMax = 2 * time.Second

// waitNoteSlack is how far a host's expected return may move before the
// source's health record is written again: a busy host re-defers its jobs
// every second or so, and each would otherwise be a KV write.
const waitNoteSlack = time.Minute

// deferredError says a job (or a poll) must wait for its host.
type deferredError struct {
	until  time.Time
	reason string
	err    *fetch.Error
}

func (e *deferredError) Error() string { return "waiting for host: " + e.reason }
func (e *deferredError) Unwrap() error { return e.err }

// asDeferred recognises the fetch failures that mean "not now, this host":
// a 429 or 503 with Retry-After, the cool-down it starts, or a host whose
// slots or delay would hold the caller (see fetch.NoWait). Anything else
// is nil.
func asDeferred(err error, now time.Time) *deferredError {
	var fe *fetch.Error
	if !errors.As(err, &fe) {
		return nil
	}
	var reason string
	switch {
	case fe.Kind == fetch.KindCoolingDown, fe.Kind == fetch.KindHostBusy:
		reason = fe.Kind.String()
		if fe.Err != nil {
			reason = fe.Err.Error()
		}
	case fe.Kind == fetch.KindStatus && fe.RetryAfter > 0:
		// The answer that starts the cool-down.
		reason = fmt.Sprintf("host is cooling down after HTTP %d", fe.Status)
		if u, perr := url.Parse(fe.URL); perr == nil {
			reason = fmt.Sprintf("host %s is cooling down after HTTP %d", u.Hostname(), fe.Status)
		}
	default:
		return nil
	}
	return &deferredError{until: now.Add(max(fe.RetryAfter, 100*time.Millisecond)), reason: reason, err: fe}
}

// deferJob puts j back on the queue once its host is expected back. The
// article stays unseen meanwhile, and polls do not queue it a second time.
func (c *Crawler) deferJob(ctx context.Context, j job, id string, d *deferredError) {
	c.mu.Lock()
	c.deferred[id] = true
	c.m.deferred.Set(float64(len(c.deferred)))
	c.mu.Unlock()
	c.noteWaiting(ctx, j.src.ID, d)
	time.AfterFunc(time.Until(d.until), func() {
		c.mu.Lock()
		delete(c.deferred, id)
		c.m.deferred.Set(float64(len(c.deferred)))
		c.mu.Unlock()
		select {
		case c.jobs <- j:
		case <-c.stopping:
			// Unseen: the next start lists and fetches it again.
		}
	})
}

func (c *Crawler) isDeferredURL(raw string) bool {
	id, _, err := article.IDFromURL(raw)
	if err != nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deferred[id]
}

// noteWaiting records on the source's health record that it waits for its
// host and until when, unless an equivalent note is already there.
func (c *Crawler) noteWaiting(ctx context.Context, srcID string, d *deferredError) {
	c.mu.Lock()
	prev, ok := c.waiting[srcID]
	fresh := !ok || prev.reason != d.reason || d.until.Sub(prev.until).Abs() >= waitNoteSlack
	if fresh {
		c.waiting[srcID] = waitNote{reason: d.reason, until: d.until}
	}
	c.m.waiting.Set(float64(len(c.waiting)))
	c.mu.Unlock()
	if !fresh {
		return
	}
	c.log.Info("source waits for its host", "source", srcID, "reason", d.reason, "until", d.until.Round(time.Second))
	_, err := c.health.Update(context.WithoutCancel(ctx), srcID, func(h *sourcehealth.Health) error {
		h.Waiting, h.WaitingUntil = d.reason, d.until.UTC()
		return nil
	})
	if err != nil {
		c.log.Warn("record source waiting", "source", srcID, "err", err)
	}
}

// clearWaiting removes the note once the source's host answered again.
func (c *Crawler) clearWaiting(ctx context.Context, srcID string) {
	c.mu.Lock()
	_, ok := c.waiting[srcID]
	delete(c.waiting, srcID)
	c.m.waiting.Set(float64(len(c.waiting)))
	c.mu.Unlock()
	if !ok {
		return
	}
	_, err := c.health.Update(ctx, srcID, func(h *sourcehealth.Health) error {
		if h.Waiting == "" {
			return sourcehealth.ErrSkip
		}
		h.Waiting, h.WaitingUntil = "", time.Time{}
		return nil
	})
	if err != nil {
		c.log.Warn("clear source waiting", "source", srcID, "err", err)
	}
}

// recordWaiting reschedules a poll whose listing could not start because
// its host is cooling down: not a failure of the source, so the failure
// count and pause are left alone.
func (c *Crawler) recordWaiting(ctx context.Context, srcID string, d *deferredError) {
	c.noteWaiting(ctx, srcID, d)
	_, err := c.health.Update(ctx, srcID, func(h *sourcehealth.Health) error {
		h.LastPoll = c.now()
		h.NextPoll = d.until
		return nil
	})
	if err != nil {
		c.log.Warn("reschedule waiting source", "source", srcID, "err", err)
	}
}

type waitNote struct {
	reason string
	until  time.Time
}
