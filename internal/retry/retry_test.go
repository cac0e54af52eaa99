package retry

import (
	"testing"
	"time"
)

func TestBackoffGrowsWithinBoundsAndResets(t *testing.T) {
	b := Backoff{Min: 10 * time.Millisecond, Max: 80 * time.Millisecond}
	ceilings := []time.Duration{10, 20, 40, 80, 80, 80}
	for i, c := range ceilings {
		c *= time.Millisecond
		for range 50 {
			bb := b
			bb.failures = i
			d := bb.Next()
			if d < c/2 || d > c {
				t.Fatalf("failure %d: wait %s outside [%s, %s]", i, d, c/2, c)
			}
		}
	}
	for range 40 {
		b.Next()
	}
	if d := b.Next(); d > 80*time.Millisecond {
		t.Fatalf("after many failures: %s exceeds Max", d)
	}
	b.Reset()
	if d := b.Next(); d > 10*time.Millisecond {
		t.Fatalf("after Reset: %s, want at most Min", d)
	}
}

// Processes that fail together must not retry together.
func TestBackoffSpreadsProcessesApart(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 20 {
		b := Backoff{Min: time.Second, Max: time.Minute}
		b.Next()
		b.Next()
		seen[b.Next()] = true
	}
	if len(seen) < 10 {
		t.Fatalf("20 back-offs gave only %d distinct waits", len(seen))
	}
}

func TestZeroBackoffNeverSpins(t *testing.T) {
	var b Backoff
	if d := b.Next(); d < 50*time.Millisecond {
		t.Fatalf("zero Backoff waits %s: a loop on it would spin", d)
	}
}

func TestJitterShortensByAtMostAQuarter(t *testing.T) {
	for range 100 {
		if d := Jitter(time.Minute); d < 45*time.Second || d > time.Minute {
			t.Fatalf("Jitter(1m) = %s", d)
		}
	}
	if Jitter(0) != 0 {
		t.Fatal("Jitter(0) must stay 0")
	}
}

func TestEveryLetsOneThroughPerIntervalAndCountsTheRest(t *testing.T) {
	now := time.Unix(0, 0)
	e := Every{Interval: 10 * time.Second, Now: func() time.Time { return now }}
	if ok, _ := e.Allow(); !ok {
		t.Fatal("first event held back")
	}
	for range 25 {
		now = now.Add(100 * time.Millisecond)
		if ok, _ := e.Allow(); ok {
			t.Fatal("event let through inside the interval")
		}
	}
	now = now.Add(10 * time.Second)
	ok, n := e.Allow()
	if !ok || n != 25 {
		t.Fatalf("after the interval: ok=%v suppressed=%d, want true 25", ok, n)
	}
}
