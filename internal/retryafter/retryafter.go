// Package retryafter reads the HTTP Retry-After header, which both the
// crawler (a site asking us to slow down) and the alert receivers (a chat
// API rate-limiting us) must honour.
package retryafter

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Parse reads delay-seconds or an HTTP-date (RFC 9110 10.2.3) relative to
// now, capped at limit so that a typo on the server cannot park work for
// days (and a huge number of seconds cannot overflow a Duration). It
// returns 0 when the header is absent, past or unreadable.
func Parse(v string, now time.Time, limit time.Duration) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(limit/time.Second) {
			return limit
		}
		return time.Duration(secs) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	return min(max(t.Sub(now), 0), limit)
}
