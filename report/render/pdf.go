package render

import (
	_ "embed"
	"fmt"
	"io"
	"strconv"

	"github.com/go-pdf/fpdf"

	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/chart"
)

// DejaVu Sans Condensed (Bitstream Vera licence, fonts/LICENSE: may be
// embedded and redistributed) covers every Vietnamese letter with its
// tone marks; the PDF core fonts and the Go fonts do not. fpdf embeds
// only the glyphs used.
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	fontBold []byte
)

const (
	fontFamily = "dejavu"
	pageMargin = 15.0 // mm
	lineH      = 4.6  // mm, one line of table text
	ptPerMM    = 72 / 25.4
)

type pdfDoc struct {
	*fpdf.Fpdf
	n report.Names
	w float64 // usable width
}

// writePDF writes an A4 report: title and period, the charts, then every
// table, with page numbers.
func writePDF(w io.Writer, r *report.Report, n report.Names) error {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	f.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	f.SetTitle(n.T("title")+" "+n.PeriodText(r.Period), true)
	f.SetCreator("presswatch", true)
	f.SetMargins(pageMargin, pageMargin, pageMargin)
	f.SetAutoPageBreak(true, pageMargin)
	f.AliasNbPages("")
	f.SetFooterFunc(func() {
		f.SetY(-10)
		f.SetFont(fontFamily, "", 8)
		f.CellFormat(0, 5, n.T("title")+" · "+n.PeriodText(r.Period)+" · "+strconv.Itoa(f.PageNo())+"/{nb}", "", 0, "C", false, 0, "")
	})
	pw, _ := f.GetPageSize()
	d := &pdfDoc{Fpdf: f, n: n, w: pw - 2*pageMargin}
	f.AddPage()
	f.SetFont(fontFamily, "B", 16)
	f.MultiCell(0, 8, n.T("title"), "", "L", false)
	f.SetFont(fontFamily, "", 10)
	f.MultiCell(0, 5, fmt.Sprintf("%s: %s · %s: %s", n.T("period"), n.PeriodText(r.Period), n.T("previous"), n.PeriodText(r.Previous)), "", "L", false)
	f.MultiCell(0, 5, fmt.Sprintf("%s: %s (%s)", n.T("generated"), n.Time(r.Generated), n.T("zone")), "", "L", false)
	f.Ln(3)
	tables := report.Tables(r, n)
	d.table(tables[0]) // the summary first, then the charts
	for _, c := range report.Charts(r, n) {
		d.chart(c, 85)
	}
	for _, t := range tables[1:] {
		d.table(t)
	}
	if err := f.Error(); err != nil {
		return err
	}
	return f.Output(w)
}

func (d *pdfDoc) fits(h float64) {
	_, ph := d.GetPageSize()
	if d.GetY()+h > ph-pageMargin {
		d.AddPage()
	}
}

// chart draws c h mm high across the page.
func (d *pdfDoc) chart(c chart.Chart, h float64) {
	d.fits(h + 4)
	x0, y0 := pageMargin, d.GetY()+2
	l := chart.Place(c, d.w, h, 3.4)
	for _, ln := range l.Lines {
		if ln.Grid {
			d.SetDrawColor(220, 220, 220)
		} else {
			d.SetDrawColor(50, 50, 50)
		}
		d.Line(x0+ln.X1, y0+ln.Y1, x0+ln.X2, y0+ln.Y2)
	}
	for _, b := range append(l.Bars, l.Legend...) {
		r, g, bl := hexColor(b.Color)
		d.SetFillColor(r, g, bl)
		d.Rect(x0+b.X, y0+b.Y, b.W, b.H, "F")
	}
	d.SetTextColor(0, 0, 0)
	for _, b := range l.Legend {
		d.SetFont(fontFamily, "", 3.4*0.85*ptPerMM)
		d.Text(x0+b.X+b.W+1, y0+b.Y+b.H, b.Title)
	}
	for _, t := range l.Texts {
		style := ""
		if t.Bold {
			style = "B"
		}
		d.SetFont(fontFamily, style, t.Size*ptPerMM)
		tw := d.GetStringWidth(t.S)
		x := x0 + t.X
		switch t.Anchor {
		case "middle":
			x -= tw / 2
		case "end":
			x -= tw
		}
		if t.Rotate != 0 {
			d.TransformBegin()
			d.TransformRotate(t.Rotate, x0+t.X, y0+t.Y)
			d.Text(x, y0+t.Y, t.S)
			d.TransformEnd()
			continue
		}
		d.Text(x, y0+t.Y, t.S)
	}
	d.SetY(y0 + h + 4)
}

func hexColor(s string) (int, int, int) {
	var r, g, b int
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return 0, 0, 0
	}
	return r, g, b
}

// table draws t with wrapped cells, repeating the header on a new page.
func (d *pdfDoc) table(t report.Table) {
	d.fits(8 + 3*lineH)
	d.SetFont(fontFamily, "B", 11.5)
	d.Ln(2)
	d.MultiCell(0, 6, t.Title, "", "L", false)
	if len(t.Rows) == 0 {
		d.SetFont(fontFamily, "", 9)
		d.MultiCell(0, lineH, d.n.T("none"), "", "L", false)
		return
	}
	widths := columnWidths(len(t.Columns), d.w)
	header := func() {
		d.SetFont(fontFamily, "B", 8.5)
		d.SetFillColor(235, 241, 247)
		d.row(widths, anys(t.Columns), true)
	}
	header()
	d.SetFont(fontFamily, "", 8.5)
	for _, row := range t.Rows {
		if d.rowHeight(widths, row) > 0 {
			_, ph := d.GetPageSize()
			if d.GetY()+d.rowHeight(widths, row) > ph-pageMargin {
				d.AddPage()
				header()
				d.SetFont(fontFamily, "", 8.5)
			}
		}
		d.row(widths, row, false)
	}
}

// columnWidths gives the first column (what a row is about) the most room.
func columnWidths(n int, total float64) []float64 {
	w := make([]float64, n)
	if n == 1 {
		w[0] = total
		return w
	}
	first := total * 0.34
	if n <= 3 {
		first = total * 0.5
	}
	w[0] = first
	for i := 1; i < n; i++ {
		w[i] = (total - first) / float64(n-1)
	}
	return w
}

func (d *pdfDoc) lines(v any, w float64) []string {
	return d.SplitText(cellText(v, d.n), w-2)
}

func (d *pdfDoc) rowHeight(widths []float64, row []any) float64 {
	most := 1
	for i, v := range row {
		if i < len(widths) {
			most = max(most, len(d.lines(v, widths[i])))
		}
	}
	return float64(most)*lineH + 1
}

func (d *pdfDoc) row(widths []float64, row []any, fill bool) {
	h := d.rowHeight(widths, row)
	x, y := d.GetX(), d.GetY()
	for i, v := range row {
		if i >= len(widths) {
			break
		}
		style := "D"
		if fill {
			style = "FD"
		}
		d.SetDrawColor(200, 200, 200)
		d.Rect(x, y, widths[i], h, style)
		align := "L"
		if _, num := v.(string); !num && !fill {
			align = "R"
		}
		for j, ln := range d.lines(v, widths[i]) {
			d.SetXY(x+1, y+0.5+float64(j)*lineH)
			d.CellFormat(widths[i]-2, lineH, ln, "", 0, align, false, 0, "")
		}
		x += widths[i]
	}
	d.SetXY(pageMargin, y+h)
}
