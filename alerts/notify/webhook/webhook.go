// Package webhook is the generic JSON webhook receiver: it posts each alert
// signed with HMAC-SHA256 and carrying an idempotency key, so the receiving
// system can verify the sender and drop repeats.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify"
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
}

// Validate checks the configuration without revealing secrets in errors.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("webhook url must be an absolute http(s) URL")
	}
	return nil
}

// Payload is the JSON body.
type Payload struct {
	Version        string               `json:"version"`
	IdempotencyKey string               `json:"idempotency_key"`
	Notification   *alerts.Notification `json:"notification"`
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
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if client == nil {
		client = &http.Client{}
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

// Notify posts the notification. 5xx, 429 and transport errors may be
// retried; other 4xx may not.
func (n *Notifier) Notify(ctx context.Context, nt *alerts.Notification) error {
	body, err := json.Marshal(Payload{Version: "2", IdempotencyKey: nt.Key, Notification: nt})
	if err != nil {
		return fmt.Errorf("webhook %s: encode: %w", n.host, err)
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s: build request", n.host)
	}
	ts := n.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "presswatch-alerts")
	req.Header.Set(HeaderIdempotency, nt.Key)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	if n.cfg.Secret != "" {
		req.Header.Set(HeaderSignature, Sign(n.cfg.Secret, ts, body))
	}
	resp, err := n.client.Do(req)
	if err != nil {
		// url.Error quotes the full URL, which may contain a token.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return notify.Temporary(fmt.Errorf("webhook %s: %w", n.host, err), 0)
	}
	defer resp.Body.Close()
	err = notify.CheckResponse("webhook "+n.host, resp)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return err
}
