package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/charset"
	"github.com/presswatch/presswatch/crawler/feed"
	"github.com/presswatch/presswatch/crawler/fetch"
)

// candidate is an item a source lists: an article URL with whatever the
// listing said about it.
type candidate struct {
	url                                    string
	title, summary, content, author, image string
	published                              time.Time
	tags                                   []string
	lang                                   string
	// complete marks items that carry the whole article (a Telegram post, a
	// video's description): there is no page to fetch.
	complete bool
	// page is set when the listing already fetched the article page (a
	// site crawl), so it is not fetched twice.
	page *fetch.Response
}

// listing is the result of reading a source once.
type listing struct {
	items       []candidate
	notModified bool
	discovered  string
}

// validators remembers conditional-GET validators per URL a source reads.
type validators map[string][2]string

// lister reads one source.
type lister struct {
	fetch      *fetch.Fetcher
	now        func() time.Time
	maxItemAge time.Duration
	// isSeen lets a site crawl skip article pages fetched before.
	isSeen func(ctx context.Context, rawURL string) bool
}

func (l *lister) list(ctx context.Context, src config.Source, v validators, discovered string) (*listing, error) {
	switch src.Kind {
	case "feed", "youtube", "":
		u := src.URL
		if discovered != "" {
			u = discovered
		}
		return l.listFeed(ctx, u, v, src.Kind == "youtube", discovered == "")
	case "search":
		out := &listing{notModified: true}
		var errs []error
		for _, q := range src.Queries {
			u := strings.ReplaceAll(src.URL, "{query}", url.QueryEscape(q))
			ls, err := l.listFeed(ctx, u, v, false, false)
			if err != nil {
				errs = append(errs, fmt.Errorf("query %q: %w", q, err))
				continue
			}
			out.items = append(out.items, ls.items...)
			out.notModified = out.notModified && ls.notModified
		}
		if len(errs) == len(src.Queries) && len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		return out, nil
	case "sitemap":
		items, err := l.listSitemap(ctx, src, src.URL, v, 0)
		if err != nil {
			return nil, err
		}
		return &listing{items: items}, nil
	case "site":
		return l.listSite(ctx, src)
	case "telegram":
		return l.listTelegram(ctx, src, v)
	}
	return nil, fmt.Errorf("unknown source kind %q", src.Kind)
}

func (l *lister) get(ctx context.Context, u string, v validators, accept ...string) (*fetch.Response, error) {
	req := fetch.Request{URL: u, Accept: accept}
	if v != nil {
		req.ETag, req.LastModified = v[u][0], v[u][1]
	}
	resp, err := l.fetch.Get(ctx, req)
	if err != nil {
		return nil, err
	}
	if v != nil && !resp.NotModified {
		v[u] = [2]string{resp.ETag, resp.LastModified}
	}
	return resp, nil
}

// listFeed reads a feed; when the URL serves a web page instead and
// discover is set, the page's advertised feed is read and reported.
func (l *lister) listFeed(ctx context.Context, u string, v validators, complete, discover bool) (*listing, error) {
	resp, err := l.get(ctx, u, v)
	if err != nil {
		return nil, err
	}
	if resp.NotModified {
		return &listing{notModified: true}, nil
	}
	out := &listing{}
	if !feed.IsFeed(resp.Body, resp.ContentType) {
		if !discover {
			return nil, fmt.Errorf("%s is a web page, not a feed", u)
		}
		links, err := feed.Discover(resp.Body, resp.ContentType, resp.URL.String())
		if err != nil {
			return nil, fmt.Errorf("feed autodiscovery on %s: %w", u, err)
		}
		if len(links) == 0 {
			return nil, fmt.Errorf("%s is a web page that advertises no feed (no <link rel=\"alternate\">)", u)
		}
		ls, err := l.listFeed(ctx, links[0], v, complete, false)
		if err != nil {
			return nil, err
		}
		ls.discovered = links[0]
		return ls, nil
	}
	f, err := feed.Parse(resp.Body, resp.ContentType, feed.Options{Now: l.now(), BaseURL: resp.URL.String()})
	if err != nil {
		return nil, err
	}
	for _, it := range f.Items {
		if l.tooOld(it.Published) {
			continue
		}
		c := candidate{
			url: it.Link, title: it.Title, summary: it.Summary, content: it.Content, author: it.Author,
			image: it.Image, published: it.Published, tags: it.Categories, lang: f.Language, complete: complete,
		}
		if complete && c.content == "" {
			c.content = c.summary
		}
		out.items = append(out.items, c)
	}
	return out, nil
}

func (l *lister) tooOld(t time.Time) bool {
	return !t.IsZero() && l.maxItemAge > 0 && l.now().Sub(t) > l.maxItemAge
}

// Sitemap documents, by local element name so namespaces do not matter.
type sitemapURLSet struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
		News    *struct {
			PubDate string `xml:"publication_date"`
			Title   string `xml:"title"`
			Pub     struct {
				Language string `xml:"language"`
			} `xml:"publication"`
		} `xml:"news"`
	} `xml:"url"`
}

type sitemapIndex struct {
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

const (
	maxSitemapDepth    = 2
	maxChildSitemaps   = 50
	maxSitemapURLs     = 5000
	maxSitemapExpanded = 64 << 20
)

func (l *lister) listSitemap(ctx context.Context, src config.Source, u string, v validators, depth int) ([]candidate, error) {
	resp, err := l.get(ctx, u, v)
	if err != nil {
		return nil, err
	}
	if resp.NotModified {
		return nil, nil
	}
	body, err := gunzipSitemap(u, resp.Body)
	if err != nil {
		return nil, err
	}
	text, _, err := charset.DecodeXML(body, resp.ContentType)
	if err != nil {
		return nil, fmt.Errorf("sitemap %s: %w", u, err)
	}
	root, err := xmlRoot(text)
	if err != nil {
		return nil, fmt.Errorf("sitemap %s: %w", u, err)
	}
	filter, err := newLinkFilter(src)
	if err != nil {
		return nil, err
	}
	switch root {
	case "sitemapindex":
		return l.listSitemapIndex(ctx, src, u, resp.URL, text, v, depth)
	case "urlset":
		return l.listURLSet(u, resp.URL, text, filter)
	}
	return nil, fmt.Errorf("sitemap %s: root element <%s> is neither urlset nor sitemapindex", u, root)
}

// gunzipSitemap decompresses a .xml.gz file served as a plain file: the
// transport did not decode it because it is the content, not a transfer
// encoding. Other bodies are returned as they are.
func gunzipSitemap(u string, body []byte) ([]byte, error) {
	if len(body) <= 2 || body[0] != 0x1f || body[1] != 0x8b {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("sitemap %s: gzip: %w", u, err)
	}
	body, err = io.ReadAll(io.LimitReader(zr, maxSitemapExpanded+1))
	if err != nil {
		return nil, fmt.Errorf("sitemap %s: gzip: %w", u, err)
	}
	if len(body) > maxSitemapExpanded {
		return nil, fmt.Errorf("sitemap %s: larger than %d bytes once decompressed", u, maxSitemapExpanded)
	}
	return body, nil
}

// listSitemapIndex lists the child sitemaps of an index. A child that
// fails is skipped while others succeed: one broken file should not hide
// a site's news.
func (l *lister) listSitemapIndex(ctx context.Context, src config.Source, u string, base *url.URL, text []byte, v validators, depth int) ([]candidate, error) {
	if depth >= maxSitemapDepth {
		return nil, fmt.Errorf("sitemap %s: index nested deeper than %d", u, maxSitemapDepth)
	}
	var idx sitemapIndex
	if err := xml.Unmarshal(text, &idx); err != nil {
		return nil, fmt.Errorf("sitemap index %s: %w", u, err)
	}
	var out []candidate
	var errs []error
	n := 0
	for _, sm := range idx.Sitemaps {
		if n == maxChildSitemaps {
			break
		}
		if l.tooOld(parseSitemapTime(sm.LastMod)) {
			continue
		}
		child, err := resolve(base, sm.Loc)
		if err != nil {
			continue
		}
		n++
		items, err := l.listSitemap(ctx, src, child, v, depth+1)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, items...)
	}
	if len(out) == 0 && len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// listURLSet lists the article links of a urlset, news:news dates and
// titles preferred over lastmod.
func (l *lister) listURLSet(u string, base *url.URL, text []byte, filter *linkFilter) ([]candidate, error) {
	var set sitemapURLSet
	if err := xml.Unmarshal(text, &set); err != nil {
		return nil, fmt.Errorf("sitemap %s: %w", u, err)
	}
	var out []candidate
	for i, e := range set.URLs {
		if i == maxSitemapURLs {
			break
		}
		loc, err := resolve(base, strings.TrimSpace(e.Loc))
		if err != nil || !filter.allow(loc) {
			continue
		}
		c := candidate{url: loc, published: parseSitemapTime(e.LastMod)}
		if e.News != nil {
			if t := parseSitemapTime(e.News.PubDate); !t.IsZero() {
				c.published = t
			}
			c.title = strings.TrimSpace(e.News.Title)
			c.lang = e.News.Pub.Language
		}
		if l.tooOld(c.published) {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func xmlRoot(data []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("no root element: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, nil
		}
	}
}

func parseSitemapTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func resolve(base *url.URL, ref string) (string, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	abs := base.ResolveReference(r)
	if abs.Scheme != "http" && abs.Scheme != "https" {
		return "", fmt.Errorf("not http(s): %s", ref)
	}
	abs.Fragment = ""
	return abs.String(), nil
}

// linkFilter applies a source's include and exclude patterns.
type linkFilter struct {
	include, exclude []*regexp.Regexp
	article          *regexp.Regexp
}

func newLinkFilter(src config.Source) (*linkFilter, error) {
	f := &linkFilter{}
	for _, p := range src.Include {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("source %s include %q: %w", src.ID, p, err)
		}
		f.include = append(f.include, re)
	}
	for _, p := range src.Exclude {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("source %s exclude %q: %w", src.ID, p, err)
		}
		f.exclude = append(f.exclude, re)
	}
	if src.ArticlePattern != "" {
		re, err := regexp.Compile(src.ArticlePattern)
		if err != nil {
			return nil, fmt.Errorf("source %s article_pattern: %w", src.ID, err)
		}
		f.article = re
	}
	return f, nil
}

func (f *linkFilter) allow(u string) bool {
	if len(f.include) > 0 {
		ok := false
		for _, re := range f.include {
			if re.MatchString(u) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, re := range f.exclude {
		if re.MatchString(u) {
			return false
		}
	}
	return true
}

const maxSitePages = 200

// listSite crawls from the seed with colly through the polite fetcher,
// following allowed same-host links up to the source's depth. Article
// pages (by pattern, or og:type=article) become candidates; with a pattern
// they are not fetched by the crawl at all, only listed.
func (l *lister) listSite(ctx context.Context, src config.Source) (*listing, error) {
	seed, err := url.Parse(src.URL)
	if err != nil {
		return nil, fmt.Errorf("site seed %s: %w", src.URL, err)
	}
	filter, err := newLinkFilter(src)
	if err != nil {
		return nil, err
	}
	// MaxBodySize(0): the fetcher's transport bounds bodies; colly's own
	// limit would cut them silently.
	c := colly.NewCollector(colly.MaxDepth(src.Depth+1), colly.AllowedDomains(seed.Hostname()),
		colly.StdlibContext(ctx), colly.MaxBodySize(0))
	c.IgnoreRobotsTxt = true // the fetcher's transport applies robots.txt
	c.WithTransport(l.fetch.Transport())
	out := &listing{}
	found := map[string]bool{}
	pages := 0
	var firstErr error
	add := func(cand candidate) {
		if !found[cand.url] {
			found[cand.url] = true
			out.items = append(out.items, cand)
		}
	}
	c.OnRequest(func(r *colly.Request) {
		if pages >= maxSitePages {
			r.Abort()
			return
		}
		pages++
	})
	c.OnHTML("a[href]", func(e *colly.HTMLElement) {
		link := e.Request.AbsoluteURL(e.Attr("href"))
		if link == "" || !filter.allow(link) {
			return
		}
		if u, err := url.Parse(link); err != nil || u.Hostname() != seed.Hostname() {
			return
		}
		if i := strings.IndexByte(link, '#'); i >= 0 {
			link = link[:i]
		}
		if filter.article != nil && filter.article.MatchString(link) {
			add(candidate{url: link})
			return
		}
		if l.isSeen != nil && l.isSeen(ctx, link) {
			return
		}
		_ = e.Request.Visit(link)
	})
	c.OnResponse(func(r *colly.Response) {
		if filter.article != nil || r.Request.URL.String() == seed.String() {
			return
		}
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(r.Body))
		if err != nil {
			return
		}
		if typ, _ := doc.Find(`meta[property="og:type"]`).Attr("content"); strings.EqualFold(typ, "article") {
			add(candidate{url: r.Request.URL.String(), page: &fetch.Response{
				URL: r.Request.URL, Status: r.StatusCode, Header: *r.Headers, ContentType: r.Headers.Get("Content-Type"), Body: r.Body,
			}})
		}
	})
	c.OnError(func(r *colly.Response, err error) {
		if r.Request.URL.String() == seed.String() && firstErr == nil {
			firstErr = err
		}
	})
	if err := c.Visit(seed.String()); err != nil && firstErr == nil {
		firstErr = err
	}
	c.Wait()
	if firstErr != nil {
		return nil, fmt.Errorf("site %s: %w", src.URL, firstErr)
	}
	return out, nil
}

// listTelegram reads a public channel's web preview (t.me/s/<channel>):
// each message is an article of its own.
func (l *lister) listTelegram(ctx context.Context, src config.Source, v validators) (*listing, error) {
	resp, err := l.get(ctx, src.URL, v, "text/html")
	if err != nil {
		return nil, err
	}
	if resp.NotModified {
		return &listing{notModified: true}, nil
	}
	html, _, err := charset.DecodeHTML(resp.Body, resp.ContentType)
	if err != nil {
		return nil, fmt.Errorf("telegram %s: %w", src.URL, err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		return nil, fmt.Errorf("telegram %s: %w", src.URL, err)
	}
	base := &url.URL{Scheme: resp.URL.Scheme, Host: resp.URL.Host}
	if strings.EqualFold(resp.URL.Hostname(), "t.me") {
		base.Scheme = "https"
	}
	out := &listing{}
	doc.Find(".tgme_widget_message[data-post]").Each(func(_ int, m *goquery.Selection) {
		post, _ := m.Attr("data-post") // "channel/123"
		if !telegramPost.MatchString(post) {
			return
		}
		body := m.Find(".tgme_widget_message_text").First()
		body.Find("br").ReplaceWithHtml("\n")
		text := strings.TrimSpace(body.Text())
		if text == "" {
			return
		}
		c := candidate{url: base.String() + "/" + post, content: text, complete: true}
		c.title = firstLine(text, 140)
		if dt, ok := m.Find(".tgme_widget_message_date time[datetime]").Attr("datetime"); ok {
			if t, err := time.Parse(time.RFC3339, dt); err == nil {
				c.published = t.UTC()
			}
		}
		if l.tooOld(c.published) {
			return
		}
		out.items = append(out.items, c)
	})
	return out, nil
}

var telegramPost = regexp.MustCompile(`^[A-Za-z0-9_]{3,64}/[0-9]{1,12}$`)

// firstLine is the text's first line, cut at a word boundary.
func firstLine(s string, n int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if len([]rune(s)) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}
