package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestGuardCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip    string
		allow []string
		ok    bool
	}{
		{"8.8.8.8", nil, true},
		{"1.1.1.1", nil, true},
		{"2606:4700:4700::1111", nil, true},
		{"::ffff:8.8.8.8", nil, true},
		{"64:ff9b::808:808", nil, true}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", nil, true},  // 6to4 of 8.8.8.8
		{"127.0.0.1", nil, false},
		{"127.1.2.3", nil, false},
		{"::1", nil, false},
		{"10.1.2.3", nil, false},
		{"172.16.0.1", nil, false},
		{"172.31.255.255", nil, false},
		{"192.168.1.1", nil, false},
		{"fc00::1", nil, false},
		{"fd12:3456::1", nil, false},
		{"169.254.169.254", nil, false},
		{"fe80::1", nil, false},
		{"fe80::1%eth0", nil, false},
		{"224.0.0.1", nil, false},
		{"239.255.255.250", nil, false},
		{"ff02::1", nil, false},
		{"0.0.0.0", nil, false},
		{"0.1.2.3", nil, false},
		{"::", nil, false},
		{"100.64.0.1", nil, false},
		{"100.127.255.254", nil, false},
		{"100.128.0.1", nil, true},
		{"192.0.0.170", nil, false},
		{"192.0.2.1", nil, false},
		{"198.18.0.1", nil, false},
		{"240.0.0.1", nil, false},
		{"255.255.255.255", nil, false},
		{"::ffff:127.0.0.1", nil, false},
		{"::ffff:10.0.0.1", nil, false},
		{"::ffff:169.254.169.254", nil, false},
		{"::127.0.0.1", nil, false},        // IPv4-compatible
		{"64:ff9b::7f00:1", nil, false},    // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", nil, false}, // NAT64 of 169.254.169.254
		{"2002:a00:1::1", nil, false},      // 6to4 of 10.0.0.1
		{"2001:db8::1", nil, false},        // documentation
		{"fec0::1", nil, false},            // site-local
		{"127.0.0.1", []string{"127.0.0.1"}, true},
		{"::ffff:127.0.0.1", []string{"127.0.0.1"}, true},
		{"127.0.0.2", []string{"127.0.0.1"}, false},
		{"127.0.0.2", []string{"localhost"}, true},
		{"::1", []string{"localhost"}, true},
		{"10.9.8.7", []string{"10.0.0.0/8"}, true},
		{"10.9.8.7", []string{"::ffff:10.0.0.0/104"}, true},
		{"11.0.0.1", []string{"10.0.0.0/8"}, true},
		{"172.16.0.1", []string{"10.0.0.0/8"}, false},
		{"fe80::1%eth0", []string{"fe80::/10"}, true},
		{"169.254.169.254", []string{"10.0.0.0/8", "localhost"}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s allow %v", tt.ip, tt.allow), func(t *testing.T) {
			g, err := newGuard(tt.allow)
			if err != nil {
				t.Fatal(err)
			}
			err = g.check(netip.MustParseAddr(tt.ip))
			if (err == nil) != tt.ok {
				t.Fatalf("check(%s) = %v, want ok=%v", tt.ip, err, tt.ok)
			}
			var be *blockedError
			if err != nil && !errors.As(err, &be) {
				t.Errorf("error %T is not *blockedError", err)
			}
		})
	}
}

func TestNewGuardAllowList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		allow   []string
		wantErr string
		names   []string
	}{
		{allow: []string{"127.0.0.1", " 10.0.0.0/8 ", "localhost", "::1", "LocalHost"}},
		{allow: []string{"intranet.example.org", "Portal.Example.ORG."}, names: []string{"intranet.example.org", "portal.example.org"}},
		{allow: []string{"10.0.0.0/33"}, wantErr: `"10.0.0.0/33" is not a CIDR prefix`},
		{allow: []string{"a b"}, wantErr: `"a b" is not an IP address`},
		{allow: []string{""}, wantErr: `"" is not an IP address`},
	}
	for _, tt := range tests {
		g, err := newGuard(tt.allow)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("newGuard(%q) error = %v, want %q", tt.allow, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("newGuard(%q): %v", tt.allow, err)
			continue
		}
		for _, n := range tt.names {
			if !g.names[n] {
				t.Errorf("newGuard(%q): name %q not trusted", tt.allow, n)
			}
		}
	}
}

// TestGuardTrustedNames checks that a host name in the allow list dials
// without the guard and everything else with it.
func TestGuardTrustedNames(t *testing.T) {
	t.Parallel()
	g, err := newGuard([]string{"localhost.localdomain", "LOCALHOST"})
	if err != nil {
		t.Fatal(err)
	}
	g.names["localhost"] = true // "localhost" is the loopback keyword; force the name path
	errGuarded, errTrusted := errors.New("guarded dialer"), errors.New("trusted dialer")
	guarded := &net.Dialer{Control: func(string, string, syscall.RawConn) error { return errGuarded }}
	trusted := &net.Dialer{Control: func(string, string, syscall.RawConn) error { return errTrusted }}
	dial := g.dialContext(guarded, trusted)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for addr, want := range map[string]error{
		"localhost:1": errTrusted,
		"LOCALHOST:1": errTrusted,
		"127.0.0.1:1": errGuarded,
	} {
		_, err := dial(ctx, "tcp4", addr)
		if !errors.Is(err, want) {
			t.Errorf("dial %s: %v, want %v", addr, err, want)
		}
	}
}

func TestGuardRefuses(t *testing.T) {
	t.Parallel()
	var h hits
	target := serve(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add("target")
		_, _ = w.Write([]byte("secret"))
	}))
	allowed := serve(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add(r.URL.Path)
		switch r.URL.Path {
		case "/to-other-loopback":
			http.Redirect(w, r, target.URL+"/", http.StatusFound)
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/to-mapped":
			http.Redirect(w, r, "http://[::ffff:127.0.0.2]:"+strings.TrimPrefix(target.Listener.Addr().String(), "127.0.0.2:")+"/", http.StatusFound)
		default:
			_, _ = w.Write([]byte("ok"))
		}
	}))
	onlyFirst := newTestFetcher(t, nil) // allows 127.0.0.1 only
	nothing := newTestFetcher(t, func(o *Options) { o.AllowPrivate = nil })
	userinfo := strings.Replace(allowed.URL, "http://", "http://alice:s3cret@", 1) + "/page"
	tests := []struct {
		name    string
		f       *Fetcher
		url     string
		refused string
	}{
		{"loopback not allowed", nothing, allowed.URL + "/", "127.0.0.1"},
		{"credentials stay out of errors", nothing, userinfo, "127.0.0.1"},
		{"redirect to another loopback address", onlyFirst, allowed.URL + "/to-other-loopback", "127.0.0.2"},
		{"redirect to cloud metadata", onlyFirst, allowed.URL + "/to-metadata", "169.254.169.254"},
		{"redirect to IPv4-mapped loopback", onlyFirst, allowed.URL + "/to-mapped", "127.0.0.2"},
		{"IPv6 loopback", onlyFirst, "http://[::1]:1/", "::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := tt.f.Get(ctx, Request{URL: tt.url})
			fe := asError(t, err, KindBlockedAddress)
			if fe.Temporary() {
				t.Error("a blocked address is not temporary")
			}
			msg := err.Error()
			want := "refusing non-public address " + tt.refused + " (allow it with crawler.allow_private_hosts)"
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not contain %q", msg, want)
			}
			if strings.Contains(msg, "s3cret") || strings.Contains(msg, "alice") {
				t.Errorf("message %q leaks credentials", msg)
			}
		})
	}
	if n := h.get("target"); n != 0 {
		t.Errorf("the refused server was reached %d times", n)
	}
	if n := h.get("/"); n != 0 {
		t.Errorf("the server behind a refused address was reached %d times", n)
	}
	// The same fetcher still reaches what it may.
	if _, err := onlyFirst.Get(context.Background(), Request{URL: allowed.URL + "/ok"}); err != nil {
		t.Errorf("allowed server: %v", err)
	}
}
