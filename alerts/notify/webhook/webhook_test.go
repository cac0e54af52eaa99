package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify"
	"github.com/presswatch/presswatch/alerts/notify/notifytest"
	"github.com/presswatch/presswatch/alerts/notify/template"
)

func testAlert() *alerts.Notification {
	a := &alerts.Alert{ID: "abc", GroupKey: "article:abc", Status: alerts.StatusNew, Severity: "high",
		Articles: []alerts.ArticleRef{{ID: "abc", Title: "Lũ quét ở Mường Chà", URL: "http://x/1"}}}
	return &alerts.Notification{Key: "article:abc/1", Kind: alerts.KindNew, Lang: "vi", Alerts: []*alerts.Alert{a}}
}

func notifyRetry(n *Notifier, nt *alerts.Notification) (bool, error) {
	err := n.Notify(context.Background(), nt)
	retry, _ := notify.IsTemporary(err)
	return retry, err
}

func TestNotifySignsAndCarriesIdempotencyKey(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Answer{})
	n, err := New(Config{URL: srv.URL + "/hook", Secret: "s3cret"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if retry, err := notifyRetry(n, testAlert()); err != nil || retry {
		t.Fatalf("notify: retry=%v err=%v", retry, err)
	}
	r := srv.Requests()[0]
	body := r.Body
	ts, _ := strconv.ParseInt(r.Header.Get(HeaderTimestamp), 10, 64)
	if got, want := r.Header.Get(HeaderSignature), Sign("s3cret", ts, body); got != want || !strings.HasPrefix(got, "sha256=") {
		t.Errorf("signature %q, want %q", got, want)
	}
	if Sign("other", ts, body) == r.Header.Get(HeaderSignature) {
		t.Error("signature does not depend on the secret")
	}
	if r.Header.Get(HeaderIdempotency) != "article:abc/1" {
		t.Errorf("idempotency key %q", r.Header.Get(HeaderIdempotency))
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil || p.Notification.Alerts[0].Articles[0].Title != "Lũ quét ở Mường Chà" || p.IdempotencyKey != "article:abc/1" {
		t.Errorf("payload %s: %v", body, err)
	}
}

func TestNotifyCarriesRenderedText(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Answer{})
	set, err := template.Load(nil, "") // the notification's language decides
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(Config{URL: srv.URL + "/hook", Templates: set}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	nt := testAlert()
	nt.Lang = "en"
	if err := n.Notify(context.Background(), nt); err != nil {
		t.Fatal(err)
	}
	var p Payload
	if err := json.Unmarshal(srv.Requests()[0].Body, &p); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Subject, "[Alert – High] Lũ quét ở Mường Chà") || !strings.Contains(p.Text, "http://x/1") {
		t.Errorf("subject %q text %q", p.Subject, p.Text)
	}
}

func TestNotifyClassifiesFailures(t *testing.T) {
	cases := []struct {
		status    int
		wantRetry bool
	}{{500, true}, {503, true}, {429, true}, {400, false}, {404, false}}
	for _, c := range cases {
		srv := notifytest.NewServer(t, notifytest.Answer{Status: c.status})
		n, _ := New(Config{URL: srv.URL + "/T0K3N/hook"}, srv.Client())
		retry, err := notifyRetry(n, testAlert())
		if err == nil || retry != c.wantRetry {
			t.Errorf("status %d: retry=%v err=%v", c.status, retry, err)
		}
		if err != nil && strings.Contains(err.Error(), "T0K3N") {
			t.Errorf("error leaks the URL path: %v", err)
		}
	}
}

func TestNotifyTimeoutIsRetriedAndDoesNotLeakURL(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	n, _ := New(Config{URL: srv.URL + "/services/T0K3N", Timeout: 100 * time.Millisecond}, srv.Client())
	retry, err := notifyRetry(n, testAlert())
	if err == nil || !retry {
		t.Fatalf("retry=%v err=%v", retry, err)
	}
	if strings.Contains(err.Error(), "T0K3N") {
		t.Errorf("error leaks the URL: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, u := range []string{"", "ftp://x/", "/relative", "http://"} {
		if _, err := New(Config{URL: u}, nil); err == nil {
			t.Errorf("url %q accepted", u)
		}
	}
}

// TestVerifyRefusesReplaysAndForgeries: a receiver checking with Verify
// accepts a fresh signed request, and refuses it replayed after the
// window, a changed body, a wrong secret, and a timestamp moved forward
// to pass the window (the signature covers it).
func TestVerifyRefusesReplaysAndForgeries(t *testing.T) {
	body := []byte(`{"version":"2","idempotency_key":"k"}`)
	signedAt := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	ts := strconv.FormatInt(signedAt.Unix(), 10)
	sig := Sign("s3cret", signedAt.Unix(), body)
	if err := Verify("s3cret", ts, sig, body, signedAt.Add(time.Minute), 0); err != nil {
		t.Fatalf("fresh request refused: %v", err)
	}
	for _, tt := range []struct {
		name            string
		secret, ts, sig string
		body            []byte
		at              time.Time
		want            error
	}{
		{"replayed after the window", "s3cret", ts, sig, body, signedAt.Add(ReplayWindow + time.Second), ErrStale},
		{"from the future", "s3cret", ts, sig, body, signedAt.Add(-ReplayWindow - time.Second), ErrStale},
		{"body changed", "s3cret", ts, sig, []byte(`{"version":"2","idempotency_key":"x"}`), signedAt, ErrBadSignature},
		{"wrong secret", "other", ts, sig, body, signedAt, ErrBadSignature},
		{"timestamp moved forward", "s3cret", strconv.FormatInt(signedAt.Add(time.Hour).Unix(), 10), sig, body, signedAt.Add(time.Hour), ErrBadSignature},
		{"no timestamp", "s3cret", "", sig, body, signedAt, ErrBadSignature},
	} {
		if err := Verify(tt.secret, tt.ts, tt.sig, tt.body, tt.at, 0); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}
