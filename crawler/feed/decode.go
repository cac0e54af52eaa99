package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"github.com/presswatch/presswatch/crawler/charset"
)

// rootScanLimit bounds the tokens read before the root element: prologs,
// comments, processing instructions and DOCTYPEs.
const rootScanLimit = 10000

func parseJSON(body []byte, contentType string) (*gofeed.Feed, error) {
	text, _, err := charset.DecodeText(body, contentType)
	if err != nil {
		return nil, err
	}
	text = strings.TrimPrefix(strings.TrimSpace(text), "\uFEFF")
	var probe struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal([]byte(text), &probe); err != nil {
		return nil, fmt.Errorf("JSON Feed: %w", describeJSONError(text, err))
	}
	if !strings.Contains(probe.Version, "jsonfeed.org/version/") {
		return nil, fmt.Errorf("%w: JSON document without a jsonfeed.org version", ErrNotFeed)
	}
	jf, err := (&jsonfeed.Parser{}).Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("JSON Feed: %w", describeJSONError(text, err))
	}
	return (&gofeed.DefaultJSONTranslator{}).Translate(jf)
}

// describeJSONError adds the line to a JSON syntax error, which only knows
// its byte offset.
func describeJSONError(text string, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset >= 0 && se.Offset <= int64(len(text)) {
		line := 1 + strings.Count(text[:se.Offset], "\n")
		return fmt.Errorf("syntax error on line %d: %w", line, err)
	}
	return err
}

// parseXML parses an RSS, RDF or Atom document. If the XML is broken and
// the part before the break (see salvage) holds items, it returns those
// with the original error as warning; otherwise the error.
func parseXML(body []byte, contentType string) (gf *gofeed.Feed, warning, err error) {
	data, _, err := charset.DecodeXML(body, contentType)
	if err != nil {
		return nil, nil, err
	}
	root, err := rootElement(data)
	if err != nil {
		if looksHTML(data) {
			return nil, nil, ErrHTML
		}
		return nil, nil, err
	}
	var parse func([]byte) (*gofeed.Feed, error)
	switch strings.ToLower(root) {
	case "rss", "rdf":
		parse = func(data []byte) (*gofeed.Feed, error) {
			rf, err := (&rss.Parser{}).Parse(bytes.NewReader(data))
			if err != nil {
				return nil, err
			}
			// The translator's fallback image scan builds a DOM of every
			// item's HTML; image() does the same job with a tokenizer that
			// stops at the first <img>, at a fraction of the cost.
			return (&gofeed.DefaultRSSTranslator{DisableContentImageScan: true}).Translate(rf)
		}
	case "feed":
		parse = func(data []byte) (*gofeed.Feed, error) {
			af, err := (&atom.Parser{}).Parse(bytes.NewReader(data))
			if err != nil {
				return nil, err
			}
			return (&gofeed.DefaultAtomTranslator{}).Translate(af)
		}
	case "html", "head", "body":
		return nil, nil, ErrHTML
	default:
		if looksHTML(data) {
			return nil, nil, ErrHTML
		}
		return nil, nil, fmt.Errorf("%w: root element <%s> is not rss, rdf:RDF or Atom feed", ErrNotFeed, root)
	}
	gf, err = parse(data)
	if err == nil {
		return gf, nil, nil
	}
	var se *xml.SyntaxError
	if !errors.As(err, &se) {
		return nil, nil, err
	}
	fixed, ok := salvage(data)
	if !ok {
		return nil, nil, err
	}
	gf, err2 := parse(fixed)
	if err2 != nil || len(gf.Items) == 0 {
		// Nothing worth having before the break: report the break.
		return nil, nil, err
	}
	return gf, err, nil
}

// salvage cuts a broken XML document before its first syntax error and
// closes the elements still open there, so that what came before can be
// parsed. If the break falls inside an item or entry, the cut is made
// before that item: its fields may be cut short (a truncated link is worse
// than none). ok is false if the document has no syntax error.
func salvage(data []byte) (fixed []byte, ok bool) {
	type open struct {
		name  string
		start int64
	}
	var stack []open
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	var good int64
	var goodStack []open
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) && len(stack) == 0 {
			return nil, false
		}
		if err != nil {
			// A syntax error, or the end of input with elements still
			// open (RawToken does not check nesting).
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if t.Name.Space != "" {
				name = t.Name.Space + ":" + name
			}
			stack = append(stack, open{name, start})
		case xml.EndElement:
			name := t.Name.Local
			if t.Name.Space != "" {
				name = t.Name.Space + ":" + name
			}
			// Non-strict XML tolerates stray end tags: pop to the
			// matching element if there is one.
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == name {
					stack = stack[:i]
					break
				}
			}
		}
		good = d.InputOffset()
		goodStack = append(goodStack[:0], stack...)
	}
	cut, keep := good, goodStack
	for i, o := range goodStack {
		local := o.name[strings.LastIndexByte(o.name, ':')+1:]
		if strings.EqualFold(local, "item") || strings.EqualFold(local, "entry") {
			cut, keep = o.start, goodStack[:i]
			break
		}
	}
	if len(keep) == 0 {
		return nil, false
	}
	fixed = append([]byte(nil), data[:cut]...)
	for i := len(keep) - 1; i >= 0; i-- {
		fixed = append(fixed, "</"+keep[i].name+">"...)
	}
	return fixed, true
}

// rootElement returns the local name of the document's first element.
func rootElement(data []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	for range rootScanLimit {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", fmt.Errorf("%w: no root element", ErrNotFeed)
			}
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, nil
		}
	}
	return "", fmt.Errorf("%w: no root element in the first %d tokens", ErrNotFeed, rootScanLimit)
}

// looksHTML reports whether a document that is not a feed starts like an
// HTML page.
func looksHTML(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 2048)])
	for _, marker := range [][]byte{[]byte("<!doctype html"), []byte("<html"), []byte("<head"), []byte("<body")} {
		if bytes.Contains(head, marker) {
			return true
		}
	}
	return false
}

func trimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
}

// looksJSON reports whether body starts (after a UTF-8 BOM and spaces) with
// a JSON object. UTF-16 JSON is not supported: JSON Feed requires UTF-8.
func looksJSON(body []byte) bool {
	b := bytes.TrimLeft(trimBOM(body), " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// IsFeed reports whether body looks like a feed (an rss, rdf:RDF or Atom
// root element, or a JSON Feed object) rather than an HTML page or
// anything else. It reads at most the first 64 KiB; a source URL that
// returns something else is a site URL for autodiscovery.
func IsFeed(body []byte, contentType string) bool {
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	if looksJSON(body) {
		var probe struct {
			Version string `json:"version"`
		}
		// A truncated object fails to unmarshal, so read tokens instead.
		d := json.NewDecoder(bytes.NewReader(trimBOM(body)))
		if err := d.Decode(&probe); err == nil {
			return strings.Contains(probe.Version, "jsonfeed.org/version/")
		}
		return bytes.Contains(body, []byte("jsonfeed.org/version/"))
	}
	data, _, err := charset.DecodeXML(body, contentType)
	if err != nil {
		return false
	}
	root, err := rootElement(data)
	if err != nil {
		return false
	}
	switch strings.ToLower(root) {
	case "rss", "rdf", "feed":
		return true
	}
	return false
}
