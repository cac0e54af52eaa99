// Package sourcehealth keeps what the office needs to know about each
// source (working, output, extraction quality) in NATS KV. It is a leaf:
// the crawler writes the records, alerts and the web read them, and
// neither of those needs the crawler to do so.
package sourcehealth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Health is what the office needs to know about a source: is it working,
// how much it brings, and whether its pages still extract well. It lives in
// NATS KV so every crawler process and the API see the same record, and it
// doubles as the source's schedule: crawler processes claim a poll by
// advancing NextPoll with compare-and-set, so a source is polled by one
// process at a time.
type Health struct {
	SourceID            string    `json:"source_id"`
	LastPoll            time.Time `json:"last_poll,omitzero"`
	LastSuccess         time.Time `json:"last_success,omitzero"`
	LastError           string    `json:"last_error,omitempty"`
	LastErrorAt         time.Time `json:"last_error_at,omitzero"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	Paused              bool      `json:"paused"`
	PausedReason        string    `json:"paused_reason,omitempty"`
	PausedAt            time.Time `json:"paused_at,omitzero"`
	// Interval is the current adaptive poll interval.
	Interval time.Duration `json:"interval_ns"`
	NextPoll time.Time     `json:"next_poll,omitzero"`
	// NewByDay counts new items per UTC day (YYYY-MM-DD), last 14 days.
	NewByDay map[string]int `json:"new_by_day,omitempty"`
	// AvgTextLen is a slow moving average of extracted text length in
	// runes; RecentTextLen a fast one. A recent average far below the slow
	// one means the site's layout changed and extraction broke.
	AvgTextLen    float64 `json:"avg_text_len"`
	RecentTextLen float64 `json:"recent_text_len"`
	TextSamples   int     `json:"text_samples"`
	// Discovered is the feed URL found by autodiscovery when the source's
	// URL is a web page.
	Discovered string `json:"discovered,omitempty"`
}

// NewPerDay is the mean of new items per day over the days recorded.
func (h *Health) NewPerDay() float64 {
	if len(h.NewByDay) == 0 {
		return 0
	}
	total := 0
	for _, n := range h.NewByDay {
		total += n
	}
	return float64(total) / float64(len(h.NewByDay))
}

// LayoutSuspect reports a sudden drop of extracted text length.
func (h *Health) LayoutSuspect() bool {
	return h.TextSamples >= 20 && h.RecentTextLen < 0.4*h.AvgTextLen
}

// RecordText folds the length of one extracted text into the averages.
func (h *Health) RecordText(n int) {
	if h.TextSamples == 0 {
		h.AvgTextLen, h.RecentTextLen = float64(n), float64(n)
	}
	h.AvgTextLen += 0.05 * (float64(n) - h.AvgTextLen)
	h.RecentTextLen += 0.3 * (float64(n) - h.RecentTextLen)
	h.TextSamples++
}

// RecordNew counts n new items on now's UTC day and forgets days older
// than two weeks.
func (h *Health) RecordNew(now time.Time, n int) {
	if h.NewByDay == nil {
		h.NewByDay = map[string]int{}
	}
	h.NewByDay[now.UTC().Format(time.DateOnly)] += n
	cutoff := now.UTC().AddDate(0, 0, -14).Format(time.DateOnly)
	for d := range h.NewByDay {
		if d < cutoff {
			delete(h.NewByDay, d)
		}
	}
}

// Store reads and updates health records with compare-and-set.
type Store struct{ KV jetstream.KeyValue }

// Get returns the record of source id (a fresh one when there is none)
// and its revision.
func (s Store) Get(ctx context.Context, id string) (*Health, uint64, error) {
	e, err := s.KV.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return &Health{SourceID: id}, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("source health %s: %w", id, err)
	}
	var h Health
	if err := json.Unmarshal(e.Value(), &h); err != nil {
		// A corrupt record must not stop the source; start afresh.
		return &Health{SourceID: id}, e.Revision(), nil
	}
	return &h, e.Revision(), nil
}

// ErrSkip lets an update function decline to write.
var ErrSkip = errors.New("skip")

// Update applies fn to the current record and writes it back, retrying
// when another process wrote in between. fn returning ErrSkip writes
// nothing and Update returns (false, nil).
func (s Store) Update(ctx context.Context, id string, fn func(*Health) error) (bool, error) {
	for attempt := 0; ; attempt++ {
		h, rev, err := s.Get(ctx, id)
		if err != nil {
			return false, err
		}
		if err := fn(h); err != nil {
			if errors.Is(err, ErrSkip) {
				return false, nil
			}
			return false, err
		}
		data, err := json.Marshal(h)
		if err != nil {
			return false, fmt.Errorf("encode source health %s: %w", id, err)
		}
		if rev == 0 {
			_, err = s.KV.Create(ctx, id, data)
		} else {
			_, err = s.KV.Update(ctx, id, data, rev)
		}
		if err == nil {
			return true, nil
		}
		if attempt >= 8 || !isConflict(err) {
			return false, fmt.Errorf("write source health %s: %w", id, err)
		}
		time.Sleep(time.Duration(rand.IntN(20)+1) * time.Millisecond)
	}
}

func isConflict(err error) bool {
	var apiErr *jetstream.APIError
	if errors.Is(err, jetstream.ErrKeyExists) {
		return true
	}
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}

// List returns every health record by source ID.
func (s Store) List(ctx context.Context) (map[string]*Health, error) {
	out := map[string]*Health{}
	lister, err := s.KV.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list source health: %w", err)
	}
	for k := range lister.Keys() {
		h, _, err := s.Get(ctx, k)
		if err != nil {
			return nil, err
		}
		out[k] = h
	}
	return out, nil
}

// Status is a source with its health, as the API shows it.
type Status struct {
	ID                  string    `json:"id"`
	Name                string    `json:"name"`
	Kind                string    `json:"kind"`
	URL                 string    `json:"url"`
	Tier                string    `json:"tier,omitempty"`
	Lang                string    `json:"lang,omitempty"`
	Enabled             bool      `json:"enabled"`
	Paused              bool      `json:"paused"`
	PausedReason        string    `json:"paused_reason,omitempty"`
	LastPoll            time.Time `json:"last_poll,omitzero"`
	LastSuccess         time.Time `json:"last_success,omitzero"`
	LastError           string    `json:"last_error,omitempty"`
	LastErrorAt         time.Time `json:"last_error_at,omitzero"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	NewPerDay           float64   `json:"new_per_day"`
	AvgTextLen          float64   `json:"avg_text_len"`
	RecentTextLen       float64   `json:"recent_text_len"`
	LayoutSuspect       bool      `json:"layout_suspect"`
	IntervalSeconds     float64   `json:"interval_seconds"`
	NextPoll            time.Time `json:"next_poll,omitzero"`
	Discovered          string    `json:"discovered_feed,omitempty"`
}
