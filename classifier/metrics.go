package classifier

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type serviceMetrics struct {
	classified *prometheus.CounterVec
	duration   prometheus.Histogram
	reloads    *prometheus.CounterVec
	rules      prometheus.Gauge
}

// newServiceMetrics creates the classifier's metrics and registers them.
func newServiceMetrics(reg prometheus.Registerer) (serviceMetrics, error) {
	m := serviceMetrics{
		classified: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "classifier", Name: "articles_total",
			Help: "Articles classified, by whether any rule flagged them.",
		}, []string{"flagged"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "presswatch", Subsystem: "classifier", Name: "duration_seconds",
			Help:    "Time to classify one article and publish it.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "classifier", Name: "rule_reloads_total",
			Help: "Rule reloads, by result.",
		}, []string{"result"}),
		rules: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "presswatch", Subsystem: "classifier", Name: "rules",
			Help: "Enabled rules in the active rule set.",
		}),
	}
	for _, c := range []prometheus.Collector{m.classified, m.duration, m.reloads, m.rules} {
		if err := reg.Register(c); err != nil {
			return m, fmt.Errorf("register classifier metrics: %w", err)
		}
	}
	return m, nil
}
