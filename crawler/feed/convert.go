package feed

import (
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	xhtml "golang.org/x/net/html"

	"github.com/presswatch/presswatch/crawler/charset"
)

// earliest is the earliest publication date believed: older dates in news
// feeds come from broken generators (epoch 0, year 1), not from articles.
var earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// futureSlack is how far past Options.Now a date may lie: time zones
// mislabelled by a few hours are common and harmless, articles dated next
// month are not news.
const futureSlack = 48 * time.Hour

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
