package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Submission states.
const (
	SubmissionQueued   = "queued"
	SubmissionRetrying = "retrying"
	SubmissionFetched  = "fetched"
	SubmissionFailed   = "failed"
)

// SubmissionStatus is what became of a link an officer submitted, kept
// in KV (bus.BucketSubmissions, key: the article ID) so that any web
// process can show it.
type SubmissionStatus struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	SubmittedBy string    `json:"submitted_by,omitempty"`
	Submitted   time.Time `json:"submitted"`
	State       string    `json:"state"`
	// Error says why it failed, or why it is being retried.
	Error   string    `json:"error,omitempty"`
	Updated time.Time `json:"updated"`
}

// ErrNoSubmission is returned for an ID nobody submitted (or whose record
// expired).
var ErrNoSubmission = errors.New("no such submission")

// RecordSubmission writes st; a record is small and last-writer-wins is
// right here, since states only move forward in time.
func RecordSubmission(ctx context.Context, kv jetstream.KeyValue, st SubmissionStatus) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode submission: %w", err)
	}
	if _, err := kv.Put(ctx, st.ID, data); err != nil {
		return fmt.Errorf("record submission %s: %w", st.ID, err)
	}
	return nil
}

// SubmissionOf reads the status of the link with article ID id.
func SubmissionOf(ctx context.Context, kv jetstream.KeyValue, id string) (*SubmissionStatus, error) {
	e, err := kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return nil, ErrNoSubmission
	}
	if err != nil {
		return nil, fmt.Errorf("submission %s: %w", id, err)
	}
	var st SubmissionStatus
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		return nil, fmt.Errorf("decode submission %s: %w", id, err)
	}
	return &st, nil
}
