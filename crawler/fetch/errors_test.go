package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"
)

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"status with retry", &Error{Kind: KindStatus, URL: "https://x/y", Status: 503, RetryAfter: 2 * time.Minute},
			"fetch https://x/y: HTTP 503 (retry after 2m0s)"},
		{"status from date", &Error{Kind: KindStatus, URL: "https://x/y", Status: 429, RetryAfter: 119873 * time.Millisecond},
			"fetch https://x/y: HTTP 429 (retry after 2m0s)"},
		{"status", &Error{Kind: KindStatus, URL: "https://x/y", Status: 404}, "fetch https://x/y: HTTP 404"},
		{"blocked", &Error{Kind: KindBlockedAddress, URL: "http://10.0.0.1/", Err: &blockedError{addr: "10.0.0.1"}},
			"fetch http://10.0.0.1/: refusing non-public address 10.0.0.1 (allow it with crawler.allow_private_hosts)"},
		{"too large", (&body{loc: "https://x/", maxBody: 10 << 20}).tooLarge(true),
			"fetch https://x/: body larger than 10485760 bytes after decompression"},
		{"timeout", &Error{Kind: KindTimeout, URL: "https://x/", Err: &timeoutError{d: 30 * time.Second}},
			"fetch https://x/: no complete response within 30s"},
		{"no cause", &Error{Kind: KindNetwork, URL: "https://x/"}, "fetch https://x/: network"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q\n              want %q", got, tt.want)
			}
		})
	}
}

func TestTemporary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *Error
		want bool
	}{
		{&Error{Kind: KindTimeout}, true},
		{&Error{Kind: KindNetwork}, true},
		{&Error{Kind: KindCoolingDown}, true},
		{&Error{Kind: KindCanceled}, true},
		{&Error{Kind: KindStatus, Status: 500}, true},
		{&Error{Kind: KindStatus, Status: 503}, true},
		{&Error{Kind: KindStatus, Status: 429}, true},
		{&Error{Kind: KindStatus, Status: 408}, true},
		{&Error{Kind: KindStatus, Status: 404}, false},
		{&Error{Kind: KindStatus, Status: 410}, false},
		{&Error{Kind: KindStatus, Status: 403}, false},
		{&Error{Kind: KindRobots}, false},
		{&Error{Kind: KindRobots, robotsUnreachable: true}, true},
		{&Error{Kind: KindTooLarge}, false},
		{&Error{Kind: KindBlockedAddress}, false},
		{&Error{Kind: KindTooManyRedirects}, false},
		{&Error{Kind: KindRedirectLoop}, false},
		{&Error{Kind: KindContentType}, false},
		{&Error{Kind: KindDecode}, false},
		{&Error{Kind: KindInvalidURL}, false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%v/%d/unreachable=%v", tt.err.Kind, tt.err.Status, tt.err.robotsUnreachable)
		if got := tt.err.Temporary(); got != tt.want {
			t.Errorf("%s: Temporary() = %v, want %v", name, got, tt.want)
		}
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	seen := map[string]Kind{}
	for k := KindNetwork; k <= KindInvalidURL; k++ {
		s := k.String()
		if prev, dup := seen[s]; dup {
			t.Errorf("%d and %d both named %q", prev, k, s)
		}
		seen[s] = k
	}
	if got := Kind(0).String(); got != "kind(0)" {
		t.Errorf("Kind(0) = %q", got)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	u, err := url.Parse("https://alice:s3cret@example.org/a?b=c#frag")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := redact(u), "https://example.org/a?b=c"; got != want {
		t.Errorf("redact = %q, want %q", got, want)
	}
	for in, want := range map[string]string{
		"http://alice:s3cret@ex ample.org/x": "http://ex ample.org/x",
		"http://bob@%zz/":                    "http://%zz/",
		"no scheme at all":                   "no scheme at all",
		"http://host/path@with-at":           "http://host/path@with-at",
	} {
		if got := redactRaw(in); got != want {
			t.Errorf("redactRaw(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithTimeoutCause(context.Background(), -1, &timeoutError{d: time.Second})
	defer cancel2()
	live := context.Background()
	wrapped := &url.Error{Op: "Get", URL: "http://alice:pw@x/", Err: &Error{Kind: KindRobots, URL: "http://x/"}}
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want Kind
		is   error
	}{
		{"ours through url.Error", live, wrapped, KindRobots, nil},
		{"blocked", live, fmt.Errorf("dial: %w", &blockedError{addr: "10.0.0.1"}), KindBlockedAddress, nil},
		{"canceled", canceled, errors.New("net/http: request canceled"), KindCanceled, context.Canceled},
		{"our timeout", expired, errors.New("whatever net/http says"), KindTimeout, context.DeadlineExceeded},
		{"other", live, errors.New("connection reset by peer"), KindNetwork, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := classify(tt.ctx, "http://x/", tt.err)
			if fe.Kind != tt.want {
				t.Fatalf("kind %v, want %v", fe.Kind, tt.want)
			}
			if tt.is != nil && !errors.Is(fe, tt.is) {
				t.Errorf("%v is not %v", fe, tt.is)
			}
		})
	}
}
