// Package demosite serves a simulated local newspaper about Điện Biên
// province for `presswatch demo` and end-to-end tests. Articles are released
// over time from a fixed set of fictional stories, so a watcher sees new
// URLs appear in the RSS feed and news sitemap, some of them about events a
// communications office must answer (floods, landslides, complaints, rumours,
// food poisoning) and the rest harmless.
package demosite

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultInterval = 3 * time.Second
	DefaultInitial  = 3
	DefaultFeedSize = 30
)

// SiteName is the fictional newspaper's name, as shown in pages and feeds.
const SiteName = "Báo Hoa Ban"

// Options configures a Site. The zero value gives a demo-friendly site.
type Options struct {
	// Interval is how often Run releases a new article; 0 means 3s.
	Interval time.Duration
	// Initial is how many articles are published when the site is created;
	// 0 means 3, a negative value publishes none.
	Initial int
	// Limit stops releases once this many articles exist in total;
	// 0 means no limit.
	Limit int
	// FeedSize is how many items the RSS feed and the sitemap list; 0 means 30.
	FeedSize int
	// Logger receives release events; nil discards them.
	Logger *slog.Logger
}

// Item is a released (or base) article as the site presents it.
type Item struct {
	K          int
	Path       string // e.g. /tin/lu-quet-muong-cha-cuon-troi-nha-dan-19.html
	Slug       string
	Title      string
	Summary    string
	Byline     string
	Section    string
	Lang       string
	Topic      string
	Sensitive  bool
	Published  time.Time
	Tags       []string
	Paragraphs []string
}

// Site is a simulated news site. Its methods are safe for concurrent use.
type Site struct {
	opts     Options
	log      *slog.Logger
	stories  []story
	bySlug   map[string]int
	sections []section
	ads      []ad
	tmpl     *template.Template
	zone     *time.Location
	handler  http.Handler

	mu sync.Mutex
	// released[k] is the publication time of article k; its length is the
	// number of articles released so far.
	released []time.Time
}

// New creates a site and publishes opts.Initial articles immediately. It
// starts no goroutines; call Run to keep releasing.
func New(opts Options) *Site {
	return newSite(opts, baseStories(), time.Now())
}

// newSite takes the stories as a parameter so tests can feed hostile content
// through the real templates.
func newSite(opts Options, stories []story, now time.Time) *Site {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	switch {
	case opts.Initial == 0:
		opts.Initial = DefaultInitial
	case opts.Initial < 0:
		opts.Initial = 0
	}
	if opts.Limit < 0 {
		opts.Limit = 0
	}
	if opts.FeedSize <= 0 {
		opts.FeedSize = DefaultFeedSize
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Site{
		opts:     opts,
		log:      log.With("component", "demosite"),
		stories:  stories,
		bySlug:   make(map[string]int, len(stories)),
		sections: siteSections(),
		ads:      siteAds(),
		tmpl:     template.Must(template.New("site").Parse(pageTemplates)),
		// Vietnam has no daylight saving time, so a fixed zone is exact and
		// avoids depending on the host's tzdata.
		zone: time.FixedZone("ICT", 7*60*60),
	}
	for i, st := range stories {
		s.bySlug[st.Slug] = i
	}

	// Backdate the initial batch one Interval apart so that the first feed
	// fetch already shows distinct, ordered publication times.
	initial := s.capped(0, opts.Initial)
	start := now.In(s.zone).Truncate(time.Second)
	for k := range initial {
		s.released = append(s.released, start.Add(-time.Duration(initial-1-k)*opts.Interval))
	}
	s.handler = s.routes()
	return s
}

// capped returns how many of n more articles may be released when have
// already are.
func (s *Site) capped(have, n int) int {
	if n <= 0 {
		return 0
	}
	if s.opts.Limit > 0 {
		n = min(n, s.opts.Limit-have)
	}
	return max(n, 0)
}

// Handler serves the site's pages, feed and sitemap.
func (s *Site) Handler() http.Handler { return s.handler }

// Release publishes n more articles now, stopping at Limit.
func (s *Site) Release(n int) {
	s.mu.Lock()
	have := len(s.released)
	n = s.capped(have, n)
	now := time.Now().In(s.zone).Truncate(time.Second)
	for range n {
		// Clock steps backwards must not reorder the feed.
		if last := len(s.released) - 1; last >= 0 && now.Before(s.released[last]) {
			now = s.released[last]
		}
		s.released = append(s.released, now)
	}
	s.mu.Unlock()

	for k := have; k < have+n; k++ {
		st := s.story(k)
		s.log.Info("article released", "k", k, "path", s.path(k), "lang", st.Lang, "sensitive", st.Sensitive)
	}
}

// Run releases one article per Interval until ctx is done or Limit is
// reached. It blocks.
func (s *Site) Run(ctx context.Context) {
	if s.exhausted() {
		return
	}
	s.log.Info("releasing articles", "interval", s.opts.Interval, "limit", s.opts.Limit)
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Release(1)
			if s.exhausted() {
				s.log.Info("release limit reached", "limit", s.opts.Limit)
				return
			}
		}
	}
}

func (s *Site) exhausted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.Limit > 0 && len(s.released) >= s.opts.Limit
}

// Published returns the articles released so far, oldest first.
func (s *Site) Published() []Item {
	times := s.snapshot()
	out := make([]Item, len(times))
	for k, pub := range times {
		out[k] = s.item(k, pub)
	}
	return out
}

// Base returns the base stories as items with K = index and no
// publication time.
func (s *Site) Base() []Item {
	out := make([]Item, len(s.stories))
	for k := range s.stories {
		out[k] = s.item(k, time.Time{})
	}
	return out
}

func (s *Site) snapshot() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.released)
}

func (s *Site) story(k int) story { return s.stories[k%len(s.stories)] }

func (s *Site) slug(k int) string {
	st := s.story(k)
	if k < len(s.stories) {
		return st.Slug
	}
	return st.Slug + "-" + strconv.Itoa(k)
}

func (s *Site) path(k int) string { return "/tin/" + s.slug(k) + ".html" }

// item builds article k. Follow-up editions (k ≥ len(stories)) get a new
// slug, a suffixed title and a lead paragraph so that the stream can run
// forever without repeating a URL or a title.
func (s *Site) item(k int, pub time.Time) Item {
	st := s.story(k)
	it := Item{
		K:          k,
		Path:       s.path(k),
		Slug:       s.slug(k),
		Title:      st.Title,
		Summary:    st.Summary,
		Byline:     st.Byline,
		Section:    st.Section,
		Lang:       st.Lang,
		Topic:      st.Topic,
		Sensitive:  st.Sensitive,
		Published:  pub,
		Tags:       slices.Clone(st.Tags),
		Paragraphs: slices.Clone(st.Paragraphs),
	}
	if n := k / len(s.stories); n > 0 {
		suffix, lead := followUp(st.Lang, n)
		it.Title += suffix
		it.Paragraphs = slices.Insert(it.Paragraphs, 0, lead)
	}
	return it
}

func followUp(lang string, n int) (titleSuffix, lead string) {
	switch lang {
	case "en":
		return fmt.Sprintf(" (update %d)", n),
			fmt.Sprintf("Update %d: this story has been revised with the latest information from our reporter.", n)
	case "fr":
		return fmt.Sprintf(" (mise à jour %d)", n),
			fmt.Sprintf("Mise à jour %d : cet article a été complété avec les dernières informations de notre correspondant.", n)
	default:
		return fmt.Sprintf(" (cập nhật lần %d)", n),
			fmt.Sprintf("Cập nhật lần %d: bài viết được bổ sung thông tin mới nhất từ phóng viên tại địa phương.", n)
	}
}

// lookup maps a slug to its article number if that article has been
// released (count articles exist).
func (s *Site) lookup(slug string, count int) (int, bool) {
	if k, ok := s.bySlug[slug]; ok {
		return k, k < count
	}
	i := strings.LastIndexByte(slug, '-')
	if i < 0 {
		return 0, false
	}
	k, err := strconv.Atoi(slug[i+1:])
	if err != nil || k < len(s.stories) || k >= count {
		return 0, false
	}
	// Rebuilding the slug rejects "+19", "019" and suffixes grafted onto
	// the wrong story.
	if s.slug(k) != slug {
		return 0, false
	}
	return k, true
}
