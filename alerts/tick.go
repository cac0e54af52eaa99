package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/alerts/silence"
)

// dueIndex mirrors the due times of the groups bucket, kept current by a
// KV watch, so a tick finds due records without reading them all.
type dueIndex struct {
	mu sync.Mutex
	m  map[string]time.Time
}

func (d *dueIndex) set(key string, t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t.IsZero() {
		delete(d.m, key)
		return
	}
	d.m[key] = t
}

func (d *dueIndex) dueBy(now time.Time) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for k, t := range d.m {
		if !t.After(now) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (s *Service) watchDue(ctx context.Context) error {
	w, err := s.groups.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("watch alert groups: %w", err)
	}
	defer func() { _ = w.Stop() }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			if !ok {
				return nil
			}
			if e == nil {
				continue // the end of the initial values
			}
			s.noteDue(e)
		}
	}
}

func (s *Service) noteDue(e jetstream.KeyValueEntry) {
	if e.Operation() != jetstream.KeyValuePut {
		s.due.set(e.Key(), time.Time{})
		return
	}
	var r struct {
		Due time.Time `json:"due"`
	}
	if json.Unmarshal(e.Value(), &r) == nil {
		s.due.set(e.Key(), r.Due)
	}
}

func (s *Service) tickLoop(ctx context.Context) error {
	t := time.NewTicker(s.o.Tick)
	defer t.Stop()
	lastSources, lastOutbox := time.Time{}, time.Time{}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("alert tick", "err", err)
		}
		if time.Since(lastOutbox) >= 15*time.Second {
			lastOutbox = time.Now()
			s.measureOutbox(ctx)
		}
		if now := s.now(); s.o.SourceSilentAfter > 0 && now.Sub(lastSources) >= time.Minute {
			lastSources = now
			if err := s.CheckSources(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("source health check", "err", err)
			}
		}
	}
}

// Tick handles every record due now: flushes groups, sends digests and
// escalates. Each record is handled on its own; one failing does not hold
// up the others.
func (s *Service) Tick(ctx context.Context) error {
	now := s.now().UTC()
	keys := s.due.dueBy(now)
	if len(keys) == 0 {
		return nil
	}
	sil, err := s.silences.Active(ctx, now)
	if err != nil {
		return err
	}
	var errs []error
	for _, key := range keys {
		if err := s.handleDue(ctx, key, now, sil); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) handleDue(ctx context.Context, key string, now time.Time, sil []*silence.Silence) error {
	rec, wrote, err := casUpdate(ctx, s.groups, key, func(r *record, exists bool) error {
		if !exists || r.Due.IsZero() || r.Due.After(now) {
			return errNoWrite
		}
		if len(r.Outbox) > 0 {
			return errNoWrite // decided before; publish below
		}
		var err error
		switch r.Kind {
		case recGroup:
			err = s.flushGroup(ctx, r, now, sil)
		case recDigest:
			err = s.flushDigest(r, now)
		case recEscalation:
			err = s.fireEscalation(ctx, r, now)
		case recResponse:
			err = s.fireResponse(ctx, r, now)
		default:
			r.Due = time.Time{}
		}
		return err
	})
	if err != nil {
		return err
	}
	if rec != nil && rec.Kind == recResponse && len(rec.Outbox) == 0 && rec.Due.IsZero() {
		_ = s.groups.Delete(ctx, key) // nobody had been notified
	}
	if rec == nil || len(rec.Outbox) == 0 {
		return nil
	}
	if !wrote {
		s.log.Info("publishing notifications decided before a restart", "record", key, "count", len(rec.Outbox))
	}
	return s.publishOutbox(ctx, key, rec)
}
