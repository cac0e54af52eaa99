package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Roles a user or token may have, each allowed what the one before it is.
const (
	RoleViewer  = "viewer"
	RoleOfficer = "officer"
	// RoleLead sees and acts on every department's incidents.
	RoleLead  = "lead"
	RoleAdmin = "admin"
)

// Roles lists the role names in order.
func Roles() []string { return []string{RoleViewer, RoleOfficer, RoleLead, RoleAdmin} }

// Errors callers tell apart.
var (
	ErrNoUser         = errors.New("no such user")
	ErrUserExists     = errors.New("user already exists")
	ErrBadCredentials = errors.New("wrong user name or password")
)

// User is one local account.
type User struct {
	Name string `json:"name"`
	Role string `json:"role"`
	Hash string `json:"hash"`
	Lang string `json:"lang,omitempty"` // "vi", "en" or empty (follow the browser)
	// Departments the user belongs to (department IDs of
	// alerts.departments): an officer handles their incidents.
	Departments []string  `json:"departments,omitempty"`
	Disabled    bool      `json:"disabled,omitempty"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

// Users stores accounts in a KV bucket keyed by name.
type Users struct {
	kv   jetstream.KeyValue
	cost HashCost
	// dummy is hashed against when the user does not exist, so a login's
	// duration does not tell whether the name is real. Made on first use:
	// every process has a Users, few see a login.
	dummy func() string
}

// NewUsers returns the account store over kv, hashing new passwords at
// cost (the zero value: the production cost).
func NewUsers(kv jetstream.KeyValue, cost HashCost) *Users {
	return &Users{kv: kv, cost: cost, dummy: sync.OnceValue(func() string {
		h, _ := cost.hash(randomToken(16))
		return h
	})}
}

// CheckName says what is wrong with a user name, or nil. Names are KV keys
// and appear in audit records, so they are kept plain.
func CheckName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("user name: 1 to 64 characters, got %d", len(name))
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || i > 0 && (r == '.' || r == '-' || r == '_')
		if !ok {
			return fmt.Errorf("user name %q: use lower-case letters, digits, and . - _ after the first character", name)
		}
	}
	return nil
}

// CheckRole says what is wrong with a role name, or nil.
func CheckRole(role string) error {
	if !slices.Contains(Roles(), role) {
		return fmt.Errorf("unknown role %q (want viewer, officer, lead or admin)", role)
	}
	return nil
}

// Get returns the named user.
func (u *Users) Get(ctx context.Context, name string) (*User, error) {
	if CheckName(name) != nil {
		return nil, ErrNoUser
	}
	usr, _, err := getJSON[User](ctx, u.kv, name, ErrNoUser)
	return usr, err
}

// Add creates a user; it fails with ErrUserExists when the name is taken.
func (u *Users) Add(ctx context.Context, name, role, password string) (*User, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if err := CheckRole(role); err != nil {
		return nil, err
	}
	if err := CheckPassword(password); err != nil {
		return nil, err
	}
	hash, err := u.cost.hash(password)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	usr := &User{Name: name, Role: role, Hash: hash, Created: now, Updated: now}
	data, err := json.Marshal(usr)
	if err != nil {
		return nil, err
	}
	if _, err := u.kv.Create(ctx, name, data); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return nil, fmt.Errorf("%w: %s", ErrUserExists, name)
		}
		return nil, fmt.Errorf("add user %s: %w", name, err)
	}
	return usr, nil
}

// Update applies change to the stored user, retrying when another process
// wrote in between.
func (u *Users) Update(ctx context.Context, name string, change func(*User) error) (*User, error) {
	for range 5 {
		usr, rev, err := getJSON[User](ctx, u.kv, name, ErrNoUser)
		if err != nil {
			return nil, err
		}
		if err := change(usr); err != nil {
			return nil, err
		}
		usr.Updated = time.Now().UTC()
		data, err := json.Marshal(usr)
		if err != nil {
			return nil, err
		}
		if _, err := u.kv.Update(ctx, name, data, rev); err == nil {
			return usr, nil
		} else if !errors.Is(err, jetstream.ErrKeyExists) && !strings.Contains(err.Error(), "wrong last sequence") {
			return nil, fmt.Errorf("update user %s: %w", name, err)
		}
	}
	return nil, fmt.Errorf("update user %s: too many concurrent changes", name)
}

// SetPassword replaces a user's password.
func (u *Users) SetPassword(ctx context.Context, name, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := u.cost.hash(password)
	if err != nil {
		return err
	}
	_, err = u.Update(ctx, name, func(usr *User) error { usr.Hash = hash; return nil })
	return err
}

// List returns every user, by name.
func (u *Users) List(ctx context.Context) ([]*User, error) {
	lister, err := u.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var out []*User
	for k := range lister.Keys() {
		usr, err := u.Get(ctx, k)
		if errors.Is(err, ErrNoUser) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, usr)
	}
	slices.SortFunc(out, func(a, b *User) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Authenticate checks a name and password. Every failure is
// ErrBadCredentials, whichever part was wrong.
func (u *Users) Authenticate(ctx context.Context, name, password string) (*User, error) {
	if len(password) > MaxPasswordLen {
		return nil, ErrBadCredentials
	}
	usr, err := u.Get(ctx, name)
	if errors.Is(err, ErrNoUser) {
		_, _ = VerifyPassword(u.dummy(), password)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, err := VerifyPassword(usr.Hash, password)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	if !ok || usr.Disabled {
		return nil, ErrBadCredentials
	}
	return usr, nil
}
