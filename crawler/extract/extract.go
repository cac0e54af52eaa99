package extract

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-shiori/go-readability"
	"github.com/markusmobius/go-htmldate"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/presswatch/presswatch/textnorm"
)

// ErrNoContent is returned, together with a Result holding whatever
// metadata the page has, when no article text is found: a front page, a
// video page, a page that needs JavaScript. Callers fall back to the feed's
// own content and mark the article partial.
var ErrNoContent = errors.New("no article text found")

// Limits that bound the work done on one page, whatever it holds.
const (
	// MaxInputBytes is the most HTML read; the rest of a larger page is
	// ignored. Article text comes early in the markup, and the fetcher
	// bounds bodies too (10 MiB by default).
	MaxInputBytes = 4 << 20
	// maxElements is the most elements kept from a page: trafilatura's
	// work grows faster than linearly with the tree, and real article
	// pages have a few thousand (the benchmark's largest, 1,600). Elements
	// beyond it are dropped.
	maxElements = 20_000
	// maxTreeSize is passed to trafilatura as MaxTreeSize. It only checks
	// the size of the tree trafilatura outputs, after the work is done, so
	// it guards the result, not the time: maxElements does that.
	maxTreeSize = 10_000
	// maxTags and maxTagRunes bound the tag list taken from a page.
	maxTags     = 30
	maxTagRunes = 80
	// maxLineRunes bounds titles, bylines, descriptions and site names.
	maxLineRunes = 1000
	// maxTextBytes bounds Result.Text; longer text is cut at a line break.
	maxTextBytes = 1 << 20
	// flattenDepth is the nesting kept when a page has to be flattened.
	flattenDepth = 256
	// maxDepth bounds our own recursion over element trees; the parser
	// refuses documents nesting more than 512 open elements.
	maxDepth = 1024
	// minLangConfirmRunes is the least text that may overrule the language
	// the page declares.
	minLangConfirmRunes = 200
)

// Options configures an Extractor.
type Options struct {
	// Languages are the candidate languages, ISO 639-1 codes; empty means
	// vi, en, fr, lo, th, zh, km. Detection only ever answers one of them.
	Languages []string
}

// Result is what Extract finds in a page. Strings are NFC with Vietnamese
// tone placement unified (textnorm.Normalize) and trimmed.
type Result struct {
	Title       string
	Byline      string // the authors as the page names them, several joined by "; "
	Text        string // one paragraph (or heading, list item, table cell) per line
	Description string
	Lang        string // ISO 639-1, "" when unknown
	Canonical   string // absolute http(s) URL, "" when the page names none
	Image       string // absolute http(s) URL of the lead image, "" when none
	SiteName    string
	// Published is the publication date from the page's metadata (JSON-LD,
	// article:published_time, <time>, other dates htmldate finds), else
	// from the URL (midnight UTC), else zero.
	Published time.Time
	Tags      []string
	// Method names what produced Text, for diagnosis: "trafilatura",
	// "trafilatura+readability" (trafilatura's text with paragraphs
	// readability did not confirm removed) or "readability".
	Method string
}

// Extractor extracts articles from pages. It is safe for concurrent use.
type Extractor struct {
	lang *detector
	now  func() time.Time
}

// New returns an Extractor for the given options. It loads the language
// models: for the default languages about 20 ms, 4 MB of memory in use and
// 11 MB at the peak while loading (lingua's low-accuracy trigram models for
// vi, en and fr; the other defaults are told by their script). Build one
// and share it; lingua keeps loaded models for the whole process.
func New(o Options) (*Extractor, error) {
	d, err := newDetector(o.Languages)
	if err != nil {
		return nil, err
	}
	return &Extractor{lang: d, now: time.Now}, nil
}

// DetectLanguage returns the ISO 639-1 code of the language text is written
// in, among the candidate languages, or "" when it cannot tell.
func (e *Extractor) DetectLanguage(text string) string {
	return e.lang.detect(text)
}

// Extract finds the article in page, which must be UTF-8 (invalid bytes are
// replaced). pageURL, when not nil, is where the page was fetched from: it
// resolves relative links and is the last resort for the publication date.
//
// When the page holds no article text, Extract returns ErrNoContent with a
// Result carrying the page's metadata. Other errors mean the page could not
// be read at all.
func (e *Extractor) Extract(page string, pageURL *url.URL) (*Result, error) {
	if len(page) > MaxInputBytes {
		page = page[:MaxInputBytes]
	}
	if !utf8.ValidString(page) {
		page = strings.ToValidUTF8(page, "\uFFFD")
	}
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		// The parser refuses pages nesting more than 512 open elements,
		// which broken pages reach with unclosed tags (<font> in a loop).
		// Such a page still has text worth reading: parse it flattened.
		if doc, err = html.Parse(strings.NewReader(flatten(page, flattenDepth))); err != nil {
			return nil, fmt.Errorf("extract: parse html: %w", err)
		}
	}
	limitElements(doc, maxElements)

	joins := collectJoins(doc)
	info := readPageInfo(doc, joins)
	now := e.now()

	traf, trafErr := runTrafilatura(doc, pageURL, now)
	var t string
	var md trafilatura.Metadata
	if trafErr == nil {
		t = nodeText(traf.ContentNode, joins)
		md = traf.Metadata
	}
	read, readErr := runReadability(doc, pageURL)
	var r string
	if readErr == nil && read.Node != nil {
		r = nodeText(read.Node, joins)
	}
	text, method := combine(dropTitle(t, md.Title), r)
	text = cutText(withSapo(text, nodeText(info.sapo, joins)), maxTextBytes)
	why := noArticle(text, info)
	if why != "" {
		text, method = "", ""
	}

	res := &Result{
		Title:       clip(cleanLine(md.Title), maxLineRunes),
		Byline:      clip(cleanLine(md.Author), maxLineRunes),
		Text:        text,
		Description: clip(cleanLine(md.Description), maxLineRunes),
		SiteName:    clip(cleanLine(md.Sitename), maxLineRunes),
		Image:       resolveHTTP(pageURL, md.Image),
		Published:   md.Date,
		Tags:        cleanTags(md.Tags),
		Method:      method,
	}
	if res.Title == "" && readErr == nil {
		res.Title = clip(cleanLine(read.Title), maxLineRunes)
	}
	if res.Canonical = resolveHTTP(pageURL, info.canonical); res.Canonical == "" {
		res.Canonical = resolveHTTP(pageURL, info.ogURL)
	}
	if res.Published.IsZero() || res.Published.After(now.Add(maxFuture)) {
		res.Published = dateFromURL(pageURL, now.Add(maxFuture))
	}
	res.Lang = e.language(info.declaredLang, md.Language, text, res.Title)
	if why != "" {
		if trafErr != nil {
			return res, fmt.Errorf("extract: %w: %s (trafilatura: %w)", ErrNoContent, why, trafErr)
		}
		return res, fmt.Errorf("extract: %w: %s", ErrNoContent, why)
	}
	return res, nil
}

// minTextRunes is the shortest text taken for an article (non-space
// characters): a two-sentence announcement has more; a "please enable
// JavaScript" notice or a caption has less.
const minTextRunes = 100

// maxLinkShare is the share of the text's shingles found in link texts
// from which the text is taken for a list of links. On the benchmark the
// highest share in a true article body is 0.37 (a "10 things to know"
// list of links).
const maxLinkShare = 0.5

// minListTargets is the fewest different link targets that make a list.
const minListTargets = 3

// noArticle says why text is not an article's text, or "" when it is.
func noArticle(text string, info pageInfo) string {
	n := countNonSpace(text)
	switch {
	case n == 0:
		return "no text"
	case n < minTextRunes:
		return fmt.Sprintf("text too short (%d characters)", n)
	}
	// When trafilatura finds no article it returns the text of the whole
	// page. If that is mostly the text of several links, the page is a
	// front page, a section page or a list, not an article.
	if share, targets := info.links.share(text); share >= maxLinkShare && targets >= minListTargets {
		return "the text is mostly links"
	}
	return ""
}

// maxFuture is how far ahead of the clock a publication date may be: time
// zones, and clocks that run slightly fast. Later dates are mistakes.
const maxFuture = 24 * time.Hour

// runTrafilatura extracts the main content and the metadata. A panic in the
// library on a strange page becomes an error for that page rather than the
// end of the crawler.
func runTrafilatura(doc *html.Node, pageURL *url.URL, now time.Time) (res *trafilatura.ExtractResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("trafilatura panicked: %v", p)
		}
	}()
	return trafilatura.ExtractDocument(doc, trafilatura.Options{
		OriginalURL: pageURL,
		// Recall first: readability's opinion then removes what does not
		// belong (combine). Alone, FavorRecall also scores slightly above
		// Balanced on the benchmark.
		Focus:           trafilatura.FavorRecall,
		ExcludeComments: true,
		MaxTreeSize:     maxTreeSize,
		// The fast mode reads dates from metadata, <time> elements and known
		// patterns; the extensive mode adds go-dateparser's free-text
		// search, which is slow (hundreds of regular expressions) and
		// guesses. A date in the URL has no time of day, so it only counts
		// when the page states none. Dates later than tomorrow are refused
		// (htmldate's own limit is a year ahead of process start).
		HtmlDateOptions: &htmldate.Options{
			UseOriginalDate:     true,
			SkipExtensiveSearch: true,
			ExtractTime:         true,
			DeferUrlExtractor:   true,
			MaxDate:             now.Add(maxFuture),
		},
	})
}

// runReadability is go-readability with the same protection as
// runTrafilatura.
func runReadability(doc *html.Node, pageURL *url.URL) (a readability.Article, err error) {
	defer func() {
		if p := recover(); p != nil {
			a, err = readability.Article{}, fmt.Errorf("readability panicked: %v", p)
		}
	}()
	return readability.FromDocument(doc, pageURL)
}

// language decides the page's language. The language the page declares is
// taken when it is a candidate, unless the text, long enough to judge,
// says otherwise: many Vietnamese sites keep a template's lang="en". The
// detectors are only run when needed: trafilatura has already classified
// the text (whatlanggo), so a declaration it agrees with is taken as is.
func (e *Extractor) language(declared, trafLang, text, title string) string {
	if !e.lang.candidates[declared] {
		declared = ""
	}
	sample := text
	if sample == "" {
		sample = title
	}
	if declared != "" {
		if declared == trafLang || utf8.RuneCountInString(sample) < minLangConfirmRunes {
			return declared
		}
	}
	if detected := e.lang.detect(sample); detected != "" {
		return detected
	}
	return declared
}

// cleanTags normalises, bounds and de-duplicates tags (ignoring case and
// tone marks), keeping their order.
func cleanTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = cleanLine(t)
		if t == "" || utf8.RuneCountInString(t) > maxTagRunes {
			continue
		}
		key := textnorm.Fold(t)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, t)
		if len(out) == maxTags {
			break
		}
	}
	return slices.Clip(out)
}

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return strings.TrimSpace(s[:j])
		}
		i++
	}
	return s
}

// limitElements removes every element after the first max in document
// order, so that a page with a huge tree costs no more than a large real
// one. <head> comes first, so metadata survives.
func limitElements(doc *html.Node, limit int) {
	count := 0
	var walk func(n *html.Node, depth int) bool
	walk = func(n *html.Node, depth int) bool {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode {
				count++
				if count > limit || depth > maxDepth {
					// Drop this element and everything after it at every level.
					for d := c; d != nil; {
						nx := d.NextSibling
						n.RemoveChild(d)
						d = nx
					}
					return false
				}
			}
			if !walk(c, depth+1) {
				// The limit was reached inside c: drop c's later siblings too.
				for d := next; d != nil; {
					nx := d.NextSibling
					n.RemoveChild(d)
					d = nx
				}
				return false
			}
			c = next
		}
		return true
	}
	walk(doc, 0)
}

// cutText cuts text to at most n bytes, at the last line break that fits,
// or at a rune boundary when a single line is longer.
func cutText(text string, n int) string {
	if len(text) <= n {
		return text
	}
	text = text[:n]
	if i := strings.LastIndexByte(text, '\n'); i > 0 {
		return text[:i]
	}
	return strings.TrimSpace(strings.ToValidUTF8(text, ""))
}

// flatten rewrites page so that no more than depth elements are open at
// once, by dropping the start tags (and matching end tags) found deeper.
// Depth is counted naively, from the tags as written, which is enough to
// bring the parser's stack below its limit; text is never dropped.
func flatten(page string, depth int) string {
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	b.Grow(len(page))
	open := 0
	dropped := map[string]int{}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken:
			name, _ := z.TagName()
			if voidElements[string(name)] {
				break
			}
			if open >= depth {
				dropped[string(name)]++
				continue
			}
			open++
		case html.EndTagToken:
			name, _ := z.TagName()
			if dropped[string(name)] > 0 {
				dropped[string(name)]--
				continue
			}
			open = max(open-1, 0)
		}
		b.Write(z.Raw())
	}
}

// voidElements never have an end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true,
	"track": true, "wbr": true,
}
