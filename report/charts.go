package report

import (
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/report/chart"
)

// Charts are the report's charts: articles per day, tone per day, and
// share of voice by tier against the previous period.
func Charts(r *Report, n Names) []chart.Chart {
	pal := chart.Palette()
	var days []string
	total := chart.Series{Name: n.T("col.total"), Color: pal[0]}
	tones := map[string]*chart.Series{
		article.ToneNegative: {Name: n.Tone(article.ToneNegative), Color: pal[3]},
		article.ToneNeutral:  {Name: n.Tone(article.ToneNeutral), Color: "#999999"},
		article.TonePositive: {Name: n.Tone(article.TonePositive), Color: pal[2]},
	}
	for _, d := range r.Volume.Days {
		days = append(days, n.Weekday(d.Day))
		total.Values = append(total.Values, float64(d.Total))
		for t, s := range tones {
			s.Values = append(s.Values, float64(d.ByTone[t]))
		}
	}
	var toneSeries []chart.Series
	for _, t := range article.Tones() {
		toneSeries = append(toneSeries, *tones[t])
	}
	tiers := chart.Chart{Title: n.T("chart.tiers"), XTitle: n.T("axis.tier"), YTitle: n.T("axis.articles"),
		Series: []chart.Series{{Name: n.PeriodText(r.Period), Color: pal[0]}, {Name: n.PeriodText(r.Previous), Color: pal[5]}}}
	for _, row := range r.ByTier {
		tiers.Categories = append(tiers.Categories, n.Tier(row.Key))
		tiers.Series[0].Values = append(tiers.Series[0].Values, float64(row.Count))
		tiers.Series[1].Values = append(tiers.Series[1].Values, float64(row.Previous))
	}
	return []chart.Chart{
		{Title: n.T("chart.volume"), XTitle: n.T("axis.day"), YTitle: n.T("axis.articles"), Categories: days, Series: []chart.Series{total}},
		{Title: n.T("chart.tone"), XTitle: n.T("axis.day"), YTitle: n.T("axis.articles"), Categories: days, Series: toneSeries, Stacked: true},
		tiers,
	}
}
