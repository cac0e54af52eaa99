package feed

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/presswatch/presswatch/crawler/charset"
)

// fuzzBudget bounds one input: inputs are a few KiB and parse in
// microseconds; this only catches runaway loops, with room for a loaded
// machine.
const fuzzBudget = 2 * time.Second

func FuzzParse(f *testing.F) {
	for _, s := range []struct{ doc, ct string }{
		{rssDoc(`<item><title>A</title><link>/a</link><pubDate>Sat, 14 Jun 2025 08:00:00 +0700</pubDate><description>&lt;p&gt;x&lt;/p&gt;</description></item>`), ""},
		{`<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://a.example/"><entry><link href="x"/><id>1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">t</div></title></entry></feed>`, "application/atom+xml"},
		{`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item><link>http://a/1</link></item></rdf:RDF>`, ""},
		{`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"http://a/1","date_published":"2025-01-01T00:00:00Z"}]}`, "application/feed+json"},
		{"<?xml version=\"1.0\" encoding=\"viscii\"?><rss><channel><item><title>Vi\xaet</title><link>http://a/</link></item></channel></rss>", ""},
		{"<rss><channel><item><link>http://a/1</link></item><item><link>http://a", ""},
		{"<!DOCTYPE html><html></html>", "text/html"},
		{"", ""},
		{"\xff\xfe<\x00r\x00s\x00s\x00>\x00", ""},
		{`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/"><entry><link href="http://y/1"/><media:group><media:description>d</media:description><media:thumbnail url="/t.jpg"/></media:group></entry></feed>`, ""},
	} {
		f.Add([]byte(s.doc), s.ct)
	}
	// A few real feeds, when the shared test data is there.
	for _, p := range []string{"rss-parser/atom-feed-youtube.xml", "miniflux/parser/rdf_UTF8.xml", "feedparser/tests/encoding/utf-16le.xml"} {
		if b, err := os.ReadFile(filepath.Join(feedsDir, p)); err == nil {
			f.Add(b, "")
		}
	}
	base := "https://base.example/feeds/"
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		type result struct {
			f   *Feed
			err error
		}
		done := make(chan result, 1)
		go func() {
			fd, err := Parse(body, contentType, Options{Now: now, BaseURL: base})
			done <- result{fd, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(fuzzBudget):
			t.Fatalf("no result after %v for %d bytes: %q", fuzzBudget, len(body), body)
		}
		if r.err != nil {
			if r.f != nil {
				t.Fatalf("feed and error both returned")
			}
			if !strings.HasPrefix(r.err.Error(), "parse feed: ") || strings.Contains(r.err.Error(), "panicked") {
				t.Fatalf("bad error: %v", r.err)
			}
			return
		}
		for _, s := range allText(r.f) {
			if !utf8.ValidString(s) || s != charset.Clean(s) {
				t.Fatalf("field not clean: %+q", s)
			}
		}
		for _, it := range r.f.Items {
			u, err := url.Parse(it.Link)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("item link %q is not an absolute web URL", it.Link)
			}
			if !it.Published.IsZero() && (it.Published.Before(earliest) || it.Published.After(now.Add(futureSlack))) {
				t.Fatalf("absurd date kept: %v", it.Published)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	body, err := os.ReadFile(filepath.Join(feedsDir, "miniflux/parser/large_rss.xml"))
	if err != nil {
		b.Skipf("shared test data not available: %v", err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	items := 0
	for b.Loop() {
		f, err := Parse(body, "application/rss+xml", Options{Now: now, BaseURL: "https://example.org/feed"})
		if err != nil {
			b.Fatal(err)
		}
		items += len(f.Items)
	}
	b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
}
