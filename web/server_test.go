package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/indexer"
)

type fakeSearch struct{}

func (fakeSearch) Search(_ context.Context, r indexer.SearchRequest) (*indexer.SearchResult, error) {
	if strings.Contains(r.Q, `"`) {
		return nil, fmt.Errorf("%w: col 1: unterminated phrase", indexer.ErrBadQuery)
	}
	return &indexer.SearchResult{Total: 0, Hits: []indexer.Hit{}}, nil
}

type noAlerts struct{}

func (noAlerts) List(context.Context, alerts.ListOptions) ([]*alerts.Alert, error) { return nil, nil }

func newTestServer(t *testing.T, metricsPublic bool) *httptest.Server {
	t.Helper()
	reg := prometheus.NewRegistry()
	s, err := New(Options{Search: fakeSearch{}, Alerts: noAlerts{}, Gatherer: reg, Registerer: reg, MetricsPublic: metricsPublic,
		Tokens: []Token{{Name: "v", Role: RoleViewer, Value: "viewer-token-0123456789"}}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func status(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestAuthAndStatusCodes(t *testing.T) {
	srv := newTestServer(t, false)
	const tok = "viewer-token-0123456789"
	cases := []struct {
		path, token string
		want        int
	}{
		{"/healthz", "", 200},
		{"/readyz", "", 200},
		{"/metrics", "", 401},
		{"/metrics", tok, 200},
		{"/api/v1/search?q=x", "", 401},
		{"/api/v1/search?q=x", "wrong-token-0123456789", 401},
		{"/api/v1/search?q=x", tok, 200},
		{"/api/v1/search?q=%22x", tok, 400},
		{"/api/v1/search?limit=abc", tok, 400},
		{"/api/v1/search?limit=100000", tok, 400},
		{"/api/v1/alerts", tok, 200},
		{"/api/v1/alerts?severity=urgent", tok, 400},
		{"/api/v1/nothing", tok, 404},
		{"/api/v1/nothing", "", 401},
	}
	for _, c := range cases {
		if got := status(t, srv.URL+c.path, c.token); got != c.want {
			t.Errorf("GET %s (token %q) = %d, want %d", c.path, c.token, got, c.want)
		}
	}
	if got := status(t, newTestServer(t, true).URL+"/metrics", ""); got != 200 {
		t.Errorf("public metrics = %d", got)
	}
}
