package crawler

import (
	"context"
	"strings"
	"time"

	"github.com/presswatch/presswatch/sourcehealth"

	"github.com/nats-io/nats.go/jetstream"
)

// PauseSource stops polling a source until it is resumed, recording who
// paused it and why; every crawler process honours the shared flag.
func PauseSource(ctx context.Context, kv jetstream.KeyValue, id, by, reason string) error {
	reason = strings.TrimSpace(reason)
	if len(reason) > 200 {
		reason = reason[:200]
	}
	note := "paused by " + by
	if reason != "" {
		note += ": " + reason
	}
	_, err := sourcehealth.Store{KV: kv}.Update(ctx, id, func(h *sourcehealth.Health) error {
		h.Paused, h.PausedReason, h.PausedAt = true, note, time.Now().UTC()
		return nil
	})
	return err
}
