package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/internal/retry"
)

// view holds the alerts bucket in memory, kept current by a watch
// (Store.Follow), so that the inbox and the dashboard read memory instead
// of every record of a bucket that only grows. It answers only once it
// has seen every write made before the question (see current), so a page
// shown after an action shows the action, whichever process made it.
type view struct {
	mu     sync.Mutex
	ready  bool              // the watch has delivered every record
	seq    uint64            // the newest revision seen
	alerts map[string]*Alert // by ID; never changed once stored
	// changed is closed and replaced whenever seq moves.
	changed chan struct{}
}

func newView() *view { return &view{changed: make(chan struct{})} }

// reset starts over: not ready until a new watch has delivered all.
func (v *view) reset() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.ready, v.seq, v.alerts = false, 0, nil
}

// load installs the records a new watch delivered up to seq.
func (v *view) load(all map[string]*Alert, seq uint64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.ready, v.alerts = true, all
	v.advance(seq)
}

// apply records one update of a ready view.
func (v *view) apply(e jetstream.KeyValueEntry, al *Alert) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if al == nil {
		delete(v.alerts, e.Key())
	} else {
		v.alerts[e.Key()] = al
	}
	v.advance(e.Revision())
}

func (v *view) advance(seq uint64) {
	if seq > v.seq {
		v.seq = seq
		close(v.changed)
		v.changed = make(chan struct{})
	}
}

// maxViewWait bounds how long a list waits for the watch to catch up with
// the bucket before it reads the bucket itself.
const maxViewWait = time.Second

// current returns the alerts o selects, once the view holds every write
// the bucket had when it was asked (its stream's last sequence); false
// when the view is not ready or does not catch up in time, and the caller
// reads the bucket instead.
func (v *view) current(ctx context.Context, kv jetstream.KeyValue, o ListOptions) ([]*Alert, bool) {
	v.mu.Lock()
	ready := v.ready
	v.mu.Unlock()
	if !ready {
		return nil, false
	}
	st, err := kv.Status(ctx)
	if err != nil {
		return nil, false
	}
	bs, ok := st.(*jetstream.KeyValueBucketStatus)
	if !ok {
		return nil, false
	}
	last := bs.StreamInfo().State.LastSeq
	timeout := time.NewTimer(maxViewWait)
	defer timeout.Stop()
	for {
		v.mu.Lock()
		if !v.ready {
			v.mu.Unlock()
			return nil, false
		}
		if v.seq >= last {
			var out []*Alert
			for _, al := range v.alerts {
				if o.keep(al) {
					out = append(out, al)
				}
			}
			v.mu.Unlock()
			return copies(newestFirst(out, o.Limit)), true
		}
		changed := v.changed
		v.mu.Unlock()
		select {
		case <-changed:
		case <-timeout.C:
			return nil, false
		case <-ctx.Done():
			return nil, false
		}
	}
}

// copies returns shallow copies, so that a caller that changes an alert
// does not change the view.
func copies(list []*Alert) []*Alert {
	out := make([]*Alert, len(list))
	for i, al := range list {
		c := *al
		out[i] = &c
	}
	return out
}

// Follow keeps the store's in-memory view of the alerts current until ctx
// ends, restarting the watch (after a pause) when it fails. Until it has
// read the bucket once, and while it restarts, List reads the bucket.
func (s *Store) Follow(ctx context.Context, log *slog.Logger) {
	pace := retry.NewPacer(500*time.Millisecond, 15*time.Second, 30*time.Second)
	for ctx.Err() == nil {
		start := time.Now()
		err := s.follow(ctx)
		s.view.reset()
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) > time.Minute {
			pace.OK() // it ran for a while: a new outage starts short
		}
		pace.Failed(ctx, log, "alert view: watch failed; lists read the bucket until it restarts", err)
	}
}

func (s *Store) follow(ctx context.Context) error {
	// The stream's last sequence now: the watch delivers every record up
	// to it, though the message that carried it may be gone (a purged
	// delete marker), so the view counts as having seen it once loaded.
	st, err := s.alerts.Status(ctx)
	if err != nil {
		return fmt.Errorf("status of %s: %w", s.alerts.Bucket(), err)
	}
	var seq uint64
	if bs, ok := st.(*jetstream.KeyValueBucketStatus); ok {
		seq = bs.StreamInfo().State.LastSeq
	}
	w, err := s.alerts.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("watch %s: %w", s.alerts.Bucket(), err)
	}
	defer func() { _ = w.Stop() }()
	initial := map[string]*Alert{}
	loaded := false
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e, ok := <-w.Updates():
			if !ok {
				return errors.New("watch closed")
			}
			if e == nil { // every current record has been delivered
				s.view.load(initial, seq)
				loaded = true
				continue
			}
			var al *Alert
			if e.Operation() == jetstream.KeyValuePut {
				al = new(Alert)
				if json.Unmarshal(e.Value(), al) != nil {
					al = nil // a record no version of this code wrote: not ours to show
				}
			}
			if loaded {
				s.view.apply(e, al)
				continue
			}
			if al == nil {
				delete(initial, e.Key())
			} else {
				initial[e.Key()] = al
			}
			seq = max(seq, e.Revision())
		}
	}
}
