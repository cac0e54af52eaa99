package classifier

import (
	"bytes"
	"unicode"

	"gopkg.in/yaml.v3"
)

// scalarPos maps a character column of a YAML scalar's value back to the
// file, for errors in a query that spans several lines (a folded ">-"
// block, or a plain scalar continued on the next lines): yaml.v3 gives
// only the position of the scalar's first character, or of the block
// indicator.
type scalarPos struct {
	segs []scalarSeg
}

// scalarSeg says that the value's characters from start on are on line,
// from column col.
type scalarSeg struct {
	start, line, col int
}

// locateScalar walks the source lines of v and matches each line's text
// against the value in order. Escapes in quoted scalars make a line
// differ from the value; the walk then stops and later columns count
// from the last line matched, which is still the right neighbourhood.
func locateScalar(src []byte, v *yaml.Node) scalarPos {
	val := []rune(v.Value)
	lines := bytes.Split(src, []byte("\n"))
	first, startCol := v.Line, v.Column
	switch v.Style {
	case yaml.FoldedStyle, yaml.LiteralStyle:
		first, startCol = v.Line+1, 1 // the content starts below the indicator
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		startCol++ // the opening quote
	}
	var p scalarPos
	pos := 0
	for ln := first; ln-1 < len(lines) && pos < len(val); ln++ {
		line := []rune(string(lines[ln-1]))
		col := 1
		if ln == first {
			col = startCol
		}
		for col-1 < len(line) && unicode.IsSpace(line[col-1]) {
			col++
		}
		if col-1 >= len(line) {
			continue // a blank line: a newline in a folded value
		}
		for pos < len(val) && unicode.IsSpace(val[pos]) {
			pos++
		}
		n := 0
		for col-1+n < len(line) && pos+n < len(val) && line[col-1+n] == val[pos+n] {
			n++
		}
		if n == 0 {
			break
		}
		p.segs = append(p.segs, scalarSeg{start: pos, line: ln, col: col})
		pos += n
	}
	if len(p.segs) == 0 {
		p.segs = []scalarSeg{{start: 0, line: first, col: startCol}}
	}
	return p
}

// at returns the file line and column of the value's character column
// col (1-based).
func (p scalarPos) at(col int) (line, column int) {
	if len(p.segs) == 0 {
		return 0, 0
	}
	s := p.segs[0]
	for _, seg := range p.segs[1:] {
		if seg.start <= col-1 {
			s = seg
		}
	}
	return s.line, s.col + (col - 1 - s.start)
}

// known reports whether the position of the scalar was recorded.
func (p scalarPos) known() bool { return len(p.segs) > 0 }

// shifted moves every segment by dl lines and dc columns (never before
// column 1), for a value parsed inside a wrapper that added lines and
// indentation in front of it.
func (p scalarPos) shifted(dl, dc int) scalarPos {
	out := scalarPos{segs: make([]scalarSeg, len(p.segs))}
	for i, s := range p.segs {
		s.line, s.col = s.line+dl, max(1, s.col+dc)
		out.segs[i] = s
	}
	return out
}
