package report

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Period is [From, To): local midnights, in the report's time zone.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Errors of a period the report cannot cover.
var (
	ErrEmptyPeriod  = errors.New("the period is empty: to must be after from")
	ErrFuturePeriod = errors.New("the period starts in the future")
)

// LastWeek is the Monday-to-Sunday week before the one holding now, in loc.
func LastWeek(now time.Time, loc *time.Location) Period {
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	// Monday of this week: Go's weeks start on Sunday (0).
	monday := today.AddDate(0, 0, -(int(today.Weekday())+6)%7)
	return Period{From: monday.AddDate(0, 0, -7), To: monday}
}

// ParsePeriod reads a period given as its first and last day, both
// included ("2026-11-30", "2026-12-06"), in loc. Empty from and to give
// last week. A period ending after today is cut at the end of today; one
// starting after today is an error.
func ParsePeriod(from, to string, now time.Time, loc *time.Location) (Period, error) {
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if from == "" && to == "" {
		return LastWeek(now, loc), nil
	}
	if from == "" || to == "" {
		return Period{}, errors.New("give both from and to (first and last day, YYYY-MM-DD), or neither for last week")
	}
	f, err := time.ParseInLocation(time.DateOnly, from, loc)
	if err != nil {
		return Period{}, fmt.Errorf("from %q: want a day as YYYY-MM-DD", from)
	}
	t, err := time.ParseInLocation(time.DateOnly, to, loc)
	if err != nil {
		return Period{}, fmt.Errorf("to %q: want a day as YYYY-MM-DD", to)
	}
	p := Period{From: f, To: t.AddDate(0, 0, 1)}
	if err := p.Check(now); err != nil {
		return Period{}, err
	}
	// No future days: a period reaching past today ends with today.
	n := now.In(loc)
	if tomorrow := time.Date(n.Year(), n.Month(), n.Day()+1, 0, 0, 0, 0, loc); p.To.After(tomorrow) {
		p.To = tomorrow
	}
	return p, nil
}

// Check refuses an empty period, one starting after today, and one longer
// than a year (a report compares whole periods; a year is the longest an
// office asks for).
func (p Period) Check(now time.Time) error {
	if !p.From.Before(p.To) {
		return ErrEmptyPeriod
	}
	if p.From.After(now) {
		return fmt.Errorf("%w (%s is after today)", ErrFuturePeriod, p.From.Format(time.DateOnly))
	}
	if p.To.Sub(p.From) > 366*24*time.Hour {
		return errors.New("the period is longer than a year")
	}
	return nil
}

// Previous is the period of the same number of days just before p.
func (p Period) Previous() Period {
	days := p.Days()
	return Period{From: p.From.AddDate(0, 0, -len(days)), To: p.From}
}

// Days are the local midnights starting each day of p.
func (p Period) Days() []time.Time {
	var out []time.Time
	for d := p.From; d.Before(p.To); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// Last is the last day of p, as people name the period.
func (p Period) Last() time.Time { return p.To.AddDate(0, 0, -1) }

// Name is the period as a file name part: 2026-11-30_2026-12-06.
func (p Period) Name() string {
	return p.From.Format(time.DateOnly) + "_" + p.Last().Format(time.DateOnly)
}
