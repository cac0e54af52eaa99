package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Kind classifies a fetch failure so callers can decide between retrying,
// backing off and giving up without parsing messages.
type Kind int

// The kinds of fetch failure.
const (
	KindNetwork          Kind = iota + 1 // connection refused, reset or closed early; DNS failure
	KindTimeout                          // connect timeout, Options.Timeout or the caller's deadline
	KindBlockedAddress                   // the SSRF guard refused the resolved address
	KindRobots                           // robots.txt disallows the URL, or is unreachable
	KindTooLarge                         // the body exceeds Options.MaxBody (after decompression)
	KindStatus                           // the server answered with a non-2xx, non-304 status
	KindTooManyRedirects                 // more than Options.MaxRedirects redirects
	KindRedirectLoop                     // the same request came up twice in one redirect chain
	KindContentType                      // the Content-Type is not one of Request.Accept
	KindDecode                           // unknown or corrupt Content-Encoding
	KindCoolingDown                      // the host asked us (Retry-After) to wait past the caller's deadline
	KindCanceled                         // the caller's context was canceled
	KindInvalidURL                       // not an absolute http or https URL (also a redirect target)
	KindHostBusy                         // under NoWait: every per-host slot is taken, or the host delay is longer than allowed
)

// String returns a short snake_case name, stable enough for a metric label.
func (k Kind) String() string {
	switch k {
	case KindNetwork:
		return "network"
	case KindTimeout:
		return "timeout"
	case KindBlockedAddress:
		return "blocked_address"
	case KindRobots:
		return "robots"
	case KindTooLarge:
		return "too_large"
	case KindStatus:
		return "status"
	case KindTooManyRedirects:
		return "too_many_redirects"
	case KindRedirectLoop:
		return "redirect_loop"
	case KindContentType:
		return "content_type"
	case KindDecode:
		return "decode"
	case KindCoolingDown:
		return "cooling_down"
	case KindCanceled:
		return "canceled"
	case KindInvalidURL:
		return "invalid_url"
	case KindHostBusy:
		return "host_busy"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is the error every Fetcher operation returns, also from the bodies
// Transport hands out, so colly callers can errors.As it too.
type Error struct {
	Kind Kind
	// URL is the request (or redirect hop) that failed, without userinfo
	// or fragment: errors end up in logs, KV and the UI.
	URL string
	// Status is the HTTP status for KindStatus, and the status that started
	// the cool-down for KindCoolingDown.
	Status int
	// RetryAfter is how long the host asked us to wait (429/503
	// Retry-After), or how long an unreachable robots.txt keeps the host
	// closed.
	RetryAfter time.Duration
	// Err is the underlying cause, if any.
	Err error

	// robotsUnreachable marks a KindRobots error caused by the host failing
	// to serve robots.txt rather than by a rule: it heals by itself.
	robotsUnreachable bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("fetch ")
	b.WriteString(e.URL)
	b.WriteString(": ")
	switch {
	case e.Kind == KindStatus:
		fmt.Fprintf(&b, "HTTP %d", e.Status)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString(e.Kind.String())
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", roundDuration(e.RetryAfter))
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the same request may succeed later without
// anything changing on our side: the caller should back off and retry.
// Robots rules, client errors, oversized bodies and blocked addresses will
// fail the same way next time.
func (e *Error) Temporary() bool {
	switch e.Kind {
	case KindTimeout, KindNetwork, KindCoolingDown, KindCanceled, KindHostBusy:
		return true
	case KindStatus:
		return e.Status >= 500 || e.Status == 429 || e.Status == 408
	case KindRobots:
		return e.robotsUnreachable
	}
	return false
}

// roundDuration keeps messages readable: Retry-After dates give durations
// such as 1m59.873s.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Second)
}

// blockedError is what the dialer's Control hook returns; it travels up
// through net.OpError and url.Error and is recognised with errors.As.
type blockedError struct {
	addr string
}

func (e *blockedError) Error() string {
	return fmt.Sprintf("refusing non-public address %s (allow it with crawler.allow_private_hosts)", e.addr)
}

// timeoutError is the cause recorded when Options.Timeout fires, so the
// message says which bound was hit; it still matches
// context.DeadlineExceeded.
type timeoutError struct {
	d time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no complete response within %s", e.d)
}

func (e *timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// redact renders u without userinfo and fragment.
func redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// redactRaw strips userinfo from a string that did not parse as a URL.
func redactRaw(s string) string {
	rest := s
	prefix := ""
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, rest = s[:i+3], s[i+3:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		rest = rest[at+1:]
	}
	return prefix + rest
}

// classify turns an error from the HTTP stack into an *Error. ctx is the
// context the failed operation ran under: its state tells a timeout or a
// cancellation apart from a network failure more reliably than the many
// error values net/http uses for them.
func classify(ctx context.Context, loc string, err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	var be *blockedError
	if errors.As(err, &be) {
		return &Error{Kind: KindBlockedAddress, URL: loc, Err: be}
	}
	if ctx.Err() != nil {
		cause := context.Cause(ctx)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &Error{Kind: KindTimeout, URL: loc, Err: cause}
		}
		return &Error{Kind: KindCanceled, URL: loc, Err: cause}
	}
	err = unwrapURLError(err)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Kind: KindTimeout, URL: loc, Err: err}
	}
	return &Error{Kind: KindNetwork, URL: loc, Err: err}
}

// unwrapURLError drops url.Error: its message repeats the URL, with the
// username, and we name the URL ourselves.
func unwrapURLError(err error) error {
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	return err
}
