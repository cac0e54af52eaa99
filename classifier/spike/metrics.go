package spike

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// newEventsMetric creates and registers the count of published spikes.
func newEventsMetric(reg prometheus.Registerer) (*prometheus.CounterVec, error) {
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "presswatch", Subsystem: "spike", Name: "events_total",
		Help: "Spike events this process published, by window.",
	}, []string{"window"})
	if err := reg.Register(events); err != nil {
		return nil, fmt.Errorf("register spike metrics: %w", err)
	}
	return events, nil
}
