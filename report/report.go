// Package report computes the weekly opinion report from the article index
// and the alert store: volume, tone, stories, sensitive issues and the
// office's response times, misleading cases, policy coverage, share of
// voice, foreign coverage, places and rising topics, each next to the
// period before. Renderers (report/render/...) turn a Report into pages
// and files; this package only counts.
package report

import (
	"math"
	"time"
)

// Report is one period's report. Every number is next to the previous
// period's where that makes sense (Row.Previous).
type Report struct {
	Period    Period    `json:"period"`
	Previous  Period    `json:"previous"`
	Zone      string    `json:"zone"`
	Generated time.Time `json:"generated"`

	Volume     Volume     `json:"volume"`
	Tone       Tone       `json:"tone"`
	Stories    []Story    `json:"stories"`
	Sensitive  Sensitive  `json:"sensitive"`
	Misleading []Case     `json:"misleading"`
	Responses  []Response `json:"responses"`
	Policies   []Row      `json:"policies"`
	ByTier     []Row      `json:"by_tier"`
	ByOutlet   []Row      `json:"by_outlet"`
	Foreign    []Row      `json:"foreign"`
	Places     []Row      `json:"places"`
	Rising     []Row      `json:"rising"`
	Spikes     []Spike    `json:"spikes"`
}

// Row is a count in the period and in the one before. Key is what the
// index or the configuration calls it; renderers name it.
type Row struct {
	Key      string `json:"key"`
	Name     string `json:"name,omitempty"` // set when the configuration names it
	Count    int    `json:"count"`
	Previous int    `json:"previous"`
}

// Change is the relative change from Previous, in percent; NaN when
// there was nothing before.
func (r Row) Change() float64 { return change(r.Count, r.Previous) }

func change(now, before int) float64 {
	if before == 0 {
		return math.NaN()
	}
	return 100 * float64(now-before) / float64(before)
}

// Share is Count's share of total in percent (0 for no total).
func Share(count, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(count) / float64(total)
}

// Volume is how many articles were published.
type Volume struct {
	Total    int `json:"total"`
	Previous int `json:"previous"`
	// Days are the period's days with their counts by label.
	Days []Day `json:"days"`
	// Labels are the labels shown per day, most frequent first.
	Labels []string `json:"labels"`
}

// Change is the change of the total, in percent (NaN after nothing).
func (v Volume) Change() float64 { return change(v.Total, v.Previous) }

// Day is one local day.
type Day struct {
	Day     time.Time      `json:"day"`
	Total   int            `json:"total"`
	ByLabel map[string]int `json:"by_label,omitempty"`
	// ByTone counts negative, neutral and positive articles.
	ByTone map[string]int `json:"by_tone"`
}

// Tone is how articles divide by tone (article.Tones).
type Tone struct {
	Counts []Row `json:"counts"` // negative, neutral, positive
	// Drivers are the topics (labels) with the most negative articles.
	Drivers []Driver `json:"drivers"`
}

// Driver is a topic's negative articles.
type Driver struct {
	Label    string `json:"label"`
	Negative int    `json:"negative"`
	Total    int    `json:"total"`
}

// Story is a story cluster by its spread in the period.
type Story struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	URL       string    `json:"url"`
	Articles  int       `json:"articles"`
	Outlets   int       `json:"outlets"`
	Tiers     []string  `json:"tiers"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// Sensitive is the sensitive issues the office handled: the alerts raised
// in the period.
type Sensitive struct {
	Total        int   `json:"total"`
	Previous     int   `json:"previous"`
	ByTopic      []Row `json:"by_topic"`
	ByDepartment []KPI `json:"by_department"`
	Overall      KPI   `json:"overall"`
	// Target is how soon an alert is to be answered.
	Target time.Duration `json:"target"`
}

// KPI is how fast the office answered one department's alerts (or all).
type KPI struct {
	Key      string `json:"key"`
	Name     string `json:"name,omitempty"`
	Alerts   int    `json:"alerts"`
	Previous int    `json:"previous"`
	// MedianAck and MedianRespond are medians over the alerts that were
	// acknowledged (responded to) by the end of the period; 0 when none.
	MedianAck     time.Duration `json:"median_ack"`
	MedianRespond time.Duration `json:"median_respond"`
	// WithinTarget counts alerts responded to within the target.
	WithinTarget int `json:"within_target"`
	// Open counts alerts still open at the end of the period.
	Open int `json:"open"`
}

// WithinTargetShare is the share of alerts answered within the target,
// in percent.
func (k KPI) WithinTargetShare() float64 { return Share(k.WithinTarget, k.Alerts) }

// Case is an article marked misleading and its copies in the period.
type Case struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	URL      string    `json:"url"`
	Rebuttal string    `json:"rebuttal,omitempty"`
	MarkedAt time.Time `json:"marked_at"`
	Copies   int       `json:"copies"`
	// Outlets that carried a copy.
	Outlets []string `json:"outlets,omitempty"`
}

// Response is official information the office published in the period.
type Response struct {
	Alert      string    `json:"alert"`
	Title      string    `json:"title"`
	Department string    `json:"department,omitempty"`
	Link       string    `json:"link"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
	// After is how long after the alert was raised.
	After time.Duration `json:"after"`
}

// Spike is a coverage surge detected in the period and why.
type Spike struct {
	Title  string    `json:"title"`
	Detail string    `json:"detail"`
	At     time.Time `json:"at"`
}
