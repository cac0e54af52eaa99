package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/presswatch/presswatch/internal/retryafter"
)

// hostState is the politeness bookkeeping for one host name. Hosts are
// keyed by name without port or scheme: http and https on the same name
// are the same server to its owner.
type hostState struct {
	name       string
	sem        chan struct{} // PerHostConcurrency slots
	last       time.Time     // start of the latest request
	coolUntil  time.Time     // Retry-After from a 429/503
	coolStatus int
	refs       int // requests holding or waiting on this entry; swept only at 0
}

// sweepEvery is how many new map entries pass between sweeps of idle
// hosts and expired robots.txt: enough to keep the maps near the working
// set of a long-running crawler without scanning on every request.
const sweepEvery = 256

func (f *Fetcher) hostRef(name string) *hostState {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.hosts[name]
	if h == nil {
		h = &hostState{name: name, sem: make(chan struct{}, f.o.PerHostConcurrency)}
		f.hosts[name] = h
		f.noteNewEntryLocked()
	}
	h.refs++
	return h
}

func (f *Fetcher) unref(h *hostState) {
	f.mu.Lock()
	h.refs--
	f.mu.Unlock()
}

func (f *Fetcher) noteNewEntryLocked() {
	f.created++
	if f.created%sweepEvery != 0 {
		return
	}
	now := time.Now()
	for name, h := range f.hosts {
		if h.refs == 0 && now.Sub(h.last) > max(f.o.MinHostDelay, maxCrawlDelay) && !h.coolUntil.After(now) {
			delete(f.hosts, name)
		}
	}
	for origin, e := range f.robots {
		if e.isReady() && now.After(e.expires.Add(f.o.RobotsTTL)) {
			delete(f.robots, origin)
		}
	}
}

// acquire waits for a slot to send a request to u's host: a per-host
// slot, the host's delay since its previous request start (MinHostDelay or
// robots.txt Crawl-delay), the end of any Retry-After cool-down, then a
// global slot. The global slot is taken last so that requests queued
// behind a slow or cooling host do not starve every other host.
// When the wait would outlast ctx's deadline it fails at once.
func (f *Fetcher) acquire(ctx context.Context, u *url.URL, loc string) (*hostState, func(), error) {
	h := f.hostRef(normalizeHost(u.Hostname()))
	maxWait, noWait := ctx.Value(noWaitKey{}).(time.Duration)
	if err := f.takeHostSlot(ctx, h, loc, noWait); err != nil {
		f.unref(h)
		return nil, nil, err
	}
	giveUp := func(err error) (*hostState, func(), error) {
		<-h.sem
		f.unref(h)
		return nil, nil, err
	}
	for {
		f.mu.Lock()
		now := time.Now()
		start := now
		delay := f.hostDelayLocked(u)
		if next := h.last.Add(delay); !h.last.IsZero() && next.After(start) {
			start = next
		}
		cooling := h.coolUntil.After(start)
		if cooling {
			start = h.coolUntil
		}
		if !start.After(now) {
			h.last = now
			f.mu.Unlock()
			break
		}
		status := h.coolStatus
		f.mu.Unlock()
		dl, ok := ctx.Deadline()
		if noWait && (!ok || now.Add(maxWait).Before(dl)) {
			dl, ok = now.Add(maxWait), true
		}
		if ok && start.After(dl) {
			if cooling {
				return giveUp(&Error{Kind: KindCoolingDown, URL: loc, Status: status, RetryAfter: start.Sub(now),
					Err: fmt.Errorf("host %s is cooling down after HTTP %d", h.name, status)})
			}
			if noWait {
				return giveUp(&Error{Kind: KindHostBusy, URL: loc, RetryAfter: start.Sub(now),
					Err: fmt.Errorf("host %s asks for %s between requests", h.name, roundDuration(delay))})
			}
			return giveUp(&Error{Kind: KindTimeout, URL: loc, Err: &deadlineFirstError{wait: start.Sub(now), host: h.name}})
		}
		t := time.NewTimer(start.Sub(now))
		select {
		case <-t.C:
			// Look again: another request may have started, or a 429
			// may have begun a cool-down, while this one slept.
		case <-ctx.Done():
			t.Stop()
			return giveUp(classify(ctx, loc, ctx.Err()))
		}
	}
	select {
	case f.global <- struct{}{}:
	case <-ctx.Done():
		return giveUp(classify(ctx, loc, ctx.Err()))
	}
	var once sync.Once
	release := func() {
		once.Do(func() {
			<-f.global
			<-h.sem
			f.unref(h)
		})
	}
	return h, release, nil
}

// takeHostSlot takes one of h's PerHostConcurrency slots, waiting for
// one unless noWait.
func (f *Fetcher) takeHostSlot(ctx context.Context, h *hostState, loc string, noWait bool) error {
	if noWait {
		select {
		case h.sem <- struct{}{}:
			return nil
		default:
			return &Error{Kind: KindHostBusy, URL: loc, RetryAfter: max(f.o.MinHostDelay, time.Second),
				Err: fmt.Errorf("host %s has %d requests in flight", h.name, f.o.PerHostConcurrency)}
		}
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return classify(ctx, loc, ctx.Err())
	}
}

type noWaitKey struct{}

// NoWait marks ctx so that a request under it never waits more than
// maxWait for its host: one that would (a cool-down, a long Crawl-delay)
// or that finds every per-host slot taken fails at once with
// KindCoolingDown or KindHostBusy, RetryAfter saying when to come back.
// The crawler's workers use it so that a slow or cooling host defers its
// own jobs instead of holding a worker.
func NoWait(ctx context.Context, maxWait time.Duration) context.Context {
	return context.WithValue(ctx, noWaitKey{}, max(maxWait, 0))
}

// hostDelayLocked is the gap to keep between request starts to u's host:
// MinHostDelay, or the robots.txt Crawl-delay when that is longer.
func (f *Fetcher) hostDelayLocked(u *url.URL) time.Duration {
	d := f.o.MinHostDelay
	if f.o.IgnoreRobots {
		return d
	}
	if e := f.robots[origin(u)]; e != nil && e.isReady() && e.rules != nil {
		d = max(d, e.rules.crawlDelay)
	}
	return d
}

// noteRetryAfter starts a cool-down for the host when a 429 or 503 says
// when to come back.
func (f *Fetcher) noteRetryAfter(h *hostState, resp *http.Response) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	now := time.Now()
	d := retryafter.Parse(resp.Header.Get("Retry-After"), now, f.o.MaxRetryAfter)
	if d <= 0 {
		return 0
	}
	until := now.Add(d)
	f.mu.Lock()
	if until.After(h.coolUntil) {
		h.coolUntil, h.coolStatus = until, resp.StatusCode
	}
	f.mu.Unlock()
	f.o.Logger.Debug("fetch: host cooling down", "host", h.name, "status", resp.StatusCode, "retry_after", d)
	return d
}

// origin is the robots.txt scope of u (RFC 9309: scheme, host and port).
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	host := normalizeHost(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return u.Scheme + "://" + host + ":" + port
}
