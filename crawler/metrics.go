package crawler

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type crawlerMetrics struct {
	polls     *prometheus.CounterVec
	pages     *prometheus.CounterVec
	published *prometheus.CounterVec
	fetchDur  *prometheus.HistogramVec
	revisions *prometheus.CounterVec
	paused    prometheus.Gauge
	deferred  prometheus.Gauge
	waiting   prometheus.Gauge
}

// newCrawlerMetrics creates the crawler's metrics and registers them.
func newCrawlerMetrics(reg prometheus.Registerer) (crawlerMetrics, error) {
	m := crawlerMetrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "crawler", Name: "polls_total",
			Help: "Source polls, by source and result (ok, not_modified, waiting, error).",
		}, []string{"source", "result"}),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "crawler", Name: "pages_total",
			Help: "Article pages processed, by result (ok, partial, complete, deferred, error).",
		}, []string{"result"}),
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "crawler", Name: "articles_published_total",
			Help: "Articles published to article.fetched, by source.",
		}, []string{"source"}),
		fetchDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "presswatch", Subsystem: "crawler", Name: "fetch_duration_seconds",
			Help:    "Time to list a source or to fetch and extract one page.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10),
		}, []string{"kind"}),
		revisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "crawler", Name: "revisions_total",
			Help: "Edits and removals found when re-checking flagged articles.",
		}, []string{"kind"}),
		paused: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "presswatch", Subsystem: "crawler", Name: "sources_paused",
			Help: "Sources paused after repeated failures.",
		}),
		deferred: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "presswatch", Subsystem: "crawler", Name: "jobs_deferred",
			Help: "Article fetches deferred until their host is back (Retry-After cool-down, busy or slow host).",
		}),
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "presswatch", Subsystem: "crawler", Name: "sources_waiting_for_host",
			Help: "Sources whose articles or polls wait for their host.",
		}),
	}
	for _, col := range []prometheus.Collector{m.polls, m.pages, m.published, m.fetchDur, m.revisions, m.paused, m.deferred, m.waiting} {
		if err := reg.Register(col); err != nil {
			return m, fmt.Errorf("register crawler metrics: %w", err)
		}
	}
	return m, nil
}
