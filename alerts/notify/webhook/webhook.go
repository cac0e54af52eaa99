// Package webhook is the generic JSON webhook receiver: it posts each alert
// signed with HMAC-SHA256 and carrying an idempotency key, so the receiving
// system can verify the sender and drop repeats.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify"
	"github.com/presswatch/presswatch/alerts/notify/template"
	"github.com/presswatch/presswatch/article"
)

// Headers of a webhook request.
const (
	HeaderSignature   = "X-Presswatch-Signature" // "sha256=" + hex HMAC of timestamp + "." + body
	HeaderTimestamp   = "X-Presswatch-Timestamp" // Unix seconds
	HeaderIdempotency = "Idempotency-Key"
)

// Config of one webhook receiver.
type Config struct {
	URL     string
	Secret  string
	Timeout time.Duration
	// Templates, when set, add a rendered subject and plain text to the
	// payload, for bridges that only forward text.
	Templates *template.Set
}

// Validate checks the configuration without revealing secrets in errors.
func (c Config) Validate() error {
	if !article.IsWebURL(c.URL) {
		return errors.New("webhook url must be an absolute http(s) URL")
	}
	return nil
}

// Payload is the JSON body.
type Payload struct {
	Version        string               `json:"version"`
	IdempotencyKey string               `json:"idempotency_key"`
	Notification   *alerts.Notification `json:"notification"`
	// Subject and Text are the notification rendered in its language
	// (present when the receiver has templates).
	Subject string `json:"subject,omitempty"`
	Text    string `json:"text,omitempty"`
}

// Notifier posts alerts to one URL.
type Notifier struct {
	cfg    Config
	client *http.Client
	host   string // for errors: the URL itself may hold a token
	now    func() time.Time
}

// New validates cfg and returns a notifier.
func New(cfg Config, client *http.Client) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	u, _ := url.Parse(cfg.URL)
	return &Notifier{cfg: cfg, client: client, host: u.Host, now: time.Now}, nil
}

// Sign computes the signature header value for a timestamp and body.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// ReplayWindow is how far a request's timestamp may be from the
// receiver's clock: a signed request captured and sent again later is
// refused once it is older, and within the window the Idempotency-Key
// tells a repeat. Each delivery attempt is signed afresh, so retries are
// not refused.
const ReplayWindow = 5 * time.Minute

// Errors of Verify.
var (
	ErrBadSignature = errors.New("webhook signature does not match")
	ErrStale        = errors.New("webhook timestamp outside the replay window")
)

// Verify is what a receiver written in Go does with a request: it checks
// the signature over the timestamp and body, then that the timestamp is
// within window of now (ReplayWindow when window is 0). The receiver
// should also remember the Idempotency-Key of requests it accepted for
// at least the window and drop repeats.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, window time.Duration) error {
	if window <= 0 {
		window = ReplayWindow
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrBadSignature, timestamp)
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature)) {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > window || d < -window {
		return fmt.Errorf("%w: signed %s from now, window %s", ErrStale, d.Round(time.Second), window)
	}
	return nil
}

// Notify posts the notification. 5xx, 429 and transport errors may be
// retried; other 4xx may not.
func (n *Notifier) Notify(ctx context.Context, nt *alerts.Notification) error {
	p := Payload{Version: "2", IdempotencyKey: nt.Key, Notification: nt}
	if set := n.cfg.Templates; set != nil {
		var err error
		if p.Subject, err = set.Render(nt, template.Subject); err != nil {
			return fmt.Errorf("webhook %s: %w", n.host, err)
		}
		if p.Text, err = set.Render(nt, template.Text); err != nil {
			return fmt.Errorf("webhook %s: %w", n.host, err)
		}
	}
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("webhook %s: encode: %w", n.host, err)
	}
	ts := n.now().Unix()
	h := http.Header{
		"Content-Type":    {"application/json"},
		HeaderIdempotency: {nt.Key},
		HeaderTimestamp:   {strconv.FormatInt(ts, 10)},
	}
	if n.cfg.Secret != "" {
		h.Set(HeaderSignature, Sign(n.cfg.Secret, ts, body))
	}
	what := "webhook " + n.host
	a, err := notify.Post(ctx, n.client, n.cfg.Timeout, what, n.cfg.URL, h, body, n.cfg.Secret)
	if err != nil {
		return err
	}
	return notify.Scrub(a.Check(what), n.cfg.URL, n.cfg.Secret)
}
