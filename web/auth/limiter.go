package auth

import (
	"sync"
	"time"
)

// Limiter slows password guessing on a key (the web UI uses one key per
// user name and client address, so that nobody can lock another person
// out from elsewhere, and a proxy's address does not lock every user
// behind it). After max failures within the window a key must wait
// window/32 from its latest failure, and every further failure doubles
// the wait, up to the window itself. A key with no failure for twice the
// window starts afresh. It is per process: a web role behind a load
// balancer with several replicas allows up to replicas × max attempts.
type Limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*attempts
}

type attempts struct {
	n    int       // failures since the key was last quiet for a window
	last time.Time // the latest of them
}

// NewLimiter allows max failures per key before backing off, and forgets
// a key after two windows without failures; now is the clock (nil:
// time.Now).
func NewLimiter(max int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{max: max, window: window, now: now, keys: map[string]*attempts{}}
}

// recent returns the key's failures unless it has been quiet for twice
// the window (the longest wait, then as long again); the caller holds mu.
func (l *Limiter) recent(key string) *attempts {
	a := l.keys[key]
	if a != nil && l.now().Sub(a.last) >= 2*l.window {
		delete(l.keys, key)
		return nil
	}
	return a
}

// backoff is the wait after n failures (n ≥ max).
func (l *Limiter) backoff(n int) time.Duration {
	d := l.window / 32
	for i := l.max; i < n && d < l.window; i++ {
		d *= 2
	}
	return min(max(d, time.Second), l.window)
}

// Locked reports whether any of keys must wait, and for how long.
func (l *Limiter) Locked(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if a := l.recent(k); a != nil && a.n >= l.max {
			wait = max(wait, a.last.Add(l.backoff(a.n)).Sub(l.now()))
		}
	}
	return wait > 0, wait
}

// Fail counts a failed login against every key.
func (l *Limiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.keys) > 100000 {
		// A flood of distinct keys: forget the quiet ones.
		for k := range l.keys {
			l.recent(k)
		}
	}
	for _, k := range keys {
		a := l.recent(k)
		if a == nil {
			a = &attempts{}
			l.keys[k] = a
		}
		a.n++
		a.last = l.now()
	}
}

// Reset forgets a key's failures (after a successful login).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}
