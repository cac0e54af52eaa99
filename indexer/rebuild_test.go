package indexer

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

// TestRebuildAnswersLikeTheOriginal: an index rebuilt from the stream
// answers every query as the index the writer built.
func TestRebuildAnswersLikeTheOriginal(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	ctx := context.Background()
	arts := corpus()
	for _, a := range arts {
		data, _ := json.Marshal(a)
		if err := b.Publish(ctx, bus.SubjectClassified, a.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	// A later classification of d3 must win in both.
	d3 := *arts[2]
	d3.Labels = []string{"misleading"}
	data, _ := json.Marshal(d3)
	if err := b.Publish(ctx, bus.SubjectClassified, "d3:v2", data); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, bus.SubjectClassified, "junk", []byte("{")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	orig, err := Open(filepath.Join(dir, "live"))
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	w, err := NewWriter(orig, b, WriterOptions{Replica: "t", BatchSize: 2, BatchInterval: 100 * time.Millisecond}, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- w.Run(wctx) }()
	wait.Until(t, 20*time.Second, "the writer to index the stream", func() bool {
		res, _ := orig.Search(ctx, SearchRequest{Q: "label:misleading"})
		n, _ := orig.Count()
		return n == 4 && res != nil && res.Total == 1
	})
	cancel()
	<-done

	rebuilt := filepath.Join(dir, "rebuilt")
	n, err := Rebuild(ctx, b.JetStream(), rebuilt, Options{}, 2, slog.New(slog.DiscardHandler))
	if err != nil || n != 5 {
		t.Fatalf("rebuild: %d messages, %v", n, err)
	}
	re, err := Open(rebuilt)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	for _, q := range []string{"", "lu quet", "hoa", `="hòa"`, "label:misleading", "label:tourism", "floods NEAR/3 houses", "NOT dien", "source:bao-b"} {
		a, b := mustSearch(t, orig, SearchRequest{Q: q}), mustSearch(t, re, SearchRequest{Q: q})
		if strings.Join(ids(a), ",") != strings.Join(ids(b), ",") || a.Total != b.Total {
			t.Errorf("%q: original %v, rebuilt %v", q, ids(a), ids(b))
		}
	}
}
