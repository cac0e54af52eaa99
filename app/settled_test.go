package app

import (
	"crypto/sha256"
	"testing"
)

// A half-written file that happens to be valid must not be installed: a
// change is applied only when two reads in a row agree.
func TestSettledAppliesAChangeOnceItReadsTheSameTwice(t *testing.T) {
	sum := func(s string) [sha256.Size]byte { return sha256.Sum256([]byte(s)) }
	w := settled{active: sum("v1")}
	steps := []struct {
		read  string
		apply bool
	}{
		{"v1", false},      // unchanged
		{"v2-half", false}, // first sight of a change
		{"v2", false},      // still changing
		{"v2", true},       // settled
		{"v2", false},      // applied already
		{"v3", false},      // new change
		{"v2", false},      // reverted before it settled
		{"v2", false},      // the active content again
		{"broken", false},  // a change that will be refused
		{"broken", true},   // settled: reload it (and report why it is refused)
		{"broken", false},  // reported once, not at every check
	}
	for i, s := range steps {
		if got := w.next(sum(s.read)); got != s.apply {
			t.Errorf("step %d (%s): apply = %v, want %v", i, s.read, got, s.apply)
		}
	}
}
