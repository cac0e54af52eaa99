// Package schedule reads and evaluates weekly time windows: duty hours,
// quiet hours. The configuration validates with the same parsers the
// engine runs on.
package schedule

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Window is a weekly time window in a time zone: Days (empty means every
// day) from Start to End minutes after midnight. End before Start spans
// midnight.
type Window struct {
	Days       []time.Weekday
	Start, End int // minutes after midnight
	Loc        *time.Location
}

// Contains reports whether t falls in the window. A window whose Start
// equals End is empty.
func (w Window) Contains(t time.Time) bool {
	if w.Start == w.End {
		return false
	}
	loc := w.Loc
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	day := lt.Weekday()
	if w.End < w.Start && m < w.End {
		// The early part of a window that began the day before.
		day = (day + 6) % 7
	}
	if len(w.Days) > 0 && !slices.Contains(w.Days, day) {
		return false
	}
	if w.Start < w.End {
		return m >= w.Start && m < w.End
	}
	return m >= w.Start || m < w.End
}

// NextEnd returns the first time at or after t outside the window (t
// itself when t is outside).
func (w Window) NextEnd(t time.Time) time.Time {
	// Minute steps up to a week: simple, exact across DST changes, and
	// cheap at how rarely it runs (once per deferred group).
	u := t.Truncate(time.Minute)
	for i := 0; i <= 7*24*60 && w.Contains(u); i++ {
		u = u.Add(time.Minute)
	}
	if u.Before(t) {
		return t
	}
	return u
}

// ParseClock reads "HH:MM" as minutes after midnight ("24:00" is allowed
// as an end).
func ParseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("invalid time of day %q (want HH:MM, e.g. 07:30)", s)
	}
	return hh*60 + mm, nil
}

// ParseDays reads day names ("mon".."sun") and ranges ("mon-fri").
func ParseDays(list []string) ([]time.Weekday, error) {
	names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	idx := func(s string) (int, error) {
		i := slices.Index(names, strings.ToLower(strings.TrimSpace(s)))
		if i < 0 {
			return 0, fmt.Errorf("unknown day %q (want mon, tue, wed, thu, fri, sat, sun or a range like mon-fri)", s)
		}
		return i, nil
	}
	var out []time.Weekday
	for _, d := range list {
		a, b, isRange := strings.Cut(d, "-")
		i, err := idx(a)
		if err != nil {
			return nil, err
		}
		j := i
		if isRange {
			if j, err = idx(b); err != nil {
				return nil, err
			}
		}
		for k := i; ; k = (k + 1) % 7 {
			if !slices.Contains(out, time.Weekday(k)) {
				out = append(out, time.Weekday(k))
			}
			if k == j {
				break
			}
		}
	}
	return out, nil
}
