package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
)

// The search API on a real index: a query with a mistake is a 400 that
// says where, and a search that overruns indexer.search_timeout is a 504
// that says so, not a hang or a 500.
func TestSearchAPIBadQueryAndTimeoutOnARealIndex(t *testing.T) {
	t.Parallel()
	idx, err := indexer.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	if err := idx.IndexBatch([]*article.Article{{ID: "a1", URL: "https://bao.example/1", SourceID: "bao", Lang: "vi",
		Title: "Lũ quét ở Mường Chà", Text: "Nước rút chậm.", Published: time.Now().Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	serve := func(timeout time.Duration) *httptest.Server {
		reg := prometheus.NewRegistry()
		s, err := New(Options{API: true, Search: idx, Alerts: noAlerts{}, Gatherer: reg, Registerer: reg, SearchTimeout: timeout,
			Tokens: []Token{{Name: "v", Role: RoleViewer, Value: "viewer-token-0123456789"}}, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		return srv
	}
	get := func(base, q string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/search?q="+url.QueryEscape(q), nil)
		req.Header.Set("Authorization", "Bearer viewer-token-0123456789")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return resp.StatusCode, e.Error
	}
	fast := serve(5 * time.Second)
	if code, _ := get(fast.URL, "lu quet"); code != http.StatusOK {
		t.Fatalf("plain search: %d", code)
	}
	if code, msg := get(fast.URL, "lu quet AND"); code != http.StatusBadRequest || !strings.Contains(msg, "col 12") {
		t.Errorf("bad query: %d %q, want 400 naming col 12", code, msg)
	}
	slow := serve(time.Nanosecond)
	if code, msg := get(slow.URL, "lu quet"); code != http.StatusGatewayTimeout || !strings.Contains(msg, "took longer than 1ns") {
		t.Errorf("overrun: %d %q, want 504 saying it took longer than the timeout", code, msg)
	}
}
