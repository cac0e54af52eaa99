// Package heavytest marks the tests that spend their time computing in one
// goroutine over a whole corpus or a large generated input: precision,
// recall, search and extraction quality, property checks. The race
// detector makes such a test some ten times slower and has no second
// goroutine to check in it, so under -race it skips, and make test runs it
// in a second pass built without the detector. The concurrency of the
// code it exercises is tested, under -race, by the tests written for that.
package heavytest

import "testing"

// WithoutRace skips t when the test binary was built with -race. Every test
// that calls it must be named in the Makefile's HEAVY_TESTS, which the
// second pass of make test runs; TestEveryHeavyTestRunsInMakeTest checks
// that no such test is left out.
func WithoutRace(t testing.TB) {
	t.Helper()
	if raceEnabled {
		t.Skip("single-goroutine heavy test: make test runs it without -race (HEAVY_TESTS in the Makefile)")
	}
}
