package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrNoSession marks a missing, expired or ended session.
var ErrNoSession = errors.New("no such session")

// Session is one signed-in browser.
type Session struct {
	User string `json:"user"`
	// CSRF is the synchronizer token every form of this session carries.
	CSRF    string    `json:"csrf"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// Sessions stores sessions in a KV bucket. The key is the SHA-256 of the
// session ID, so whoever can read the bucket still cannot use a session.
type Sessions struct {
	kv  jetstream.KeyValue
	ttl time.Duration
	now func() time.Time
}

// NewSessions returns the session store; sessions last ttl from sign-in.
// now is the clock (nil: time.Now).
func NewSessions(kv jetstream.KeyValue, ttl time.Duration, now func() time.Time) *Sessions {
	if now == nil {
		now = time.Now
	}
	return &Sessions{kv: kv, ttl: ttl, now: now}
}

func sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// Create starts a session for user and returns its ID (the cookie value).
func (s *Sessions) Create(ctx context.Context, user string) (string, *Session, error) {
	id := randomToken(32)
	now := s.now().UTC()
	sess := &Session{User: user, CSRF: randomToken(32), Created: now, Expires: now.Add(s.ttl)}
	data, err := json.Marshal(sess)
	if err != nil {
		return "", nil, err
	}
	if _, err := s.kv.Put(ctx, sessionKey(id), data); err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	return id, sess, nil
}

// Get returns the live session with this ID.
func (s *Sessions) Get(ctx context.Context, id string) (*Session, error) {
	if id == "" || len(id) > 128 {
		return nil, ErrNoSession
	}
	sess, _, err := getJSON[Session](ctx, s.kv, sessionKey(id), ErrNoSession)
	if err != nil {
		return nil, err
	}
	if !s.now().Before(sess.Expires) {
		_ = s.kv.Delete(ctx, sessionKey(id))
		return nil, ErrNoSession
	}
	return sess, nil
}

// Delete ends a session (logout).
func (s *Sessions) Delete(ctx context.Context, id string) error {
	if err := s.kv.Delete(ctx, sessionKey(id)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// DeleteUser ends every session of user, except the one with ID keep (the
// browser that changed its own password stays signed in).
func (s *Sessions) DeleteUser(ctx context.Context, user, keep string) error {
	lister, err := s.kv.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("end sessions of %s: %w", user, err)
	}
	keepKey := ""
	if keep != "" {
		keepKey = sessionKey(keep)
	}
	var errs []error
	for k := range lister.Keys() {
		if k == keepKey {
			continue
		}
		e, err := s.kv.Get(ctx, k)
		if err != nil {
			continue
		}
		var sess Session
		if json.Unmarshal(e.Value(), &sess) == nil && sess.User == user {
			if err := s.kv.Delete(ctx, k); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("end sessions of %s: %w", user, errors.Join(errs...))
	}
	return nil
}
