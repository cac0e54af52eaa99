// Package smtpsink is a small in-process SMTP server that keeps what it
// receives: the real server the e-mail receiver's tests talk to, and the
// mailbox `presswatch demo` shows officers. It speaks real SMTP through
// github.com/emersion/go-smtp (STARTTLS or implicit TLS, AUTH PLAIN and
// LOGIN), and can be told to refuse recipients or fail temporarily.
package smtpsink

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a sink. The zero value accepts any mail in clear text
// without authentication.
type Options struct {
	// TLS enables STARTTLS, or TLS from the first byte with Implicit.
	TLS      *tls.Config
	Implicit bool
	// Username and Password, when set, make AUTH (PLAIN or LOGIN, over
	// TLS only) required before MAIL.
	Username, Password string
	// Mechanisms offered for AUTH; empty means PLAIN and LOGIN.
	Mechanisms []string
	// Rcpt, when set, judges each recipient; return an *smtp.SMTPError to
	// refuse it (550 permanently, 450 for a while).
	Rcpt func(addr string) error
	// Keep bounds the messages kept (oldest dropped first); 0 keeps 1000.
	Keep int
	// MaxBytes bounds one message; 0 means 10 MiB.
	MaxBytes int64
}

// Message is one accepted message.
type Message struct {
	From     string
	To       []string
	Data     []byte // as received, headers and body
	TLS      bool   // the session was encrypted
	User     string // the authenticated user, if any
	Received time.Time
}

// Sink is a running server.
type Sink struct {
	opts Options
	srv  *smtp.Server
	ln   net.Listener

	mu       sync.Mutex
	messages []Message
	total    int
	arrived  chan struct{} // closed and replaced on each message
}

// Start listens on addr ("127.0.0.1:0" for a free port) and serves until
// Close.
func Start(addr string, opts Options) (*Sink, error) {
	if opts.Keep <= 0 {
		opts.Keep = 1000
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 10 << 20
	}
	if opts.Implicit && opts.TLS == nil {
		return nil, errors.New("smtpsink: implicit TLS needs a TLS config")
	}
	s := &Sink{opts: opts, arrived: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "smtpsink.localhost"
	srv.MaxMessageBytes = opts.MaxBytes
	srv.MaxRecipients = 100
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.ErrorLog = discardLogger{}
	var ln net.Listener
	var err error
	if opts.Implicit {
		ln, err = tls.Listen("tcp", addr, opts.TLS)
	} else {
		srv.TLSConfig = opts.TLS
		ln, err = net.Listen("tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("smtpsink: %w", err)
	}
	s.srv, s.ln = srv, ln
	go func() { _ = srv.Serve(ln) }()
	return s, nil
}

// Addr is the host:port the sink listens on.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Close stops the server.
func (s *Sink) Close() error { return s.srv.Close() }

// Messages returns the kept messages, oldest first.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Total counts every message accepted, kept or not.
func (s *Sink) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Wait blocks until at least n messages were accepted or ctx ends.
func (s *Sink) Wait(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		total, ch := s.total, s.arrived
		s.mu.Unlock()
		if total >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("smtpsink: %d of %d messages: %w", total, n, ctx.Err())
		}
	}
}

func (s *Sink) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	if len(s.messages) > s.opts.Keep {
		s.messages = slices.Delete(s.messages, 0, len(s.messages)-s.opts.Keep)
	}
	s.total++
	close(s.arrived)
	s.arrived = make(chan struct{})
}

type session struct {
	sink *Sink
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (s *Sink) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{sink: s, conn: c}, nil
}

func (ss *session) AuthMechanisms() []string {
	if ss.sink.opts.Username == "" {
		return nil
	}
	if m := ss.sink.opts.Mechanisms; len(m) > 0 {
		return m
	}
	return []string{sasl.Plain, sasl.Login}
}

var errBadCredentials = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}

func (ss *session) check(user, pass string) error {
	o := ss.sink.opts
	if user != o.Username || pass != o.Password {
		return errBadCredentials
	}
	ss.user = user
	return nil
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return ss.check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: ss.check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.sink.opts.Username != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := ss.sink.opts.Rcpt; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.sink.add(Message{From: ss.from, To: slices.Clone(ss.to), Data: buf.Bytes(), TLS: isTLS, User: ss.user, Received: time.Now()})
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// loginServer is the server side of the LOGIN mechanism, which go-sasl
// only implements for clients: prompt for the user name, then the password.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch l.step {
	case 0:
		l.step++
		if len(response) == 0 {
			return []byte("Username:"), false, nil
		}
		l.user = string(response) // initial response carries the user
		l.step++
		return []byte("Password:"), false, nil
	case 1:
		l.user, l.step = string(response), 2
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(l.user, string(response))
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

// SelfSigned makes a certificate for hosts (names or IP addresses), valid
// for a day: the server's TLS config, and a pool a client can trust it by.
func SelfSigned(hosts ...string) (*tls.Config, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("smtpsink: key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "smtpsink"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:        true, BasicConstraintsValid: true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("smtpsink: certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("smtpsink: certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}, MinVersion: tls.VersionTLS12}, pool, nil
}
