// Package retry paces attempts at a dependency that is down (the NATS
// cluster losing a node, a stream still electing its leader): exponential
// back-off with full jitter, so that many processes failing together do not
// retry in step, and a gate that lets a repeated warning through once per
// interval, so that an outage costs a few log lines, not thousands.
package retry

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Backoff hands out the waits between failed attempts. The zero value
// waits between 0 and 100 ms at first, doubling the ceiling to 30 s.
// It is not safe for concurrent use: each loop has its own.
type Backoff struct {
	// Min is the first ceiling; Max caps it.
	Min, Max time.Duration
	failures int
}

// Next returns how long to wait after another failure: a random duration
// in [ceiling/2, ceiling], the ceiling doubling from Min up to Max. Half
// the ceiling as a floor keeps a tight loop impossible even on a lucky
// draw, the other half spreads processes apart.
func (b *Backoff) Next() time.Duration {
	lo, hi := b.Min, b.Max
	if lo <= 0 {
		lo = 100 * time.Millisecond
	}
	if hi < lo {
		hi = max(lo, 30*time.Second)
	}
	ceiling := hi
	if b.failures < 32 {
		ceiling = min(lo<<b.failures, hi)
	}
	b.failures++
	half := ceiling / 2
	return half + rand.N(ceiling-half+1)
}

// Failures is how many waits were handed out since the last Reset.
func (b *Backoff) Failures() int { return b.failures }

// Reset starts over after a success.
func (b *Backoff) Reset() { b.failures = 0 }

// Wait sleeps for Next() or until ctx ends, and reports whether ctx is
// still live.
func (b *Backoff) Wait(ctx context.Context) bool {
	return Sleep(ctx, b.Next())
}

// Sleep waits d or until ctx ends, and reports whether ctx is still live.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Jitter returns d shortened by up to a quarter at random, for delays
// handed to the server (a NAK's redelivery delay) rather than slept.
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d - rand.N(d/4+1)
}

// Every lets an event through at most once per interval and counts what it
// held back, for a warning that repeats while a dependency is down. It is
// safe for concurrent use.
type Every struct {
	Interval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// Allow reports whether the event may be logged now, and how many were
// held back since the last one that was.
func (e *Every) Allow() (ok bool, suppressed int) {
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	t := now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.last.IsZero() && t.Sub(e.last) < e.Interval {
		e.suppressed++
		return false, 0
	}
	e.last, suppressed = t, e.suppressed
	e.suppressed = 0
	return true, suppressed
}

// Pacer paces one loop's attempts at a failing dependency: each failure
// is logged at most once per interval (with how many were held back) and
// followed by the next back-off. Not safe for concurrent use.
type Pacer struct {
	Backoff Backoff
	Warn    Every
}

// NewPacer returns a pacer backing off between minWait and maxWait and
// warning at most once per logEvery.
func NewPacer(minWait, maxWait, logEvery time.Duration) *Pacer {
	return &Pacer{Backoff: Backoff{Min: minWait, Max: maxWait}, Warn: Every{Interval: logEvery}}
}

// Failed logs err (at most once per interval) and waits out the next
// back-off or ctx, reporting whether ctx is still live.
func (p *Pacer) Failed(ctx context.Context, log *slog.Logger, msg string, err error) bool {
	wait := p.Backoff.Next()
	if ok, held := p.Warn.Allow(); ok {
		log.Warn(msg, "err", err, "attempt", p.Backoff.Failures(), "retry_in", wait.Round(time.Millisecond), "suppressed", held)
	}
	return Sleep(ctx, wait)
}

// OK resets the back-off after a success.
func (p *Pacer) OK() { p.Backoff.Reset() }
