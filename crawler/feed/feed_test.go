package feed

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/presswatch/presswatch/crawler/charset"
)

var now = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

func mustParse(t *testing.T, doc, contentType string, o Options) *Feed {
	t.Helper()
	if o.Now.IsZero() {
		o.Now = now
	}
	f, err := Parse([]byte(doc), contentType, o)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func rssDoc(items string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Báo Tỉnh</title><link>https://baotinh.example.vn/</link><language>vi</language>
` + items + `
</channel></rss>`
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		is        error
		want      string
	}{
		{"empty", "", ErrEmpty, "parse feed: empty document"},
		{"white space and BOM", "\xef\xbb\xbf \n\t ", ErrEmpty, "parse feed: empty document"},
		{"HTML page", "<!DOCTYPE html>\n<html><head><title>Báo</title></head><body><p>x</body></html>", ErrHTML,
			"parse feed: this is an HTML page, not a feed (try feed autodiscovery)"},
		{"HTML page, not well-formed", "<html>\n<body><p>a<br><p>b & c</body>", ErrHTML,
			"parse feed: this is an HTML page, not a feed (try feed autodiscovery)"},
		{"HTML fragment", "<head><meta charset=utf-8></head>", ErrHTML,
			"parse feed: this is an HTML page, not a feed (try feed autodiscovery)"},
		{"cut before the first item", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<chan", nil,
			"parse feed: XML syntax error on line 3: unexpected EOF"},
		{"other XML", "<?xml version=\"1.0\"?><urlset><url/></urlset>", ErrNotFeed,
			"parse feed: not a feed: root element <urlset> is not rss, rdf:RDF or Atom feed"},
		{"plain text", "just some words", ErrNotFeed, "parse feed: not a feed: no root element"},
		{"JSON, not a feed", `{"data": [1, 2]}`, ErrNotFeed,
			"parse feed: not a feed: JSON document without a jsonfeed.org version"},
		{"JSON Feed, broken", "{\n\"version\": \"https://jsonfeed.org/version/1.1\",\n\"items\": [,]\n}", nil,
			"parse feed: JSON Feed: syntax error on line 3: invalid character ',' looking for beginning of value"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse([]byte(c.doc), "", Options{Now: now})
			if err == nil {
				t.Fatalf("no error; feed %+v", f)
			}
			if err.Error() != c.want {
				t.Errorf("error %q\nwant    %q", err, c.want)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %v is not %v", err, c.is)
			}
		})
	}
}

func TestParseTruncated(t *testing.T) {
	doc := rssDoc(`<item><title>One</title><link>https://baotinh.example.vn/1</link></item>
<item><title>Two</title><link>https://baotinh.example.vn/2</link></item>
<item><title>Three</title><link>https://baotinh.example.vn/3</link></item>`)
	// Cut mid-link, as a dropped connection or a size limit would.
	doc = doc[:strings.Index(doc, "https://baotinh.example.vn/3")+len("https://baotinh.exa")]
	f, err := Parse([]byte(doc), "", Options{Now: now})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if f.Warning == nil || !strings.Contains(f.Warning.Error(), "unexpected EOF") {
		t.Errorf("warning %v, want the syntax error", f.Warning)
	}
	var links []string
	for _, it := range f.Items {
		links = append(links, it.Link)
	}
	if want := []string{"https://baotinh.example.vn/1", "https://baotinh.example.vn/2"}; !reflect.DeepEqual(links, want) {
		t.Errorf("links %q, want %q (the cut item dropped)", links, want)
	}
	if f.Title != "Báo Tỉnh" {
		t.Errorf("title %q", f.Title)
	}

	whole := mustParse(t, rssDoc(`<item><link>https://a.example/1</link></item>`), "", Options{})
	if whole.Warning != nil {
		t.Errorf("warning on a whole document: %v", whole.Warning)
	}
}

func TestParseItems(t *testing.T) {
	doc := rssDoc(`
<item>
  <title>Mưa lũ ở huyện miền núi: &lt;b&gt;khẩn&lt;/b&gt; &amp; nguy hiểm</title>
  <link>/tin/mua-lu.html</link>
  <guid isPermaLink="false">tin-1</guid>
  <description><![CDATA[<p>Người dân   được <a href="/x">hướng dẫn</a> sơ tán.</p><script>alert(1)</script><p>Thuỷ điện xả lũ, hoà bình.</p>]]></description>
  <content:encoded><![CDATA[<div><p>Đoạn 1.</p><p>Đoạn&nbsp;2 &ndash; hết.</p></div>]]></content:encoded>
  <dc:creator>Nguyễn Văn A</dc:creator>
  <category>Thời sự</category><category> Thời sự </category><category>Xã hội</category><category></category>
  <pubDate>Sat, 14 Jun 2025 08:00:00 +0700</pubDate>
  <enclosure url="/img/lu.jpg" type="image/jpeg" length="1"/>
</item>
<item><title>No link, URL GUID</title><guid>https://baotinh.example.vn/tin/2</guid></item>
<item><title>No link, opaque GUID</title><guid>tag:baotinh,2025:3</guid></item>
<item><title>No link, relative GUID</title><guid>/tin/4</guid></item>
<item><title>Not a web link</title><link>javascript:void(0)</link></item>
<item><title>Mail link, URL GUID</title><link>mailto:toasoan@example.vn</link><guid>http://baotinh.example.vn/tin/6</guid></item>
`)
	f := mustParse(t, doc, "application/rss+xml", Options{BaseURL: "https://baotinh.example.vn/rss/tin-moi.rss"})
	if f.Title != "Báo Tỉnh" || f.Link != "https://baotinh.example.vn/" || f.Language != "vi" {
		t.Errorf("feed %q %q %q", f.Title, f.Link, f.Language)
	}
	if len(f.Items) != 3 {
		t.Fatalf("%d items, want 3: %+v", len(f.Items), f.Items)
	}
	got := f.Items[0]
	want := Item{
		Link:       "https://baotinh.example.vn/tin/mua-lu.html",
		GUID:       "tin-1",
		Title:      "Mưa lũ ở huyện miền núi: khẩn & nguy hiểm",
		Summary:    "Người dân được hướng dẫn sơ tán. Thủy điện xả lũ, hòa bình.",
		Content:    "Đoạn 1. Đoạn 2 – hết.",
		Author:     "Nguyễn Văn A",
		Image:      "https://baotinh.example.vn/img/lu.jpg",
		Published:  time.Date(2025, 6, 14, 1, 0, 0, 0, time.UTC),
		Categories: []string{"Thời sự", "Xã hội"},
	}
	if !got.Published.Equal(want.Published) {
		t.Errorf("published %v, want %v", got.Published, want.Published)
	}
	got.Published = want.Published
	if !reflect.DeepEqual(got, want) {
		t.Errorf("item\n got %+v\nwant %+v", got, want)
	}
	if l := f.Items[1].Link; l != "https://baotinh.example.vn/tin/2" {
		t.Errorf("GUID fallback: %q", l)
	}
	if l := f.Items[2].Link; l != "http://baotinh.example.vn/tin/6" {
		t.Errorf("GUID after a non-web link: %q", l)
	}
}

func TestParseBaseURL(t *testing.T) {
	items := `<item><link>tin/1.html</link></item>`
	for _, c := range []struct {
		name, doc, base, want string
	}{
		{"options base", rssDoc(items), "https://baotinh.example.vn/rss/", "https://baotinh.example.vn/rss/tin/1.html"},
		{"feed link when no base", rssDoc(items), "", "https://baotinh.example.vn/tin/1.html"},
		{"relative base ignored", rssDoc(items), "/rss/", "https://baotinh.example.vn/tin/1.html"},
		{"atom xml:base", `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://tinhuy.example.vn/tin/"><title>T</title>
<entry><title>A</title><link href="a.html"/><id>urn:a</id></entry></feed>`, "https://other.example/", "https://tinhuy.example.vn/tin/a.html"},
		{"atom relative xml:base", `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/tin/"><title>T</title>
<entry><title>A</title><link href="a.html"/><id>urn:a</id></entry></feed>`, "https://tinhuy.example.vn/feed.xml", "https://tinhuy.example.vn/tin/a.html"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := mustParse(t, c.doc, "", Options{BaseURL: c.base})
			if len(f.Items) != 1 || f.Items[0].Link != c.want {
				t.Errorf("items %+v, want link %q", f.Items, c.want)
			}
		})
	}
	// Without any absolute base a relative link cannot be fetched.
	f := mustParse(t, `<rss><channel><item><link>tin/1.html</link></item></channel></rss>`, "", Options{})
	if len(f.Items) != 0 {
		t.Errorf("relative link without base kept: %+v", f.Items)
	}
}

func TestParseDates(t *testing.T) {
	for _, c := range []struct {
		name, date string
		want       time.Time
	}{
		{"normal", "Sat, 14 Jun 2025 08:00:00 +0000", time.Date(2025, 6, 14, 8, 0, 0, 0, time.UTC)},
		{"a day ahead (zone slip)", "Mon, 16 Jun 2025 11:00:00 +0000", time.Date(2025, 6, 16, 11, 0, 0, 0, time.UTC)},
		{"three days ahead", "Wed, 18 Jun 2025 12:00:00 +0000", time.Time{}},
		{"next year", "Mon, 15 Jun 2026 12:00:00 +0000", time.Time{}},
		{"far future", "Fri, 31 Dec 9999 23:59:59 +0000", time.Time{}},
		{"epoch", "Thu, 01 Jan 1970 00:00:00 +0000", time.Time{}},
		{"before 1990", "Sun, 31 Dec 1989 23:00:00 +0000", time.Time{}},
		{"just after 1990", "Tue, 02 Jan 1990 00:00:00 +0000", time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"garbage", "hôm qua", time.Time{}},
		{"absent", "", time.Time{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			date := ""
			if c.date != "" {
				date = "<pubDate>" + c.date + "</pubDate>"
			}
			f := mustParse(t, rssDoc(`<item><link>https://a.example/1</link>`+date+`</item>`), "", Options{})
			if got := f.Items[0].Published; !got.Equal(c.want) {
				t.Errorf("published %v, want %v", got, c.want)
			}
		})
	}
	// Atom: published, else updated.
	f := mustParse(t, `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><id>urn:1</id><link href="https://a.example/1"/><updated>2025-06-01T00:00:00Z</updated></entry>
<entry><id>urn:2</id><link href="https://a.example/2"/><published>2025-05-01T00:00:00Z</published><updated>2025-06-01T00:00:00Z</updated></entry>
<entry><id>urn:3</id><link href="https://a.example/3"/><updated>2999-06-01T00:00:00Z</updated></entry>
</feed>`, "", Options{})
	for i, want := range []time.Time{
		time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC),
		{},
	} {
		if got := f.Items[i].Published; !got.Equal(want) {
			t.Errorf("atom entry %d: published %v, want %v", i, got, want)
		}
	}
}

func TestParseSameLink(t *testing.T) {
	var b strings.Builder
	for range 500 {
		b.WriteString(`<item><title>Same</title><link>https://baotinh.example.vn/</link></item>`)
	}
	f := mustParse(t, rssDoc(b.String()), "", Options{})
	if len(f.Items) != 500 {
		t.Errorf("%d items, want all 500 (dedup is the crawler's job)", len(f.Items))
	}
}

func TestParseFormats(t *testing.T) {
	for _, c := range []struct {
		name, doc, ct string
		want          Item
	}{
		{"RSS 0.91", `<rss version="0.91"><channel><title>T</title><item><title>A</title><link>http://a.example/1</link><description>d</description></item></channel></rss>`, "",
			Item{Link: "http://a.example/1", Title: "A", Summary: "d"}},
		{"RSS 1.0 / RDF", `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://a.example/"><title>T</title><link>http://a.example/</link></channel>
<item rdf:about="http://a.example/1"><title>A</title><link>http://a.example/1</link><dc:date>2025-06-01T10:00:00+07:00</dc:date></item></rdf:RDF>`, "",
			Item{Link: "http://a.example/1", Title: "A", Published: time.Date(2025, 6, 1, 3, 0, 0, 0, time.UTC)}},
		{"Atom 1.0", `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:x</id><title type="html">A &lt;i&gt;b&lt;/i&gt;</title>
<link rel="alternate" href="https://a.example/1"/><summary>s</summary><content type="html">&lt;p&gt;c&lt;/p&gt;</content><author><name>B</name></author><author><name>C</name></author>
<category term="x" label="Kinh tế"/></entry></feed>`, "",
			Item{Link: "https://a.example/1", GUID: "urn:x", Title: "A b", Summary: "s", Content: "c", Author: "B, C", Categories: []string{"Kinh tế"}}},
		{"JSON Feed", `{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [
{"id": "1", "url": "https://a.example/1", "title": "A", "content_html": "<p>c</p>", "summary": "s", "image": "https://a.example/i.jpg", "authors": [{"name": "B"}], "date_published": "2025-06-01T00:00:00Z", "tags": ["x"]}]}`, "application/feed+json",
			Item{Link: "https://a.example/1", GUID: "1", Title: "A", Summary: "s", Content: "c", Author: "B", Image: "https://a.example/i.jpg", Published: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Categories: []string{"x"}}},
		{"RSS after junk (a PHP warning) before the declaration", "\n<b>Warning</b>: Undefined index in /var/www/rss.php on line 3<br />\n" +
			`<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>T</title><item><title>Caf` + "\xe9" + `</title><link>http://a.example/1</link></item></channel></rss>`, "",
			Item{Link: "http://a.example/1", Title: "Café"}},
		{"JSON Feed with BOM", "\xef\xbb\xbf" + `{"version": "https://jsonfeed.org/version/1", "items": [{"id": "https://a.example/1", "title": "A"}]}`, "",
			Item{Link: "https://a.example/1", GUID: "https://a.example/1", Title: "A"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := mustParse(t, c.doc, c.ct, Options{})
			if len(f.Items) != 1 {
				t.Fatalf("%d items", len(f.Items))
			}
			got := f.Items[0]
			if !got.Published.Equal(c.want.Published) {
				t.Errorf("published %v, want %v", got.Published, c.want.Published)
			}
			got.Published = c.want.Published
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// TestParseVietnameseLegacy parses feeds in the legacy encodings old
// Vietnamese sites still use.
func TestParseVietnameseLegacy(t *testing.T) {
	const title = "Thông báo khẩn: thuỷ điện xả lũ, người dân sơ tán"
	const want = "Thông báo khẩn: thủy điện xả lũ, người dân sơ tán" // tone placement unified
	viscii, err := charset.VISCII.NewEncoder().String(title)
	if err != nil {
		t.Fatal(err)
	}
	tcvn3, err := charset.TCVN3.NewEncoder().String(title)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, label, encoded string }{
		{"VISCII", "VISCII", viscii},
		{"TCVN3", "TCVN3", tcvn3},
		// windows-1258 written with combining tone marks, as Windows did:
		// "Th\xf4ng b\xe1o kh\xe2\xd2n" is "Thông báo khẩn".
		{"windows-1258", "windows-1258", "Th\xf4ng b\xe1o kh\xe2\xd2n: thuy\xd2 \xf0i\xea\xf2n xa\xd2 lu\xde, ng\xfd\xf5\xcci d\xe2n s\xf5 t\xe1n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := `<?xml version="1.0" encoding="` + c.label + `"?><rss version="2.0"><channel><title>x</title><item><title>` +
				c.encoded + `</title><link>https://a.example/1</link></item></channel></rss>`
			f := mustParse(t, doc, "", Options{})
			if got := f.Items[0].Title; got != want {
				t.Errorf("title %+q\nwant  %+q", got, want)
			}
			// The same, undeclared: sniffed. (A longer text gives the
			// sniffer its evidence.)
			doc = `<rss version="2.0"><channel><title>x</title>` + strings.Repeat(`<item><title>`+c.encoded+`</title><link>https://a.example/1</link></item>`, 5) + `</channel></rss>`
			f = mustParse(t, doc, "", Options{})
			if got := f.Items[0].Title; got != want {
				t.Errorf("undeclared: title %+q\nwant  %+q", got, want)
			}
		})
	}
}

// TestParseMinifluxEncodings parses miniflux's encoding test feeds and
// looks for a word of each in the parsed fields.
func TestParseMinifluxEncodings(t *testing.T) {
	skipWithoutFeeds(t)
	for _, c := range []struct {
		file, contentType, feedTitle, itemText string
	}{
		{"miniflux/encoding/koi8r.xml", "", "Пример RSS ленты", "Первая новость"},
		{"miniflux/xml/koi8r.xml", "application/rss+xml; charset=koi8-r", "Пример RSS ленты", "Первая новость"},
		{"miniflux/parser/encoding_WINDOWS-1251.xml", "", "iBash.Org.Ru", "Цитата #17703"},
		{"miniflux/parser/encoding_ISO-8859-1.xml", "", "Golem.de", ""},
		{"miniflux/parser/no_encoding_ISO-8859-1.xml", "", "Flux RSS du magazine de psychologie Le Cercle Psy", "répandue"},
		{"miniflux/parser/urdu_UTF8.xml", "", "BBC News اردو", "پاکستان"},
		{"miniflux/encoding/iso-8859-1.xml", "", "Café", ""},
		{"miniflux/encoding/windows-1252.xml", "", "Euro €", ""},
		{"miniflux/encoding/windows-1252-incorrect-prolog.xml", "", "Euro €", ""},
		{"miniflux/encoding/utf8-incorrect-prolog.xml", "", "테스트 피드", "Café"},
		{"miniflux/encoding/invalid-prolog.xml", "", "테스트 피드", "Café"},
		{"miniflux/encoding/utf8.xml", "", "테스트 피드", "Café"},
	} {
		t.Run(c.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(feedsDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(body, c.contentType, Options{Now: now, keepLinkless: true})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(f.Title, c.feedTitle) {
				t.Errorf("feed title %q lacks %q", f.Title, c.feedTitle)
			}
			if c.itemText == "" {
				return
			}
			for _, it := range f.Items {
				if strings.Contains(it.Title+" "+it.Summary+" "+it.Content, c.itemText) {
					return
				}
			}
			t.Errorf("no item contains %q", c.itemText)
		})
	}
	// The German feed: its umlauts decode.
	body, err := os.ReadFile(filepath.Join(feedsDir, "miniflux/parser/encoding_ISO-8859-1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(body, "", Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, it := range f.Items {
		all.WriteString(it.Title + " " + it.Summary + " " + it.Content + " ")
	}
	for _, w := range []string{"für", "künftig"} {
		if !strings.Contains(all.String(), w) {
			t.Errorf("golem.de items lack %q", w)
		}
	}
}

func TestParseYouTube(t *testing.T) {
	skipWithoutFeeds(t)
	body, err := os.ReadFile(filepath.Join(feedsDir, "rss-parser/atom-feed-youtube.xml"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(body, "application/atom+xml", Options{Now: now, BaseURL: "https://www.youtube.com/feeds/videos.xml?channel_id=UCP7uiEZIqci43m22KDl0sNw"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Title != "Kotlin by JetBrains" || len(f.Items) == 0 {
		t.Fatalf("feed %q with %d items", f.Title, len(f.Items))
	}
	it := f.Items[0]
	checks := []struct{ what, got, want string }{
		{"link", it.Link, "https://www.youtube.com/watch?v=ULBuIB9lHkc"},
		{"guid", it.GUID, "yt:video:ULBuIB9lHkc"},
		{"title", it.Title, "Multi-dollar String Interpolation in Kotlin | $$"},
		{"image", it.Image, "https://i2.ytimg.com/vi/ULBuIB9lHkc/hqdefault.jpg"},
		{"author", it.Author, "Kotlin by JetBrains"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s %q, want %q", c.what, c.got, c.want)
		}
	}
	for _, field := range []string{it.Summary, it.Content} {
		if !strings.HasPrefix(field, "Kotlin’s string interpolation has been a much-liked feature") || strings.Contains(field, "\n") {
			t.Errorf("description not taken from media:group: %.80q", field)
		}
	}
	if !it.Published.Equal(time.Date(2024, 12, 16, 15, 10, 21, 0, time.UTC)) {
		t.Errorf("published %v", it.Published)
	}
	for i, it := range f.Items {
		if it.Summary == "" || it.Image == "" || !strings.HasPrefix(it.Link, "https://www.youtube.com/watch?v=") {
			t.Errorf("item %d incomplete: %+v", i, it)
		}
	}
}

func TestIsFeed(t *testing.T) {
	utf16 := func(s string) string {
		b := []byte{0xFF, 0xFE}
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8))
		}
		return string(b)
	}
	for _, c := range []struct {
		name, body, ct string
		want           bool
	}{
		{"RSS", rssDoc(""), "text/html", true},
		{"RSS after a long comment", "<?xml version=\"1.0\"?><!-- " + strings.Repeat("x", 10000) + " --><rss/>", "", true},
		{"RDF", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>`, "", true},
		{"Atom", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>`, "", true},
		{"Atom, UTF-16", utf16(`<?xml version="1.0" encoding="utf-16"?><feed/>`), "", true},
		{"JSON Feed", `{"version":"https://jsonfeed.org/version/1.1","items":[]}`, "", true},
		{"JSON Feed, cut short", `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":`, "", true},
		{"other JSON", `{"version":"2"}`, "application/json", false},
		{"HTML", "<!DOCTYPE html><html><head><link rel=alternate type=application/rss+xml href=/rss></head></html>", "application/rss+xml", false},
		{"sitemap", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>`, "", false},
		{"text", "User-agent: *\nDisallow:", "", false},
		{"empty", "", "", false},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", "", false},
	} {
		if got := IsFeed([]byte(c.body), c.ct); got != c.want {
			t.Errorf("%s: IsFeed = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDiscover(t *testing.T) {
	for _, c := range []struct {
		name, page, ct, url string
		want                []string
	}{
		{"rss atom json in order, types and rel case-insensitive, duplicates dropped", `<html><head>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss/tin-moi.rss">
<LINK REL="Alternate" TYPE="Application/Atom+XML" HREF="https://tinh.example.vn/atom.xml">
<link rel="alternate feed" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/rss+xml; charset=utf-8" href="/rss/tin-moi.rss">
<link rel="alternate" hreflang="en" href="/en/">
<link rel="alternate" type="text/html" href="/mobile">
<link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
<link rel="alternate" type="application/rss+xml">
</head><body></body></html>`, "text/html; charset=utf-8", "https://tinh.example.vn/tin/index.html",
			[]string{"https://tinh.example.vn/rss/tin-moi.rss", "https://tinh.example.vn/atom.xml", "https://tinh.example.vn/tin/feed.json"}},
		{"base href", `<head><base href="https://cdn.example.vn/site/"><link rel=alternate type=application/rss+xml href=rss.xml></head>`, "", "https://tinh.example.vn/",
			[]string{"https://cdn.example.vn/site/rss.xml"}},
		{"link in a comment is not a link", `<!-- <link rel=alternate type=application/rss+xml href=/old.rss> --><link rel=alternate type=application/atom+xml href=/new.xml>`, "", "http://a.example/",
			[]string{"http://a.example/new.xml"}},
		{"windows-1258 page", "<meta charset=\"windows-1258\"><link rel=\"alternate\" type=\"application/rss+xml\" title=\"Vi\xea\xf2t\" href=\"/rss\">", "", "http://a.example/x/",
			[]string{"http://a.example/rss"}},
		{"none", `<html><head><title>x</title></head></html>`, "", "http://a.example/", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Discover([]byte(c.page), c.ct, c.url)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
	for _, bad := range []string{"", "/relative", "http://[::1", "%zz"} {
		if _, err := Discover([]byte("<html/>"), "", bad); err == nil || !strings.HasPrefix(err.Error(), "discover feeds: ") {
			t.Errorf("Discover with page URL %q: err %v", bad, err)
		}
	}
}

// TestParseNowDefault checks that a zero Options.Now means the real clock,
// not year 1 (which would reject every date as future).
func TestParseNowDefault(t *testing.T) {
	d := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	f, err := Parse([]byte(rssDoc(`<item><link>https://a.example/1</link><pubDate>`+d.Format(time.RFC1123Z)+`</pubDate></item>`)), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Items[0].Published.Equal(d) {
		t.Errorf("published %v, want %v", f.Items[0].Published, d)
	}
}

func TestParseWindows1251Header(t *testing.T) {
	// A header charset with no prolog declaration.
	title, _ := charmap.Windows1251.NewEncoder().String("Новости области")
	f := mustParse(t, `<rss><channel><title>`+title+`</title><item><link>http://a.example/1</link></item></channel></rss>`, "text/xml; charset=windows-1251", Options{})
	if f.Title != "Новости области" {
		t.Errorf("title %q", f.Title)
	}
}
