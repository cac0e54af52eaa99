package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrNoToken marks an unknown or revoked API token.
var ErrNoToken = errors.New("no such token")

// APIToken is a token made in the UI. Only the SHA-256 of its value is
// stored; the value is shown once, when it is made.
type APIToken struct {
	ID        string    `json:"id"` // hex SHA-256 of the value
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedBy string    `json:"created_by"`
	Created   time.Time `json:"created"`
}

// Tokens stores API tokens in a KV bucket keyed by their hash.
type Tokens struct{ kv jetstream.KeyValue }

// NewTokens returns the token store over kv.
func NewTokens(kv jetstream.KeyValue) *Tokens { return &Tokens{kv: kv} }

// HashToken is the key a token value is stored and looked up under.
func HashToken(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

// Create makes a token and returns its value, which is not kept.
func (t *Tokens) Create(ctx context.Context, name, role, by string) (string, *APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return "", nil, errors.New("token name: 1 to 64 characters")
	}
	if err := CheckRole(role); err != nil {
		return "", nil, err
	}
	value := "pw_" + randomToken(32)
	tok := &APIToken{ID: HashToken(value), Name: name, Role: role, CreatedBy: by, Created: time.Now().UTC()}
	data, err := json.Marshal(tok)
	if err != nil {
		return "", nil, err
	}
	if _, err := t.kv.Create(ctx, tok.ID, data); err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	return value, tok, nil
}

// Put stores a token with a chosen value (the demo's PRESSWATCH_DEMO_TOKEN).
func (t *Tokens) Put(ctx context.Context, value, name, role, by string) (*APIToken, error) {
	if err := CheckRole(role); err != nil {
		return nil, err
	}
	tok := &APIToken{ID: HashToken(value), Name: name, Role: role, CreatedBy: by, Created: time.Now().UTC()}
	data, err := json.Marshal(tok)
	if err != nil {
		return nil, err
	}
	if _, err := t.kv.Put(ctx, tok.ID, data); err != nil {
		return nil, fmt.Errorf("store token: %w", err)
	}
	return tok, nil
}

// Lookup returns the token with this value.
func (t *Tokens) Lookup(ctx context.Context, value string) (*APIToken, error) {
	return t.get(ctx, HashToken(value))
}

func (t *Tokens) get(ctx context.Context, id string) (*APIToken, error) {
	if len(id) != sha256.Size*2 {
		return nil, ErrNoToken
	}
	tok, _, err := getJSON[APIToken](ctx, t.kv, id, ErrNoToken)
	return tok, err
}

// List returns every token, newest first.
func (t *Tokens) List(ctx context.Context) ([]*APIToken, error) {
	lister, err := t.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	var out []*APIToken
	for k := range lister.Keys() {
		if tok, err := t.get(ctx, k); err == nil {
			out = append(out, tok)
		}
	}
	slices.SortFunc(out, func(a, b *APIToken) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// Revoke deletes the token with this ID and returns what it was.
func (t *Tokens) Revoke(ctx context.Context, id string) (*APIToken, error) {
	tok, err := t.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := t.kv.Delete(ctx, id); err != nil {
		return nil, fmt.Errorf("revoke token: %w", err)
	}
	return tok, nil
}
