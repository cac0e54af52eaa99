// Package confstore keeps configuration edited in the web UI (rules,
// sources) in a NATS KV bucket, so that every process sees the same set
// and it survives the loss of any one machine. Each save is a new revision
// of the item's key: the bucket's history is the change log (who, when,
// what), a roll-back is a save of an older body, and a save names the
// revision it was based on, so that of two officers editing the same item
// the second is told instead of silently overwriting the first.
package confstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Action says what a save did; the UI names it in the history.
type Action string

// Actions.
const (
	ActionCreate   Action = "create"
	ActionEdit     Action = "edit"
	ActionDelete   Action = "delete"
	ActionRollback Action = "rollback"
)

// Record is one revision of an item.
type Record struct {
	// ID is the item's ID (the KV key).
	ID string `json:"id"`
	// Body is the item as its consumer reads it (a rule's YAML, a
	// source's JSON); empty for a deletion.
	Body   string    `json:"body,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Action Action    `json:"action"`
	// Note is the editor's comment, if any.
	Note string `json:"note,omitempty"`
	// Deleted hides the item, also one that comes from a file.
	Deleted bool `json:"deleted,omitempty"`
	// Revision is the KV revision the record was read at (not stored).
	Revision uint64 `json:"-"`
}

// ErrConflict is returned when the item changed since the revision a save
// was based on.
var ErrConflict = errors.New("changed by someone else since it was opened")

// ErrNotFound is returned for an item or revision the store does not have.
var ErrNotFound = errors.New("not found")

// Store is one bucket of edited items.
type Store struct{ kv jetstream.KeyValue }

// New uses bucket kv.
func New(kv jetstream.KeyValue) *Store { return &Store{kv: kv} }

// Save stores r as the item's next revision. base is the revision the
// editor started from: 0 for an item that must not exist in the store
// yet. A different current revision is ErrConflict and nothing is
// written.
func (s *Store) Save(ctx context.Context, r Record, base uint64) (Record, error) {
	if r.ID == "" || r.By == "" {
		return Record{}, errors.New("confstore: a record needs an id and an author")
	}
	data, err := json.Marshal(r)
	if err != nil {
		return Record{}, fmt.Errorf("encode %s: %w", r.ID, err)
	}
	var rev uint64
	if base == 0 {
		rev, err = s.kv.Create(ctx, r.ID, data)
	} else {
		rev, err = s.kv.Update(ctx, r.ID, data, base)
	}
	switch {
	case errors.Is(err, jetstream.ErrKeyExists), isWrongSequence(err):
		return Record{}, fmt.Errorf("save %s: %w", r.ID, ErrConflict)
	case errors.Is(err, jetstream.ErrInvalidKey):
		return Record{}, fmt.Errorf("save %q: invalid id", r.ID)
	case err != nil:
		return Record{}, fmt.Errorf("save %s: %w", r.ID, err)
	}
	r.Revision = rev
	return r, nil
}

// isWrongSequence recognises the server's answer to an Update whose
// expected revision is not the last one (10071; 10164 from a replicated
// bucket).
func isWrongSequence(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant
	}
	return false
}

// Get returns the item's current record.
func (s *Store) Get(ctx context.Context, id string) (Record, error) {
	e, err := s.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return Record{}, ErrNotFound
	}
	if err != nil {
		return Record{}, fmt.Errorf("get %s: %w", id, err)
	}
	return decode(e)
}

func decode(e jetstream.KeyValueEntry) (Record, error) {
	var r Record
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return Record{}, fmt.Errorf("decode %s revision %d: %w", e.Key(), e.Revision(), err)
	}
	r.ID, r.Revision = e.Key(), e.Revision()
	return r, nil
}

// All returns every item's current record, deletions included (they hide
// items of the files), sorted by ID.
func (s *Store) All(ctx context.Context) ([]Record, error) {
	lister, err := s.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]Record, 0, len(keys))
	for _, k := range keys {
		r, err := s.Get(ctx, k)
		if errors.Is(err, ErrNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// History returns the item's revisions, newest first.
func (s *Store) History(ctx context.Context, id string) ([]Record, error) {
	entries, err := s.kv.History(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	out := make([]Record, 0, len(entries))
	for _, e := range slices.Backward(entries) {
		if e.Operation() != jetstream.KeyValuePut {
			continue
		}
		r, err := decode(e)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Revision returns the item's record at rev, from its history.
func (s *Store) Revision(ctx context.Context, id string, rev uint64) (Record, error) {
	hist, err := s.History(ctx, id)
	if err != nil {
		return Record{}, err
	}
	for _, r := range hist {
		if r.Revision == rev {
			return r, nil
		}
	}
	return Record{}, fmt.Errorf("%s revision %d: %w", id, rev, ErrNotFound)
}
