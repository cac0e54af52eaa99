package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/presswatch/presswatch/alerts/notify/email/smtpsink"
	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/internal/wait"
	"github.com/presswatch/presswatch/report"
)

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// reportApp starts an app (indexer and web) on dataDir; schedule, when
// set, is the report.schedules block.
func reportApp(t *testing.T, dataDir, natsAddr, smtpAddr, schedule string) *app.App {
	t.Helper()
	host, port, _ := net.SplitHostPort(smtpAddr)
	cfg := fmt.Sprintf(`data_dir: %s
listen: 127.0.0.1:0
roles: [indexer, web]
nats:
  embedded_listen: %s
indexer:
  batch_size: 50
  batch_interval: 100ms
alerts:
  base_url: https://presswatch.report.example
  receivers:
    - name: log
      log: {}
    - name: mail
      email:
        host: %s
        port: %s
        tls: none
        from: "Presswatch <baocao@stttt.example.vn>"
  route:
    receivers: [log]
api:
  tokens:
    - name: e2e
      role: officer
      token: %s
report:
  places: [Mường Chà]
%s`, dataDir, natsAddr, host, port, testToken, schedule)
	path := filepath.Join(t.TempDir(), "presswatch.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

func stopApp(t *testing.T, a *app.App) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Stop(ctx); err != nil {
		t.Error(err)
	}
}

// TestScheduledReportIsMailedArchivedAndServed: articles of last week are
// indexed; the process restarts with a schedule whose time passed an
// hour ago, so it makes the run at start: the report arrives by e-mail
// (real SMTP) with the PDF, and the archive lists and serves the same
// file to the API and the "Báo cáo" page.
func TestScheduledReportIsMailedArchivedAndServed(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	sink, err := smtpsink.Start("127.0.0.1:0", smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	dataDir, natsAddr := filepath.Join(t.TempDir(), "data"), freePort(t)

	a := reportApp(t, dataDir, natsAddr, sink.Addr(), "")
	nc, err := nats.Connect("nats://" + natsAddr)
	if err != nil {
		t.Fatal(err)
	}
	week := report.LastWeek(time.Now(), loc)
	for i := range 30 {
		art := article.Article{
			ID: fmt.Sprintf("%032d", i), URL: fmt.Sprintf("https://baodienbien.example.vn/%d", i), SourceID: []string{"baodienbien", "vnexpress"}[i%2],
			Tier: "local", Lang: "vi", Title: fmt.Sprintf("Sạt lở đất ở Mường Chà, bài %d", i), Text: "Mưa lớn gây sạt lở đất ở Mường Chà.",
			Published: week.From.Add(time.Duration(i) * 5 * time.Hour), Sentiment: -0.5, Labels: []string{"sensitive", "disaster"}, StoryID: "s1",
		}
		data, _ := json.Marshal(art)
		if _, err := nc.Request(bus.SubjectClassified, data, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	nc.Close()
	base := "http://" + a.Addr()
	q := url.Values{"q": {"Mường Chà"}, "from": {week.From.Format(time.RFC3339)}, "to": {week.To.Format(time.RFC3339)}, "limit": {"1"}}
	wait.Until(t, 30*time.Second, "30 articles indexed", func() bool {
		var s searchResp
		return getJSON(t, base+"/api/v1/search?"+q.Encode(), &s) == http.StatusOK && s.Total == 30
	})
	stopApp(t, a)

	at := time.Now().In(loc).Add(-time.Hour)
	a = reportApp(t, dataDir, natsAddr, sink.Addr(), fmt.Sprintf(`  schedules:
    - name: weekly
      cron: "%d %d * * *"
      receiver: mail
      to: ["Lãnh đạo <lanhdao@ubnd.example.vn>"]
`, at.Minute(), at.Hour()))
	defer stopApp(t, a)
	base = "http://" + a.Addr()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := sink.Wait(ctx, 1); err != nil {
		t.Fatalf("no report e-mail: %v", err)
	}
	m := sink.Messages()[0]
	subject, _, files, err := m.Parts()
	if err != nil {
		t.Fatal(err)
	}
	pdfName := "bao-cao_" + week.Name() + ".pdf"
	if m.To[0] != "lanhdao@ubnd.example.vn" || !strings.HasPrefix(subject, "Báo cáo dư luận báo chí") || !bytes.HasPrefix(files[pdfName], []byte("%PDF-")) {
		t.Fatalf("e-mail to %v, subject %q, files %d", m.To, subject, len(files))
	}

	// Listed by the API and downloadable: the same bytes as mailed.
	var list struct {
		Reports []struct{ Name, Format, From, To string } `json:"reports"`
	}
	wait.Until(t, 10*time.Second, "the report listed", func() bool {
		return getJSON(t, base+"/api/v1/reports", &list) == http.StatusOK && len(list.Reports) == 4
	})
	var pdfPath string
	for _, r := range list.Reports {
		if r.Format == "pdf" {
			pdfPath = "/api/v1/reports/files/" + (&url.URL{Path: r.Name}).EscapedPath()
		}
	}
	body, code := get(t, base+pdfPath)
	if code != http.StatusOK || !bytes.Equal(body, files[pdfName]) {
		t.Errorf("download %s: %d, %d bytes, want the %d mailed", pdfPath, code, len(body), len(files[pdfName]))
	}
	// The page lists it with its download links.
	page, code := get(t, base+"/reports")
	if code != http.StatusOK || !strings.Contains(string(page), pdfPath) || !strings.Contains(string(page), "Báo cáo dư luận") {
		t.Errorf("reports page %d lacks %s", code, pdfPath)
	}

	// Bad input is a clear 400.
	for name, c := range map[string]struct{ q, want string }{
		"future":         {"from=2099-01-05&to=2099-01-11&format=pdf", "the period starts in the future"},
		"empty":          {"from=2026-11-10&to=2026-11-03&format=pdf", "the period is empty"},
		"unknown format": {"format=docx", "unknown report format"},
		"no data":        {"from=2020-01-06&to=2020-01-12&format=csv", "holds no article"},
	} {
		var e struct{ Error string }
		if code := getJSON(t, base+"/api/v1/reports/render?"+c.q, &e); code != http.StatusBadRequest || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s: %d %q", name, code, e.Error)
		}
	}
	// Rendering on demand counts the 30 articles.
	csv, code := get(t, base+"/api/v1/reports/render?format=csv&from="+week.From.Format(time.DateOnly)+"&to="+week.Last().Format(time.DateOnly))
	if code != http.StatusOK || !bytes.HasPrefix(csv, []byte("\ufeff")) || !strings.Contains(string(csv), "Tổng số tin bài,30,") {
		t.Errorf("csv %d:\n%.400s", code, csv)
	}
}

func get(t *testing.T, u string) ([]byte, int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b, resp.StatusCode
}
