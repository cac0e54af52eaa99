// Package storagehealth tracks whether this process can still write what
// it must keep: every component that persists (the crawler's evidence and
// publishes, the indexer's batches) reports the outcome of its writes.
// While the latest write of any component failed, readiness is false with
// the reason; the next successful write clears it, so a disk that fills up
// and is freed again recovers without a restart.
package storagehealth

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Tracker holds the write state of each component. A nil *Tracker
// accepts reports and is always healthy, so components run without one.
type Tracker struct {
	now     func() time.Time
	mu      sync.Mutex
	failing map[string]failure
	errs    *prometheus.CounterVec
	state   *prometheus.GaugeVec
}

type failure struct {
	since time.Time
	err   error
}

// New registers the tracker's metrics with reg.
func New(reg prometheus.Registerer) (*Tracker, error) {
	t := &Tracker{
		now:     time.Now,
		failing: map[string]failure{},
		errs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "storage", Name: "write_errors_total",
			Help: "Failed writes of data that must be kept (evidence, articles, index batches), by component and cause (no_space, io, other).",
		}, []string{"component", "cause"}),
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "presswatch", Subsystem: "storage", Name: "write_failing",
			Help: "1 while the latest write of the component failed (the process reports not ready), else 0.",
		}, []string{"component"}),
	}
	for _, c := range []prometheus.Collector{t.errs, t.state} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register storage metrics: %w", err)
		}
	}
	return t, nil
}

// Report records the outcome of one write by component: nil clears a
// failure, an error starts (or continues) one.
func (t *Tracker) Report(component string, err error) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err == nil {
		if _, ok := t.failing[component]; ok {
			delete(t.failing, component)
			t.state.WithLabelValues(component).Set(0)
		}
		return
	}
	t.errs.WithLabelValues(component, Cause(err)).Inc()
	f, ok := t.failing[component]
	if !ok {
		f.since = t.now()
	}
	f.err = err
	t.failing[component] = f
	t.state.WithLabelValues(component).Set(1)
}

// Err is nil while every component's latest write succeeded; otherwise it
// names each failing component, since when, and its latest error.
func (t *Tracker) Err() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.failing) == 0 {
		return nil
	}
	names := make([]string, 0, len(t.failing))
	for n := range t.failing {
		names = append(names, n)
	}
	sort.Strings(names)
	errs := make([]error, 0, len(names))
	for _, n := range names {
		f := t.failing[n]
		errs = append(errs, fmt.Errorf("storage: %s writes failing since %s: %w", n, f.since.UTC().Format(time.RFC3339), f.err))
	}
	return errors.Join(errs...)
}

// Cause sorts a write error for the metric: no_space (ENOSPC, EDQUOT, or
// JetStream's "insufficient resources"), io (EIO, EROFS), else other.
func Cause(err error) string {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), isInsufficientResources(err):
		return "no_space"
	case errors.Is(err, syscall.EIO), errors.Is(err, syscall.EROFS):
		return "io"
	}
	return "other"
}

// isInsufficientResources matches JetStream's refusal when its store is
// full (API error 10023), which reaches clients as text only.
func isInsufficientResources(err error) bool {
	return strings.Contains(err.Error(), "insufficient resources")
}
