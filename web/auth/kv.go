package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// getJSON reads key from kv into a T with its revision; a missing key is
// notFound.
func getJSON[T any](ctx context.Context, kv jetstream.KeyValue, key string, notFound error) (*T, uint64, error) {
	e, err := kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, notFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", kv.Bucket(), err)
	}
	var v T
	if err := json.Unmarshal(e.Value(), &v); err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", kv.Bucket(), err)
	}
	return &v, e.Revision(), nil
}
