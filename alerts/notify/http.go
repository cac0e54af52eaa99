package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/presswatch/presswatch/internal/retryafter"
)

// DefaultTimeout bounds a post whose receiver configured no timeout: a chat
// API that has not answered in 10 s is down for our purposes, and the
// engine will retry.
const DefaultTimeout = 10 * time.Second

// maxAnswer bounds how much of a receiver's answer is read: enough for any
// API's JSON verdict, too little for a misbehaving server to fill memory.
const maxAnswer = 64 << 10

// Answer is a receiver's HTTP answer, read whole (up to 64 KiB) so that the
// caller can judge both the status and the body.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Check judges the answer: nil for 2xx; a temporary error for 429
// (honouring Retry-After), 408 and 5xx; a permanent error otherwise. what
// names the receiver without its secret URL; the error quotes the start of
// the receiver's complaint.
func (a *Answer) Check(what string) error {
	if a.Status >= 200 && a.Status < 300 {
		return nil
	}
	msg := strings.TrimSpace(string(a.Body[:min(len(a.Body), 512)]))
	err := fmt.Errorf("%s answered %d %s: %q", what, a.Status, http.StatusText(a.Status), msg)
	switch {
	case a.Status == http.StatusTooManyRequests:
		return Temporary(err, retryafter.Parse(a.Header.Get("Retry-After"), time.Now(), MaxRetryAfter))
	case a.Status == http.StatusRequestTimeout, a.Status >= 500:
		return Temporary(err, 0)
	}
	return err
}

// Post sends body to target, whose URL may hold a secret (a bot token or a
// webhook path). what names the receiver in errors; secrets are scrubbed
// from any error, and the URL is never quoted. A request that cannot be
// sent or answered (refused connection, timeout) is a temporary error;
// the answer, whatever its status, is the caller's to judge. A nil client
// means http.DefaultClient and a timeout <= 0 means DefaultTimeout, so that
// receivers need not repeat these defaults.
func Post(ctx context.Context, client *http.Client, timeout time.Duration, what, target string, header http.Header, body []byte, secrets ...string) (*Answer, error) {
	if client == nil {
		client = http.DefaultClient
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		// The error quotes the URL: say only that it is malformed.
		return nil, fmt.Errorf("%s: invalid URL", what)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "presswatch-alerts")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, Temporary(Scrub(fmt.Errorf("%s: %w", what, err), append(secrets, target)...), 0)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, Temporary(Scrub(fmt.Errorf("%s: read answer: %w", what, err), append(secrets, target)...), 0)
	}
	return &Answer{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// Scrub returns err with every secret replaced by <redacted> and the URL
// that net/http quotes in a *url.Error removed. Whether err was a timeout
// or a cancellation stays visible to errors.Is; nothing else of the chain
// is kept, since an inner error's text could still hold the secret.
func Scrub(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg = strings.Replace(msg, uerr.Error(), uerr.Op+": "+uerr.Err.Error(), 1)
	}
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "<redacted>")
		}
	}
	out := errors.New(msg)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		out = &scrubbed{msg: msg, sentinel: context.DeadlineExceeded}
	case errors.Is(err, context.Canceled):
		out = &scrubbed{msg: msg, sentinel: context.Canceled}
	}
	if retry, after := IsTemporary(err); retry {
		return Temporary(out, after)
	}
	return out
}

type scrubbed struct {
	msg      string
	sentinel error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.sentinel }
