// Package email sends notifications by SMTP as multipart/alternative
// messages (plain text and HTML) with RFC 2047 encoded Vietnamese subjects.
//
// The client is the standard library's net/smtp: it does STARTTLS, AUTH
// and the SMTP dialogue correctly, and what it lacks (implicit TLS, the
// LOGIN mechanism, timeouts) takes a few lines here. A mail library would
// add a dependency for features a notifier does not use.
package email

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify"
	"github.com/presswatch/presswatch/alerts/notify/template"
)

// TLS modes.
const (
	StartTLS = "starttls" // plain connection upgraded with STARTTLS (port 587); required, not optional
	TLS      = "tls"      // TLS from the first byte (port 465)
	NoTLS    = "none"     // clear text, for a relay on localhost; no AUTH
)

// HeaderKey carries Notification.Key, so that a mailbox rule or the
// receiving system can drop a message delivered twice. The Message-ID is
// derived from it too.
const HeaderKey = "X-Presswatch-Key"

// Config of one SMTP submission account.
type Config struct {
	Host string
	Port int    // 0 means 587 for starttls, 465 for tls, 25 for none
	TLS  string // starttls (default), tls or none
	// Username and Password authenticate (PLAIN or LOGIN, whichever the
	// server offers, and only over TLS).
	Username string
	Password string
	From     string   // "Presswatch <alerts@stttt.dienbien.gov.vn>"
	To       []string // used when Notification.To is empty
	Timeout  time.Duration
	// RootCAs verifies the server's certificate; nil means the system's.
	RootCAs *x509.CertPool
	// LocalName is sent in EHLO; empty means "localhost".
	LocalName string
	Templates *template.Set
}

// Validate checks the configuration; errors never contain the password.
func (c Config) Validate() error {
	var errs []error
	if c.Host == "" || strings.ContainsAny(c.Host, " /:") {
		errs = append(errs, fmt.Errorf("email: host must be a host name or address, got %q", c.Host))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("email: port must be 1..65535, got %d", c.Port))
	}
	switch c.TLS {
	case "", StartTLS, TLS:
	case NoTLS:
		if c.Username != "" {
			errs = append(errs, errors.New("email: username set with tls: none; credentials are only sent over TLS"))
		}
	default:
		errs = append(errs, fmt.Errorf("email: tls must be starttls, tls or none, got %q", c.TLS))
	}
	if (c.Username == "") != (c.Password == "") {
		errs = append(errs, errors.New("email: set both username and password, or neither"))
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("email: from %q: %w", c.From, err))
	}
	for _, to := range c.To {
		if _, err := mail.ParseAddress(to); err != nil {
			errs = append(errs, fmt.Errorf("email: to %q: %w", to, err))
		}
	}
	if c.Templates == nil {
		errs = append(errs, errors.New("email: no templates"))
	}
	return errors.Join(errs...)
}

// Notifier sends through one SMTP server.
type Notifier struct {
	cfg  Config
	addr string
	what string
	now  func() time.Time
}

// New validates cfg and fills defaults.
func New(cfg Config) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.TLS == "" {
		cfg.TLS = StartTLS
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{StartTLS: 587, TLS: 465, NoTLS: 25}[cfg.TLS]
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	return &Notifier{cfg: cfg, addr: addr, what: "smtp " + addr, now: time.Now}, nil
}

// Notify sends nt as one message to nt.To, else to the configured
// recipients. 4xx replies, refused connections and timeouts may be
// retried; 5xx replies (a refused recipient, failed authentication) and
// certificate errors may not.
func (n *Notifier) Notify(ctx context.Context, nt *alerts.Notification) error {
	to := nt.To
	if len(to) == 0 {
		to = n.cfg.To
	}
	if len(to) == 0 {
		return fmt.Errorf("%s: no recipient (set to, or route to a contact with an e-mail address)", n.what)
	}
	msg, rcpts, err := n.Build(nt, to)
	if err != nil {
		return err
	}
	return n.secret(n.send(ctx, rcpts, msg))
}

// secret scrubs the password (and its encodings in an AUTH exchange) from
// an error a server may have echoed.
func (n *Notifier) secret(err error) error {
	if err == nil || n.cfg.Password == "" {
		return err
	}
	u, p := n.cfg.Username, n.cfg.Password
	return notify.Scrub(err, p,
		base64.StdEncoding.EncodeToString([]byte("\x00"+u+"\x00"+p)),
		base64.StdEncoding.EncodeToString([]byte(p)))
}

func (n *Notifier) send(ctx context.Context, rcpts []string, msg []byte) (err error) {
	dialer := net.Dialer{Timeout: n.cfg.Timeout}
	conn, err := dialer.DialContext(ctx, "tcp", n.addr)
	if err != nil {
		return notify.Temporary(fmt.Errorf("%s: %w", n.what, err), 0)
	}
	defer conn.Close()
	// net/smtp knows no context: a deadline bounds the whole dialogue and
	// cancellation closes the connection under it.
	deadline := time.Now().Add(n.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	tlsConfig := &tls.Config{ServerName: n.cfg.Host, RootCAs: n.cfg.RootCAs, MinVersion: tls.VersionTLS12}
	if n.cfg.TLS == TLS {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return n.classify("tls handshake", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, n.cfg.Host)
	if err != nil {
		return n.classify("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(n.cfg.LocalName); err != nil {
		return n.classify("EHLO", err)
	}
	if n.cfg.TLS == StartTLS {
		// Never fall back to clear text: a man in the middle could strip
		// the STARTTLS offer to read the password.
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("%s: server does not offer STARTTLS (set tls: tls for port 465, or none for a local relay)", n.what)
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return n.classify("STARTTLS", err)
		}
	}
	if n.cfg.Username != "" {
		if err := n.auth(c); err != nil {
			return err
		}
	}
	from, _ := mail.ParseAddress(n.cfg.From)
	if err := c.Mail(from.Address); err != nil {
		return n.classify("MAIL FROM", err)
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r); err != nil {
			return n.classify("RCPT TO "+r, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return n.classify("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return n.classify("DATA", err)
	}
	if err := w.Close(); err != nil {
		return n.classify("end of DATA", err)
	}
	// The message is accepted; a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

func (n *Notifier) auth(c *smtp.Client) error {
	ok, mechs := c.Extension("AUTH")
	if !ok {
		return fmt.Errorf("%s: server offers no AUTH, but a username is configured", n.what)
	}
	var a smtp.Auth
	switch offered := strings.Fields(strings.ToUpper(mechs)); {
	case slices.Contains(offered, "PLAIN"):
		a = smtp.PlainAuth("", n.cfg.Username, n.cfg.Password, n.cfg.Host)
	case slices.Contains(offered, "LOGIN"):
		a = &loginAuth{user: n.cfg.Username, pass: n.cfg.Password, host: n.cfg.Host}
	default:
		return fmt.Errorf("%s: server offers AUTH %s; presswatch speaks PLAIN and LOGIN", n.what, mechs)
	}
	if err := c.Auth(a); err != nil {
		return n.classify("AUTH as "+n.cfg.Username, err)
	}
	return nil
}

// classify turns an SMTP dialogue failure into a temporary or permanent
// error: the reply code decides (4xx temporary, 5xx permanent); a bad
// certificate needs an operator; anything else is the network.
func (n *Notifier) classify(step string, err error) error {
	err = fmt.Errorf("%s: %s: %w", n.what, step, err)
	var reply *textproto.Error
	if errors.As(err, &reply) {
		if reply.Code >= 400 && reply.Code < 500 {
			return notify.Temporary(err, 0)
		}
		return err
	}
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	if errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) {
		return err
	}
	return notify.Temporary(err, 0)
}

// loginAuth is the LOGIN mechanism, which net/smtp lacks and many
// Microsoft and older servers still require.
type loginAuth struct{ user, pass, host string }

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS {
		return "", nil, errors.New("refusing to send credentials over an unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(challenge []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(challenge))) {
	case "username:", "user name", "username":
		return []byte(a.user), nil
	case "password:", "password":
		return []byte(a.pass), nil
	}
	return nil, errors.New("unexpected LOGIN challenge")
}

// messageID derives the Message-ID from the idempotency key, so a message
// sent twice carries the same ID and mail systems that deduplicate by it
// (many do) show it once.
func messageID(key, receiver, from string) string {
	domain := "presswatch.localhost"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	var id string
	if key == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	} else {
		sum := sha256.Sum256([]byte(receiver + "\x00" + key))
		id = hex.EncodeToString(sum[:16])
	}
	return "<" + id + "@" + domain + ">"
}
