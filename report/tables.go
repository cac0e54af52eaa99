package report

import (
	"math"
	"strings"
)

// Table is one section as rows and columns: what CSV, spreadsheets and
// the tables of the page and the PDF show. A cell is a string, an int or
// a float64 (NaN: nothing to show).
type Table struct {
	ID      string
	Title   string
	Columns []string
	Rows    [][]any
}

// Tables lays out every section of r, in the order of the report.
func Tables(r *Report, n Names) []Table {
	counted := func(id, title, kind string, rows []Row, total int) Table {
		t := Table{ID: id, Title: n.T(title), Columns: []string{n.T("col.item"), n.T("col.count"), n.T("col.previous"), n.T("col.change")}}
		if total > 0 {
			t.Columns = append(t.Columns, n.T("col.share"))
		}
		for _, row := range rows {
			cells := []any{n.Row(kind, row), row.Count, row.Previous, round1(row.Change())}
			if total > 0 {
				cells = append(cells, round1(Share(row.Count, total)))
			}
			t.Rows = append(t.Rows, cells)
		}
		return t
	}
	s := r.Sensitive
	summary := Table{ID: "summary", Title: n.T("summary"), Columns: []string{n.T("col.item"), n.T("col.count"), n.T("col.previous"), n.T("col.change")}, Rows: [][]any{
		{n.T("row.total"), r.Volume.Total, r.Volume.Previous, round1(r.Volume.Change())},
		{n.T("row.sensitive"), s.Total, s.Previous, round1(change(s.Total, s.Previous))},
		{n.T("row.target"), round1(s.Target.Hours()), "", ""},
		{n.T("row.responded_within"), round1(s.Overall.WithinTargetShare()), "", ""},
		{n.T("row.median_ack"), hours(s.Overall.MedianAck), "", ""},
		{n.T("row.median_respond"), hours(s.Overall.MedianRespond), "", ""},
		{n.T("row.open"), s.Overall.Open, "", ""},
	}}
	days := Table{ID: "days", Title: n.T("sec.days"), Columns: []string{n.T("col.day"), n.T("col.total"), n.Tone("negative"), n.Tone("neutral"), n.Tone("positive")}}
	for _, l := range r.Volume.Labels {
		days.Columns = append(days.Columns, n.Label(l))
	}
	for _, d := range r.Volume.Days {
		row := []any{d.Day.Format("2006-01-02"), d.Total, d.ByTone["negative"], d.ByTone["neutral"], d.ByTone["positive"]}
		for _, l := range r.Volume.Labels {
			row = append(row, d.ByLabel[l])
		}
		days.Rows = append(days.Rows, row)
	}
	drivers := Table{ID: "drivers", Title: n.T("sec.drivers"), Columns: []string{n.T("col.item"), n.T("col.negative"), n.T("col.total"), n.T("col.share")}}
	for _, d := range r.Tone.Drivers {
		drivers.Rows = append(drivers.Rows, []any{n.Label(d.Label), d.Negative, d.Total, round1(Share(d.Negative, d.Total))})
	}
	stories := Table{ID: "stories", Title: n.T("sec.stories"), Columns: []string{n.T("col.story"), n.T("col.articles"), n.T("col.outlets"), n.T("col.tiers"), n.T("col.first"), n.T("col.last"), n.T("col.url")}}
	for _, st := range r.Stories {
		var tiers []string
		for _, t := range st.Tiers {
			tiers = append(tiers, n.Tier(t))
		}
		stories.Rows = append(stories.Rows, []any{st.Title, st.Articles, st.Outlets, strings.Join(tiers, ", "), n.Time(st.FirstSeen), n.Time(st.LastSeen), st.URL})
	}
	kpi := Table{ID: "departments", Title: n.T("sec.kpi"), Columns: []string{n.T("col.department"), n.T("col.alerts"), n.T("col.previous"), n.T("col.ack"), n.T("col.respond"), n.T("col.within"), n.T("col.open")}}
	for _, k := range append(append([]KPI{}, s.ByDepartment...), s.Overall) {
		kpi.Rows = append(kpi.Rows, []any{n.Dept(k.Key), k.Alerts, k.Previous, hours(k.MedianAck), hours(k.MedianRespond), round1(k.WithinTargetShare()), k.Open})
	}
	cases := Table{ID: "misleading", Title: n.T("sec.misleading"), Columns: []string{n.T("col.case"), n.T("col.marked"), n.T("col.copies"), n.T("col.outlets"), n.T("col.rebuttal"), n.T("col.url")}}
	for _, c := range r.Misleading {
		cases.Rows = append(cases.Rows, []any{c.Title, n.Time(c.MarkedAt), c.Copies, strings.Join(c.Outlets, ", "), c.Rebuttal, c.URL})
	}
	responses := Table{ID: "responses", Title: n.T("sec.responses"), Columns: []string{n.T("col.alert"), n.T("col.department"), n.T("col.at"), n.T("col.after"), n.T("col.by"), n.T("col.link")}}
	for _, p := range r.Responses {
		responses.Rows = append(responses.Rows, []any{p.Title, n.Dept(p.Department), n.Time(p.At), hours(p.After), p.By, p.Link})
	}
	spikes := Table{ID: "spikes", Title: n.T("sec.spikes"), Columns: []string{n.T("col.at"), n.T("col.item"), n.T("col.detail")}}
	for _, sp := range r.Spikes {
		spikes.Rows = append(spikes.Rows, []any{n.Time(sp.At), sp.Title, sp.Detail})
	}
	return []Table{
		summary, days,
		counted("tone", "sec.tone", "tone", r.Tone.Counts, r.Volume.Total),
		drivers, stories,
		counted("topics", "sec.sensitive_topics", "label", s.ByTopic, 0),
		kpi, cases, responses,
		counted("policies", "sec.policies", "", r.Policies, 0),
		counted("tiers", "sec.tiers", "tier", r.ByTier, r.Volume.Total),
		counted("outlets", "sec.outlets", "", r.ByOutlet, r.Volume.Total),
		counted("foreign", "sec.foreign", "lang", r.Foreign, 0),
		counted("places", "sec.places", "", r.Places, 0),
		counted("rising", "sec.rising", "label", r.Rising, 0),
		spikes,
	}
}

func round1(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return math.NaN()
	}
	return math.Round(v*10) / 10
}

// hours is d in hours to one decimal, NaN for none.
func hours(d interface{ Hours() float64 }) float64 {
	h := d.Hours()
	if h == 0 {
		return math.NaN()
	}
	return round1(h)
}
