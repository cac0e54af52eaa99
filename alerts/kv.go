package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// errNoWrite lets an update function decline to write.
var errNoWrite = errors.New("no write")

// casUpdate reads key into a fresh T, lets fn change it, and writes it back
// only if nobody wrote in between, retrying from the read otherwise. fn
// sees exists=false for a missing key; returning errNoWrite leaves the
// record alone. It returns the value as written (or as read, when fn
// declined) and whether it wrote.
func casUpdate[T any](ctx context.Context, kv jetstream.KeyValue, key string, fn func(v *T, exists bool) error) (*T, bool, error) {
	for attempt := 0; ; attempt++ {
		v := new(T)
		var rev uint64
		e, err := kv.Get(ctx, key)
		switch {
		case err == nil:
			if err := json.Unmarshal(e.Value(), v); err != nil {
				return nil, false, fmt.Errorf("decode %s: %w", key, err)
			}
			rev = e.Revision()
		case errors.Is(err, jetstream.ErrKeyNotFound):
		default:
			return nil, false, fmt.Errorf("read %s: %w", key, err)
		}
		if err := fn(v, rev != 0); err != nil {
			if errors.Is(err, errNoWrite) {
				return v, false, nil
			}
			return nil, false, err
		}
		data, err := json.Marshal(v)
		if err != nil {
			return nil, false, fmt.Errorf("encode %s: %w", key, err)
		}
		if rev == 0 {
			_, err = kv.Create(ctx, key, data)
		} else {
			_, err = kv.Update(ctx, key, data, rev)
		}
		if err == nil {
			return v, true, nil
		}
		if attempt >= 20 || !isConflict(err) {
			return nil, false, fmt.Errorf("write %s: %w", key, err)
		}
		// Another process wrote first: back off a little so two writers
		// do not collide again at once.
		time.Sleep(time.Duration(rand.IntN(5*(attempt+1))+1) * time.Millisecond)
	}
}

func isConflict(err error) bool {
	var apiErr *jetstream.APIError
	if errors.Is(err, jetstream.ErrKeyExists) {
		return true
	}
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}

// getJSON reads key into v; jetstream.ErrKeyNotFound passes through.
func getJSON(ctx context.Context, kv jetstream.KeyValue, key string, v any) error {
	e, err := kv.Get(ctx, key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(e.Value(), v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

// listJSON decodes every value of kv whose key passes keep. It reads the
// bucket as one watch of the current values, which streams them all at
// once instead of asking for each key in turn.
func listJSON[T any](ctx context.Context, kv jetstream.KeyValue, keep func(key string) bool) ([]*T, error) {
	w, err := kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", kv.Bucket(), err)
	}
	defer func() { _ = w.Stop() }()
	var out []*T
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("list %s: %w", kv.Bucket(), ctx.Err())
		case e, ok := <-w.Updates():
			if !ok {
				return out, nil
			}
			if e == nil {
				return out, nil // every current value has been delivered
			}
			if keep != nil && !keep(e.Key()) {
				continue
			}
			v := new(T)
			if json.Unmarshal(e.Value(), v) != nil {
				continue // a record no version of this code wrote: not ours to show
			}
			out = append(out, v)
		}
	}
}

// validKey keeps user-supplied keys to what NATS KV accepts.
func validKey(k string) bool {
	return k != "" && !strings.HasPrefix(k, ".") && !strings.HasSuffix(k, ".") && strings.IndexFunc(k, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-/_=.", r))
	}) < 0
}
