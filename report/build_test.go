package report_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/reporttest"
)

var at = reporttest.At

func dec(day int) time.Time { return time.Date(2026, time.December, day, 0, 0, 0, 0, reporttest.ICT) }

// TestReportNumbersOfEverySection builds the fixture's week from a real
// index and a real NATS alert store and checks each section against the
// numbers counted by hand from the fixture's table (reporttest).
func TestReportNumbersOfEverySection(t *testing.T) {
	f := reporttest.Start(t)
	b, err := report.NewBuilder(f.Index, f.Alerts, f.Cases, reporttest.Options())
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Build(context.Background(), reporttest.Week)
	if err != nil {
		t.Fatal(err)
	}
	eq := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
	}
	eq("previous period", r.Previous, report.Period{From: at(23, 0, 0), To: at(30, 0, 0)})
	eq("volume", []int{r.Volume.Total, r.Volume.Previous}, []int{9, 3})
	eq("volume change", r.Volume.Change(), 200.0)
	var perDay []int
	var negPerDay []int
	for _, d := range r.Volume.Days {
		perDay = append(perDay, d.Total)
		negPerDay = append(negPerDay, d.ByTone["negative"])
	}
	eq("articles per local day", perDay, []int{1, 2, 1, 1, 1, 1, 2})
	eq("negative per day", negPerDay, []int{1, 2, 1, 0, 0, 0, 1})
	eq("disaster per day", r.Volume.Days[1].ByLabel["disaster"], 2)
	eq("labels shown", r.Volume.Labels, []string{"sensitive", "disaster", "health", "misleading"})
	eq("tone", r.Tone.Counts, []report.Row{{Key: "negative", Count: 5, Previous: 1}, {Key: "neutral", Count: 2, Previous: 1}, {Key: "positive", Count: 2, Previous: 1}})
	eq("negative drivers", r.Tone.Drivers, []report.Driver{{"sensitive", 5, 5}, {"disaster", 3, 3}, {"health", 1, 1}, {"misleading", 1, 1}})
	eq("by tier", r.ByTier, []report.Row{{Key: "central", Count: 3, Previous: 1}, {Key: "local", Count: 3, Previous: 1}, {Key: "foreign", Count: 2, Previous: 1}, {Key: "social", Count: 1}})
	eq("by outlet", r.ByOutlet, []report.Row{{Key: "baodienbien", Count: 3, Previous: 1}, {Key: "vnexpress", Count: 2, Previous: 1}, {Key: "dantri", Count: 1}, {Key: "fbpage", Count: 1}, {Key: "lefigaro", Count: 1}, {Key: "reuters", Count: 1, Previous: 1}})
	eq("foreign", r.Foreign, []report.Row{{Key: "en", Count: 1, Previous: 1}, {Key: "fr", Count: 1}, {Key: "lo"}, {Key: "th"}})
	eq("places", r.Places, []report.Row{{Key: "Mường Chà", Name: "Mường Chà", Count: 2}, {Key: "Tuần Giáo", Name: "Tuần Giáo", Count: 2}})
	eq("policies", r.Policies, []report.Row{{Key: "nq57", Name: "Nghị quyết 57", Count: 2}})
	eq("rising", r.Rising, []report.Row{{Key: "sensitive", Count: 5, Previous: 1}, {Key: "disaster", Count: 3, Previous: 1}})
	eq("spikes", len(r.Spikes), 1)
	eq("spike", []any{r.Spikes[0].Title, r.Spikes[0].At.Equal(at(1, 11, 0))}, []any{"Đột biến tin: label:disaster", true})

	var ids []string
	for _, s := range r.Stories {
		ids = append(ids, s.ID)
	}
	eq("stories by spread", ids, []string{"s1", "s3", "s2"})
	s1 := r.Stories[0]
	eq("s1", []any{s1.Articles, s1.Outlets, s1.Tiers, s1.Title, s1.FirstSeen.Equal(at(30, 8, 0)), s1.LastSeen.Equal(at(1, 10, 0))},
		[]any{3, 3, []string{"central", "local"}, "Sạt lở đất ở Mường Chà", true, true})

	s := r.Sensitive
	eq("sensitive", []int{s.Total, s.Previous}, []int{4, 1})
	eq("sensitive by topic", s.ByTopic, []report.Row{{Key: "sensitive", Count: 4, Previous: 1}, {Key: "disaster", Count: 2, Previous: 1}, {Key: "health", Count: 2}})
	h := time.Hour
	eq("overall KPI", s.Overall, report.KPI{Key: "all", Alerts: 4, Previous: 1, MedianAck: h, MedianRespond: 17*h + 30*time.Minute, WithinTarget: 1, Open: 3})
	eq("KPI by department", s.ByDepartment, []report.KPI{
		{Key: "so-nong-nghiep-moi-truong", Name: "Sở Nông nghiệp và Môi trường", Alerts: 2, Previous: 1, MedianAck: 30 * time.Minute, MedianRespond: 5 * h, WithinTarget: 1, Open: 1},
		{Key: "so-y-te", Name: "Sở Y tế", Alerts: 2, MedianAck: 90 * time.Minute, MedianRespond: 30 * h, Open: 2},
	})
	eq("within target share", s.Overall.WithinTargetShare(), 25.0)
	eq("responses", len(r.Responses), 2)
	eq("response", []any{r.Responses[0].Alert, r.Responses[0].Link, r.Responses[0].After, r.Responses[1].Alert, r.Responses[1].After},
		[]any{"A1", "https://dienbien.gov.vn/thong-tin-sat-lo", 5 * h, "A4", 30 * h})
	eq("misleading", len(r.Misleading), 2)
	c := r.Misleading[0]
	eq("case with copies", []any{c.ID, c.Copies, c.Outlets, c.Rebuttal}, []any{"c1", 1, []string{"fbpage"}, "https://dienbien.gov.vn/bac-bo-tin-dap-vo"})
	eq("case marked in the week", []any{r.Misleading[1].ID, r.Misleading[1].Copies}, []any{"c2", 0})
}

func TestBadPeriodsAreClearErrors(t *testing.T) {
	f := reporttest.Start(t)
	b, err := report.NewBuilder(f.Index, f.Alerts, f.Cases, reporttest.Options())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := b.Build(ctx, report.Period{From: at(3, 0, 0), To: at(3, 0, 0)}); !errors.Is(err, report.ErrEmptyPeriod) {
		t.Errorf("empty period: %v", err)
	}
	if _, err := b.Build(ctx, report.Period{From: dec(8), To: dec(9)}); !errors.Is(err, report.ErrFuturePeriod) {
		t.Errorf("future period: %v", err)
	}
	// A week the index holds nothing for.
	if _, err := b.Build(ctx, report.Period{From: dec(1).AddDate(0, -3, 0), To: dec(8).AddDate(0, -3, 0)}); !errors.Is(err, report.ErrNoData) {
		t.Errorf("no data: %v", err)
	}
}

func TestParsePeriod(t *testing.T) {
	loc := reporttest.ICT
	now := reporttest.Now
	p, err := report.ParsePeriod("", "", now, loc)
	if err != nil || !p.From.Equal(at(30, 0, 0)) || !p.To.Equal(at(7, 0, 0)) {
		t.Errorf("default is last Monday to Sunday: %v %v", p, err)
	}
	// On a Sunday, last week is still the one before.
	if p := report.LastWeek(at(6, 23, 0), loc); !p.From.Equal(at(23, 0, 0)) {
		t.Errorf("last week on a Sunday: %v", p)
	}
	if p, err = report.ParsePeriod("2026-12-01", "2026-12-31", now, loc); err != nil || !p.To.Equal(dec(8)) {
		t.Errorf("a period reaching past today ends with today: %v %v", p, err)
	}
	for _, c := range [][2]string{{"2026-12-05", "2026-12-01"}, {"2026-12-09", "2026-12-10"}, {"yesterday", "2026-12-01"}, {"2026-12-01", ""}} {
		if _, err := report.ParsePeriod(c[0], c[1], now, loc); err == nil {
			t.Errorf("%v: no error", c)
		}
	}
	if !math.IsNaN((report.Row{Count: 3}).Change()) {
		t.Error("a change from nothing is not a number")
	}
}
