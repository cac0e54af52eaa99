package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/internal/wait"
	"github.com/presswatch/presswatch/storagehealth"
)

// fullDisk stands in front of a real index and fails its batch commits as
// a full disk fails them while full is set. Filling a real disk would need
// a small tmpfs, which needs root; the batch commit is where the writer's
// data reaches the disk, so that is where the failure is injected, with
// NATS and Bleve real behind it.
type fullDisk struct {
	*Index
	full   atomic.Bool
	failed atomic.Int32
}

func (d *fullDisk) IndexBatch(arts []*article.Article) error {
	if d.full.Load() {
		d.failed.Add(1)
		return fmt.Errorf("index batch: %w", &fs.PathError{Op: "write", Path: "index/2026-11/store/000000000001.zap", Err: syscall.ENOSPC})
	}
	return d.Index.IndexBatch(arts)
}

// TestWriterOnFullDiskReportsAndRecovers: while batches cannot be
// committed the writer acknowledges nothing, dead-letters nothing and
// readiness names the cause; once space returns every article is indexed
// and readiness recovers, without a restart.
func TestWriterOnFullDiskReportsAndRecovers(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	disk := &fullDisk{Index: openTestIndex(t)}
	disk.full.Store(true)
	tracker, err := storagehealth.New(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(disk.Index, b, WriterOptions{Replica: "t", BatchSize: 10, BatchInterval: 50 * time.Millisecond, Storage: tracker},
		slogDiscard(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	w.idx = disk
	ctx := context.Background()
	for _, a := range testArticles() {
		data, _ := json.Marshal(a)
		if err := b.Publish(ctx, bus.SubjectClassified, a.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- w.Run(rctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	wait.For(t, 20*time.Second, func() error {
		if disk.failed.Load() < 2 {
			return errors.New("no retried batch yet")
		}
		return nil
	})
	if err := tracker.Err(); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("readiness error = %v, want the indexer's no-space failure", err)
	}
	if n, _ := disk.Count(); n != 0 {
		t.Fatalf("%d articles indexed on a full disk", n)
	}
	disk.full.Store(false)
	wait.For(t, 30*time.Second, func() error {
		n, _ := disk.Count()
		if int(n) != len(testArticles()) {
			return fmt.Errorf("indexed %d of %d", n, len(testArticles()))
		}
		return tracker.Err()
	})
	if dl, _ := b.DeadLetterCount(ctx); dl != 0 {
		t.Errorf("%d messages dead-lettered by a full disk", dl)
	}
}
