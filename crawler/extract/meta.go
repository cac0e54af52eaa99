package extract

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html"
)

// pageInfo is what the page states about itself in markup that trafilatura
// does not report the way we need it.
type pageInfo struct {
	canonical, ogURL string // raw attribute values, first seen
	declaredLang     string // primary subtag of <html lang> or Content-Language, lower case
	// sapo is the first element whose class names a "sapo", the lead
	// paragraph of Vietnamese news articles, which sites often set apart
	// from the body's container; nil when there is none.
	sapo *html.Node
	// links indexes the text of the page's links.
	links linkIndex
}

// readPageInfo walks the document once for <link rel=canonical>,
// <meta property=og:url>, <html lang>, <meta http-equiv=content-language>,
// the sapo and the text of links. The whole tree is walked, not only
// <head>: the HTML parser moves a <link> or <meta> that follows stray text
// into <body>.
func readPageInfo(doc *html.Node, j joins) pageInfo {
	pi := pageInfo{links: linkIndex{}}
	var metaLang string
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		if n.Type == html.ElementNode {
			if pi.sapo == nil && isSapo(attr(n, "class")) {
				pi.sapo = n
			}
			switch n.Data {
			case "a":
				pi.links.add(nodeText(n, j), attr(n, "href"))
			case "html":
				if pi.declaredLang == "" {
					pi.declaredLang = primaryLang(attr(n, "lang"))
				}
			case "link":
				if pi.canonical == "" && hasToken(attr(n, "rel"), "canonical") {
					pi.canonical = strings.TrimSpace(attr(n, "href"))
				}
			case "meta":
				switch {
				case pi.ogURL == "" && strings.EqualFold(strings.TrimSpace(attr(n, "property")), "og:url"):
					pi.ogURL = strings.TrimSpace(attr(n, "content"))
				case metaLang == "" && strings.EqualFold(strings.TrimSpace(attr(n, "http-equiv")), "content-language"):
					metaLang = primaryLang(attr(n, "content"))
				}
			case "script", "style", "template", "svg", "noscript":
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	if pi.declaredLang == "" {
		pi.declaredLang = metaLang
	}
	return pi
}

// linkIndex maps the shingles of link texts to the link's target (a hash
// of its href), to tell how much of a text is made of links, and of how
// many different ones.
type linkIndex map[uint64]uint64

func (li linkIndex) add(text, href string) {
	target := fnv64(strings.TrimSpace(href))
	forEachShingle(text, func(h uint64) { li[h] = target })
}

// share returns the share of text's shingles that are link text and the
// number of different targets those links point to. An unclosed <a> is
// carried by the parser into every paragraph that follows, so a whole
// article can sit inside copies of one link: that is one target, while a
// front page or a list links to many.
func (li linkIndex) share(text string) (share float64, targets int) {
	var n, found int
	seen := map[uint64]bool{}
	forEachShingle(text, func(h uint64) {
		n++
		if target, ok := li[h]; ok {
			found++
			seen[target] = true
		}
	})
	if n == 0 {
		return 0, 0
	}
	return float64(found) / float64(n), len(seen)
}

func countNonSpace(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// isSapo reports a class attribute naming a sapo: "sapo", "detail-sapo",
// "singular-sapo", "article__sapo" …
func isSapo(class string) bool {
	for _, f := range strings.Fields(class) {
		if len(f) <= 40 && strings.Contains(strings.ToLower(f), "sapo") {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasToken reports whether the space-separated list s holds tok, ignoring
// case, as rel attributes are matched.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// primaryLang returns the primary language subtag of a language tag or of
// the first tag of a Content-Language list, lower-cased: "vi-VN" → "vi",
// "en_US, fr" → "en". It returns "" for anything that is not two or three
// ASCII letters.
func primaryLang(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ",;"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if len(s) < 2 || len(s) > 3 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return ""
		}
	}
	return strings.ToLower(s)
}

// maxURLLen bounds URLs taken from the page: anything longer is junk.
const maxURLLen = 4096

// resolveHTTP resolves ref against base and returns it when it is an
// absolute http or https URL with a host, else "". base may be nil, in which
// case only absolute references are accepted.
func resolveHTTP(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > maxURLLen {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// earliestDate is the first date accepted anywhere: older "publication
// dates" are template junk or misread numbers. It matches go-htmldate's own
// lower bound.
var earliestDate = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)

// dateFromURL finds a publication date in a URL path, as news sites write
// it: /2024/05/17/, /2024-05-17/, or eight digits (optionally followed by
// a time, as Dân Trí's -20240517083012345.htm) after a "-", "_" or "/".
// Dates before 1995 or after latest are refused. The result is midnight
// UTC: a URL says nothing about the time zone, so no time of day is kept.
func dateFromURL(u *url.URL, latest time.Time) time.Time {
	if u == nil {
		return time.Time{}
	}
	p := u.EscapedPath()
	for i := 0; i < len(p); i++ {
		if i > 0 && isDigit(p[i-1]) {
			continue
		}
		if t, ok := datePathAt(p, i, latest); ok {
			return t
		}
		if t, ok := dateDigitsAt(p, i, latest); ok {
			return t
		}
	}
	return time.Time{}
}

// datePathAt reads YYYY/MM/DD or YYYY-MM-DD at p[i:], delimited by "/" on
// the left.
func datePathAt(p string, i int, latest time.Time) (time.Time, bool) {
	if i == 0 || p[i-1] != '/' || i+10 > len(p) {
		return time.Time{}, false
	}
	s := p[i : i+10]
	sep := s[4]
	if (sep != '/' && sep != '-') || s[7] != sep {
		return time.Time{}, false
	}
	if i+10 < len(p) && isDigit(p[i+10]) {
		return time.Time{}, false
	}
	return makeDate(s[0:4], s[5:7], s[8:10], latest)
}

// dateDigitsAt reads YYYYMMDD at p[i:] from a run of 8, 12, 14 or 17
// digits (date, then hhmm, hhmmss or hhmmssSSS) after "-", "_" or "/".
func dateDigitsAt(p string, i int, latest time.Time) (time.Time, bool) {
	if i == 0 || (p[i-1] != '-' && p[i-1] != '_' && p[i-1] != '/') {
		return time.Time{}, false
	}
	j := i
	for j < len(p) && isDigit(p[j]) {
		j++
	}
	switch j - i {
	case 8, 12, 14, 17:
	default:
		return time.Time{}, false
	}
	return makeDate(p[i:i+4], p[i+4:i+6], p[i+6:i+8], latest)
}

func makeDate(ys, ms, ds string, latest time.Time) (time.Time, bool) {
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Before(earliestDate) || t.After(latest) {
		return time.Time{}, false // 31 February, or out of range
	}
	return t, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
