package storagehealth

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestFailureIsReportedUntilTheNextSuccessfulWrite(t *testing.T) {
	reg := prometheus.NewRegistry()
	tr, err := New(reg)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Err(); err != nil {
		t.Fatalf("fresh tracker: %v", err)
	}
	full := &fs.PathError{Op: "write", Path: "/data/index/x.zap", Err: syscall.ENOSPC}
	tr.Report("indexer", full)
	tr.Report("crawler", nil)
	tr.Report("indexer", fmt.Errorf("commit batch: %w", full))
	err = tr.Err()
	if err == nil || !strings.Contains(err.Error(), "storage: indexer writes failing since") || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Err = %v, want the indexer's no-space failure", err)
	}
	if n := testutil.ToFloat64(tr.errs.WithLabelValues("indexer", "no_space")); n != 2 {
		t.Errorf("no_space errors = %v, want 2", n)
	}
	if n := testutil.ToFloat64(tr.state.WithLabelValues("indexer")); n != 1 {
		t.Errorf("write_failing = %v, want 1", n)
	}
	tr.Report("indexer", nil)
	if err := tr.Err(); err != nil {
		t.Errorf("after a good write: %v", err)
	}
	if n := testutil.ToFloat64(tr.state.WithLabelValues("indexer")); n != 0 {
		t.Errorf("write_failing after recovery = %v, want 0", n)
	}
	var none *Tracker
	none.Report("x", full)
	if none.Err() != nil {
		t.Error("a nil tracker reported a failure")
	}
}

func TestCause(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "write", Path: "f", Err: syscall.ENOSPC}, "no_space"},
		{fmt.Errorf("put: %w", syscall.EDQUOT), "no_space"},
		{errors.New("nats: insufficient resources"), "no_space"},
		{&fs.PathError{Op: "open", Path: "f", Err: syscall.EROFS}, "io"},
		{errors.New("timeout"), "other"},
	} {
		if got := Cause(tt.err); got != tt.want {
			t.Errorf("Cause(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}
