package schedule_test

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/presswatch/presswatch/alerts/notify/email"
	"github.com/presswatch/presswatch/alerts/notify/email/smtpsink"
	"github.com/presswatch/presswatch/alerts/notify/template"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/internal/wait"
	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/archive"
	"github.com/presswatch/presswatch/report/reporttest"
	"github.com/presswatch/presswatch/report/schedule"
)

type setup struct {
	f    *reporttest.Fixture
	sink *smtpsink.Sink
	s    *schedule.Scheduler
	job  schedule.Job
	arc  archive.Archive
}

// start runs the fixture with a real SMTP server whose recipients are
// refused (450, a temporary failure) while refuse is positive.
func start(t *testing.T, refuse *atomic.Int32, smtpAddr string) setup {
	f := reporttest.Start(t)
	o := smtpsink.Options{Rcpt: func(string) error {
		if refuse != nil && refuse.Add(-1) >= 0 {
			return &smtp.SMTPError{Code: 450, Message: "mailbox busy"}
		}
		return nil
	}}
	sink, err := smtpsink.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	if smtpAddr == "" {
		smtpAddr = sink.Addr()
	}
	host, port, _ := net.SplitHostPort(smtpAddr)
	p, _ := strconv.Atoi(port)
	set, err := template.Load(nil, "vi")
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := email.New(email.Config{Host: host, Port: p, TLS: email.NoTLS, From: "Presswatch <baocao@stttt.example.vn>", Timeout: 5 * time.Second, Templates: set})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := config.CronParser().Parse("0 7 * * 1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := report.NewBuilder(f.Index, f.Alerts, f.Cases, reporttest.Options())
	if err != nil {
		t.Fatal(err)
	}
	arc := archive.Archive{OBS: f.Bus.Objects(bus.ObjectReports)}
	job := schedule.Job{Name: "weekly", Spec: spec, To: []string{"Lãnh đạo <lanhdao@ubnd.example.vn>"}, Lang: "vi", Mailer: mailer}
	s, err := schedule.New(schedule.Options{
		Jobs: []schedule.Job{job}, Publisher: archive.Publisher{Builder: b, Archive: arc}, Runs: f.Bus.KV(bus.BucketReportRuns),
		Location: reporttest.ICT, Attempts: 3, Backoff: 10 * time.Millisecond, Now: func() time.Time { return reporttest.Now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return setup{f: f, sink: sink, s: s, job: job, arc: arc}
}

// TestAMissedRunIsMadeAtStartAndSentOnce: the fixture's clock is Monday
// 09:00, two hours after the 07:00 run, so starting makes it: last week's
// report archived in every format and e-mailed with the PDF.
func TestAMissedRunIsMadeAtStartAndSentOnce(t *testing.T) {
	t.Parallel()
	su := start(t, nil, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- su.s.Run(ctx) }()
	runsKV := su.f.Bus.KV(bus.BucketReportRuns)
	wait.Until(t, 30*time.Second, "the run recorded as sent", func() bool {
		runs, _ := schedule.Runs(context.Background(), runsKV)
		return len(runs) == 1 && runs[0].Status == "sent"
	})
	cancel()
	<-done
	subject, _, files, err := su.sink.Messages()[0].Parts()
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Báo cáo dư luận báo chí 30/11/2026 – 06/12/2026" {
		t.Errorf("subject %q", subject)
	}
	pdf := files["bao-cao_2026-11-30_2026-12-06.pdf"]
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("attachments %v", keys(files))
	}
	entries, err := su.arc.List(context.Background())
	if err != nil || len(entries) != 4 {
		t.Fatalf("archive: %v %v", entries, err)
	}
	_, archived, err := su.arc.Get(context.Background(), "2026-11-30_2026-12-06/vi/bao-cao_2026-11-30_2026-12-06.pdf")
	if err != nil || !bytes.Equal(archived, pdf) {
		t.Errorf("the archived PDF is not the one sent: %v", err)
	}
	// A second process starting now finds the run made.
	if err := su.s.Fire(context.Background(), su.job, reporttest.At(7, 7, 0)); err != nil {
		t.Fatal(err)
	}
	if n := su.sink.Total(); n != 1 {
		t.Errorf("%d e-mails, want 1", n)
	}
	runs, _ := schedule.Runs(context.Background(), su.f.Bus.KV(bus.BucketReportRuns))
	if len(runs) != 1 || runs[0].Status != "sent" || runs[0].Attempts != 1 {
		t.Errorf("runs %+v", runs)
	}
}

func TestAFailedEmailIsRetriedAndTheReportStillArchived(t *testing.T) {
	t.Parallel()
	var refuse atomic.Int32
	refuse.Store(2)
	su := start(t, &refuse, "")
	if err := su.s.Fire(context.Background(), su.job, reporttest.At(7, 7, 0)); err != nil {
		t.Fatal(err)
	}
	runs, _ := schedule.Runs(context.Background(), su.f.Bus.KV(bus.BucketReportRuns))
	if su.sink.Total() != 1 || len(runs) != 1 || runs[0].Attempts != 3 || runs[0].Status != "sent" {
		t.Errorf("after two refusals: %d e-mails, runs %+v", su.sink.Total(), runs)
	}

	// No SMTP server at all: every attempt fails, the report is archived.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	su = start(t, nil, dead)
	err := su.s.Fire(context.Background(), su.job, reporttest.At(7, 7, 0))
	if err == nil || !strings.Contains(err.Error(), "archived, but the e-mail failed 3 times") {
		t.Errorf("server down: %v", err)
	}
	if entries, _ := su.arc.List(context.Background()); len(entries) != 4 {
		t.Errorf("archived %d files, want 4", len(entries))
	}
	runs, _ = schedule.Runs(context.Background(), su.f.Bus.KV(bus.BucketReportRuns))
	if len(runs) != 1 || runs[0].Status != "unsent" {
		t.Errorf("runs %+v", runs)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
