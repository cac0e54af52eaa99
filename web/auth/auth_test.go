package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/web/auth"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newAccounts(t *testing.T, c *clock) *auth.Accounts {
	t.Helper()
	b := bustest.Start(t)
	return auth.New(auth.Buckets{
		Users: b.KV(bus.BucketUsers), Sessions: b.KV(bus.BucketSessions), Tokens: b.KV(bus.BucketAPITokens),
		JS: b.JetStream(), AuditStream: bus.StreamAudit, AuditSubject: bus.SubjectAudit,
	}, auth.Policy{SessionTTL: time.Hour, MaxFailures: 3, Lockout: 10 * time.Minute, Now: c.now, HashCost: auth.CheapHashCost()})
}

// A server's accounts leave HashCost zero: they must hash at the
// production cost, whatever the tests use.
func TestAccountsHashAtTheProductionCostByDefault(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	acc := auth.New(auth.Buckets{
		Users: b.KV(bus.BucketUsers), Sessions: b.KV(bus.BucketSessions), Tokens: b.KV(bus.BucketAPITokens),
		JS: b.JetStream(), AuditStream: bus.StreamAudit, AuditSubject: bus.SubjectAudit,
	}, auth.Policy{SessionTTL: time.Hour, MaxFailures: 3, Lockout: time.Minute})
	ctx := context.Background()
	if _, err := acc.Users.Add(ctx, "canbo", "officer", "mat-khau-dai-du"); err != nil {
		t.Fatal(err)
	}
	u, err := acc.Users.Get(ctx, "canbo")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.Hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("stored hash %q: not the production cost", u.Hash)
	}
}

func TestPasswordHashRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "correct") {
		t.Fatalf("hash %q", h)
	}
	if ok, err := auth.VerifyPassword(h, "correct horse battery"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, _ := auth.VerifyPassword(h, "correct horse batterY"); ok {
		t.Error("wrong password accepted")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=999999999,t=2,p=1$AA$AA", h[:len(h)-3] + "!!!"} {
		if ok, err := auth.VerifyPassword(bad, "x"); ok || err == nil {
			t.Errorf("malformed hash %q: %v %v", bad, ok, err)
		}
	}
	if auth.CheckPassword("short") == nil {
		t.Error("short password accepted")
	}
}

func TestUsersAuthenticateAndSessions(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	acc := newAccounts(t, c)
	ctx := context.Background()
	if _, err := acc.Users.Add(ctx, "lan", auth.RoleOfficer, "mat-khau-dai-du"); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Users.Add(ctx, "lan", auth.RoleAdmin, "mat-khau-dai-du"); !errors.Is(err, auth.ErrUserExists) {
		t.Errorf("second add: %v", err)
	}
	for _, bad := range []string{"Lan", "-x", "a b", "", strings.Repeat("a", 65)} {
		if _, err := acc.Users.Add(ctx, bad, auth.RoleViewer, "mat-khau-dai-du"); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
	if _, err := acc.Users.Add(ctx, "x", "root", "mat-khau-dai-du"); err == nil {
		t.Error("role root accepted")
	}
	if _, err := acc.Users.Authenticate(ctx, "lan", "sai-mat-khau-roi"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := acc.Users.Authenticate(ctx, "nobody", "mat-khau-dai-du"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("unknown user: %v", err)
	}
	u, err := acc.Users.Authenticate(ctx, "lan", "mat-khau-dai-du")
	if err != nil || u.Role != auth.RoleOfficer {
		t.Fatalf("login: %+v %v", u, err)
	}

	id, sess, err := acc.Sessions.Create(ctx, "lan")
	if err != nil || sess.CSRF == "" || id == sess.CSRF {
		t.Fatalf("session: %v %+v", err, sess)
	}
	id2, _, _ := acc.Sessions.Create(ctx, "lan")
	if got, err := acc.Sessions.Get(ctx, id); err != nil || got.User != "lan" {
		t.Fatalf("get session: %+v %v", got, err)
	}
	// Ending the user's other sessions keeps the one asked to keep.
	if err := acc.Sessions.DeleteUser(ctx, "lan", id2); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Sessions.Get(ctx, id); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("ended session still valid: %v", err)
	}
	if _, err := acc.Sessions.Get(ctx, id2); err != nil {
		t.Errorf("kept session: %v", err)
	}
	c.add(time.Hour)
	if _, err := acc.Sessions.Get(ctx, id2); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("expired session still valid: %v", err)
	}

	// A disabled user cannot sign in.
	if _, err := acc.Users.Update(ctx, "lan", func(u *auth.User) error { u.Disabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Users.Authenticate(ctx, "lan", "mat-khau-dai-du"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("disabled user: %v", err)
	}
}

func TestTokensStoreOnlyHashes(t *testing.T) {
	t.Parallel()
	acc := newAccounts(t, &clock{t: time.Now()})
	ctx := context.Background()
	value, tok, err := acc.Tokens.Create(ctx, "báo cáo tuần", auth.RoleViewer, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID == value || strings.Contains(tok.ID, value) || tok.ID != auth.HashToken(value) {
		t.Fatalf("token record %+v", tok)
	}
	got, err := acc.Tokens.Lookup(ctx, value)
	if err != nil || got.Name != "báo cáo tuần" || got.Role != auth.RoleViewer {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	list, _ := acc.Tokens.List(ctx)
	if len(list) != 1 {
		t.Fatalf("list %+v", list)
	}
	if _, err := acc.Tokens.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Tokens.Lookup(ctx, value); !errors.Is(err, auth.ErrNoToken) {
		t.Errorf("revoked token still valid: %v", err)
	}
}

func TestLimiterBacksOffAndForgets(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	l := auth.NewLimiter(3, 16*time.Minute, c.now)
	for range 2 {
		l.Fail("lan@10.0.0.1")
		c.add(time.Minute)
	}
	if locked, _ := l.Locked("lan@10.0.0.1"); locked {
		t.Fatal("locked after 2 of 3 failures")
	}
	// The wait starts at a 32nd of the window and doubles per failure,
	// never beyond the window.
	for i, want := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 16 * time.Minute} {
		l.Fail("lan@10.0.0.1")
		locked, wait := l.Locked("lan@10.0.0.1")
		if !locked || wait != want {
			t.Fatalf("after %d failures: locked %v, wait %s; want %s", 3+i, locked, wait, want)
		}
		c.add(wait)
		if locked, _ := l.Locked("lan@10.0.0.1"); locked {
			t.Fatalf("after %d failures: still locked once the wait is over", 3+i)
		}
	}
	// Another address (the real admin) is not held by the guesser.
	if locked, _ := l.Locked("lan@10.0.0.2"); locked {
		t.Error("another client address is locked too")
	}
	c.add(16 * time.Minute)
	l.Fail("lan@10.0.0.1")
	if locked, _ := l.Locked("lan@10.0.0.1"); locked {
		t.Error("a failure after a quiet window locked at once")
	}
	l.Reset("lan@10.0.0.1")
	if locked, _ := l.Locked("lan@10.0.0.1"); locked {
		t.Error("locked after reset")
	}
}

func TestAuditListsNewestFirst(t *testing.T) {
	t.Parallel()
	acc := newAccounts(t, &clock{t: time.Now()})
	ctx := context.Background()
	for _, a := range []string{"user.add", "alert.ack", "token.revoke"} {
		if err := acc.Audit.Record(ctx, auth.AuditEvent{Actor: "admin", Action: a}); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := acc.Audit.List(ctx, 2)
	if err != nil || len(evs) != 2 || evs[0].Action != "token.revoke" || evs[1].Action != "alert.ack" || evs[0].Time.IsZero() {
		t.Fatalf("audit: %+v %v", evs, err)
	}
}
