package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommandWritesWhatTheServerRenders(t *testing.T) {
	var gotPath, gotAuth string
	var gotQuery map[string][]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotAuth, gotQuery = r.URL.Path, r.Header.Get("Authorization"), r.URL.Query()
		if r.URL.Query().Get("lang") == "xx" {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "unknown language xx"})
			return
		}
		// A hostile name: only its base name may be used.
		w.Header().Set("Content-Disposition", `attachment; filename="../../bao-cao-tuan.csv"`)
		w.Write([]byte("ngày,số bài\n2026-11-02,3\n"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	t.Chdir(dir)

	var out bytes.Buffer
	err := run(context.Background(), []string{"report", "--server", srv.URL + "/", "--token", "tok", "--format", "csv", "--from", "2026-11-02", "--to", "2026-11-08"}, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if gotPath != "/api/v1/reports/render" || gotAuth != "Bearer tok" || gotQuery["format"][0] != "csv" || gotQuery["from"][0] != "2026-11-02" || gotQuery["to"][0] != "2026-11-08" {
		t.Errorf("request: %s %v (auth %q)", gotPath, gotQuery, gotAuth)
	}
	data, err := os.ReadFile(filepath.Join(dir, "bao-cao-tuan.csv"))
	if err != nil || !strings.Contains(string(data), "2026-11-02,3") {
		t.Errorf("file: %q, %v", data, err)
	}
	if !strings.Contains(out.String(), "wrote bao-cao-tuan.csv") {
		t.Errorf("output: %q", out.String())
	}

	out.Reset()
	if err := run(context.Background(), []string{"report", "--server", srv.URL, "--format", "csv", "--out", "-"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "ngày,số bài") {
		t.Errorf("--out - wrote %q", out.String())
	}

	err = run(context.Background(), []string{"report", "--server", srv.URL, "--format", "csv", "--lang", "xx"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "400 Bad Request: unknown language xx") {
		t.Errorf("refusal: %v", err)
	}
}
