package auth

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Accounts bundles what sign-in needs.
type Accounts struct {
	Users    *Users
	Sessions *Sessions
	Tokens   *Tokens
	Audit    *Audit
	// Limiter counts failed logins per user name and per client address.
	Limiter *Limiter
}

// Buckets names the NATS state the accounts live in.
type Buckets struct {
	Users, Sessions, Tokens jetstream.KeyValue
	JS                      jetstream.JetStream
	AuditStream             string
	AuditSubject            string
}

// Policy sets session lifetime and lock-out.
type Policy struct {
	SessionTTL  time.Duration
	MaxFailures int
	Lockout     time.Duration
	Now         func() time.Time // nil: time.Now
	// HashCost is the work of new password hashes; the zero value, the
	// production cost, is what a server uses (see HashCost).
	HashCost HashCost
}

// New returns the accounts over b with policy p.
func New(b Buckets, p Policy) *Accounts {
	return &Accounts{
		Users:    NewUsers(b.Users, p.HashCost),
		Sessions: NewSessions(b.Sessions, p.SessionTTL, p.Now),
		Tokens:   NewTokens(b.Tokens),
		Audit:    NewAudit(b.JS, b.AuditStream, b.AuditSubject),
		Limiter:  NewLimiter(p.MaxFailures, p.Lockout, p.Now),
	}
}
