// Package notify holds what every receiver shares: how a failed send says
// whether a retry can help, and how an HTTP answer is judged. Receivers live
// in the packages below it, one per kind.
package notify

import (
	"errors"
	"time"
)

// TemporaryError is a failure a later attempt may not meet: a timeout, a
// 5xx, a 429. After, when positive, is the wait the receiver asked for.
type TemporaryError struct {
	Err   error
	After time.Duration
}

func (e *TemporaryError) Error() string { return e.Err.Error() }
func (e *TemporaryError) Unwrap() error { return e.Err }

// Temporary marks err as worth retrying, after the given wait if positive.
func Temporary(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &TemporaryError{Err: err, After: after}
}

// IsTemporary reports whether err may succeed on retry, and the wait the
// receiver asked for (0 when it did not say).
func IsTemporary(err error) (bool, time.Duration) {
	var t *TemporaryError
	if errors.As(err, &t) {
		return true, t.After
	}
	return false, 0
}

// MaxRetryAfter caps how long a receiver may ask us to wait; the outbox
// caps it again at its own limit.
const MaxRetryAfter = time.Hour

// EachRecipient sends to every address of to (the contacts a route chose),
// or to fallback (the receiver's configured destination) when to is empty,
// and stops at the first failure: the engine retries the whole
// notification. missing is the error for an empty address.
func EachRecipient(to []string, fallback string, missing error, send func(addr string) error) error {
	if len(to) == 0 {
		to = []string{fallback}
	}
	for _, addr := range to {
		if addr == "" {
			return missing
		}
		if err := send(addr); err != nil {
			return err
		}
	}
	return nil
}
