package render

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/chart"
)

//go:embed report.html
var pageSource string

// pageTemplate is parsed per call: a page is rendered a few times a week.
func pageTemplate() (*template.Template, error) {
	return template.New("report").Parse(pageSource)
}

type htmlCell struct {
	Text string
	Num  bool
	// Link is set for a web address (only http and https: a report's
	// links come from articles and officers).
	Link string
}

type htmlTable struct {
	ID, Title string
	Columns   []string
	Rows      [][]htmlCell
}

// writeHTML writes the report as one self-contained page (inline CSS and
// SVG), readable offline and on a phone.
func writeHTML(w io.Writer, r *report.Report, n report.Names) error {
	t, err := pageTemplate()
	if err != nil {
		return err
	}
	data := struct {
		N                           report.Names
		Period, Previous, Generated string
		Charts                      []template.HTML
		Tables                      []htmlTable
	}{N: n, Period: n.PeriodText(r.Period), Previous: n.PeriodText(r.Previous), Generated: n.Time(r.Generated)}
	for _, c := range report.Charts(r, n) {
		data.Charts = append(data.Charts, chart.SVG(c, 520, 300))
	}
	for _, tb := range report.Tables(r, n) {
		ht := htmlTable{ID: tb.ID, Title: tb.Title, Columns: tb.Columns}
		for _, row := range tb.Rows {
			var cells []htmlCell
			for _, v := range row {
				c := htmlCell{Text: cellText(v, n)}
				switch v.(type) {
				case int, float64:
					c.Num = true
				case string:
					if article.IsWebURL(c.Text) && strings.HasPrefix(c.Text, "http") {
						c.Link = c.Text
					}
				}
				cells = append(cells, c)
			}
			ht.Rows = append(ht.Rows, cells)
		}
		data.Tables = append(data.Tables, ht)
	}
	return t.Execute(w, data)
}
