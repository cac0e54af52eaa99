package crawler

import (
	"math/rand/v2"
	"time"

	"github.com/presswatch/presswatch/config"
)

// Default poll interval of a source that sets none.
const defaultInterval = 5 * time.Minute

// bounds returns a source's initial interval and the range the adaptive
// schedule may move it in: min_interval..max_interval when given, else a
// quarter to six times the interval.
func bounds(src config.Source) (initial, lo, hi time.Duration) {
	initial = src.Interval.D()
	if initial <= 0 {
		initial = defaultInterval
	}
	lo, hi = src.MinInterval.D(), src.MaxInterval.D()
	if lo <= 0 {
		lo = initial / 4
	}
	if hi <= 0 {
		hi = initial * 6
	}
	if hi < lo {
		hi = lo
	}
	return min(max(initial, lo), hi), lo, hi
}

// adapt moves the interval after a successful poll that listed `listed`
// items of which `fresh` were new: factor = 1.5 − 2·share, kept within
// [0.5, 1.5], so a source with nothing new slows down by half again, one
// with a quarter new keeps its pace, and one with half or more new doubles
// its pace. The result stays within [lo, hi].
func adapt(cur, lo, hi time.Duration, listed, fresh int) time.Duration {
	share := 0.0
	if listed > 0 {
		share = float64(fresh) / float64(listed)
	}
	f := min(max(1.5-2*share, 0.5), 1.5)
	next := time.Duration(float64(cur) * f)
	return min(max(next, lo), hi)
}

// backoff is the wait after the n-th consecutive failure: the interval
// doubled per failure, capped at hi, with ±20% jitter so many failing
// sources do not retry in step. A server's Retry-After wins when longer.
func backoff(interval, hi time.Duration, failures int, retryAfter time.Duration, rnd *rand.Rand) time.Duration {
	d := interval
	for i := 1; i < failures && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	jitter := 0.8 + 0.4*rnd.Float64()
	d = time.Duration(float64(d) * jitter)
	return max(d, retryAfter)
}
