// Package auth keeps the web UI's accounts, sessions, API tokens, login
// lock-out and audit log, all in NATS (KV buckets and a stream) so that
// every web process sees the same state.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes),
// about 30 ms a login on one core.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// MaxPasswordLen bounds the work one login can cause.
const MaxPasswordLen = 256

// CheckPassword says what is wrong with a new password, or nil.
func CheckPassword(pw string) error {
	switch n := len([]rune(pw)); {
	case n < MinPasswordLen:
		return fmt.Errorf("password: at least %d characters, got %d", MinPasswordLen, n)
	case len(pw) > MaxPasswordLen:
		return fmt.Errorf("password: at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// HashCost is the argon2id work of a new password hash: memory in KiB and
// passes over it. The zero value is the production cost above; only tests
// lower it, as one hash at that cost takes 360 ms under the race detector
// and a test suite signs in hundreds of times. A hash keeps its cost, so
// verifying never depends on this.
type HashCost struct {
	MemoryKiB, Passes uint32
}

// CheapHashCost is the cost tests hash at: the least argon2id allows that
// still exercises it. Servers never use it (TestAccountsHashAtTheProductionCostByDefault).
func CheapHashCost() HashCost { return HashCost{MemoryKiB: 64, Passes: 1} }

func (c HashCost) orDefault() HashCost {
	if c.MemoryKiB == 0 || c.Passes == 0 {
		return HashCost{MemoryKiB: argonMemory, Passes: argonTime}
	}
	return c
}

// HashPassword returns pw hashed with argon2id at the production cost, in
// the PHC string format.
func HashPassword(pw string) (string, error) { return HashCost{}.hash(pw) }

func (c HashCost) hash(pw string) (string, error) {
	c = c.orDefault()
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, c.Passes, c.MemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.MemoryKiB, c.Passes, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("stored password hash is malformed")

// VerifyPassword reports whether pw matches the PHC-format hash, using the
// parameters stored with it (so they can be raised later).
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var mem, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &threads); err != nil || mem == 0 || mem > 1<<20 || t == 0 || t > 10 || threads == 0 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
