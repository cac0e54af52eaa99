package auth

import (
	"sync"
	"time"
)

// Limiter locks a key (a user name or a client address) out for a while
// after too many failed logins within that while. It is per process: a
// web role behind a load balancer with several replicas allows up to
// replicas × max attempts.
type Limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*attempts
}

type attempts struct {
	failures []time.Time
}

// NewLimiter allows max failures per key within window; now is the clock
// (nil: time.Now).
func NewLimiter(max int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{max: max, window: window, now: now, keys: map[string]*attempts{}}
}

// recent drops failures older than the window; the caller holds mu.
func (l *Limiter) recent(key string) *attempts {
	a := l.keys[key]
	if a == nil {
		return nil
	}
	cut := l.now().Add(-l.window)
	i := 0
	for i < len(a.failures) && !a.failures[i].After(cut) {
		i++
	}
	a.failures = a.failures[i:]
	if len(a.failures) == 0 {
		delete(l.keys, key)
		return nil
	}
	return a
}

// Locked reports whether any of keys is locked out, and for how long.
func (l *Limiter) Locked(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if a := l.recent(k); a != nil && len(a.failures) >= l.max {
			// Locked until the oldest counted failure leaves the window.
			wait = max(wait, a.failures[len(a.failures)-l.max].Add(l.window).Sub(l.now()))
		}
	}
	return wait > 0, wait
}

// Fail counts a failed login against every key.
func (l *Limiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.keys) > 100000 {
		// A flood of distinct keys: forget the stale ones.
		for k := range l.keys {
			l.recent(k)
		}
	}
	for _, k := range keys {
		a := l.keys[k]
		if a == nil {
			a = &attempts{}
			l.keys[k] = a
		}
		a.failures = append(a.failures, now)
		if len(a.failures) > 4*l.max {
			a.failures = a.failures[len(a.failures)-2*l.max:]
		}
	}
}

// Reset forgets a key's failures (after a successful login).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}
