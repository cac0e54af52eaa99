// Package wait is the one polling helper of presswatch's tests: wait for a
// condition that another goroutine or process makes true, failing the test
// with the condition's last word when it does not come in time (as
// nats-server's checkFor does). Tests wait for events, never for a fixed
// time.
package wait

import (
	"testing"
	"time"
)

// interval is how often a condition is checked: short enough not to slow
// a test down, long enough not to spin.
const interval = 20 * time.Millisecond

// For calls check until it returns nil, and fails t with check's last
// error when timeout passes first.
func For(t testing.TB, timeout time.Duration, check func() error) {
	t.Helper()
	if err := Poll(timeout, check); err != nil {
		t.Fatalf("after %s: %v", timeout, err)
	}
}

// Until calls cond until it is true, and fails t naming what it waited for
// when timeout passes first.
func Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !poll(timeout, cond) {
		t.Fatalf("timed out after %s waiting for %s", timeout, what)
	}
}

// Poll calls check until it returns nil or timeout passes, and returns its
// last error; for waits that must not fail the test outright (another
// goroutine, a retry decision).
func Poll(timeout time.Duration, check func() error) error {
	var err error
	poll(timeout, func() bool { err = check(); return err == nil })
	return err
}

func poll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
	}
}
