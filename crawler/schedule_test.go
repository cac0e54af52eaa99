package crawler

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/presswatch/presswatch/config"
)

func TestBounds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src          config.Source
		init, lo, hi time.Duration
	}{
		{config.Source{}, 5 * time.Minute, 75 * time.Second, 30 * time.Minute},
		{config.Source{Interval: config.Duration(time.Minute)}, time.Minute, 15 * time.Second, 6 * time.Minute},
		{config.Source{Interval: config.Duration(time.Hour), MinInterval: config.Duration(time.Minute), MaxInterval: config.Duration(10 * time.Minute)},
			10 * time.Minute, time.Minute, 10 * time.Minute},
	}
	for _, c := range cases {
		i, lo, hi := bounds(c.src)
		if i != c.init || lo != c.lo || hi != c.hi {
			t.Errorf("bounds(%+v) = %v %v %v, want %v %v %v", c.src, i, lo, hi, c.init, c.lo, c.hi)
		}
	}
}

func TestAdapt(t *testing.T) {
	t.Parallel()
	const lo, hi = time.Minute, time.Hour
	cases := []struct {
		cur           time.Duration
		listed, fresh int
		want          time.Duration
	}{
		{10 * time.Minute, 20, 0, 15 * time.Minute}, // nothing new: slower
		{10 * time.Minute, 20, 5, 10 * time.Minute}, // a quarter new: same pace
		{10 * time.Minute, 20, 10, 5 * time.Minute}, // half new: twice as often
		{10 * time.Minute, 20, 20, 5 * time.Minute}, // all new: capped at twice
		{50 * time.Minute, 20, 0, time.Hour},        // never beyond hi
		{90 * time.Second, 10, 10, time.Minute},     // never below lo
		{10 * time.Minute, 0, 0, 15 * time.Minute},  // empty feed: slower
	}
	for _, c := range cases {
		if got := adapt(c.cur, lo, hi, c.listed, c.fresh); got != c.want {
			t.Errorf("adapt(%v, %d/%d) = %v, want %v", c.cur, c.fresh, c.listed, got, c.want)
		}
	}
}

func TestBackoffGrowsCapsAndHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 2))
	prevMax := time.Duration(0)
	for f := 1; f <= 4; f++ {
		d := backoff(time.Minute, time.Hour, f, 0, rnd)
		base := time.Minute << (f - 1)
		if d < time.Duration(0.8*float64(base)) || d > time.Duration(1.2*float64(base)) {
			t.Errorf("failure %d: %v not within ±20%% of %v", f, d, base)
		}
		prevMax = max(prevMax, d)
	}
	if d := backoff(time.Minute, time.Hour, 30, 0, rnd); d > time.Duration(1.2*float64(time.Hour)) {
		t.Errorf("30 failures: %v exceeds the cap", d)
	}
	if d := backoff(time.Minute, time.Hour, 1, 3*time.Hour, rnd); d != 3*time.Hour {
		t.Errorf("Retry-After not honoured: %v", d)
	}
}
