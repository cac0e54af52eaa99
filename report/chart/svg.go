package chart

import (
	"fmt"
	"html/template"
	"strings"
)

// SVG draws c as an inline SVG of w×h pixels, scaling with its container.
// Every text is escaped: category and series names may come from rules.
func SVG(c Chart, w, h float64) template.HTML {
	l := Place(c, w, h, 12)
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">`, w, h, esc(c.Title))
	for _, ln := range l.Lines {
		stroke := "#333"
		if ln.Grid {
			stroke = "#ddd"
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, ln.X1, ln.Y1, ln.X2, ln.Y2, stroke)
	}
	for _, r := range l.Bars {
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`, r.X, r.Y, r.W, r.H, esc(r.Color), esc(r.Title))
	}
	for _, r := range l.Legend {
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/><text x="%.1f" y="%.1f" font-size="11">%s</text>`,
			r.X, r.Y, r.W, r.H, esc(r.Color), r.X+r.W+4, r.Y+r.H, esc(r.Title))
	}
	for _, t := range l.Texts {
		weight := ""
		if t.Bold {
			weight = ` font-weight="bold"`
		}
		rot := ""
		if t.Rotate != 0 {
			rot = fmt.Sprintf(` transform="rotate(%.0f %.1f %.1f)"`, -t.Rotate, t.X, t.Y)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-size="%.1f"%s%s>%s</text>`, t.X, t.Y, t.Anchor, t.Size, weight, rot, esc(t.S))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from escaped parts above
}
