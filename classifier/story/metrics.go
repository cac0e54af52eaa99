package story

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Register exports the clusterer's Stats as metrics, read at each scrape.
func (c *Clusterer) Register(reg prometheus.Registerer) error {
	gauge := func(name, help string, v func(Stats) int) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "presswatch", Subsystem: "story", Name: name, Help: help},
			func() float64 { return float64(v(c.Stats())) })
	}
	counter := func(name, help string, v func(Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "presswatch", Subsystem: "story", Name: name, Help: help},
			func() float64 { return float64(v(c.Stats())) })
	}
	for _, col := range []prometheus.Collector{
		gauge("indexed_articles", "Articles in the in-memory story window of this process.", func(s Stats) int { return s.Indexed }),
		gauge("misleading_cases", "Articles marked misleading, as this process last saw them.", func(s Stats) int { return s.Cases }),
		gauge("aliases", "Story IDs merged into another story.", func(s Stats) int { return s.Aliases }),
		counter("lookups_total", "Similarity lookups in the story index.", func(s Stats) uint64 { return s.Lookups }),
		counter("candidates_total", "Candidates the LSH bands produced for those lookups.", func(s Stats) uint64 { return s.Candidates }),
		counter("merges_total", "Stories merged after two processes started the same one.", func(s Stats) uint64 { return s.Merges }),
	} {
		if err := reg.Register(col); err != nil {
			return fmt.Errorf("register story metrics: %w", err)
		}
	}
	return nil
}
