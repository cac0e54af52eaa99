// Package hooksink is a webhook receiver for end-to-end tests: it counts
// deliveries per Idempotency-Key, as a receiver that drops repeats would,
// and notes which alerts the notifications told of.
package hooksink

import (
	"encoding/json"
	"maps"
	"net/http"
	"sync"
)

// Sink receives presswatch's webhook notifications. Safe for concurrent
// use; the zero value is not usable, call New.
type Sink struct {
	mu     sync.Mutex
	keys   map[string]int
	alerts map[string]int
}

// New returns an empty sink.
func New() *Sink {
	return &Sink{keys: map[string]int{}, alerts: map[string]int{}}
}

// ServeHTTP records one delivery and answers 200.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Notification struct {
			Alerts []struct {
				ID string `json:"id"`
			} `json:"alerts"`
		} `json:"notification"`
	}
	_ = json.NewDecoder(r.Body).Decode(&p)
	s.mu.Lock()
	s.keys[r.Header.Get("Idempotency-Key")]++
	for _, al := range p.Notification.Alerts {
		s.alerts[al.ID] = 1
	}
	s.mu.Unlock()
}

// Keys returns how many times each idempotency key was delivered.
func (s *Sink) Keys() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.keys)
}

// AlertIDs returns the alerts told of, each with the value 1.
func (s *Sink) AlertIDs() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.alerts)
}
