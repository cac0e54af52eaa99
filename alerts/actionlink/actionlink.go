// Package actionlink makes and checks the one-tap action links of alert
// messages (acknowledge, take it, mute for some hours): an HMAC-SHA256
// signed claim with an expiry and a nonce, good for one use. Uses are
// recorded in NATS KV, so a link used on one replica is refused on every
// other; the signing key is shared the same way.
package actionlink

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/internal/retry"
)

// Actions a link may carry.
const (
	Ack  = "ack"  // acknowledge
	Take = "take" // acknowledge and assign to oneself
	Mute = "mute" // silence the incident's story for Hours
)

// Why a link is refused. Each has a Vietnamese explanation (Reason).
var (
	ErrMalformed = errors.New("action link: malformed")
	ErrForged    = errors.New("action link: bad signature")
	ErrExpired   = errors.New("action link: expired")
	ErrUsed      = errors.New("action link: already used")
)

// Reason explains err to the person who followed the link, in Vietnamese
// and English; "" for errors that are not the link's fault.
func Reason(err error) (vi, en string) {
	switch {
	case errors.Is(err, ErrMalformed):
		return "Liên kết không đúng định dạng (có thể bị cắt khi sao chép). Hãy mở sự việc trong presswatch để xử lý.", "The link is malformed (perhaps cut off when copied). Open the incident in presswatch instead."
	case errors.Is(err, ErrForged):
		return "Liên kết không hợp lệ: chữ ký không khớp, liên kết có thể đã bị sửa. Không có thao tác nào được thực hiện.", "The link is not valid: its signature does not match; it may have been altered. Nothing was done."
	case errors.Is(err, ErrExpired):
		return "Liên kết đã hết hạn. Không có thao tác nào được thực hiện; hãy mở sự việc trong presswatch để xử lý.", "The link has expired. Nothing was done; open the incident in presswatch instead."
	case errors.Is(err, ErrUsed):
		return "Liên kết này đã được dùng một lần và không dùng lại được. Không có thao tác nào được thực hiện lần này.", "This link was used once already and cannot be used again. Nothing was done this time."
	}
	return "", ""
}

// Claims are what a link says.
type Claims struct {
	Alert   string `json:"i"`
	Action  string `json:"a"`
	Hours   int    `json:"h,omitempty"` // for Mute
	Expires int64  `json:"e"`           // Unix seconds
	Nonce   string `json:"n"`
}

// MaxTTL bounds a link's life; the bucket of used links keeps records
// longer than this.
const MaxTTL = 14 * 24 * time.Hour

// Signer makes and checks links with one key.
type Signer struct {
	key []byte
	ttl time.Duration
}

// NewSigner signs with key (at least 32 bytes); links live ttl (default
// 72 h, at most MaxTTL).
func NewSigner(key []byte, ttl time.Duration) (*Signer, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("action link key: %d bytes, want at least 32", len(key))
	}
	if ttl <= 0 {
		ttl = 72 * time.Hour
	}
	return &Signer{key: key, ttl: min(ttl, MaxTTL)}, nil
}

// Sign returns the token of a link for action on alert, valid from now.
func (s *Signer) Sign(alert, action string, hours int, now time.Time) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	c := Claims{Alert: alert, Action: action, Hours: hours, Expires: now.Add(s.ttl).Unix(), Nonce: hex.EncodeToString(b)}
	payload, _ := json.Marshal(c)
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(s.mac(p))
}

func (s *Signer) mac(payload string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(payload))
	return h.Sum(nil)
}

// Verify checks token's signature and expiry at now; it does not consume
// it (see Ledger.Use).
func (s *Signer) Verify(token string, now time.Time) (Claims, error) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok || p == "" || sig == "" || len(token) > 1024 {
		return Claims{}, ErrMalformed
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	if !hmac.Equal(got, s.mac(p)) {
		return Claims{}, ErrForged
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil || c.Alert == "" || c.Nonce == "" {
		return Claims{}, ErrMalformed
	}
	switch c.Action {
	case Ack, Take:
	case Mute:
		if c.Hours <= 0 || c.Hours > 24*30 {
			return Claims{}, ErrMalformed
		}
	default:
		return Claims{}, ErrMalformed
	}
	if !now.Before(time.Unix(c.Expires, 0)) {
		return c, ErrExpired
	}
	return c, nil
}

// Ledger records used links in a KV bucket.
type Ledger struct{ kv jetstream.KeyValue }

// NewLedger records in kv (bus.BucketActionLinks).
func NewLedger(kv jetstream.KeyValue) *Ledger { return &Ledger{kv: kv} }

// Use marks the link of c used by who; ErrUsed if it was before. Only one
// of any number of concurrent uses, on any replica, succeeds.
func (l *Ledger) Use(ctx context.Context, c Claims, who string, now time.Time) error {
	rec, _ := json.Marshal(map[string]any{"alert": c.Alert, "action": c.Action, "by": who, "at": now.UTC()})
	if _, err := l.kv.Create(ctx, c.Nonce, rec); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return ErrUsed
		}
		return fmt.Errorf("record action link use: %w", err)
	}
	return nil
}

// Used reports whether the link of c was used.
func (l *Ledger) Used(ctx context.Context, c Claims) (bool, error) {
	_, err := l.kv.Get(ctx, c.Nonce)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, nil
	}
	if errors.Is(err, jetstream.ErrInvalidKey) {
		return false, ErrMalformed
	}
	return err == nil, err
}

// SharedKey returns the key stored in kv (bus.BucketAlertKeys), creating a
// random one the first time: every replica then signs and checks with the
// same key without it being configured.
func SharedKey(ctx context.Context, kv jetstream.KeyValue) ([]byte, error) {
	const name = "action-links"
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	_, err := kv.Create(ctx, name, []byte(hex.EncodeToString(b)))
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return nil, fmt.Errorf("create action link key: %w", err)
	}
	// Another process created it. On a replicated bucket a get may be
	// answered by a replica that has not applied that create yet (a cold
	// start of a cluster saw "key not found" here), so ask again briefly.
	e, err := kv.Get(ctx, name)
	for try := 0; errors.Is(err, jetstream.ErrKeyNotFound) && try < 50; try++ {
		if !retry.Sleep(ctx, 100*time.Millisecond) {
			return nil, fmt.Errorf("read action link key: %w", ctx.Err())
		}
		e, err = kv.Get(ctx, name)
	}
	if err != nil {
		return nil, fmt.Errorf("read action link key: %w", err)
	}
	key, err := hex.DecodeString(string(e.Value()))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("action link key in %s is damaged; delete it to make a new one", kv.Bucket())
	}
	return key, nil
}
