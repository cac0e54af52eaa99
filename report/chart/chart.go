// Package chart lays out bar charts with titled axes and units, and draws
// them as SVG. The layout is shared with the PDF renderer, which draws the
// same shapes with its own primitives: one chart, two media.
package chart

import (
	"fmt"
	"math"
	"strconv"
)

// Chart is a bar chart: one bar per category, split into the series'
// values (stacked) or side by side (grouped).
type Chart struct {
	Title      string
	XTitle     string // names the categories
	YTitle     string // names the values and their unit
	Categories []string
	Series     []Series
	Stacked    bool
	// Format writes a tick value; whole numbers when nil.
	Format func(float64) string
}

// Series is one named set of values, one per category.
type Series struct {
	Name   string
	Color  string // #rrggbb
	Values []float64
}

// Palette are colours that stay apart for people with the commoner colour
// blindnesses (Okabe–Ito).
func Palette() []string {
	return []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"}
}

// Rect is a bar.
type Rect struct {
	X, Y, W, H float64
	Color      string
	Title      string // what the bar shows, for a tooltip
}

// Text is a label at a point; Anchor is start, middle or end; Rotate is
// in degrees, counter-clockwise.
type Text struct {
	X, Y   float64
	S      string
	Anchor string
	Rotate float64
	Size   float64
	Bold   bool
}

// Line is a segment; Grid lines are drawn lighter than axes.
type Line struct {
	X1, Y1, X2, Y2 float64
	Grid           bool
}

// Layout is a chart placed in a W×H box (any unit: SVG pixels or PDF
// millimetres; Unit is the text height the layout assumes).
type Layout struct {
	W, H  float64
	Bars  []Rect
	Texts []Text
	Lines []Line
	// Legend swatches (Rects with Title = series name).
	Legend []Rect
}

// Place lays c out in a w×h box with text of height unit.
func Place(c Chart, w, h, unit float64) Layout {
	l := Layout{W: w, H: h}
	format := c.Format
	if format == nil {
		format = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	}
	top := 2.2 * unit
	legendH := 0.0
	if len(c.Series) > 1 {
		legendH = 1.6 * unit
	}
	left, right, bottom := 5.5*unit, 1.0*unit, 4.2*unit+legendH
	pw, ph := w-left-right, h-top-bottom
	l.Texts = append(l.Texts, Text{X: w / 2, Y: 1.3 * unit, S: c.Title, Anchor: "middle", Size: 1.1 * unit, Bold: true})
	maxV := 0.0
	for i := range c.Categories {
		sum := 0.0
		for _, s := range c.Series {
			v := at(s.Values, i)
			if c.Stacked {
				sum += v
			} else {
				sum = math.Max(sum, v)
			}
		}
		maxV = math.Max(maxV, sum)
	}
	step, top5 := niceScale(maxV)
	y := func(v float64) float64 { return top + ph - ph*v/top5 }
	for v := 0.0; v <= top5+step/2; v += step {
		l.Lines = append(l.Lines, Line{X1: left, Y1: y(v), X2: left + pw, Y2: y(v), Grid: v > 0})
		l.Texts = append(l.Texts, Text{X: left - 0.4*unit, Y: y(v) + 0.35*unit, S: format(v), Anchor: "end", Size: 0.85 * unit})
	}
	l.Lines = append(l.Lines, Line{X1: left, Y1: top, X2: left, Y2: top + ph})
	n := max(len(c.Categories), 1)
	slot := pw / float64(n)
	barW := slot * 0.7
	every := int(math.Ceil(float64(len(c.Categories)) * 3.2 * unit / pw))
	for i, cat := range c.Categories {
		x0 := left + slot*float64(i) + (slot-barW)/2
		base := 0.0
		for si, s := range c.Series {
			v := at(s.Values, i)
			if v <= 0 {
				continue
			}
			r := Rect{Color: s.Color, Title: fmt.Sprintf("%s — %s: %s", cat, s.Name, format(v))}
			if c.Stacked {
				r.X, r.W, r.Y, r.H = x0, barW, y(base+v), y(base)-y(base+v)
				base += v
			} else {
				bw := barW / float64(len(c.Series))
				r.X, r.W, r.Y, r.H = x0+bw*float64(si), bw, y(v), y(0)-y(v)
			}
			l.Bars = append(l.Bars, r)
		}
		if every <= 1 || i%every == 0 {
			l.Texts = append(l.Texts, Text{X: left + slot*(float64(i)+0.5), Y: top + ph + 1.2*unit, S: cat, Anchor: "middle", Size: 0.85 * unit})
		}
	}
	l.Texts = append(l.Texts,
		Text{X: left + pw/2, Y: top + ph + 2.8*unit, S: c.XTitle, Anchor: "middle", Size: 0.9 * unit},
		Text{X: 1.2 * unit, Y: top + ph/2, S: c.YTitle, Anchor: "middle", Rotate: 90, Size: 0.9 * unit})
	if legendH > 0 {
		x := left
		for _, s := range c.Series {
			l.Legend = append(l.Legend, Rect{X: x, Y: h - 1.2*unit, W: 0.8 * unit, H: 0.8 * unit, Color: s.Color, Title: s.Name})
			x += 1.4*unit + float64(len([]rune(s.Name)))*0.55*unit
		}
	}
	return l
}

func at(v []float64, i int) float64 {
	if i < len(v) && !math.IsNaN(v[i]) {
		return v[i]
	}
	return 0
}

// niceScale picks a tick step of 1, 2 or 5 times a power of ten giving at
// most 5 steps, and the axis top.
func niceScale(maxV float64) (step, top float64) {
	if maxV <= 0 {
		return 1, 1
	}
	raw := maxV / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if step = m * mag; step >= raw {
			break
		}
	}
	if step < 1 && maxV >= 1 {
		step = 1
	}
	return step, math.Ceil(maxV/step) * step
}
