package bus

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	published    *prometheus.CounterVec
	deadLettered *prometheus.CounterVec
	acked        *prometheus.CounterVec
	retried      *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "bus", Name: "published_total",
			Help: "Messages published, by subject.",
		}, []string{"subject"}),
		deadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "bus", Name: "dead_lettered_total",
			Help: "Messages moved to the dead-letter stream, by consumer.",
		}, []string{"consumer"}),
		acked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "bus", Name: "acked_total",
			Help: "Messages processed and acknowledged, by consumer.",
		}, []string{"consumer"}),
		retried: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "presswatch", Subsystem: "bus", Name: "retried_total",
			Help: "Messages handed back for a later retry, by consumer.",
		}, []string{"consumer"}),
	}
	for _, c := range []prometheus.Collector{m.published, m.deadLettered, m.acked, m.retried} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register bus metrics: %w", err)
		}
	}
	return m, nil
}

// registerDepth registers the dead-letter depth gauge, read from the
// stream when Prometheus scrapes.
func (b *Bus) registerDepth(reg prometheus.Registerer) error {
	depth := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: "presswatch", Subsystem: "bus", Name: "dead_letter_messages",
		Help: "Messages waiting in the dead-letter stream for an operator.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := b.DeadLetterCount(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	if err := reg.Register(depth); err != nil {
		return fmt.Errorf("register bus metrics: %w", err)
	}
	return nil
}
