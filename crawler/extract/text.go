package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/presswatch/presswatch/textnorm"
	"golang.org/x/net/html"
)

// blockTags start a new line in the rendered text.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "body": true,
	"caption": true, "dd": true, "details": true, "div": true, "dl": true, "dt": true,
	"figcaption": true, "figure": true, "footer": true, "form": true, "h1": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"header": true, "hr": true, "li": true, "main": true, "nav": true, "ol": true,
	"p": true, "pre": true, "section": true, "summary": true, "table": true,
	"tbody": true, "tfoot": true, "thead": true, "tr": true, "ul": true,
	"td": true, "th": true,
}

// skipTags never carry readable text.
var skipTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "svg": true,
	"math": true, "iframe": true, "object": true, "embed": true, "select": true,
	"textarea": true, "button": true, "head": true,
}

// maxFragment bounds the word fragments remembered at element boundaries.
const maxFragment = 32

// joins records where the source page runs text straight across an inline
// element boundary with no whitespace ("D<span>ay</span>", "Not<b>fall</b>",
// "<a>Hà Nội</a>,"), keyed by the fragments either side.
//
// trafilatura trims the whitespace around every text node it keeps, so in
// its output tree "<a>Hà Nội</a> là" and "D<span>ay</span>" look alike; its
// own ContentText puts a space at every element boundary (splitting "Day"),
// while concatenating would glue "Hà Nộilà" into one word, which search
// would then never find. Looking the boundary up in the source gets both
// right.
type joins map[string]struct{}

func joinKey(left, right string) string { return left + "\x00" + right }

// collectJoins walks the source document's body text in order and records
// every boundary where non-space text on both sides touches.
func collectJoins(doc *html.Node) joins {
	j := joins{}
	var left string // trailing fragment of the previous text node in this block, "" after whitespace or a block boundary
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			s := n.Data
			if s == "" {
				return
			}
			if left != "" {
				if right := leadingFragment(s); right != "" {
					j[joinKey(left, right)] = struct{}{}
				}
			}
			left = trailingFragment(s)
			return
		case html.ElementNode:
			if skipTags[n.Data] {
				return
			}
		case html.DocumentNode:
		default:
			return
		}
		block := n.Type == html.ElementNode && (blockTags[n.Data] || n.Data == "br")
		if block {
			left = ""
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
		if block {
			left = ""
		}
	}
	walk(doc, 0)
	return j
}

// leadingFragment is the run of non-space runes s starts with, cut to
// maxFragment bytes; "" when s starts with whitespace.
func leadingFragment(s string) string {
	end := 0
	for i, r := range s {
		if unicode.IsSpace(r) || i >= maxFragment {
			break
		}
		end = i + utf8.RuneLen(r)
	}
	return s[:end]
}

// trailingFragment is the run of non-space runes s ends with, cut to
// maxFragment bytes; "" when s ends with whitespace.
func trailingFragment(s string) string {
	start := len(s)
	for start > 0 && len(s)-start < maxFragment {
		r, size := utf8.DecodeLastRuneInString(s[:start])
		if unicode.IsSpace(r) {
			break
		}
		start -= size
	}
	return s[start:]
}

// textWriter collapses whitespace and turns block boundaries into single
// line breaks while a tree is walked.
type textWriter struct {
	b        strings.Builder
	joins    joins
	space    bool   // whitespace seen since the last written rune
	newline  bool   // a block boundary seen since the last written rune
	boundary bool   // an inline element boundary seen since the last written rune
	left     string // trailing fragment of the last text node written
	pre      int    // depth inside <pre>, where line breaks are kept
}

func (w *textWriter) text(s string) {
	first := true
	for i, r := range s {
		switch {
		case r == '\n' && w.pre > 0:
			w.newline = true
		case unicode.IsSpace(r):
			w.space = true
		case dropRune(r):
		default:
			if w.b.Len() > 0 {
				switch {
				case w.newline:
					w.b.WriteByte('\n')
				case w.space:
					w.b.WriteByte(' ')
				case w.boundary && first:
					if _, ok := w.joins[joinKey(w.left, leadingFragment(s[i:]))]; !ok {
						w.b.WriteByte(' ')
					}
				}
			}
			w.space, w.newline, w.boundary = false, false, false
			first = false
			w.b.WriteRune(r)
		}
	}
	if !first {
		w.left = trailingFragment(s)
	}
}

// dropRune reports invisible characters that only break words apart for
// search: soft hyphens, zero-width spaces, byte-order marks, control
// characters and replacement characters. Zero-width (non-)joiners are kept:
// they change how Persian or Indic text is written.
func dropRune(r rune) bool {
	switch r {
	case '\u00ad', '\u200b', '\u2060', '\ufeff', utf8.RuneError:
		return true
	}
	return unicode.Is(unicode.Cc, r)
}

func (w *textWriter) node(n *html.Node, depth int) {
	// The parser caps nesting at 512 open elements; the cap here keeps a
	// tree built some other way from recursing without bound.
	if depth > maxDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode, html.DocumentNode:
	default:
		return
	}
	tag := n.Data
	if n.Type == html.ElementNode && skipTags[tag] {
		return
	}
	block := blockTags[tag]
	switch {
	case block:
		w.newline = true
	case tag == "br":
		w.newline = true
		return
	default:
		w.boundary = true
	}
	if tag == "pre" {
		w.pre++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, depth+1)
	}
	if tag == "pre" {
		w.pre--
	}
	if block {
		w.newline = true
	} else {
		w.boundary = true
	}
}

// nodeText renders n as normalised plain text: one line per paragraph (or
// heading, list item, table cell), whitespace collapsed within lines, inline
// element boundaries joined or spaced as in the source (see joins).
func nodeText(n *html.Node, j joins) string {
	if n == nil {
		return ""
	}
	w := textWriter{joins: j}
	w.node(n, 0)
	return textnorm.Normalize(w.b.String())
}

// cleanLine normalises a metadata string (title, byline …): one line,
// whitespace collapsed, NFC with Vietnamese tone placement unified.
func cleanLine(s string) string {
	var w textWriter
	w.text(s)
	return textnorm.Normalize(w.b.String())
}
