package crawler

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/storagehealth"
)

// fullDisk is the crawler's evidence store (a real JetStream object store)
// with writes failing as a full disk fails them while full is set. A small
// tmpfs would be the natural way to fill a disk, but mounting one needs
// root; the object store is the boundary where the crawler writes the
// page, so the failure is injected there and NATS itself stays real.
type fullDisk struct {
	jetstream.ObjectStore
	full   atomic.Bool
	failed atomic.Int32
}

func (d *fullDisk) PutBytes(ctx context.Context, name string, data []byte) (*jetstream.ObjectInfo, error) {
	if d.full.Load() {
		d.failed.Add(1)
		return nil, &fs.PathError{Op: "write", Path: "jetstream/evidence/" + name, Err: syscall.ENOSPC}
	}
	return d.ObjectStore.PutBytes(ctx, name, data)
}

// TestFullDiskRetriesPagesAndRecovers: while the page cannot be saved, no
// article is published (in particular none as a partial with the feed's
// summary), readiness reports the cause, and once space returns every
// article comes in whole without a restart.
func TestFullDiskRetriesPagesAndRecovers(t *testing.T) {
	t.Parallel()
	site, srv := siteServer(t, 3)
	tracker, err := storagehealth.New(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	disk := &fullDisk{}
	disk.full.Store(true)
	sources := []config.Source{{ID: "feed", Kind: "feed", URL: srv.URL + "/rss.xml", Interval: config.Duration(time.Second),
		MinInterval: config.Duration(500 * time.Millisecond), MaxInterval: config.Duration(time.Second)}}
	h := newHarnessWith(t, sources, func(o *Options) { o.Storage = tracker }, func(c *Crawler) {
		disk.ObjectStore = c.evidence
		c.evidence = disk
	})
	h.waitFor("the pages to be retried on a full disk", 30*time.Second, func() bool { return disk.failed.Load() >= 6 })
	err = tracker.Err()
	if err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "crawler writes failing") {
		t.Fatalf("readiness error = %v, want the crawler's no-space failure", err)
	}
	if arts, _ := h.published(); len(arts) != 0 {
		for _, a := range arts {
			t.Errorf("published while the page could not be saved: %s (partial=%v)", a.URL, a.Partial)
		}
	}

	disk.full.Store(false)
	h.waitFor("every article once space is back", 30*time.Second, func() bool {
		arts, _ := h.published()
		return len(arts) == len(site.Published())
	})
	arts, _ := h.published()
	for _, a := range arts {
		if a.Partial || a.Evidence == "" {
			t.Errorf("%s: partial=%v evidence=%q, want the whole page kept", a.URL, a.Partial, a.Evidence)
		}
	}
	if err := tracker.Err(); err != nil {
		t.Errorf("still not ready after recovery: %v", err)
	}
}
