package ui

import (
	"context"
	"html/template"
	"slices"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/chart"
)

// Tallier counts a period's articles by day, label and tone
// (*indexer.Index or indexer.Remote).
type Tallier interface {
	Tally(ctx context.Context, req indexer.TallyRequest) (*indexer.Tally, error)
}

// dashboardPeriods are the periods the dashboard offers, in days.
func dashboardPeriods() []int { return []int{7, 30, 90} }

// trends are the dashboard's charts over the last days, today included
// and no day after it.
type trends struct {
	Days                     int
	Volume, Labels, Tone, RT template.HTML
	// Open are the open alerts per department, most first: drawn as
	// rows of text and bar, not an SVG chart, so that long department
	// names wrap and stay readable on a phone.
	Open []deptBar
}

// deptBar is one department's row of the open alerts chart.
type deptBar struct {
	Name  string
	Count uint64
	Pct   float64 // of the largest count, for the bar's length
}

// period is the last n local days, ending with today.
func lastDays(now time.Time, n int) report.Period {
	t := now.In(vietnam)
	end := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, vietnam)
	return report.Period{From: end.AddDate(0, 0, -n), To: end}
}

const chartW, chartH = 560, 260

func (u *UI) trendCharts(ctx context.Context, p *Page, per report.Period, list, open []*alerts.Alert) (*trends, error) {
	names, err := report.NewNames(p.Lang, u.d.Departments.In(p.Lang))
	if err != nil {
		return nil, err
	}
	days := per.Days()
	tr := &trends{Days: len(days)}
	var cats []string
	for _, d := range days {
		cats = append(cats, d.Format("02/01"))
	}
	pal := chart.Palette()
	axisDay, axisN := names.T("axis.day"), names.T("axis.articles")
	if u.d.Tally != nil {
		t, err := u.d.Tally.Tally(ctx, indexer.TallyRequest{From: per.From, To: per.To, Bounds: days[1:], Fields: []string{"label", "tone"}, PerBucket: []string{"label", "tone"}})
		if err != nil {
			return nil, err
		}
		total := chart.Series{Name: names.T("col.total"), Color: pal[0]}
		for _, n := range t.Buckets {
			total.Values = append(total.Values, float64(n))
		}
		tr.Volume = chart.SVG(chart.Chart{Title: p.T("dashboard.chart_volume"), XTitle: axisDay, YTitle: axisN, Categories: cats, Series: []chart.Series{total}}, chartW, chartH)
		var labels []chart.Series
		for i, l := range topOf(t.Terms["label"], 5) {
			s := chart.Series{Name: names.Label(l), Color: pal[(i+1)%len(pal)]}
			for b := range days {
				s.Values = append(s.Values, float64(t.BucketTerms["label"][b][l]))
			}
			labels = append(labels, s)
		}
		tr.Labels = chart.SVG(chart.Chart{Title: p.T("dashboard.chart_labels"), XTitle: axisDay, YTitle: axisN, Categories: cats, Series: labels}, chartW, chartH)
		colors := map[string]string{article.ToneNegative: pal[3], article.ToneNeutral: "#999999", article.TonePositive: pal[2]}
		var tones []chart.Series
		for _, tone := range article.Tones() {
			s := chart.Series{Name: names.Tone(tone), Color: colors[tone]}
			for b := range days {
				s.Values = append(s.Values, float64(t.BucketTerms["tone"][b][tone]))
			}
			tones = append(tones, s)
		}
		tr.Tone = chart.SVG(chart.Chart{Title: p.T("dashboard.chart_tone"), XTitle: axisDay, YTitle: axisN, Categories: cats, Series: tones, Stacked: true}, chartW, chartH)
	}
	byDept := map[string]uint64{}
	for _, a := range open {
		d := "none"
		if len(a.Departments) > 0 {
			d = a.Departments[0]
		}
		byDept[d]++
	}
	top := topOf(byDept, 8)
	for _, d := range top {
		tr.Open = append(tr.Open, deptBar{Name: names.Dept(d), Count: byDept[d], Pct: 100 * float64(byDept[d]) / float64(byDept[top[0]])})
	}
	tr.RT = chart.SVG(responseChart(p, names, per, cats, list), chartW, chartH)
	return tr, nil
}

// responseChart shows, for the alerts raised each day, the median hours
// to acknowledge and to respond.
func responseChart(p *Page, names report.Names, per report.Period, cats []string, list []*alerts.Alert) chart.Chart {
	days := per.Days()
	ack, rsp := make([][]time.Duration, len(days)), make([][]time.Duration, len(days))
	for _, a := range list {
		i := slices.IndexFunc(days, func(d time.Time) bool { return !a.Created.Before(d) && a.Created.Before(d.AddDate(0, 0, 1)) })
		if i < 0 {
			continue
		}
		if !a.Acknowledged.IsZero() {
			ack[i] = append(ack[i], a.Acknowledged.Sub(a.Created))
		}
		if !a.Responded.IsZero() {
			rsp[i] = append(rsp[i], a.Responded.Sub(a.Created))
		}
	}
	pal := chart.Palette()
	sa := chart.Series{Name: p.T("dashboard.tta"), Color: pal[0]}
	sr := chart.Series{Name: p.T("dashboard.ttr"), Color: pal[1]}
	for i := range days {
		sa.Values = append(sa.Values, median(ack[i]).Hours())
		sr.Values = append(sr.Values, median(rsp[i]).Hours())
	}
	return chart.Chart{Title: p.T("dashboard.chart_rt"), XTitle: names.T("axis.day"), YTitle: p.T("dashboard.axis_hours"), Categories: cats, Series: []chart.Series{sa, sr},
		Format: func(v float64) string { return names.Number(v, 0) }}
}

// topOf are the n keys with the highest counts, ties by key.
func topOf(m map[string]uint64, n int) []string {
	keys := make([]string, 0, len(m))
	for k, c := range m {
		if c > 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			if m[a] > m[b] {
				return -1
			}
			return 1
		}
		if a < b {
			return -1
		}
		return 1
	})
	return keys[:min(n, len(keys))]
}
