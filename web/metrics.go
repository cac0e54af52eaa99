package web

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// registerMetrics creates the server's HTTP metrics and registers them.
func (s *Server) registerMetrics(reg prometheus.Registerer) error {
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "presswatch", Subsystem: "http", Name: "requests_total",
		Help: "HTTP requests, by route and status code.",
	}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "presswatch", Subsystem: "http", Name: "request_duration_seconds",
		Help:    "HTTP request latency, by route.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 3, 11),
	}, []string{"route"})
	for _, c := range []prometheus.Collector{s.requests, s.latency} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register http metrics: %w", err)
		}
	}
	return nil
}
