package wait

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestPollReturnsOnceTheConditionHolds(t *testing.T) {
	var calls atomic.Int32
	err := Poll(5*time.Second, func() error {
		if calls.Add(1) < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil || calls.Load() != 3 {
		t.Fatalf("err %v after %d calls, want nil after 3", err, calls.Load())
	}
}

func TestPollGivesTheLastErrorAtTheTimeout(t *testing.T) {
	n := 0
	err := Poll(50*time.Millisecond, func() error { n++; return errors.New("still down") })
	if err == nil || err.Error() != "still down" || n < 2 {
		t.Fatalf("err %v after %d calls, want the last error after several", err, n)
	}
}
