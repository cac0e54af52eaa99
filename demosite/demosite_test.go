package demosite

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

// sensitiveTerms is what a naive keyword classifier would alert on. Neutral
// stories must contain none of them, sensitive stories at least one.
var sensitiveTerms = []string{
	// Vietnamese
	"lũ quét", "sạt lở", "ngập lụt", "lũ lụt", "mưa lũ", "bồi thường",
	"giải phóng mặt bằng", "khiếu nại", "tin đồn", "thất thiệt", "ngộ độc",
	// English
	"flood", "landslide", "compensation", "complaint", "rumour", "rumor",
	"food poisoning",
	// French
	"inondation", "glissement de terrain", "rumeur", "indemnisation",
	"intoxication alimentaire", "éboulement",
}

var regions = []string{
	"Điện Biên", "Mường Chà", "Tuần Giáo", "Mường Nhé", "Điện Biên Đông",
	"Mường Ảng", "Nậm Pồ", "Tủa Chùa", "Mường Lay", "Điện Biên Phủ",
	"Dien Bien", "Muong Nhe", "Nam Po",
}

func termsIn(text string) []string {
	lower := strings.ToLower(text)
	var found []string
	for _, term := range sensitiveTerms {
		if strings.Contains(lower, strings.ToLower(term)) {
			found = append(found, term)
		}
	}
	return found
}

func allText(it Item) string {
	parts := []string{it.Title, it.Summary, it.Byline, it.Section}
	parts = append(parts, it.Tags...)
	parts = append(parts, it.Paragraphs...)
	return strings.Join(parts, "\n")
}

// --- HTTP helpers -----------------------------------------------------------

func startSite(t *testing.T, opts Options) (*Site, *httptest.Server) {
	t.Helper()
	s := New(opts)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func fetch(method, u string, hdr map[string]string) (response, error) {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		return response{}, fmt.Errorf("build request: %w", err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, u, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, fmt.Errorf("read %s: %w", u, err)
	}
	return response{res.StatusCode, res.Header, body}, nil
}

func get(t *testing.T, u string) response {
	t.Helper()
	res, err := fetch(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func getOK(t *testing.T, u string) response {
	t.Helper()
	res := get(t, u)
	if res.status != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200", u, res.status)
	}
	return res
}

// --- feed and sitemap decoding (independent of the site's own structs) -------

type feed struct {
	Channel struct {
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		Description string `xml:"description"`
		Language    string `xml:"language"`
		Items       []struct {
			Title string `xml:"title"`
			Link  string `xml:"link"`
			GUID  struct {
				IsPermaLink string `xml:"isPermaLink,attr"`
				Value       string `xml:",chardata"`
			} `xml:"guid"`
			PubDate     string `xml:"pubDate"`
			Description string `xml:"description"`
			Category    string `xml:"category"`
		} `xml:"item"`
	} `xml:"channel"`
}

func getFeed(t *testing.T, srv *httptest.Server) feed {
	t.Helper()
	res := getOK(t, srv.URL+"/rss.xml")
	if ct := res.header.Get("Content-Type"); ct != "application/rss+xml; charset=utf-8" {
		t.Errorf("feed Content-Type = %q", ct)
	}
	var f feed
	if err := xml.Unmarshal(res.body, &f); err != nil {
		t.Fatalf("feed is not XML: %v", err)
	}
	return f
}

func guidK(t *testing.T, g string) int {
	t.Helper()
	k, err := strconv.Atoi(strings.TrimPrefix(g, "baohoaban-article-"))
	if err != nil {
		t.Fatalf("unexpected guid %q", g)
	}
	return k
}

type sitemap struct {
	URLs []struct {
		Loc     string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
		LastMod string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 lastmod"`
		News    struct {
			Publication struct {
				Name     string `xml:"http://www.google.com/schemas/sitemap-news/0.9 name"`
				Language string `xml:"http://www.google.com/schemas/sitemap-news/0.9 language"`
			} `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication"`
			PublicationDate string `xml:"http://www.google.com/schemas/sitemap-news/0.9 publication_date"`
			Title           string `xml:"http://www.google.com/schemas/sitemap-news/0.9 title"`
		} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
	} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 url"`
}

// --- HTML helpers -----------------------------------------------------------

func parseHTML(t *testing.T, body []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	return doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

func findAll(root *html.Node, match func(*html.Node) bool) []*html.Node {
	if root == nil {
		return nil
	}
	var out []*html.Node
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
	}
	return out
}

func find(root *html.Node, match func(*html.Node) bool) *html.Node {
	if all := findAll(root, match); len(all) > 0 {
		return all[0]
	}
	return nil
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func tagClass(name, class string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name && hasClass(n, class) }
}

func meta(key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == "meta" && attr(n, key) == val }
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true,
	"track": true, "wbr": true,
}

// checkBalanced fails unless every non-void element is closed in order: a
// value that escaped html/template would show up as a stray tag.
func checkBalanced(t *testing.T, name string, body []byte) {
	t.Helper()
	z := html.NewTokenizer(bytes.NewReader(body))
	var stack []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) {
				t.Fatalf("%s: tokenize: %v", name, z.Err())
			}
			if len(stack) > 0 {
				t.Errorf("%s: unclosed elements %v", name, stack)
			}
			return
		case html.StartTagToken:
			tn, _ := z.TagName()
			if !voidElements[string(tn)] {
				stack = append(stack, string(tn))
			}
		case html.SelfClosingTagToken:
			tn, _ := z.TagName()
			if !voidElements[string(tn)] {
				t.Errorf("%s: self-closing <%s/>", name, tn)
			}
		case html.EndTagToken:
			tn, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(tn) {
				t.Fatalf("%s: </%s> does not close %v", name, tn, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// --- content ----------------------------------------------------------------

func TestBaseContent(t *testing.T) {
	s := New(Options{Initial: -1})
	base := s.Base()
	if n := len(base); n < 16 || n > 20 {
		t.Fatalf("%d base articles, want about 18", n)
	}

	sections := map[string]bool{}
	for _, sec := range siteSections() {
		sections[sec.Name] = true
	}
	slugRE := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	langs := map[string]int{}
	sensitive := 0
	slugs := map[string]bool{}
	titles := map[string]bool{}

	for _, it := range base {
		t.Run(it.Slug, func(t *testing.T) {
			if !slugRE.MatchString(it.Slug) {
				t.Errorf("slug %q is not lowercase ASCII words joined by hyphens", it.Slug)
			}
			if slugs[it.Slug] || titles[it.Title] {
				t.Errorf("duplicate slug or title")
			}
			slugs[it.Slug], titles[it.Title] = true, true
			for name, v := range map[string]string{"title": it.Title, "summary": it.Summary, "byline": it.Byline, "topic": it.Topic} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("empty %s", name)
				}
			}
			if !sections[it.Section] {
				t.Errorf("section %q is not in the navigation menu", it.Section)
			}
			if n := len(it.Paragraphs); n < 4 || n > 8 {
				t.Errorf("%d paragraphs, want 4–8", n)
			}
			words := 0
			for _, p := range it.Paragraphs {
				words += len(strings.Fields(p))
				if strings.TrimSpace(p) == "" {
					t.Error("empty paragraph")
				}
			}
			if words < 150 || words > 400 {
				t.Errorf("body has %d words, want 150–400", words)
			}
			if len(it.Tags) == 0 {
				t.Error("no tags")
			}
			for _, text := range append([]string{it.Title, it.Summary, it.Byline}, append(it.Tags, it.Paragraphs...)...) {
				if !utf8.ValidString(text) || !norm.NFC.IsNormalString(text) {
					t.Errorf("text is not NFC UTF-8: %.40q", text)
				}
			}
			if !it.Published.IsZero() {
				t.Errorf("base item has a publication time")
			}
		})
		langs[it.Lang]++
		if it.Sensitive {
			sensitive++
		}
	}
	if langs["en"] < 2 || langs["fr"] < 2 || 2*langs["vi"] <= len(base) {
		t.Errorf("languages %v: want ≥2 en, ≥2 fr and a Vietnamese majority", langs)
	}
	if len(langs) != 3 {
		t.Errorf("languages %v: want only vi, en, fr", langs)
	}
	if sensitive < 5 || sensitive > 9 {
		t.Errorf("%d sensitive articles, want about 7", sensitive)
	}
}

func TestSensitiveCoverage(t *testing.T) {
	want := []string{"vi/flood", "vi/landslide", "vi/land-compensation", "vi/misinformation", "vi/food-safety", "en/flood", "fr/landslide"}
	var got []string
	for _, it := range New(Options{}).Base() {
		if it.Sensitive {
			got = append(got, it.Lang+"/"+it.Topic)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("no sensitive article for %s (have %v)", w, got)
		}
	}
}

func TestSensitiveTermSeparation(t *testing.T) {
	for _, it := range New(Options{}).Base() {
		found := termsIn(allText(it))
		switch {
		case it.Sensitive && len(found) == 0:
			t.Errorf("sensitive %s contains no sensitive term", it.Slug)
		case !it.Sensitive && len(found) > 0:
			t.Errorf("neutral %s contains sensitive terms %v", it.Slug, found)
		}
		if it.Sensitive && !slices.ContainsFunc(regions, func(r string) bool { return strings.Contains(allText(it), r) }) {
			t.Errorf("sensitive %s names no place in the province", it.Slug)
		}
	}
}

// TestNeutralPagesStayNeutral covers what surrounds the body: navigation,
// ads, related links, comments and follow-up leads must not make a neutral
// page look sensitive to a classifier that reads the whole page.
func TestNeutralPagesStayNeutral(t *testing.T) {
	s, srv := startSite(t, Options{})
	s.Release(2*len(s.Base()) - 3)
	checked := 0
	for _, it := range s.Published() {
		if it.Sensitive {
			continue
		}
		res := getOK(t, srv.URL+it.Path)
		if found := termsIn(string(res.body)); len(found) > 0 {
			t.Errorf("neutral page %s contains %v", it.Path, found)
		}
		checked++
	}
	if checked < 2*9 {
		t.Fatalf("checked only %d neutral pages", checked)
	}
}

func TestFollowUpEditions(t *testing.T) {
	s := New(Options{Initial: -1})
	base := s.Base()
	n := len(base)
	tests := []struct {
		lang   string
		suffix string
		lead   string
	}{
		{"vi", " (cập nhật lần 2)", "Cập nhật lần 2"},
		{"en", " (update 2)", "Update 2"},
		{"fr", " (mise à jour 2)", "Mise à jour 2"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			i := slices.IndexFunc(base, func(it Item) bool { return it.Lang == tt.lang })
			if i < 0 {
				t.Fatalf("no %s article", tt.lang)
			}
			k := 2*n + i
			it := s.item(k, time.Time{})
			b := base[i]
			if want := b.Slug + "-" + strconv.Itoa(k); it.Slug != want {
				t.Errorf("slug %q, want %q", it.Slug, want)
			}
			if it.Path != "/tin/"+it.Slug+".html" {
				t.Errorf("path %q", it.Path)
			}
			if it.Title != b.Title+tt.suffix {
				t.Errorf("title %q, want suffix %q", it.Title, tt.suffix)
			}
			if !strings.HasPrefix(it.Paragraphs[0], tt.lead) || !slices.Equal(it.Paragraphs[1:], b.Paragraphs) {
				t.Errorf("paragraphs: want update lead %q then the base body", tt.lead)
			}
			if termsIn(it.Paragraphs[0]) != nil {
				t.Errorf("update lead contains sensitive terms")
			}
		})
	}
}

func TestSlugsRoundTrip(t *testing.T) {
	s := New(Options{Initial: -1})
	total := 4 * len(s.stories)
	seen := map[string]int{}
	for k := range total {
		slug := s.slug(k)
		if prev, dup := seen[slug]; dup {
			t.Fatalf("articles %d and %d share slug %q", prev, k, slug)
		}
		seen[slug] = k
		if got, ok := s.lookup(slug, total); !ok || got != k {
			t.Errorf("lookup(%q) = %d, %v; want %d", slug, got, ok, k)
		}
	}
}

func TestPublishedReturnsCopies(t *testing.T) {
	s := New(Options{})
	pub := s.Published()
	pub[0].Tags[0] = "changed"
	pub[0].Paragraphs[0] = "changed"
	base := s.Base()
	base[1].Paragraphs[0] = "changed"
	if s.Published()[0].Tags[0] == "changed" || s.Published()[0].Paragraphs[0] == "changed" {
		t.Error("Published shares slices with the site")
	}
	if s.Base()[1].Paragraphs[0] == "changed" {
		t.Error("Base shares slices with the site")
	}
}

// --- release model ----------------------------------------------------------

func TestFeedItemCount(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		release int
		want    int
	}{
		{"defaults", Options{}, 0, DefaultInitial},
		{"initial and release", Options{Initial: 5}, 4, 9},
		{"none initially", Options{Initial: -1}, 0, 0},
		{"none then two", Options{Initial: -1}, 2, 2},
		{"feed size caps items", Options{FeedSize: 10}, 30, 10},
		{"default feed size", Options{}, 2 * DefaultFeedSize, DefaultFeedSize},
		{"limit caps release", Options{Limit: 4}, 5, 4},
		{"limit caps initial", Options{Initial: 8, Limit: 5}, 0, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv := startSite(t, tt.opts)
			s.Release(tt.release)
			f := getFeed(t, srv)
			if got := len(f.Channel.Items); got != tt.want {
				t.Fatalf("feed has %d items, want %d", got, tt.want)
			}
			if f.Channel.Title == "" || f.Channel.Description == "" || f.Channel.Language != "vi" || f.Channel.Link != srv.URL+"/" {
				t.Errorf("channel metadata incomplete: %+v", f.Channel)
			}
			newest := len(s.Published()) - 1
			var prev time.Time
			for i, item := range f.Channel.Items {
				if k := guidK(t, item.GUID.Value); k != newest-i {
					t.Errorf("item %d is article %d, want %d (newest first)", i, k, newest-i)
				}
				if item.GUID.IsPermaLink != "false" {
					t.Errorf("guid isPermaLink = %q", item.GUID.IsPermaLink)
				}
				pub, err := time.Parse(time.RFC1123Z, item.PubDate)
				if err != nil {
					t.Errorf("pubDate %q: %v", item.PubDate, err)
				}
				if i > 0 && pub.After(prev) {
					t.Errorf("item %d published after the item above it", i)
				}
				prev = pub
				if item.Title == "" || item.Description == "" || item.Category == "" {
					t.Errorf("item %d lacks title, description or category", i)
				}
			}
		})
	}
}

func TestFeedLinks(t *testing.T) {
	s, srv := startSite(t, Options{Initial: 4})
	s.Release(8)
	published := s.Published()
	f := getFeed(t, srv)
	tracked := 0
	for _, item := range f.Channel.Items {
		k := guidK(t, item.GUID.Value)
		u, err := url.Parse(item.Link)
		if err != nil || !u.IsAbs() || u.Scheme+"://"+u.Host != srv.URL {
			t.Fatalf("link %q is not absolute on the test server", item.Link)
		}
		wantQuery := ""
		if k%3 == 2 {
			wantQuery = "utm_source=rss&utm_medium=feed"
			tracked++
		}
		if u.RawQuery != wantQuery {
			t.Errorf("article %d link query %q, want %q", k, u.RawQuery, wantQuery)
		}
		if item.Title != published[k].Title || u.Path != published[k].Path {
			t.Errorf("item %d does not describe article %d", k, k)
		}
		res := getOK(t, item.Link)
		doc := parseHTML(t, res.body)
		canon := find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
		if canon == nil || attr(canon, "href") != srv.URL+u.Path {
			t.Errorf("%s: canonical link must drop tracking parameters", item.Link)
		}
	}
	if want := len(f.Channel.Items) / 3; tracked != want {
		t.Errorf("%d tracked links among %d items, want %d", tracked, len(f.Channel.Items), want)
	}
}

func TestSitemapMatchesFeed(t *testing.T) {
	s, srv := startSite(t, Options{FeedSize: 12})
	s.Release(15)
	f := getFeed(t, srv)
	res := getOK(t, srv.URL+"/sitemap-news.xml")
	var sm sitemap
	if err := xml.Unmarshal(res.body, &sm); err != nil {
		t.Fatalf("sitemap is not XML: %v", err)
	}
	if len(sm.URLs) != len(f.Channel.Items) || len(sm.URLs) != 12 {
		t.Fatalf("sitemap has %d urls, feed %d items, want 12 each", len(sm.URLs), len(f.Channel.Items))
	}
	published := s.Published()
	for i, u := range sm.URLs {
		item := f.Channel.Items[i]
		k := guidK(t, item.GUID.Value)
		if canon, _, _ := strings.Cut(item.Link, "?"); u.Loc != canon {
			t.Errorf("url %d: loc %q, feed link %q", i, u.Loc, item.Link)
		}
		n := u.News
		if n.Title != item.Title || n.Publication.Name != SiteName || n.Publication.Language != published[k].Lang {
			t.Errorf("url %d: news entry %+v does not match article %d", i, n, k)
		}
		date, err := time.Parse(time.RFC3339, n.PublicationDate)
		pub, _ := time.Parse(time.RFC1123Z, item.PubDate)
		if err != nil || !date.Equal(pub) || u.LastMod != n.PublicationDate {
			t.Errorf("url %d: publication_date %q, lastmod %q, feed pubDate %q", i, n.PublicationDate, u.LastMod, item.PubDate)
		}
	}
}

func TestLimit(t *testing.T) {
	s := New(Options{Initial: 3, Limit: 5, Interval: time.Millisecond})
	s.Release(10)
	if got := len(s.Published()); got != 5 {
		t.Fatalf("%d published, want the limit of 5", got)
	}
	done := make(chan struct{})
	go func() {
		s.Run(context.Background())
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return although the limit was reached")
	}
}

func TestRunReleasesOverTime(t *testing.T) {
	s := New(Options{Initial: 1, Interval: 2 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		s.Run(ctx)
		close(done)
	}()
	for len(s.Published()) < 5 {
		if ctx.Err() != nil {
			t.Fatalf("only %d articles released before the timeout", len(s.Published()))
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	after := len(s.Published())
	time.Sleep(20 * time.Millisecond)
	if got := len(s.Published()); got != after {
		t.Errorf("releases continued after Run returned: %d → %d", after, got)
	}
	pub := s.Published()
	for k := 1; k < len(pub); k++ {
		if pub[k].Published.Before(pub[k-1].Published) {
			t.Errorf("article %d published before article %d", k, k-1)
		}
	}
}

func TestRunStopsAtLimit(t *testing.T) {
	s := New(Options{Initial: 1, Limit: 6, Interval: time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Run(ctx)
	if ctx.Err() != nil {
		t.Fatal("Run only returned because of the timeout")
	}
	if got := len(s.Published()); got != 6 {
		t.Errorf("%d published, want 6", got)
	}
}

// --- pages ------------------------------------------------------------------

func TestArticlePages(t *testing.T) {
	s, srv := startSite(t, Options{})
	s.Release(len(s.Base()) + 3) // every story once, plus follow-ups
	published := s.Published()
	for _, it := range published {
		t.Run(it.Slug, func(t *testing.T) {
			res := getOK(t, srv.URL+it.Path)
			checkBalanced(t, it.Path, res.body)
			if lm, err := http.ParseTime(res.header.Get("Last-Modified")); err != nil || !lm.Equal(it.Published) {
				t.Errorf("Last-Modified %q, want %v", res.header.Get("Last-Modified"), it.Published)
			}
			doc := parseHTML(t, res.body)
			if h := find(doc, tag("html")); attr(h, "lang") != it.Lang {
				t.Errorf("html lang %q, want %q", attr(h, "lang"), it.Lang)
			}
			url := srv.URL + it.Path
			for _, m := range []struct {
				match func(*html.Node) bool
				want  string
			}{
				{meta("name", "description"), it.Summary},
				{meta("name", "author"), it.Byline},
				{meta("property", "og:title"), it.Title},
				{meta("property", "og:url"), url},
				{meta("property", "og:type"), "article"},
				{meta("property", "article:published_time"), it.Published.Format(time.RFC3339)},
			} {
				n := find(doc, m.match)
				if n == nil || attr(n, "content") != m.want {
					t.Errorf("meta %v: want %q", n, m.want)
				}
			}
			if n := find(doc, tag("title")); n == nil || !strings.HasPrefix(textOf(n), it.Title) {
				t.Error("<title> does not start with the article title")
			}
			if len(findAll(find(doc, tag("nav")), tag("a"))) < 10 {
				t.Error("navigation menu has fewer than 10 links")
			}
			if find(doc, tagClass("nav", "breadcrumb")) == nil || find(doc, tagClass("div", "ads")) == nil {
				t.Error("breadcrumb or ad block missing")
			}
			if find(doc, tag("address")) == nil {
				t.Error("footer contact address missing")
			}

			art := find(doc, tag("article"))
			if art == nil {
				t.Fatal("no <article>")
			}
			if h1 := find(art, tag("h1")); h1 == nil || textOf(h1) != it.Title {
				t.Errorf("h1 is not the title %q", it.Title)
			}
			if n := find(art, tagClass("p", "sapo")); n == nil || textOf(n) != it.Summary {
				t.Error("sapo is not the summary")
			}
			if n := find(art, tag("time")); n == nil || attr(n, "datetime") != it.Published.Format(time.RFC3339) {
				t.Error("time datetime missing or wrong")
			}
			if n := find(art, tagClass("span", "byline")); n == nil || textOf(n) != it.Byline {
				t.Error("byline missing")
			}
			var paras []string
			for _, p := range findAll(find(art, tagClass("div", "content")), tag("p")) {
				paras = append(paras, textOf(p))
			}
			if !slices.Equal(paras, it.Paragraphs) {
				t.Errorf("body paragraphs differ: got %d, want %d", len(paras), len(it.Paragraphs))
			}
			var tags []string
			for _, li := range findAll(art, tagClass("li", "tag")) {
				tags = append(tags, textOf(li))
			}
			if !slices.Equal(tags, it.Tags) {
				t.Errorf("tags %v, want %v", tags, it.Tags)
			}

			related := findAll(find(doc, tagClass("aside", "related")), tag("a"))
			if len(related) != relatedCount {
				t.Errorf("%d related links, want %d", len(related), relatedCount)
			}
			for _, a := range related {
				k, ok := s.lookup(strings.TrimSuffix(strings.TrimPrefix(attr(a, "href"), articlePrefix), ".html"), len(published))
				if !ok {
					t.Errorf("related link %q is not a released article", attr(a, "href"))
					continue
				}
				if k%len(s.stories) == it.K%len(s.stories) {
					t.Errorf("related link %q is another edition of the same story", attr(a, "href"))
				}
				if !it.Sensitive && published[k].Sensitive {
					t.Errorf("neutral article links to sensitive %q", attr(a, "href"))
				}
			}

			comments := findAll(find(doc, func(n *html.Node) bool { return attr(n, "id") == "comments" && n.Data == "section" }), tagClass("p", "comment-body"))
			if len(comments) != 3 {
				t.Fatalf("%d comments, want 3", len(comments))
			}
			seen := map[string]bool{}
			for _, c := range comments {
				text := textOf(c)
				if seen[text] || utf8.RuneCountInString(text) > 80 || slices.Contains(it.Paragraphs, text) {
					t.Errorf("comment %q is duplicated, long or article text", text)
				}
				seen[text] = true
			}

			var ld struct {
				Type          string `json:"@type"`
				Headline      string `json:"headline"`
				DatePublished string `json:"datePublished"`
			}
			script := find(doc, func(n *html.Node) bool { return n.Data == "script" && attr(n, "type") == "application/ld+json" })
			if script == nil {
				t.Fatal("no JSON-LD")
			}
			if err := json.Unmarshal([]byte(textOf(script)), &ld); err != nil || ld.Type != "NewsArticle" || ld.Headline != it.Title {
				t.Errorf("JSON-LD %+v, err %v", ld, err)
			}
		})
	}
}

func TestListPages(t *testing.T) {
	s, srv := startSite(t, Options{})
	s.Release(len(s.Base()))
	latest := s.Published()[len(s.Published())-1]
	tests := []struct {
		path string
		want string // a title expected on the page
	}{
		{"/", latest.Title},
		{"/chuyen-muc/thoi-su.html", "Lũ quét tại Mường Chà"},
		{"/chuyen-muc/english.html", "Dien Bien Phu marks anniversary"},
		{"/chuyen-muc/chinh-tri.html", "Chưa có bài viết"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := getOK(t, srv.URL+tt.path)
			checkBalanced(t, tt.path, res.body)
			doc := parseHTML(t, res.body)
			if !strings.Contains(textOf(doc), tt.want) {
				t.Errorf("page lacks %q", tt.want)
			}
			for _, a := range findAll(find(doc, tagClass("ul", "latest")), tag("a")) {
				getOK(t, srv.URL+attr(a, "href"))
			}
			if find(doc, tagClass("div", "ads")) == nil || len(findAll(find(doc, tag("nav")), tag("a"))) < 10 {
				t.Error("ads or navigation missing")
			}
		})
	}
}

func TestNavigationLinksResolve(t *testing.T) {
	_, srv := startSite(t, Options{})
	doc := parseHTML(t, getOK(t, srv.URL+"/").body)
	for _, a := range findAll(find(doc, tag("nav")), tag("a")) {
		getOK(t, srv.URL+attr(a, "href"))
	}
}

func TestNotFound(t *testing.T) {
	s, srv := startSite(t, Options{Initial: 2})
	s.Release(len(s.stories)) // articles 0 … n+1 exist
	n := len(s.stories)
	first, second := s.stories[0].Slug, s.stories[1].Slug
	tests := []struct {
		name, path string
	}{
		{"unknown slug", "/tin/khong-co-bai-nay.html"},
		{"base not yet released", "/tin/" + s.stories[2].Slug + "-" + strconv.Itoa(n+2) + ".html"},
		{"follow-up not yet released", "/tin/" + first + "-" + strconv.Itoa(2*n) + ".html"},
		{"suffix of another story", "/tin/" + first + "-" + strconv.Itoa(n+1) + ".html"},
		{"plus sign", "/tin/" + second + "-+" + strconv.Itoa(n+1) + ".html"},
		{"leading zero", "/tin/" + second + "-0" + strconv.Itoa(n+1) + ".html"},
		{"base slug with small suffix", "/tin/" + first + "-0.html"},
		{"no extension", "/tin/" + first},
		{"empty", "/tin/"},
		{"unknown section", "/chuyen-muc/khong-co.html"},
		{"unknown path", "/wp-admin/"},
	}
	if get(t, srv.URL+"/tin/"+second+"-"+strconv.Itoa(n+1)+".html").status != http.StatusOK {
		t.Fatal("control: released follow-up is not served")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res := get(t, srv.URL+tt.path); res.status != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", tt.path, res.status)
			}
		})
	}
	fresh, freshSrv := startSite(t, Options{Initial: 1})
	unreleased := freshSrv.URL + fresh.Base()[1].Path
	if res := get(t, unreleased); res.status != http.StatusNotFound {
		t.Errorf("unreleased base article: status %d, want 404", res.status)
	}
	fresh.Release(1)
	getOK(t, unreleased)
}

func TestMethods(t *testing.T) {
	s, srv := startSite(t, Options{})
	path := srv.URL + s.Published()[0].Path
	tests := []struct {
		name   string
		method string
		url    string
		status int
		body   bool
	}{
		{"GET article", http.MethodGet, path, http.StatusOK, true},
		{"HEAD article", http.MethodHead, path, http.StatusOK, false},
		{"HEAD feed", http.MethodHead, srv.URL + "/rss.xml", http.StatusOK, false},
		{"HEAD front", http.MethodHead, srv.URL + "/", http.StatusOK, false},
		{"POST article", http.MethodPost, path, http.StatusMethodNotAllowed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := fetch(tt.method, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.status != tt.status {
				t.Fatalf("status %d, want %d", res.status, tt.status)
			}
			if tt.status == http.StatusOK && (len(res.body) > 0) != tt.body {
				t.Errorf("body length %d", len(res.body))
			}
			if tt.status == http.StatusOK && res.header.Get("Last-Modified") == "" {
				t.Error("no Last-Modified")
			}
		})
	}
}

func TestConditionalRequests(t *testing.T) {
	s, srv := startSite(t, Options{})
	art := srv.URL + s.Published()[0].Path
	first := getOK(t, art)
	etag := first.header.Get("ETag")
	lm := first.header.Get("Last-Modified")

	tests := []struct {
		name    string
		release int
		url     string
		hdr     map[string]string
		status  int
	}{
		{"article not modified", 0, art, map[string]string{"If-Modified-Since": lm}, http.StatusNotModified},
		{"feed etag matches", 0, srv.URL + "/rss.xml", map[string]string{"If-None-Match": etag}, http.StatusNotModified},
		// A release within the same second leaves Last-Modified unchanged;
		// the ETag must still tell the crawler to refetch.
		{"feed after release", 1, srv.URL + "/rss.xml", map[string]string{"If-None-Match": etag}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Release(tt.release)
			res, err := fetch(http.MethodGet, tt.url, tt.hdr)
			if err != nil {
				t.Fatal(err)
			}
			if res.status != tt.status {
				t.Errorf("status %d, want %d", res.status, tt.status)
			}
		})
	}
}

func TestRobots(t *testing.T) {
	_, srv := startSite(t, Options{})
	res := getOK(t, srv.URL+"/robots.txt")
	body := string(res.body)
	for _, want := range []string{"User-agent: *", "Allow: /", "Sitemap: " + srv.URL + "/sitemap-news.xml"} {
		if !strings.Contains(body, want) {
			t.Errorf("robots.txt lacks %q:\n%s", want, body)
		}
	}
}

// TestHostileContentIsEscaped runs markup-laden stories through the real
// templates and feed encoder.
func TestHostileContentIsEscaped(t *testing.T) {
	const (
		title  = `<script>alert("t")</script> & 'quotes' </h1>`
		byline = `"><img src=x onerror=alert(1)>`
	)
	hostile := story{
		Slug:       "hostile",
		Title:      title,
		Summary:    `</p><p class="sapo">fake`,
		Byline:     byline,
		Section:    "Thời sự",
		Lang:       `vi"><b>`,
		Topic:      "test",
		Tags:       []string{`</li><li>`, `</script>`},
		Paragraphs: []string{`<b>bold</b>`, `</div></article><p>`, "a\u00a0&amp;b", `{{.Title}}`},
	}
	other := hostile
	other.Slug, other.Title = "other", `</a><a href="javascript:alert(1)">x`
	s := newSite(Options{Initial: 2}, []story{hostile, other}, time.Now())
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)

	res := getOK(t, srv.URL+"/tin/hostile.html")
	checkBalanced(t, "hostile article", res.body)
	for _, bad := range []string{"<script>alert", "<img", "<b>", `href="javascript:`} {
		if bytes.Contains(res.body, []byte(bad)) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	doc := parseHTML(t, res.body)
	if h1 := find(doc, tag("h1")); h1 == nil || textOf(h1) != title {
		t.Errorf("h1 text is not the literal title")
	}
	var paras []string
	for _, p := range findAll(find(doc, tagClass("div", "content")), tag("p")) {
		paras = append(paras, textOf(p))
	}
	if !slices.Equal(paras, hostile.Paragraphs) {
		t.Errorf("paragraphs %q, want %q", paras, hostile.Paragraphs)
	}
	var ld struct {
		Headline string `json:"headline"`
		Author   struct {
			Name string `json:"name"`
		} `json:"author"`
	}
	script := find(doc, func(n *html.Node) bool { return n.Data == "script" && attr(n, "type") == "application/ld+json" })
	if err := json.Unmarshal([]byte(textOf(script)), &ld); err != nil || ld.Headline != title || ld.Author.Name != byline {
		t.Errorf("JSON-LD does not round-trip: %+v, %v", ld, err)
	}
	checkBalanced(t, "front", getOK(t, srv.URL+"/").body)

	f := getFeed(t, srv)
	if len(f.Channel.Items) != 2 || f.Channel.Items[1].Title != title || f.Channel.Items[0].Title != other.Title {
		t.Errorf("feed titles do not round-trip: %+v", f.Channel.Items)
	}
	var sm sitemap
	if err := xml.Unmarshal(getOK(t, srv.URL+"/sitemap-news.xml").body, &sm); err != nil || len(sm.URLs) != 2 || sm.URLs[1].News.Title != title {
		t.Errorf("sitemap does not round-trip: %v", err)
	}
}

func TestConcurrentFetchWhileReleasing(t *testing.T) {
	s, srv := startSite(t, Options{Limit: 60})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var wg sync.WaitGroup
	wg.Go(func() {
		for range 50 {
			s.Release(1)
			time.Sleep(time.Millisecond)
		}
	})
	errs := make(chan error, 6)
	for range 6 {
		wg.Go(func() {
			for i := 0; i < 6 && ctx.Err() == nil; i++ {
				if err := crawlOnce(srv.URL); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(s.Published()); got != 53 {
		t.Errorf("%d published, want 53", got)
	}
}

// crawlOnce fetches the feed and every page it links to, as a crawler would.
func crawlOnce(base string) error {
	for _, p := range []string{"/", "/sitemap-news.xml", "/chuyen-muc/thoi-su.html"} {
		res, err := fetch(http.MethodGet, base+p, nil)
		if err != nil {
			return err
		}
		if res.status != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", p, res.status)
		}
	}
	res, err := fetch(http.MethodGet, base+"/rss.xml", nil)
	if err != nil {
		return err
	}
	var f feed
	if err := xml.Unmarshal(res.body, &f); err != nil {
		return fmt.Errorf("decode feed: %w", err)
	}
	for _, item := range f.Channel.Items[:min(5, len(f.Channel.Items))] {
		res, err := fetch(http.MethodGet, item.Link, nil)
		if err != nil {
			return err
		}
		if res.status != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", item.Link, res.status)
		}
	}
	return nil
}
