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
	"errors"
	"fmt"
	"time"

	"github.com/mmcdole/gofeed"
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
