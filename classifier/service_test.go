package classifier

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWatchDirReloadsAndRefusesBrokenRules(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("rules:\n  - id: a\n    keywords: [lũ]\n")
	rs, err := LoadDir(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(nil, rs, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go svc.WatchDir(ctx, dir, 10*time.Millisecond)

	write("rules:\n  - id: a\n    keywords: [lũ]\n  - id: b\n    keywords: [bão]\n")
	waitUntil(t, "reload", func() bool { return svc.Rules().Len() == 2 })
	good := svc.Rules().Version

	write("rules:\n  - id: a\n    keywords: [lũ]\n    severity: apocalyptic\n")
	time.Sleep(200 * time.Millisecond)
	if svc.Rules().Version != good || svc.Rules().Len() != 2 {
		t.Fatalf("broken rules replaced the active set")
	}
	if got := svc.lastErr.Load(); got == nil {
		t.Error("refusal not recorded")
	}
}

func TestServiceClassifiesFromBus(t *testing.T) {
	b := bustest.Start(t)
	rs := exampleRules(t)
	svc, err := NewService(b, rs, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	in := []article.Article{
		{ID: "f1", Title: "Lu quet o Muong Cha", Text: "Nhieu nha bi cuon troi.", ContentHash: "h1"},
		{ID: "n1", Title: "Hoa ban no", Text: "Du khach den Dien Bien.", ContentHash: "h2"},
	}
	ctx := context.Background()
	for _, a := range in {
		data, _ := json.Marshal(a)
		if err := b.Publish(ctx, bus.SubjectFetched, a.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Publish(ctx, bus.SubjectFetched, "junk", []byte("not json")); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- svc.Run(rctx) }()
	s, err := b.JetStream().Stream(ctx, bus.StreamClassified)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "two classified", func() bool { info, _ := s.Info(ctx); return info.State.Msgs == 2 })
	waitUntil(t, "junk dead-lettered", func() bool { n, _ := b.DeadLetterCount(ctx); return n == 1 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	raw, err := s.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var a article.Article
	if err := json.Unmarshal(raw.Data, &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "f1" || !a.Flagged() || a.Severity != article.SeverityHigh || a.RulesetVersion != rs.Version || a.Classified.IsZero() {
		t.Errorf("classified = %+v", a)
	}
}
