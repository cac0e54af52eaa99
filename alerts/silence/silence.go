// Package silence keeps silences, which mute the notifications of alerts
// that match them for a time, in NATS KV so that every alert process sees
// the same set.
package silence

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/alerts/route"
)

// Silence mutes alerts matching all its matchers between Starts and Ends.
// Alerts are still raised and listed; only their notifications wait.
type Silence struct {
	ID        string    `json:"id"`
	Matchers  []string  `json:"matchers"`
	Starts    time.Time `json:"starts"`
	Ends      time.Time `json:"ends"`
	CreatedBy string    `json:"created_by"`
	Comment   string    `json:"comment"`
	Created   time.Time `json:"created"`
	// ExpiredBy is set when someone ended the silence early.
	ExpiredBy string `json:"expired_by,omitempty"`

	parsed []route.Matcher
}

// ErrNotFound is returned for an unknown silence ID.
var ErrNotFound = errors.New("no such silence")

// InputError is a silence that cannot be stored as given.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Validate checks s and compiles its matchers.
func (s *Silence) Validate() error {
	if len(s.Matchers) == 0 {
		return &InputError{"matchers: at least one is needed (a silence of everything would hide every alert)"}
	}
	s.parsed = s.parsed[:0]
	for i, ms := range s.Matchers {
		m, err := route.ParseMatcher(ms)
		if err != nil {
			return &InputError{fmt.Sprintf("matchers[%d]: %v", i, err)}
		}
		s.parsed = append(s.parsed, m)
	}
	switch {
	case s.Ends.IsZero():
		return &InputError{"ends: must be set"}
	case !s.Ends.After(s.Starts):
		return &InputError{"ends: must be after starts"}
	case strings.TrimSpace(s.CreatedBy) == "":
		return &InputError{"created_by: must be set"}
	case strings.TrimSpace(s.Comment) == "":
		return &InputError{"comment: say why (it is shown to whoever wonders where the alerts went)"}
	}
	return nil
}

// Active reports whether s mutes at time now.
func (s *Silence) Active(now time.Time) bool { return !now.Before(s.Starts) && now.Before(s.Ends) }

// Matches reports whether s covers an alert with attributes a.
func (s *Silence) Matches(a route.Attrs) bool {
	if len(s.parsed) != len(s.Matchers) {
		if s.Validate() != nil {
			return false
		}
	}
	for _, m := range s.parsed {
		if !m.Matches(a) {
			return false
		}
	}
	return true
}

// Store keeps silences in a KV bucket.
type Store struct{ kv jetstream.KeyValue }

// NewStore uses bucket kv.
func NewStore(kv jetstream.KeyValue) *Store { return &Store{kv: kv} }

// Create validates and stores s, giving it an ID; a zero Starts means now.
func (st *Store) Create(ctx context.Context, s Silence, now time.Time) (*Silence, error) {
	if s.Starts.IsZero() {
		s.Starts = now
	}
	s.Created = now
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if !s.Ends.After(now) {
		return nil, &InputError{"ends: must be in the future"}
	}
	if s.ID == "" {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		s.ID = hex.EncodeToString(b)
	}
	data, err := json.Marshal(&s)
	if err != nil {
		return nil, fmt.Errorf("encode silence: %w", err)
	}
	if _, err := st.kv.Create(ctx, s.ID, data); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			// A static silence from the configuration, already stored.
			return st.Get(ctx, s.ID)
		}
		return nil, fmt.Errorf("store silence: %w", err)
	}
	return &s, nil
}

// Get returns one silence.
func (st *Store) Get(ctx context.Context, id string) (*Silence, error) {
	s, _, err := st.read(ctx, id)
	return s, err
}

func (st *Store) read(ctx context.Context, id string) (*Silence, uint64, error) {
	e, err := st.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("get silence %s: %w", id, err)
	}
	var s Silence
	if err := json.Unmarshal(e.Value(), &s); err != nil {
		return nil, 0, fmt.Errorf("decode silence %s: %w", id, err)
	}
	_ = s.Validate()
	return &s, e.Revision(), nil
}

// List returns every silence, newest first.
func (st *Store) List(ctx context.Context) ([]*Silence, error) {
	lister, err := st.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list silences: %w", err)
	}
	var out []*Silence
	for k := range lister.Keys() {
		s, err := st.Get(ctx, k)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Silence) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// Active returns the silences muting at now.
func (st *Store) Active(ctx context.Context, now time.Time) ([]*Silence, error) {
	all, err := st.List(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(s *Silence) bool { return !s.Active(now) }), nil
}

// Expire ends a silence now; expiring an ended one changes nothing.
func (st *Store) Expire(ctx context.Context, id, by string, now time.Time) (*Silence, error) {
	for range 10 {
		s, rev, err := st.read(ctx, id)
		if err != nil {
			return nil, err
		}
		if !s.Ends.After(now) {
			return s, nil
		}
		s.Ends, s.ExpiredBy = now, by
		if s.Starts.After(now) {
			s.Starts = now
		}
		data, _ := json.Marshal(s)
		if _, err := st.kv.Update(ctx, id, data, rev); err == nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("expire silence %s: too many concurrent changes", id)
}

// Muted reports the first silence in list covering a, or nil.
func Muted(list []*Silence, a route.Attrs, now time.Time) *Silence {
	for _, s := range list {
		if s.Active(now) && s.Matches(a) {
			return s
		}
	}
	return nil
}
