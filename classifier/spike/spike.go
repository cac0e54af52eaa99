// Package spike notices when a rule, a label or a story suddenly gets
// more coverage than usual: the last hour against the hourly mean of the
// previous day, and the last day against the daily mean of the previous two
// weeks. Every event names its counts, its baseline and the terms and
// sources driving it, so an officer can see why it fired.
package spike

import (
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/presswatch/presswatch/article"
)

// Options tune the detector.
type Options struct {
	// Ratio is how many times the baseline a window must reach (3).
	Ratio float64
	// MinHour and MinDay are the least counts that can spike (5 and 10),
	// so that one article more than none is not a surge.
	MinHour, MinDay int
}

// Event is a detected spike.
type Event struct {
	Key string `json:"key"` // rule:ID, label:NAME or story:ID
	// Title is the rule's title for a rule key, so that the alert names
	// the rule as people know it; events of older versions lack it.
	Title    string    `json:"title,omitempty"`
	Window   string    `json:"window"` // hour or day
	Count    int       `json:"count"`
	Baseline float64   `json:"baseline"`
	Ratio    float64   `json:"ratio"`
	Terms    []string  `json:"terms,omitempty"`   // most frequent matched terms
	Sources  []string  `json:"sources,omitempty"` // most frequent sources
	At       time.Time `json:"at"`
}

// ID identifies the event for de-duplication: one per key, window and
// period.
func (e Event) ID() string {
	period := e.At.UTC().Truncate(time.Hour).Format("2006-01-02T15")
	if e.Window == "day" {
		period = e.At.UTC().Format("2006-01-02")
	}
	return e.Key + "|" + e.Window + "|" + period
}

// series counts one key per hour.
type series struct {
	hours   map[int64]int // unix hour -> count
	terms   map[int64]map[string]int
	sources map[int64]map[string]int
	fired   map[string]bool // event IDs already emitted
	title   string          // the rule's title, as last matched
}

// Detector is safe for concurrent use. It keeps 15 days of hourly counts
// per key in memory; Follow fills it from the stream of classified
// articles, so the counts survive restarts and are the same in every
// process.
type Detector struct {
	o  Options
	mu sync.Mutex
	s  map[string]*series
	// first is the first hour observed: a window compares against a
	// baseline only once the detector has seen the whole baseline period,
	// or everything would spike on the day it starts.
	first int64
	// counted holds the articles already counted (ID -> hour), so that
	// an article classified again (an edit, a redelivery) counts once.
	counted map[string]int64
}

// New returns a detector.
func New(o Options) *Detector {
	if o.Ratio <= 0 {
		o.Ratio = 3
	}
	if o.MinHour <= 0 {
		o.MinHour = 5
	}
	if o.MinDay <= 0 {
		o.MinDay = 10
	}
	return &Detector{o: o, s: map[string]*series{}, counted: map[string]int64{}}
}

// Cover declares that the detector has seen every article since t, so
// baselines that start at t or later are complete: Follow calls it with
// the start of its replay.
func (d *Detector) Cover(t time.Time) {
	hour := t.UTC().Unix() / 3600
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.first == 0 || hour < d.first {
		d.first = hour
	}
}

const keepHours = 15 * 24

// Observe counts a classified article at time at and returns the spikes
// it completes (each at most once per key, window and period). An article
// ID seen before is not counted again.
func (d *Detector) Observe(a *article.Article, at time.Time) []Event {
	keys := map[string][]string{} // key -> matched terms
	titles := map[string]string{}
	for _, m := range a.Matches {
		keys["rule:"+m.RuleID] = append(keys["rule:"+m.RuleID], m.Terms...)
		if m.Title != "" {
			titles["rule:"+m.RuleID] = m.Title
		}
		for _, l := range m.Labels {
			keys["label:"+l] = append(keys["label:"+l], m.Terms...)
		}
	}
	if a.StoryID != "" && len(a.Matches) > 0 {
		keys["story:"+a.StoryID] = nil
	}
	hour := at.UTC().Unix() / 3600
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.first == 0 || hour < d.first {
		d.first = hour
	}
	if a.ID != "" {
		if _, dup := d.counted[a.ID]; dup {
			return nil
		}
		d.counted[a.ID] = hour
		if len(d.counted)%1024 == 0 {
			for id, h := range d.counted {
				if h <= hour-keepHours {
					delete(d.counted, id)
				}
			}
		}
	}
	var out []Event
	for _, key := range sortedKeys(keys) {
		s := d.s[key]
		if s == nil {
			s = &series{hours: map[int64]int{}, terms: map[int64]map[string]int{}, sources: map[int64]map[string]int{}, fired: map[string]bool{}}
			d.s[key] = s
		}
		s.hours[hour]++
		if t := titles[key]; t != "" {
			s.title = t
		}
		if s.terms[hour] == nil {
			s.terms[hour], s.sources[hour] = map[string]int{}, map[string]int{}
		}
		for _, t := range keys[key] {
			s.terms[hour][t]++
		}
		if a.SourceID != "" {
			s.sources[hour][a.SourceID]++
		}
		s.prune(hour)
		out = append(out, d.check(key, s, hour, at)...)
	}
	return out
}

func (s *series) prune(hour int64) {
	for h := range s.hours {
		if h <= hour-keepHours {
			delete(s.hours, h)
			delete(s.terms, h)
			delete(s.sources, h)
		}
	}
	if len(s.fired) > 1000 {
		clear(s.fired)
	}
}

func (d *Detector) check(key string, s *series, hour int64, at time.Time) []Event {
	var out []Event
	sum := func(from, to int64) int { // hours in [from, to)
		n := 0
		for h := from; h < to; h++ {
			n += s.hours[h]
		}
		return n
	}
	// The last hour against the mean hour of the day before it.
	if c := s.hours[hour]; c >= d.o.MinHour && hour-d.first >= 24 {
		base := float64(sum(hour-24, hour)) / 24
		if float64(c) >= d.o.Ratio*max(base, 1.0/3) {
			out = d.emit(out, s, Event{Key: key, Window: "hour", Count: c, Baseline: base, At: at}, hour, hour+1)
		}
	}
	// The last day against the mean day of the two weeks before it.
	if c := sum(hour-23, hour+1); c >= d.o.MinDay && hour-d.first >= 15*24-1 {
		base := float64(sum(hour-23-14*24, hour-23)) / 14
		if float64(c) >= d.o.Ratio*max(base, 1.0/3) {
			out = d.emit(out, s, Event{Key: key, Window: "day", Count: c, Baseline: base, At: at}, hour-23, hour+1)
		}
	}
	return out
}

func (d *Detector) emit(out []Event, s *series, e Event, from, to int64) []Event {
	if s.fired[e.ID()] {
		return out
	}
	s.fired[e.ID()] = true
	if e.Baseline > 0 {
		e.Ratio = float64(e.Count) / e.Baseline
	}
	terms, sources := map[string]int{}, map[string]int{}
	for h := from; h < to; h++ {
		for t, n := range s.terms[h] {
			terms[t] += n
		}
		for src, n := range s.sources[h] {
			sources[src] += n
		}
	}
	e.Terms, e.Sources, e.Title = top(terms, 5), top(sources, 5), s.title
	return append(out, e)
}

func top(m map[string]int, n int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || (m[keys[i]] == m[keys[j]] && keys[i] < keys[j]) })
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
