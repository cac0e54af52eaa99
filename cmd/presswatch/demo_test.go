package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"
)

// The demo prints the UI's address with a working admin login and the
// token from PRESSWATCH_DEMO_TOKEN.
func TestDemoPrintsAWorkingLoginAndToken(t *testing.T) {
	const token = "demo-token-from-env-0123456789"
	t.Setenv("PRESSWATCH_DEMO_TOKEN", token)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--listen", "127.0.0.1:0", "--interval", "1h"}, pw, io.Discard)
		pw.Close()
	}()
	var out strings.Builder
	ui := regexp.MustCompile(`Web UI:\s+(http://\S+)/\s+\(user: admin, password: (\S+)\)`)
	var base, password string
	sc := bufio.NewScanner(pr)
	deadline := time.AfterFunc(60*time.Second, cancel)
	defer deadline.Stop()
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if m := ui.FindStringSubmatch(sc.Text()); m != nil {
			base, password = m[1], m[2]
		}
		if strings.Contains(sc.Text(), "Press Ctrl-C") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" || len(password) < 10 {
		t.Fatalf("no UI login in the output:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "API token (admin):    "+token) {
		t.Errorf("token not printed:\n%s", out.String())
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("login page: %d", resp.StatusCode)
	}
	resp, err = hc.PostForm(base+"/login", url.Values{"csrf": {string(m[1])}, "name": {"admin"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
		t.Errorf("login with the printed password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/alerts", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"alerts"`)) {
		t.Errorf("API with the demo token: %d %s", resp.StatusCode, body)
	}
	reportOnTheDemo(t, base, token)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("demo: %v", err)
	}
}

// reportOnTheDemo runs presswatch report in every format on the demo's
// articles once they are indexed.
func reportOnTheDemo(t *testing.T, base, token string) {
	t.Helper()
	wait.Until(t, 60*time.Second, "the demo's first articles indexed", func() bool {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/search?limit=1", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var res struct{ Total int }
		return json.NewDecoder(resp.Body).Decode(&res) == nil && res.Total > 0
	})
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	today := time.Now().In(loc)
	dir := t.TempDir()
	for _, f := range []string{"pdf", "xlsx", "html", "csv"} {
		out := filepath.Join(dir, "r."+f)
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"report", "--server", base, "--token", token, "--from", today.AddDate(0, 0, -6).Format(time.DateOnly),
			"--to", today.Format(time.DateOnly), "--format", f, "--out", out}, &stdout, &stderr)
		if err != nil {
			t.Fatalf("report --format %s: %v", f, err)
		}
		data, err := os.ReadFile(out)
		if err != nil || len(data) < 500 {
			t.Fatalf("report --format %s: %d bytes, %v", f, len(data), err)
		}
		magic := map[string]string{"pdf": "%PDF-", "xlsx": "PK", "html": "<!DOCTYPE html>", "csv": "\ufeff"}[f]
		if !bytes.HasPrefix(data, []byte(magic)) {
			t.Errorf("report --format %s starts %q", f, data[:10])
		}
	}
	err := run(context.Background(), []string{"report", "--server", base, "--token", token, "--format", "docx"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "unknown report format") {
		t.Errorf("--format docx: %v", err)
	}
	err = run(context.Background(), []string{"report", "--server", base, "--token", token, "--from", "2099-01-05", "--to", "2099-01-11"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "400 Bad Request: the period starts in the future") {
		t.Errorf("future period: %v", err)
	}
}
