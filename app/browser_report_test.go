package app_test

import (
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// reportJourney: the dashboard's charts end today, with titled axes, at
// desktop and phone widths; an officer builds this week's report on the
// "Báo cáo" page, finds it archived with a link per format, and opens the
// web page version.
func reportJourney(b *browser, base string) {
	today := time.Now().In(time.FixedZone("ICT", 7*3600))
	b.run(chromedp.Navigate(base+"/dashboard?days=7"), chromedp.WaitVisible(`.charts svg.chart`, chromedp.ByQuery))
	var chart string
	// SVG has no innerText; textContent joins its labels.
	b.run(chromedp.Evaluate(`document.querySelector('.charts svg.chart').textContent`, &chart))
	// The last day of the axis is today: no future day.
	if !strings.Contains(chart, "Số bài (bài)") || !strings.Contains(chart, today.Format("02/01")) || strings.Contains(chart, today.AddDate(0, 0, 1).Format("02/01")) {
		b.t.Errorf("volume chart text %q: want the axis title and days up to today (%s)", chart, today.Format("02/01"))
	}
	b.shot("20-dashboard-1280")
	b.run(chromedp.EmulateViewport(390, 844))
	b.shot("21-dashboard-390")
	b.run(chromedp.EmulateViewport(1280, 900))

	b.run(chromedp.Navigate(base+"/reports"), chromedp.WaitVisible(`form.period-form`, chromedp.ByQuery),
		chromedp.SetValue(`input[name=from]`, today.AddDate(0, 0, -6).Format(time.DateOnly), chromedp.ByQuery),
		chromedp.SetValue(`input[name=to]`, today.Format(time.DateOnly), chromedp.ByQuery),
		chromedp.Click(`form.period-form button[type=submit]`, chromedp.ByQuery))
	b.waitURL("flash=reports.built")
	b.run(chromedp.WaitVisible(`table.reports td.files a`, chromedp.ByQuery))
	var formats string
	b.run(chromedp.Text(`table.reports td.files`, &formats, chromedp.ByQuery))
	for _, f := range []string{"pdf", "xlsx", "html", "csv", "Xem"} {
		if !strings.Contains(formats, f) {
			b.t.Errorf("archived report lacks %q: %q", f, formats)
		}
	}
	b.shot("22-reports-1280")
	b.run(chromedp.EmulateViewport(390, 844))
	b.shot("23-reports-390")
	b.run(chromedp.EmulateViewport(1280, 900))
	var href string
	b.run(chromedp.AttributeValue(`table.reports td.files a[target=_blank]`, "href", &href, nil, chromedp.ByQuery))
	var h1 string
	b.run(chromedp.Navigate(base+href), chromedp.WaitVisible(`h1`, chromedp.ByQuery), chromedp.Text(`h1`, &h1, chromedp.ByQuery))
	if h1 != "Báo cáo dư luận báo chí" {
		b.t.Errorf("report page heading %q", h1)
	}
	b.shot("24-report-html-1280")
	b.run(chromedp.EmulateViewport(390, 844))
	b.shot("25-report-html-390")
	b.run(chromedp.EmulateViewport(1280, 900))
}
