package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestSecurityHeaders: API answers are never cached (they carry articles,
// alerts and tokens); HSTS is sent, when configured, only on requests
// that came over HTTPS, including through a trusted TLS proxy.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	s, err := New(Options{API: true, Search: fakeSearch{}, Alerts: noAlerts{}, Gatherer: reg, Registerer: reg,
		HSTSMaxAge: 180 * 24 * time.Hour, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		Tokens: []Token{{Name: "v", Role: RoleViewer, Value: "viewer-token-0123456789"}}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	get := func(path string, hdr map[string]string) http.Header {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer viewer-token-0123456789")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header
	}
	for _, p := range []string{"/api/v1/search?q=x", "/api/v1/alerts", "/api/v1/nothing", "/api/v1/articles/zz"} {
		if got := get(p, nil).Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", p, got)
		}
	}
	if got := get("/healthz", nil).Get("Strict-Transport-Security"); got != "" {
		t.Errorf("HSTS over plain HTTP: %q", got)
	}
	if got := get("/healthz", map[string]string{"X-Forwarded-Proto": "https"}).Get("Strict-Transport-Security"); got != "max-age=15552000; includeSubDomains" {
		t.Errorf("HSTS behind a trusted TLS proxy: %q", got)
	}
}

// TestMetricsNeedATokenByDefault: the zero Options (what an unset
// api.metrics_public gives) protect /metrics.
func TestMetricsNeedATokenByDefault(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, Options{}.MetricsPublic)
	if got := status(t, srv.URL+"/metrics", ""); got != http.StatusUnauthorized {
		t.Errorf("/metrics without a token: %d, want 401", got)
	}
	if got := status(t, srv.URL+"/metrics", "viewer-token-0123456789"); got != http.StatusOK {
		t.Errorf("/metrics with a viewer token: %d", got)
	}
}
