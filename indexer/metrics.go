package indexer

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// writerMetrics are the index writer's metrics.
type writerMetrics struct {
	indexed  prometheus.Counter
	batches  prometheus.Histogram
	batchLen prometheus.Histogram
	lag      prometheus.Histogram
}

// newWriterMetrics creates the writer's metrics and registers them.
func newWriterMetrics(reg prometheus.Registerer) (writerMetrics, error) {
	m := writerMetrics{
		indexed: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "indexer", Name: "articles_total",
			Help: "Articles written to the index (upserts, including re-writes).",
		}),
		batches: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "presswatch", Subsystem: "indexer", Name: "batch_duration_seconds",
			Help:    "Time to commit one batch to the index.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}),
		batchLen: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "presswatch", Subsystem: "indexer", Name: "batch_size",
			Help:    "Articles per committed batch.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "presswatch", Subsystem: "indexer", Name: "fetch_to_searchable_seconds",
			Help:    "Time from an article being fetched to it being searchable.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 14),
		}),
	}
	for _, c := range []prometheus.Collector{m.indexed, m.batches, m.batchLen, m.lag} {
		if err := reg.Register(c); err != nil {
			return m, fmt.Errorf("register indexer metrics: %w", err)
		}
	}
	return m, nil
}
