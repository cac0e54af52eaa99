package indexer

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/storagehealth"
)

// Bus is what the writer needs from the message bus.
type Bus interface {
	ConsumeBatches(ctx context.Context, spec bus.ConsumerSpec, o bus.ConsumeOptions, h bus.BatchHandler) error
}

// WriterOptions tune batching.
type WriterOptions struct {
	Replica       string
	BatchSize     int
	BatchInterval time.Duration
	// Storage hears whether each batch commit succeeded, so readiness
	// shows a full disk; may be nil.
	Storage *storagehealth.Tracker
}

// batchIndexer is the part of an Index the writer writes through; tests
// put a failing disk in front of it.
type batchIndexer interface {
	IndexBatch(arts []*article.Article) error
}

// Writer consumes article.classified into the index, acking each message
// only after the batch holding it is committed.
type Writer struct {
	idx  batchIndexer
	bus  Bus
	opts WriterOptions
	log  *slog.Logger
	writerMetrics
}

// NewWriter registers the writer's metrics with reg.
func NewWriter(idx *Index, b Bus, o WriterOptions, log *slog.Logger, reg prometheus.Registerer) (*Writer, error) {
	if o.Replica == "" {
		o.Replica = "indexer"
	}
	w := &Writer{
		idx: idx, bus: b, opts: o, log: log.With("component", "indexer", "replica", o.Replica),
	}
	var err error
	if w.writerMetrics, err = newWriterMetrics(reg); err != nil {
		return nil, err
	}
	return w, nil
}

// Run consumes until ctx is cancelled; the batch in hand is still committed.
func (w *Writer) Run(ctx context.Context) error {
	return w.bus.ConsumeBatches(ctx, bus.IndexerConsumer(w.opts.Replica),
		bus.ConsumeOptions{Batch: w.opts.BatchSize, MaxWait: w.opts.BatchInterval}, w.handle)
}

func (w *Writer) handle(_ context.Context, msgs []jetstream.Msg) []error {
	errs := make([]error, len(msgs))
	arts := make([]*article.Article, 0, len(msgs))
	// A message redelivered inside one batch would be indexed twice in it;
	// the last version wins either way, so keep only one.
	byID := map[string]int{}
	for i, m := range msgs {
		var a article.Article
		if err := json.Unmarshal(m.Data(), &a); err != nil {
			errs[i] = bus.Permanent(fmt.Errorf("decode article.classified: %w", err))
			continue
		}
		if a.ID == "" {
			errs[i] = bus.Permanent(fmt.Errorf("article.classified without id (url %q)", a.URL))
			continue
		}
		if j, dup := byID[a.ID]; dup {
			arts[j] = &a
			continue
		}
		byID[a.ID] = len(arts)
		arts = append(arts, &a)
	}
	if len(arts) == 0 {
		return errs
	}
	start := time.Now()
	err := w.idx.IndexBatch(arts)
	w.opts.Storage.Report("indexer", err)
	if err != nil {
		w.log.Error("batch commit failed; messages will be retried", "err", err, "batch", len(arts))
		for i := range msgs {
			if errs[i] == nil {
				// The index, not the message, failed.
				errs[i] = bus.Transient(err)
			}
		}
		return errs
	}
	now := time.Now()
	w.batches.Observe(now.Sub(start).Seconds())
	w.batchLen.Observe(float64(len(arts)))
	w.indexed.Add(float64(len(arts)))
	for _, a := range arts {
		if !a.Fetched.IsZero() {
			w.lag.Observe(now.Sub(a.Fetched).Seconds())
		}
	}
	w.log.Debug("batch committed", "articles", len(arts), "took", now.Sub(start))
	return errs
}
