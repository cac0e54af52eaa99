package demosite

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"
)

const (
	articlePrefix = "/tin/"
	sectionPrefix = "/chuyen-muc/"
	relatedCount  = 5
	frontCount    = 20
	siteTagline   = "Tin tức địa phương tỉnh Điện Biên"
)

func (s *Site) routes() http.Handler {
	mux := http.NewServeMux()
	// GET patterns also match HEAD; http.ServeContent then omits the body.
	mux.HandleFunc("GET /{$}", s.serveFront)
	mux.HandleFunc("GET "+sectionPrefix+"{file}", s.serveSection)
	mux.HandleFunc("GET "+articlePrefix+"{file}", s.serveArticle)
	mux.HandleFunc("GET /rss.xml", s.serveRSS)
	mux.HandleFunc("GET /sitemap-news.xml", s.serveSitemap)
	mux.HandleFunc("GET /robots.txt", s.serveRobots)
	return mux
}

// baseURL is derived from the request so that feed links point back at
// whatever address the test server or demo listener was given.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// serve writes body with validators. The ETag carries the release count
// because Last-Modified has one-second resolution and two releases within
// the same second must still invalidate a crawler's cached copy.
func serve(w http.ResponseWriter, r *http.Request, contentType string, count int, modified time.Time, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", fmt.Sprintf(`"r%d"`, count))
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}

func (s *Site) render(w http.ResponseWriter, r *http.Request, name string, data any, count int, modified time.Time) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("render page", "template", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	serve(w, r, "text/html; charset=utf-8", count, modified, buf.Bytes())
}

// latest returns up to n released items, newest first.
func (s *Site) latest(times []time.Time, n int) []Item {
	out := make([]Item, 0, min(n, len(times)))
	for k := len(times) - 1; k >= 0 && len(out) < n; k-- {
		out = append(out, s.item(k, times[k]))
	}
	return out
}

func lastModified(times []time.Time) time.Time {
	if len(times) == 0 {
		return time.Time{}
	}
	return times[len(times)-1]
}

type pageView struct {
	Lang        string
	Title       string
	Description string
	Canonical   string
	SiteName    string
	Tagline     string
	Nav         []navLink
	Ads         []ad
	Year        int

	// List pages.
	Heading string
	Entries []entryView

	// Article pages.
	Article *articleView
	LD      *newsArticleLD
}

type navLink struct {
	Href string
	Name string
}

type entryView struct {
	Path    string
	Title   string
	Summary string
	Section string
	ISO     string
	Display string
}

type articleView struct {
	URL         string
	Title       string
	Summary     string
	Byline      string
	Section     string
	SectionHref string
	ISO         string
	Display     string
	Paragraphs  []string
	Tags        []string
	Related     []entryView
	Comments    []comment
}

// newsArticleLD is schema.org metadata; extractors such as trafilatura and
// htmldate read it before falling back to heuristics.
type newsArticleLD struct {
	Context       string   `json:"@context"`
	Type          string   `json:"@type"`
	Headline      string   `json:"headline"`
	Description   string   `json:"description"`
	DatePublished string   `json:"datePublished"`
	DateModified  string   `json:"dateModified"`
	InLanguage    string   `json:"inLanguage"`
	URL           string   `json:"mainEntityOfPage"`
	Author        ldThing  `json:"author"`
	Publisher     ldThing  `json:"publisher"`
	Keywords      []string `json:"keywords,omitempty"`
}

type ldThing struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

func (s *Site) page(r *http.Request, now time.Time) pageView {
	nav := make([]navLink, 0, len(s.sections)+1)
	nav = append(nav, navLink{"/", "Trang chủ"})
	for _, sec := range s.sections {
		nav = append(nav, navLink{sectionPrefix + sec.Slug + ".html", sec.Name})
	}
	return pageView{
		Lang:        "vi",
		Title:       SiteName + " – " + siteTagline,
		Description: "Tin tức thời sự, kinh tế, văn hóa, du lịch tỉnh Điện Biên cập nhật liên tục.",
		Canonical:   baseURL(r) + r.URL.Path,
		SiteName:    SiteName,
		Tagline:     siteTagline,
		Nav:         nav,
		Ads:         s.ads,
		Year:        now.Year(),
	}
}

func (s *Site) entry(it Item) entryView {
	return entryView{
		Path:    it.Path,
		Title:   it.Title,
		Summary: it.Summary,
		Section: it.Section,
		ISO:     it.Published.Format(time.RFC3339),
		Display: it.Published.In(s.zone).Format("02/01/2006 15:04"),
	}
}

func (s *Site) serveFront(w http.ResponseWriter, r *http.Request) {
	times := s.snapshot()
	p := s.page(r, time.Now())
	p.Heading = "Tin mới nhất"
	for _, it := range s.latest(times, frontCount) {
		p.Entries = append(p.Entries, s.entry(it))
	}
	s.render(w, r, "list", p, len(times), lastModified(times))
}

func (s *Site) serveSection(w http.ResponseWriter, r *http.Request) {
	slug, ok := strings.CutSuffix(r.PathValue("file"), ".html")
	if !ok {
		http.NotFound(w, r)
		return
	}
	var sec *section
	for i := range s.sections {
		if s.sections[i].Slug == slug {
			sec = &s.sections[i]
			break
		}
	}
	if sec == nil {
		http.NotFound(w, r)
		return
	}
	times := s.snapshot()
	p := s.page(r, time.Now())
	p.Title = sec.Name + " – " + SiteName
	p.Heading = sec.Name
	for _, it := range s.latest(times, len(times)) {
		if it.Section == sec.Name && len(p.Entries) < frontCount {
			p.Entries = append(p.Entries, s.entry(it))
		}
	}
	s.render(w, r, "list", p, len(times), lastModified(times))
}

func (s *Site) serveArticle(w http.ResponseWriter, r *http.Request) {
	slug, ok := strings.CutSuffix(r.PathValue("file"), ".html")
	times := s.snapshot()
	var k int
	if ok {
		k, ok = s.lookup(slug, len(times))
	}
	if !ok {
		s.log.Debug("article not found", "path", r.URL.Path)
		http.NotFound(w, r)
		return
	}
	it := s.item(k, times[k])
	url := baseURL(r) + it.Path
	iso := it.Published.Format(time.RFC3339)

	p := s.page(r, time.Now())
	p.Lang = it.Lang
	p.Title = it.Title + " – " + SiteName
	p.Description = it.Summary
	p.Canonical = url
	art := &articleView{
		URL:        url,
		Title:      it.Title,
		Summary:    it.Summary,
		Byline:     it.Byline,
		Section:    it.Section,
		ISO:        iso,
		Display:    it.Published.In(s.zone).Format("02/01/2006 15:04"),
		Paragraphs: it.Paragraphs,
		Tags:       it.Tags,
		Comments:   pickComments(it.Lang, k),
	}
	for _, sec := range s.sections {
		if sec.Name == it.Section {
			art.SectionHref = sectionPrefix + sec.Slug + ".html"
		}
	}
	for _, rel := range s.related(times, k) {
		art.Related = append(art.Related, s.entry(rel))
	}
	p.Article = art
	p.LD = &newsArticleLD{
		Context:       "https://schema.org",
		Type:          "NewsArticle",
		Headline:      it.Title,
		Description:   it.Summary,
		DatePublished: iso,
		DateModified:  iso,
		InLanguage:    it.Lang,
		URL:           url,
		Author:        ldThing{"Person", it.Byline},
		Publisher:     ldThing{"NewsMediaOrganization", SiteName},
		Keywords:      it.Tags,
	}
	s.render(w, r, "article", p, len(times), it.Published)
}

// related picks other released stories, newest first, one edition per
// story. A neutral article only links to neutral ones: the demo's keyword
// rules should flag a page for its own text, not for a headline in the
// sidebar, whatever the quality of boilerplate removal in the extractor.
func (s *Site) related(times []time.Time, k int) []Item {
	self := s.story(k)
	seen := map[int]bool{k % len(s.stories): true}
	var out []Item
	for j := len(times) - 1; j >= 0 && len(out) < relatedCount; j-- {
		base := j % len(s.stories)
		if seen[base] || (!self.Sensitive && s.stories[base].Sensitive) {
			continue
		}
		seen[base] = true
		out = append(out, s.item(j, times[j]))
	}
	return out
}

// pickComments chooses three distinct comments; offsets 0, 2 and 4 of a
// six-entry pool never collide.
func pickComments(lang string, k int) []comment {
	pool := readerComments(lang)
	out := make([]comment, 0, 3)
	for i := range 3 {
		out = append(out, pool[(k+2*i)%len(pool)])
	}
	return out
}

// trackedLink reports whether the feed link for article k carries
// utm parameters. It depends on k, not on feed position, so an article keeps
// the same link across fetches.
func trackedLink(k int) bool { return k%3 == 2 }

func guid(k int) string { return fmt.Sprintf("baohoaban-article-%d", k) }

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Description string  `xml:"description"`
	Category    string  `xml:"category"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

func (s *Site) serveRSS(w http.ResponseWriter, r *http.Request) {
	times := s.snapshot()
	base := baseURL(r)
	doc := rssDoc{
		Version: "2.0",
		Channel: rssChannel{
			Title:       SiteName + " – " + siteTagline,
			Link:        base + "/",
			Description: "Tin tức mới nhất về tỉnh Điện Biên: thời sự, kinh tế, xã hội, văn hóa, du lịch.",
			Language:    "vi",
		},
	}
	if lm := lastModified(times); !lm.IsZero() {
		doc.Channel.LastBuildDate = lm.Format(time.RFC1123Z)
	}
	for _, it := range s.latest(times, s.opts.FeedSize) {
		link := base + it.Path
		if trackedLink(it.K) {
			link += "?utm_source=rss&utm_medium=feed"
		}
		doc.Channel.Items = append(doc.Channel.Items, rssItem{
			Title:       it.Title,
			Link:        link,
			GUID:        rssGUID{IsPermaLink: "false", Value: guid(it.K)},
			PubDate:     it.Published.Format(time.RFC1123Z),
			Description: it.Summary,
			Category:    it.Section,
		})
	}
	s.serveXML(w, r, "application/rss+xml; charset=utf-8", doc, len(times), lastModified(times))
}

const (
	sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
	newsNS    = "http://www.google.com/schemas/sitemap-news/0.9"
)

// encoding/xml cannot emit a chosen prefix for a namespace, so the news
// elements are written with literal "news:" names and the prefix is bound
// on the root element.
type urlSet struct {
	XMLName xml.Name     `xml:"urlset"`
	Xmlns   string       `xml:"xmlns,attr"`
	News    string       `xml:"xmlns:news,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string      `xml:"loc"`
	LastMod string      `xml:"lastmod"`
	News    sitemapNews `xml:"news:news"`
}

type sitemapNews struct {
	Publication     sitemapPublication `xml:"news:publication"`
	PublicationDate string             `xml:"news:publication_date"`
	Title           string             `xml:"news:title"`
}

type sitemapPublication struct {
	Name     string `xml:"news:name"`
	Language string `xml:"news:language"`
}

func (s *Site) serveSitemap(w http.ResponseWriter, r *http.Request) {
	times := s.snapshot()
	base := baseURL(r)
	doc := urlSet{Xmlns: sitemapNS, News: newsNS}
	for _, it := range s.latest(times, s.opts.FeedSize) {
		date := it.Published.Format(time.RFC3339)
		doc.URLs = append(doc.URLs, sitemapURL{
			Loc:     base + it.Path,
			LastMod: date,
			News: sitemapNews{
				Publication:     sitemapPublication{Name: SiteName, Language: it.Lang},
				PublicationDate: date,
				Title:           it.Title,
			},
		})
	}
	s.serveXML(w, r, "application/xml; charset=utf-8", doc, len(times), lastModified(times))
}

func (s *Site) serveXML(w http.ResponseWriter, r *http.Request, contentType string, doc any, count int, modified time.Time) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		s.log.Error("encode xml", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	buf.WriteByte('\n')
	serve(w, r, contentType, count, modified, buf.Bytes())
}

func (s *Site) serveRobots(w http.ResponseWriter, r *http.Request) {
	body := "User-agent: *\nAllow: /\n\nSitemap: " + baseURL(r) + "/sitemap-news.xml\n"
	// robots.txt never changes with releases, hence a constant validator.
	serve(w, r, "text/plain; charset=utf-8", 0, time.Time{}, []byte(body))
}
