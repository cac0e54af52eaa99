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
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/sourcehealth"
)

type fakeSearch struct{}

func (fakeSearch) Search(_ context.Context, r indexer.SearchRequest) (*indexer.SearchResult, error) {
	if strings.Contains(r.Q, `"`) {
		return nil, fmt.Errorf("%w: col 1: unterminated phrase", indexer.ErrBadQuery)
	}
	return &indexer.SearchResult{Total: 0, Hits: []indexer.Hit{}}, nil
}

func (fakeSearch) Get(_ context.Context, id string) (*indexer.ArticleView, error) {
	if id != "a1" {
		return nil, indexer.ErrNotFound
	}
	return &indexer.ArticleView{ID: "a1", Title: "=HYPERLINK(1)"}, nil
}

type noAlerts struct{}

func (noAlerts) List(context.Context, alerts.ListOptions) ([]*alerts.Alert, error) { return nil, nil }

func newTestServer(t *testing.T, metricsPublic bool) *httptest.Server {
	t.Helper()
	reg := prometheus.NewRegistry()
	s, err := New(Options{API: true, Search: fakeSearch{}, Alerts: noAlerts{}, Gatherer: reg, Registerer: reg, MetricsPublic: metricsPublic,
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
	t.Parallel()
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
		{"/api/v1/articles/a1", tok, 200},
		{"/api/v1/articles/zz", tok, 404},
		{"/api/v1/articles/a1", "", 401},
		{"/api/v1/search?q=x&from=2026-11-01&to=2026-11-30&source=a,b&label=crisis&facets=true", tok, 200},
		{"/api/v1/search?from=yesterday", tok, 400},
		{"/api/v1/search?facets=maybe", tok, 400},
		{"/api/v1/search?exact_total=maybe", tok, 400},
		{"/api/v1/search?q=x&exact_total=true", tok, 200},
		{"/api/v1/search?q=x&format=csv", tok, 200},
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

type fakeBoard struct{ resumed []string }

func (f *fakeBoard) Sources(context.Context) ([]sourcehealth.Status, error) {
	return []sourcehealth.Status{{ID: "a", LastError: "HTTP 500"}}, nil
}

func (f *fakeBoard) Resume(_ context.Context, id string) error {
	if id != "a" {
		return ErrNotFound
	}
	f.resumed = append(f.resumed, id)
	return nil
}

type fakeSubmit struct{ by []string }

func (f *fakeSubmit) Submit(_ context.Context, u, by string) (string, error) {
	if !strings.HasPrefix(u, "http") {
		return "", BadInput(fmt.Errorf("not an http(s) URL"))
	}
	f.by = append(f.by, by)
	return "0123456789abcdef0123456789abcdef", nil
}

func TestSourcesAndSubmitRoles(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	board, sub := &fakeBoard{}, &fakeSubmit{}
	s, err := New(Options{API: true, Sources: board, Submit: sub, Alerts: noAlerts{}, Gatherer: reg, Registerer: reg,
		Tokens: []Token{
			{Name: "v", Role: RoleViewer, Value: "viewer-token-0123456789"},
			{Name: "o", Role: RoleOfficer, Value: "officer-token-0123456789"},
			{Name: "a", Role: RoleAdmin, Value: "admin-token-0123456789"},
		}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	do := func(method, path, token, body string) int {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
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
	cases := []struct {
		method, path, token, body string
		want                      int
	}{
		{"GET", "/api/v1/sources", "viewer-token-0123456789", "", 200},
		{"GET", "/api/v1/sources", "", "", 401},
		{"POST", "/api/v1/sources/a/resume", "officer-token-0123456789", "", 403},
		{"POST", "/api/v1/sources/a/resume", "admin-token-0123456789", "", 200},
		{"POST", "/api/v1/sources/zz/resume", "admin-token-0123456789", "", 404},
		{"POST", "/api/v1/articles", "viewer-token-0123456789", `{"url":"https://x.example/a"}`, 403},
		{"POST", "/api/v1/articles", "officer-token-0123456789", `{"url":"https://x.example/a"}`, 202},
		{"POST", "/api/v1/articles", "officer-token-0123456789", `{"url":"ftp://x"}`, 400},
		{"POST", "/api/v1/articles", "officer-token-0123456789", `{"link":"https://x.example/a"}`, 400},
		{"POST", "/api/v1/articles", "officer-token-0123456789", `not json`, 400},
		{"POST", "/api/v1/articles", "officer-token-0123456789", `{"url":"` + strings.Repeat("a", 70000) + `"}`, 400},
	}
	for _, c := range cases {
		if got := do(c.method, c.path, c.token, c.body); got != c.want {
			t.Errorf("%s %s as %q: %d, want %d", c.method, c.path, c.token, got, c.want)
		}
	}
	if len(board.resumed) != 1 || len(sub.by) != 1 || sub.by[0] != "o" {
		t.Errorf("resumed %v, submitted by %v", board.resumed, sub.by)
	}
}

func TestRulePreview(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, false)
	post := func(body string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/rules/preview", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer viewer-token-0123456789")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for body, want := range map[string]int{
		`{"query":"lũ AND @province","since":"7d"}`: 200,
		`{"query":"lũ","since":"48h"}`:              200,
		`{"query":"\"lũ"}`:                          400,
		`{"query":""}`:                              400,
		`{"query":"lũ","since":"a week"}`:           400,
		`{"rule":"x"}`:                              400,
	} {
		if got := post(body); got != want {
			t.Errorf("%s: %d, want %d", body, got, want)
		}
	}
}

type fakeMarker struct{ by []string }

func (f *fakeMarker) MarkMisleading(_ context.Context, id, rebuttal, by string) (story.Case, error) {
	if id != "a1" {
		return story.Case{}, ErrNotFound
	}
	f.by = append(f.by, by+" "+rebuttal)
	return story.Case{ArticleID: id}, nil
}

func TestMarkMisleading(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := &fakeMarker{}
	s, err := New(Options{API: true, Misleading: m, Alerts: noAlerts{}, Gatherer: reg, Registerer: reg, Logger: slog.New(slog.DiscardHandler),
		Tokens: []Token{{Name: "v", Role: RoleViewer, Value: "viewer-token-0123456789"}, {Name: "o", Role: RoleOfficer, Value: "officer-token-0123456789"}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	for _, c := range []struct {
		id, token, body string
		want            int
	}{
		{"a1", "viewer-token-0123456789", `{"rebuttal_url":"https://gov.example/x"}`, 403},
		{"a1", "officer-token-0123456789", `{"rebuttal_url":"https://gov.example/x"}`, 200},
		{"a1", "officer-token-0123456789", `{"rebuttal_url":"javascript:alert(1)"}`, 400},
		{"zz", "officer-token-0123456789", `{"rebuttal_url":"https://gov.example/x"}`, 404},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/articles/"+c.id+"/misleading", strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s as %s with %s: %d, want %d", c.id, c.token, c.body, resp.StatusCode, c.want)
		}
	}
	if len(m.by) != 1 || m.by[0] != "o https://gov.example/x" {
		t.Errorf("marked: %v", m.by)
	}
}
