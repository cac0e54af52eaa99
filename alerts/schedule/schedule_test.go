package schedule

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	days, err := ParseDays([]string{"mon-fri"})
	if err != nil {
		t.Fatal(err)
	}
	duty := Window{Days: days, Start: 7*60 + 30, End: 17 * 60, Loc: hcm}
	night := Window{Start: 22 * 60, End: 6*60 + 30, Loc: hcm}
	friNight := Window{Days: []time.Weekday{time.Friday}, Start: 22 * 60, End: 6 * 60, Loc: hcm}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cases := []struct {
		w    Window
		at   string
		want bool
	}{
		{duty, "2026-03-02 07:30", true},  // Monday
		{duty, "2026-03-02 17:00", false}, // end is exclusive
		{duty, "2026-03-07 10:00", false}, // Saturday
		{night, "2026-03-02 23:00", true},
		{night, "2026-03-03 06:29", true},
		{night, "2026-03-03 06:30", false},
		{friNight, "2026-03-07 05:00", true},  // Saturday morning: Friday's night
		{friNight, "2026-03-08 05:00", false}, // Sunday morning: Saturday's night
		{Window{Start: 0, End: 24 * 60, Loc: hcm}, "2026-03-08 23:59", true},
	}
	for _, c := range cases {
		if got := c.w.Contains(at(c.at)); got != c.want {
			t.Errorf("%+v contains %s = %v, want %v", c.w, c.at, got, c.want)
		}
	}
	if end := night.NextEnd(at("2026-03-02 23:10")); !end.Equal(at("2026-03-03 06:30")) {
		t.Errorf("night ends %s", end)
	}
	if t0 := at("2026-03-02 12:00"); !night.NextEnd(t0).Equal(t0) {
		t.Errorf("outside the window NextEnd must be the time itself")
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{"7:3", "25:00", "24:01", "07:60", "x", "", "07:30:00"} {
		if _, err := ParseClock(s); err == nil {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
	for _, d := range [][]string{{"monday"}, {"mon-"}, {"-fri"}, {"sun-xyz"}} {
		if _, err := ParseDays(d); err == nil {
			t.Errorf("ParseDays(%q) accepted", d)
		}
	}
	if d, err := ParseDays([]string{"fri-mon"}); err != nil || len(d) != 4 {
		t.Errorf("fri-mon = %v, %v (a range may wrap the week)", d, err)
	}
}
