package alerts

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type serviceMetrics struct {
	raised        *prometheus.CounterVec
	notifications *prometheus.CounterVec
	notifyLatency *prometheus.HistogramVec
	endToEnd      prometheus.Histogram
	suppressed    *prometheus.CounterVec
	escalations   prometheus.Counter
	outbox        *prometheus.GaugeVec
}

// newServiceMetrics creates the alert service's metrics and registers them.
func newServiceMetrics(reg prometheus.Registerer) (serviceMetrics, error) {
	m := serviceMetrics{
		raised: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "alerts", Name: "raised_total",
			Help: "Alerts raised, by type and severity.",
		}, []string{"type", "severity"}),
		notifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "alerts", Name: "notifications_total",
			Help: "Notification attempts, by receiver, kind and result (sent, retry, failed, dead, duplicate).",
		}, []string{"receiver", "kind", "result"}),
		notifyLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "presswatch", Subsystem: "alerts", Name: "notify_duration_seconds",
			Help:    "Time one receiver took to accept or refuse a notification.",
			Buckets: prometheus.ExponentialBuckets(0.001, 3, 10),
		}, []string{"receiver"}),
		endToEnd: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "presswatch", Subsystem: "alerts", Name: "fetch_to_notified_seconds",
			Help:    "Time from the article that changed a group being fetched to its notification being accepted by the receiver.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 16),
		}),
		suppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "alerts", Name: "suppressed_total",
			Help: "Notifications held back, by reason (silenced, quiet_hours, digest).",
		}, []string{"reason"}),
		escalations: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "alerts", Name: "escalations_total",
			Help: "Critical alerts escalated to on-call contacts for want of acknowledgement.",
		}),
		outbox: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "presswatch", Subsystem: "alerts", Name: "outbox_pending",
			Help: "Notifications decided and not yet sent or dead-lettered, by receiver (read every 15 s).",
		}, []string{"receiver"}),
	}
	for _, c := range []prometheus.Collector{m.raised, m.notifications, m.notifyLatency, m.endToEnd, m.suppressed, m.escalations, m.outbox} {
		if err := reg.Register(c); err != nil {
			return m, fmt.Errorf("register alerts metrics: %w", err)
		}
	}
	return m, nil
}

// storeMetrics are the response-time histograms of the alert lifecycle.
type storeMetrics struct {
	tta, ttr *prometheus.HistogramVec
}

// newStoreMetrics creates the lifecycle histograms and registers them.
func newStoreMetrics(reg prometheus.Registerer) (storeMetrics, error) {
	buckets := []float64{60, 300, 600, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 24 * 3600}
	m := storeMetrics{
		tta: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "presswatch", Subsystem: "alerts", Name: "time_to_ack_seconds",
			Help: "Time from an alert being raised to its acknowledgement, by department and severity.", Buckets: buckets,
		}, []string{"department", "severity"}),
		ttr: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "presswatch", Subsystem: "alerts", Name: "time_to_respond_seconds",
			Help: "Time from an alert being raised to the official response, by department and severity.", Buckets: buckets,
		}, []string{"department", "severity"}),
	}
	for _, c := range []prometheus.Collector{m.tta, m.ttr} {
		if err := reg.Register(c); err != nil {
			return m, fmt.Errorf("register alert lifecycle metrics: %w", err)
		}
	}
	return m, nil
}
