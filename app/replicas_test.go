package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/internal/wait"
)

func indexerConfig(t *testing.T, name, natsURL, replica string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), name)
	cfg.Listen = "127.0.0.1:0"
	cfg.Roles = []string{RoleIndexer}
	cfg.Indexer.Replica = replica
	cfg.Indexer.BatchSize = 50
	if natsURL == "" {
		cfg.NATS.EmbeddedListen = "127.0.0.1:0"
	} else {
		cfg.NATS.URL = natsURL
	}
	return cfg
}

func startApp(t *testing.T, cfg config.Config) (*App, error) {
	t.Helper()
	a := New(cfg, slog.New(slog.DiscardHandler))
	if err := a.Start(context.Background()); err != nil {
		return nil, err
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = a.Stop(ctx)
	})
	return a, nil
}

// TestIndexerReplicas: a second indexer with a replica name already in
// use is refused at start; an indexer with its own name answers searches
// only once it has caught up, so twelve identical searches (and every
// one while it catches up) give the same total.
func TestIndexerReplicas(t *testing.T) {
	t.Parallel()
	first, err := startApp(t, indexerConfig(t, "first", "", "indexer"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 1500
	ctx := context.Background()
	t0 := time.Now().Add(-time.Hour).UTC()
	for i := range n {
		a := article.Article{ID: fmt.Sprintf("%032x", i+1), URL: fmt.Sprintf("https://example.vn/%d", i), SourceID: "s", Lang: "vi",
			Title: fmt.Sprintf("Tin số %d về Điện Biên", i), Text: "Mưa lớn ở Điện Biên, nhiều tuyến đường bị sạt lở.", Published: t0}
		data, _ := json.Marshal(a)
		if err := first.bus.Publish(ctx, bus.SubjectClassified, a.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	remote := indexer.Remote{NC: first.bus.Conn()}
	wait.For(t, 60*time.Second, func() error {
		res, err := remote.Search(ctx, indexer.SearchRequest{})
		if err != nil {
			return err
		}
		if res.Total != n {
			return fmt.Errorf("total %d of %d", res.Total, n)
		}
		return first.ready(ctx)
	})
	url := first.bus.ClientURL()

	start := time.Now()
	if _, err := startApp(t, indexerConfig(t, "clash", url, "indexer")); !errors.Is(err, indexer.ErrReplicaTaken) {
		t.Fatalf("second indexer named %q: start error %v, want it refused (ErrReplicaTaken)", "indexer", err)
	} else if !strings.Contains(err.Error(), "renewed it while this indexer waited") {
		t.Errorf("clashing indexer refused after %s without seeing the live holder renew: %v", time.Since(start).Round(time.Second), err)
	} else {
		t.Logf("clashing indexer refused after %s: %v", time.Since(start).Round(time.Second), err)
	}

	second, err := startApp(t, indexerConfig(t, "second", url, "second"))
	if err != nil {
		t.Fatal(err)
	}
	searches, before := 0, 0
	for searches < 12 || !second.serving.Load() {
		if time.Since(start) > 2*time.Minute {
			t.Fatal("the second replica never caught up")
		}
		res, err := remote.Search(ctx, indexer.SearchRequest{})
		if err != nil {
			t.Fatalf("search %d: %v", searches, err)
		}
		if res.Total != n {
			t.Fatalf("search %d answered total=%d, want %d (a replica that has not caught up answered)", searches, res.Total, n)
		}
		searches++
		if !second.serving.Load() {
			before++
		}
	}
	t.Logf("%d searches, %d of them while the second replica caught up", searches, before)
	if err := second.ready(ctx); err != nil {
		t.Errorf("caught-up replica not ready: %v", err)
	}
}
