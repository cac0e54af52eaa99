package indexer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/presswatch/presswatch/internal/retry"
)

// ErrReplicaTaken is returned when another live indexer holds the replica
// name.
var ErrReplicaTaken = errors.New("indexer replica name in use")

// Lease is this process's claim on an indexer replica name. Two indexers
// with one name would share one durable consumer, each indexing part of
// the stream into its own index, and a search would answer from either
// half; the lease refuses the second one.
type Lease struct {
	kv      jetstream.KeyValue
	replica string
	holder  string
	rev     uint64
	cancel  context.CancelFunc
	done    chan struct{}

	mu   sync.Mutex
	lost error
}

// ClaimReplica takes the lease on replica in kv (a bucket whose TTL is
// ttl) and renews it every ttl/3 until Release. A lease left by a killed
// process lapses within ttl, so ClaimReplica waits up to ttl plus a
// margin before giving up on a name that stays taken, and gives up as
// soon as it sees the holder renew it twice.
func ClaimReplica(ctx context.Context, kv jetstream.KeyValue, replica string, ttl time.Duration) (*Lease, error) {
	host, _ := os.Hostname()
	var nonce [6]byte
	_, _ = rand.Read(nonce[:])
	holder := fmt.Sprintf("%s pid %d (%s)", host, os.Getpid(), hex.EncodeToString(nonce[:]))
	deadline := time.Now().Add(ttl + ttl/3)
	var heldAt uint64 // the lease's revision when first found taken
	renewals := 0     // the holder's renewals seen since
	for {
		rev, err := kv.Create(ctx, replica, []byte(holder))
		if err == nil {
			l := &Lease{kv: kv, replica: replica, holder: holder, rev: rev, done: make(chan struct{})}
			var rctx context.Context
			rctx, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
			go l.renew(rctx, ttl/3)
			return l, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			return nil, fmt.Errorf("claim indexer replica %q: %w", replica, err)
		}
		other := "another process"
		if e, gerr := kv.Get(ctx, replica); gerr == nil {
			other = string(e.Value())
			if heldAt != 0 && e.Revision() != heldAt {
				renewals++
			}
			heldAt = e.Revision()
		}
		// A holder seen renewing twice (every ttl/3) runs on: no need to
		// wait for its lease to lapse. Once is not enough: a holder may
		// renew and then crash, or renew while it stops and releases.
		alive := renewals >= 2
		if alive || time.Now().After(deadline) {
			how := "and did not let it lapse"
			if alive {
				how = "and renewed it while this indexer waited"
			}
			return nil, fmt.Errorf("indexer replica %q is held by %s %s: %w; give every indexer its own indexer.replica (PRESSWATCH_INDEXER_REPLICA)", replica, other, how, ErrReplicaTaken)
		}
		if !retry.Sleep(ctx, time.Second) {
			return nil, ctx.Err()
		}
	}
}

func (l *Lease) renew(ctx context.Context, every time.Duration) {
	defer close(l.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rev, err := l.kv.Update(ctx, l.replica, []byte(l.holder), l.rev)
		if err == nil {
			l.rev = rev
			l.setLost(nil)
			continue
		}
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyNotFound) {
			// Someone else holds it now (our lease lapsed during a long
			// pause): two indexers share the name; say so until restart.
			l.setLost(fmt.Errorf("indexer replica %q: lease lost to another process: %w", l.replica, ErrReplicaTaken))
			return
		}
		// NATS unreachable: keep trying; the lease may lapse meanwhile.
		l.setLost(fmt.Errorf("indexer replica %q: renew lease: %w", l.replica, err))
	}
}

func (l *Lease) setLost(err error) {
	l.mu.Lock()
	l.lost = err
	l.mu.Unlock()
}

// Err is nil while the lease is held.
func (l *Lease) Err() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// Release stops renewing and frees the name for the next indexer.
func (l *Lease) Release(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.cancel()
	<-l.done
	err := l.kv.Delete(ctx, l.replica, jetstream.LastRevision(l.rev))
	if err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("release indexer replica %q: %w", l.replica, err)
	}
	return nil
}

// caughtUpFile marks an index that has once caught up with the stream;
// it answers searches from its next start on, before catching up again.
const caughtUpFile = "CAUGHT_UP"

// HasCaughtUp reports whether the index has once caught up with the
// stream (see WaitCaughtUp).
func (x *Index) HasCaughtUp() bool {
	_, err := os.Stat(filepath.Join(x.dir, caughtUpFile))
	return err == nil
}

// MarkCaughtUp records that the index has caught up.
func (x *Index) MarkCaughtUp() error { return markCaughtUp(x.dir) }

func markCaughtUp(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, caughtUpFile), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o640); err != nil {
		return fmt.Errorf("mark index caught up: %w", err)
	}
	return nil
}

// WaitCaughtUp returns once the replica's consumer has nothing pending or
// unacknowledged, checking every interval: until then the replica's index
// lacks articles the others have, and it must not answer searches.
func WaitCaughtUp(ctx context.Context, js jetstream.JetStream, stream, consumer string, every time.Duration) error {
	for {
		c, err := js.Consumer(ctx, stream, consumer)
		if err == nil {
			var info *jetstream.ConsumerInfo
			if info, err = c.Info(ctx); err == nil && info.NumPending == 0 && info.NumAckPending == 0 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}
