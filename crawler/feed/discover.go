package feed

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/presswatch/presswatch/crawler/charset"
)

// feedTypes are the link types announced for feeds. RDF is included:
// old RSS 1.0 sites announce application/rdf+xml.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/rdf+xml":   true,
}

// Discover finds the feeds an HTML page announces with
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json"
// href="…">, resolved against pageURL (or the page's <base href>), in
// document order and without repeats. Only http(s) URLs are returned. A
// page without feed links gives an empty list and no error; the error is
// for a pageURL that is not an absolute URL.
func Discover(page []byte, contentType, pageURL string) ([]string, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("discover feeds: page URL %q: %w", pageURL, err)
	}
	if !base.IsAbs() {
		return nil, fmt.Errorf("discover feeds: page URL %q is not absolute", pageURL)
	}
	doc, _, err := charset.DecodeHTML(page, contentType)
	if err != nil {
		return nil, fmt.Errorf("discover feeds in %s: %w", pageURL, err)
	}
	var found []string
	seen := make(map[string]bool)
	baseSet := false
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return found, nil
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		attrs := make(map[string]string)
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			if _, dup := attrs[string(k)]; !dup {
				attrs[string(k)] = string(v)
			}
		}
		switch string(name) {
		case "base":
			// Only the first <base href> counts, as in browsers.
			if href := strings.TrimSpace(attrs["href"]); href != "" && !baseSet {
				if u, err := base.Parse(href); err == nil {
					base = u
				}
				baseSet = true
			}
		case "link":
			if !hasToken(attrs["rel"], "alternate") {
				continue
			}
			typ, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(attrs["type"])), ";")
			if !feedTypes[strings.TrimSpace(typ)] {
				continue
			}
			if l, ok := resolve(base, attrs["href"]); ok && !seen[l] {
				seen[l] = true
				found = append(found, l)
			}
		}
	}
}

// hasToken reports whether the space-separated list contains tok,
// ignoring case.
func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}
