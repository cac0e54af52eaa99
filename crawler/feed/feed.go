// Package feed turns RSS (0.9x, 1.0/RDF, 2.0), Atom and JSON Feed
// documents into items the crawler can fetch, and finds feeds announced by
// HTML pages.
//
// Parsing is done by gofeed after the bytes have been decoded to UTF-8 by
// package charset, whose detection (BOM, header, prolog, sniffing, with
// Vietnamese legacy encodings) is better than the XML decoder's own label
// lookup and which never fails on a bad label. The root element is
// recognised here rather than by gofeed, so that an HTML page given as a
// feed is reported as such and a root element after gofeed's 4 KiB
// detection window (long leading comments) still parses.
//
// Every text field is plain text: HTML is stripped, entities decoded,
// whitespace collapsed and the result passed through charset.Clean (valid
// UTF-8, no control characters, NFC, Vietnamese tone placement unified).
package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	xhtml "golang.org/x/net/html"

	"github.com/presswatch/presswatch/crawler/charset"
)

// Item is one entry of a feed.
type Item struct {
	// Link is the absolute http(s) URL of the article. Items without one
	// (and without a GUID that is such a URL) are not returned.
	Link string
	// GUID is the item's id (RSS guid, Atom id, JSON Feed id), as given.
	GUID string
	// Title, Summary and Content are plain text. Summary is the RSS
	// description, Atom summary or JSON Feed summary; Content is
	// content:encoded, Atom content or JSON Feed content_html (else
	// content_text). Media RSS media:description (YouTube puts it in
	// media:group) fills whichever of the two is empty.
	Title, Summary, Content string
	// Author is the names of the item's authors, comma-separated.
	Author string
	// Image is the absolute URL of the item's image: itunes:image, a Media
	// RSS image or thumbnail, an image enclosure, else the first <img> of
	// the content or description.
	Image string
	// Published is the publication (else update) time; zero if absent or
	// absurd (before 1990 or more than two days after Options.Now).
	Published  time.Time
	Categories []string
}

// Feed is a parsed feed.
type Feed struct {
	Title, Link, Language string
	Items                 []Item
	// Warning is non-nil when the XML was broken (typically cut short by a
	// size limit or a dropped connection) after at least one complete
	// item: the feed then holds the items before the break, without the
	// one the break fell in, and Warning is the parser's error for the
	// whole document. A document broken before its first complete item is
	// an error.
	Warning error
}

// Options control Parse.
type Options struct {
	// Now is the reference time for rejecting future dates; zero means
	// time.Now().
	Now time.Time
	// BaseURL is the URL the feed was fetched from. Relative links are
	// resolved against it (after any xml:base in the document, which
	// gofeed applies); without it, against the feed's own absolute link.
	BaseURL string

	// keepLinkless keeps items without a usable link, for tests that
	// compare every entry with another parser's expectations.
	keepLinkless bool
}

// Errors Parse returns (wrapped, with details) for documents that are not
// feeds. Other errors come from the parsers and name the position when the
// parser reports one.
var (
	ErrEmpty   = errors.New("empty document")
	ErrHTML    = errors.New("this is an HTML page, not a feed (try feed autodiscovery)")
	ErrNotFeed = errors.New("not a feed")
)

// earliest is the earliest publication date believed: older dates in news
// feeds come from broken generators (epoch 0, year 1), not from articles.
var earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// futureSlack is how far past Options.Now a date may lie: time zones
// mislabelled by a few hours are common and harmless, articles dated next
// month are not news.
const futureSlack = 48 * time.Hour

// rootScanLimit bounds the tokens read before the root element: prologs,
// comments, processing instructions and DOCTYPEs.
const rootScanLimit = 10000

// Parse parses a feed in any supported format. contentType is the HTTP
// Content-Type header, possibly empty. Errors start with "parse feed: ".
func Parse(body []byte, contentType string, o Options) (f *Feed, err error) {
	defer func() {
		// gofeed is third-party code run on hostile input: a panic in it
		// must cost this feed, not the crawler process.
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("parse feed: parser panicked: %v", r)
		}
	}()
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if len(bytes.TrimSpace(trimBOM(body))) == 0 {
		return nil, fmt.Errorf("parse feed: %w", ErrEmpty)
	}
	var gf *gofeed.Feed
	var warning error
	if looksJSON(body) {
		gf, err = parseJSON(body, contentType)
	} else {
		gf, warning, err = parseXML(body, contentType)
	}
	if err != nil {
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	f = convert(gf, o)
	if warning != nil {
		f.Warning = fmt.Errorf("parse feed: %w", warning)
	}
	return f, nil
}

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

// convert maps gofeed's universal feed to this package's types.
func convert(gf *gofeed.Feed, o Options) *Feed {
	pol := newPolicy()
	base, _ := url.Parse(o.BaseURL)
	if base == nil || !base.IsAbs() {
		base = nil
	}
	f := &Feed{
		Title:    text(pol, gf.Title),
		Language: strings.TrimSpace(charset.Clean(gf.Language)),
	}
	if l, ok := resolve(base, gf.Link); ok {
		f.Link = l
		if base == nil {
			base, _ = url.Parse(l)
		}
	}
	f.Items = make([]Item, 0, len(gf.Items))
	for _, gi := range gf.Items {
		if gi == nil {
			continue
		}
		if it, ok := convertItem(gi, base, o.Now, pol); ok || o.keepLinkless {
			f.Items = append(f.Items, it)
		}
	}
	return f
}

func convertItem(gi *gofeed.Item, base *url.URL, now time.Time, pol *bluemonday.Policy) (Item, bool) {
	it := Item{GUID: strings.TrimSpace(charset.Clean(gi.GUID))}
	candidates := append([]string{gi.Link}, gi.Links...)
	for _, c := range candidates {
		if l, ok := resolve(base, c); ok {
			it.Link = l
			break
		}
	}
	if it.Link == "" {
		// A GUID is only a link when it is an absolute web URL: relative
		// or opaque GUIDs ("tag:…", "yt:video:…", numbers) are ids.
		u, err := url.Parse(it.GUID)
		if err != nil || !isWeb(u) || u.Host == "" {
			return convertFields(it, gi, base, now, pol), false
		}
		it.Link = u.String()
	}
	return convertFields(it, gi, base, now, pol), true
}

// convertFields fills in everything but the link and GUID.
func convertFields(it Item, gi *gofeed.Item, base *url.URL, now time.Time, pol *bluemonday.Policy) Item {
	it.Title = text(pol, gi.Title)
	it.Summary = text(pol, gi.Description)
	it.Content = text(pol, gi.Content)
	if it.Summary == "" || it.Content == "" {
		// YouTube and other Media RSS feeds carry the text in
		// media:description, usually inside media:group.
		if d := text(pol, mediaValue(gi.Extensions, "description")); d != "" {
			if it.Summary == "" {
				it.Summary = d
			}
			if it.Content == "" {
				it.Content = d
			}
		}
	}
	if it.Title == "" {
		it.Title = text(pol, mediaValue(gi.Extensions, "title"))
	}
	it.Author = author(gi)
	it.Image = image(gi, base)
	if it.Image == "" {
		for _, h := range []string{gi.Content, gi.Description} {
			if l, ok := resolve(base, firstImage(h)); ok {
				it.Image = l
				break
			}
		}
	}
	it.Published = published(gi, now)
	seen := make(map[string]bool, len(gi.Categories))
	for _, c := range gi.Categories {
		c = collapse(charset.Clean(c))
		if c != "" && !seen[c] {
			seen[c] = true
			it.Categories = append(it.Categories, c)
		}
	}
	return it
}

// resolve makes ref absolute against base and accepts only http(s) URLs
// with a host: anything else cannot be fetched.
func resolve(base *url.URL, ref string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", false
	}
	u, err := url.Parse(ref)
	if err != nil {
		return "", false
	}
	if !u.IsAbs() {
		if base == nil {
			return "", false
		}
		u = base.ResolveReference(u)
	}
	if !isWeb(u) || u.Host == "" {
		return "", false
	}
	return u.String(), true
}

func isWeb(u *url.URL) bool {
	s := strings.ToLower(u.Scheme)
	return s == "http" || s == "https"
}

func published(gi *gofeed.Item, now time.Time) time.Time {
	var t *time.Time
	switch {
	case gi.PublishedParsed != nil:
		t = gi.PublishedParsed
	case gi.UpdatedParsed != nil:
		t = gi.UpdatedParsed
	default:
		return time.Time{}
	}
	if t.Before(earliest) || t.After(now.Add(futureSlack)) {
		return time.Time{}
	}
	return *t
}

func author(gi *gofeed.Item) string {
	var names []string
	add := func(p *gofeed.Person) {
		if p == nil {
			return
		}
		n := collapse(charset.Clean(p.Name))
		if n == "" {
			n = collapse(charset.Clean(p.Email))
		}
		for _, have := range names {
			if have == n {
				return
			}
		}
		if n != "" {
			names = append(names, n)
		}
	}
	for _, p := range gi.Authors {
		add(p)
	}
	if len(names) == 0 {
		add(gi.Author)
	}
	return strings.Join(names, ", ")
}

func image(gi *gofeed.Item, base *url.URL) string {
	var cands []string
	if gi.Image != nil {
		cands = append(cands, gi.Image.URL)
	}
	cands = append(cands, mediaAttr(gi.Extensions, "thumbnail", "url"))
	for _, e := range gi.Enclosures {
		if e != nil && strings.HasPrefix(strings.ToLower(e.Type), "image/") {
			cands = append(cands, e.URL)
		}
	}
	for _, c := range cands {
		if l, ok := resolve(base, c); ok {
			return l
		}
	}
	return ""
}

// mediaValue returns the text of media:<name>, directly on the item or in
// its media:group.
func mediaValue(exts ext.Extensions, name string) string {
	for _, e := range mediaElements(exts, name) {
		if v := strings.TrimSpace(e.Value); v != "" {
			return v
		}
	}
	return ""
}

// mediaAttr returns an attribute of media:<name>, directly on the item or
// in its media:group.
func mediaAttr(exts ext.Extensions, name, attr string) string {
	for _, e := range mediaElements(exts, name) {
		if v := strings.TrimSpace(e.Attrs[attr]); v != "" {
			return v
		}
	}
	return ""
}

func mediaElements(exts ext.Extensions, name string) []ext.Extension {
	media := exts["media"]
	if media == nil {
		return nil
	}
	out := append([]ext.Extension(nil), media[name]...)
	for _, g := range media["group"] {
		out = append(out, g.Children[name]...)
	}
	return out
}

// newPolicy returns the sanitizer that strips all markup. Tags become
// spaces so that "<p>a</p><p>b</p>" does not read "ab"; script and style
// contents are dropped.
func newPolicy() *bluemonday.Policy {
	return bluemonday.StrictPolicy().AddSpaceWhenStrippingTag(true)
}

// text turns a feed field, which may hold HTML, into clean plain text.
func text(pol *bluemonday.Policy, s string) string {
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, "<&") {
		s = html.UnescapeString(pol.Sanitize(s))
	}
	return collapse(charset.Clean(s))
}

// collapse replaces every run of white space with one space and trims.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// firstImage returns the src of the first <img> in an HTML fragment.
func firstImage(fragment string) string {
	if !strings.Contains(fragment, "<img") && !strings.Contains(fragment, "<IMG") {
		return ""
	}
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return ""
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "img" || !hasAttr {
				continue
			}
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == "src" && len(v) > 0 {
					return string(v)
				}
			}
		}
	}
}
