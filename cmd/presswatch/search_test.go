package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/indexer"
)

func TestSearchCommandTalksToTheAPI(t *testing.T) {
	var gotQuery, gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotQuery, gotAuth = r.URL.RawQuery, r.Header.Get("Authorization")
		if r.URL.Query().Get("q") == "lũ AND" {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "bad query: col 4: expected a term after AND"})
			return
		}
		json.NewEncoder(w).Encode(indexer.SearchResult{Total: 1, Hits: []indexer.Hit{{
			ID: "x", URL: "https://a.example/1", Title: "Lũ quét", Source: "bao-a", Published: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
			Labels: []string{"crisis"}, Snippet: "mưa gây <mark>lũ</mark> &amp; sạt lở"}}})
	}))
	defer srv.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"search", "--server", srv.URL, "--token", "tok", "--filter", "label=crisis", "--from", "2026-11-01", `"lũ quét" NEAR/3 "Mường Chà"`}, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if gotAuth != "Bearer tok" || !strings.Contains(gotQuery, "label=crisis") || !strings.Contains(gotQuery, "from=2026-11-01") || !strings.Contains(gotQuery, "NEAR%2F3") {
		t.Errorf("request: %s (auth %q)", gotQuery, gotAuth)
	}
	if s := out.String(); !strings.Contains(s, "1 results") || !strings.Contains(s, "mưa gây [lũ] & sạt lở") || !strings.Contains(s, "[crisis]") {
		t.Errorf("output:\n%s", s)
	}
	err = run(context.Background(), []string{"search", "--server", srv.URL, "lũ AND"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "col 4") {
		t.Errorf("bad query error: %v", err)
	}
}

func TestReindexCommandOnAnEmptyDataDir(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"reindex", "--data", t.TempDir()}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "reindexed 0 article versions") {
		t.Errorf("output %q", out.String())
	}
}
