package ui

import (
	"fmt"
	"html"
	"html/template"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
)

// safeSnippet rebuilds a search snippet from scratch: the indexer sends
// escaped text with <mark> around matches, and whatever else the string
// holds is treated as text, so only the marks made here are markup.
func safeSnippet(s string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.Index(s, "<mark>")
		j := strings.Index(s, "</mark>")
		next, tag := -1, ""
		switch {
		case i >= 0 && (j < 0 || i < j):
			next, tag = i, "<mark>"
		case j >= 0:
			next, tag = j, "</mark>"
		}
		if next < 0 {
			b.WriteString(html.EscapeString(html.UnescapeString(s)))
			break
		}
		b.WriteString(html.EscapeString(html.UnescapeString(s[:next])))
		if (tag == "<mark>") != open {
			b.WriteString(tag)
			open = !open
		}
		s = s[next+len(tag):]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

// span is a marked range of a field with the rule that matched it.
type span struct {
	start, end int
	rule       string
}

// highlight escapes text and marks the byte ranges the rules matched in
// field, naming the rule in each mark's title. Offsets come from the
// classifier and are checked here: out of range or inside a character,
// a range is skipped, never trusted.
func highlight(text, field string, matches []article.Match) template.HTML {
	var spans []span
	for _, m := range matches {
		for _, o := range m.Offsets {
			if o.Field != field || o.Start < 0 || o.End > len(text) || o.Start >= o.End ||
				!utf8.RuneStart(text[o.Start]) || (o.End < len(text) && !utf8.RuneStart(text[o.End])) {
				continue
			}
			name := m.RuleID
			if m.Title != "" {
				name = m.Title + " (" + m.RuleID + ")"
			}
			spans = append(spans, span{o.Start, o.End, name})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.start < pos {
			continue // overlaps the previous mark
		}
		b.WriteString(html.EscapeString(text[pos:s.start]))
		fmt.Fprintf(&b, `<mark class="match" title="%s">%s</mark>`, html.EscapeString(s.rule), html.EscapeString(text[s.start:s.end]))
		pos = s.end
	}
	b.WriteString(html.EscapeString(text[pos:]))
	return template.HTML(b.String())
}

// Bar is one bar of a chart.
type Bar struct {
	Label string
	Count int
	// X, Y, W, H place it in the SVG's 0..Width x 0..Height box.
	X, Y, W, H int
}

// Chart is a bar chart drawn as SVG on the server (no script, no inline
// style: attributes only, which the CSP allows).
type Chart struct {
	Bars          []Bar
	Width, Height int
	Max           int
}

func barChart(counts []indexer.FacetCount, width, height int) Chart {
	c := Chart{Width: width, Height: height}
	if len(counts) == 0 {
		return c
	}
	for _, fc := range counts {
		c.Max = max(c.Max, fc.Count)
	}
	w := max(1, width/len(counts))
	for i, fc := range counts {
		h := 0
		if c.Max > 0 {
			h = fc.Count * (height - 2) / c.Max
		}
		if fc.Count > 0 {
			h = max(h, 1)
		}
		c.Bars = append(c.Bars, Bar{Label: fc.Value, Count: fc.Count, X: i * w, Y: height - h, W: max(1, w-1), H: h})
	}
	return c
}
