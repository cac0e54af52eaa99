package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/internal/readadvice"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// Options tune an Index.
type Options struct {
	// Retention drops monthly partitions whose month ended longer ago;
	// zero keeps everything.
	Retention time.Duration
	// Lists resolves @name in queries.
	Lists func(name string) ([]string, bool)
}

// Index is the article index: one Bleve index per calendar month of
// publication, so retention drops whole months; a search runs on them all
// at once (searchInContext).
type Index struct {
	dir     string
	opts    Options
	mapping *mapping.IndexMappingImpl

	mu    sync.RWMutex
	parts map[string]bleve.Index

	damageMu sync.Mutex
	damaged  error // see Damaged

	// How the kernel reads the mapped segments (readadvice.go).
	adviser    *readadvice.Adviser
	advisedAt  atomic.Int64 // UnixNano of the last look
	adviceWarn sync.Once
	adviceMu   sync.Mutex
	compacting map[string]bool // partitions being compacted
}

var partitionName = regexp.MustCompile(`^\d{4}-\d{2}$`)

// Open opens the index under dir with default options.
func Open(dir string) (*Index, error) { return OpenWith(dir, Options{}) }

// OpenWith opens (or creates) the partitions under dir.
func OpenWith(dir string, o Options) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("index directory: %w", err)
	}
	x := &Index{dir: dir, opts: o, mapping: m, parts: map[string]bleve.Index{}, compacting: map[string]bool{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("index directory: %w", err)
	}
	if err := checkLayout(dir, entries); err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() || !partitionName.MatchString(e.Name()) {
			continue
		}
		p, err := openPartition(filepath.Join(dir, e.Name()))
		if err != nil {
			x.Close()
			return nil, err
		}
		// Search hits name their index; a partition's name is its month.
		p.SetName(e.Name())
		x.parts[e.Name()] = p
	}
	if x.adviser, err = readadvice.New(dir); err != nil {
		x.Close()
		return nil, fmt.Errorf("index directory: %w", err)
	}
	x.adviseReads()
	return x, nil
}

// layoutVersion names the fields and analysis the index is built with.
// An index built with another layout answers wrongly rather than failing
// (a field it lacks matches nothing), so it is refused on opening.
// 2: title and text searched through body_folded (was text_folded).
// 3: published holds publishedKey (seconds), shown from published_at.
// 4: accent fields (marked words, toneless text, stems), sentence breaks.
// 5: tone (article.ToneOf the sentiment) indexed for reports.
const layoutVersion = "5"

const layoutFile = "LAYOUT"

// checkLayout refuses an index built with another layout and marks a new
// one with this layout.
func checkLayout(dir string, entries []os.DirEntry) error {
	path := filepath.Join(dir, layoutFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if v := strings.TrimSpace(string(b)); v != layoutVersion {
			return fmt.Errorf("index %s has layout %s, this presswatch reads layout %s: rebuild it from the article stream with `presswatch reindex`", dir, v, layoutVersion)
		}
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("index layout: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() && partitionName.MatchString(e.Name()) {
			return fmt.Errorf("index %s was built by an earlier presswatch (layout 1), this one reads layout %s: rebuild it from the article stream with `presswatch reindex`", dir, layoutVersion)
		}
	}
	if err := os.WriteFile(path, []byte(layoutVersion+"\n"), 0o640); err != nil {
		return fmt.Errorf("index layout: %w", err)
	}
	return nil
}

// Close closes every partition.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	var errs []error
	for name, p := range x.parts {
		if err := p.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close partition %s: %w", name, err))
		}
	}
	x.parts = map[string]bleve.Index{}
	return errors.Join(errs...)
}

// Count is the number of documents.
func (x *Index) Count() (uint64, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var n uint64
	for _, p := range x.parts {
		c, err := p.DocCount()
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// Partitions lists the partition names, oldest first.
func (x *Index) Partitions() []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	names := make([]string, 0, len(x.parts))
	for n := range x.parts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// partition returns the named partition, creating it.
func (x *Index) partition(name string) (bleve.Index, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if p, ok := x.parts[name]; ok {
		return p, nil
	}
	p, err := bleve.New(filepath.Join(x.dir, name), x.mapping)
	if err != nil {
		return nil, fmt.Errorf("create index partition %s: %w", name, err)
	}
	p.SetName(name)
	x.parts[name] = p
	return p, nil
}

// monthOverlaps reports whether the month a partition is named after
// overlaps [from, to); zero bounds are open, and a name that is not a
// month overlaps everything.
func monthOverlaps(name string, from, to time.Time) bool {
	start, end, ok := partitionMonth(name)
	if !ok {
		return true
	}
	return (from.IsZero() || end.After(from)) && (to.IsZero() || start.Before(to))
}

// partitionMonth is the month [start, end) a partition is named after;
// ok is false for a name that is not a month.
func partitionMonth(name string) (start, end time.Time, ok bool) {
	start, err := time.Parse("2006-01", name)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	return start, start.AddDate(0, 1, 0), true
}

// monthOf is the partition an article goes to: its publication month,
// else the month it was fetched.
func monthOf(a *article.Article) string {
	t := a.Published
	if t.IsZero() {
		t = a.Fetched
	}
	return t.UTC().Format("2006-01")
}

// document is what Bleve indexes for an article.
type document struct {
	ID           string `json:"id"`
	URL          string `json:"url"`
	Source       string `json:"source"`
	Site         string `json:"site"`
	Tier         string `json:"tier,omitempty"`
	Lang         string `json:"lang,omitempty"`
	Title        string `json:"title"`
	Text         string `json:"text"`
	TitleFolded  string `json:"title_folded"`
	BodyFolded   string `json:"body_folded"`
	TitleAccent  string `json:"title_accent"`
	BodyAccent   string `json:"body_accent"`
	Byline       string `json:"byline,omitempty"`
	BylineFolded string `json:"byline_folded,omitempty"`
	BylineAccent string `json:"byline_accent,omitempty"`
	// Stemmed is set for English and French articles, whose accent
	// fields hold stems: marked prefixes look in their folded fields.
	Stemmed     string    `json:"stemmed,omitempty"`
	Published   time.Time `json:"published"` // publishedKey
	PublishedAt string    `json:"published_at"`
	Day         string    `json:"day"`
	Fetched     time.Time `json:"fetched"`
	Labels      []string  `json:"labels,omitempty"`
	Severity    string    `json:"severity,omitempty"`
	Sentiment   float64   `json:"sentiment"`
	StoryID     string    `json:"story_id,omitempty"`
	Regions     []string  `json:"regions,omitempty"`
	Summary     string    `json:"summary,omitempty"`
	Matches     string    `json:"matches,omitempty"` // JSON of the classifier's explanations
	Evidence    string    `json:"evidence,omitempty"`
	Partial     bool      `json:"partial,omitempty"`
	Tone        string    `json:"tone"`
	// Exact forms of the keyword fields, for =value terms.
	SourceExact string   `json:"source_exact,omitempty"`
	SiteExact   string   `json:"site_exact,omitempty"`
	TierExact   string   `json:"tier_exact,omitempty"`
	LangExact   string   `json:"lang_exact,omitempty"`
	LabelsExact []string `json:"labels_exact,omitempty"`
}

// publishedKey is what the published field holds for a publication time:
// its whole seconds since the epoch, put where Bleve's datetime field puts
// nanoseconds. Bleve indexes a datetime's int64 at every 4-bit precision
// step; counted in nanoseconds the lowest nine steps are unique to each
// article, some 800,000 dictionary terms per month partition that every
// merge copies again (a tenth of indexing's CPU), counted in seconds about
// 170,000. Date filters and the newest-first order work on seconds, as
// feeds date articles.
func publishedKey(t time.Time) time.Time { return time.Unix(0, t.Unix()).UTC() }

// publishedBound is the key of a date filter's bound: an article
// published within the second before t is before t (keys drop the
// fraction), so a bound with a fraction moves to the next second.
func publishedBound(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	if s := t.Truncate(time.Second); s.Before(t) {
		t = s.Add(time.Second)
	}
	return publishedKey(t)
}

func toDocument(a *article.Article) document {
	title, text, byline := textnorm.Normalize(a.Title), textnorm.Normalize(a.Text), textnorm.Normalize(a.Byline)
	published := a.Published
	if published.IsZero() {
		published = a.Fetched
	}
	d := document{
		ID: a.ID, URL: a.URL, Source: kw(a.SourceID), Site: kw(a.Site), Tier: kw(a.Tier), Lang: kw(a.Lang),
		Title: title, Text: text, Byline: byline,
		Published: publishedKey(published), PublishedAt: published.UTC().Format(time.RFC3339),
		Fetched: a.Fetched.UTC(),
		Labels:  kws(a.Labels), Severity: string(a.Severity), Sentiment: a.Sentiment, StoryID: a.StoryID, Regions: a.Regions,
		Summary: a.Summary, Evidence: a.Evidence, Partial: a.Partial, Tone: article.ToneOf(a.Sentiment),
	}
	d.SourceExact, d.SiteExact = query.ExactForm(a.SourceID), query.ExactForm(a.Site)
	d.TierExact, d.LangExact = query.ExactForm(a.Tier), query.ExactForm(a.Lang)
	for _, l := range a.Labels {
		d.LabelsExact = append(d.LabelsExact, query.ExactForm(l))
	}
	lang := textnorm.StemLangOf(a.Lang)
	if lang != textnorm.StemNone {
		d.Stemmed = stemmedValue
	}
	ti, te, by := textStreams(title, lang), textStreams(text, lang), textStreams(byline, lang)
	d.TitleFolded, d.TitleAccent = ti.folded, ti.accent
	d.BodyFolded, d.BodyAccent = join(ti.folded, te.folded), join(ti.accent, te.accent)
	d.BylineFolded, d.BylineAccent = by.folded, by.accent
	d.Day = published.UTC().Format(time.DateOnly)
	if len(a.Matches) > 0 {
		if b, err := json.Marshal(a.Matches); err == nil {
			d.Matches = string(b)
		}
	}
	return d
}

// stemmedValue is the value of the stemmed field.
const stemmedValue = "y"

// kw is a keyword value as the index keeps it: the form keyword terms of
// the query language compare against.
func kw(s string) string { return query.KeywordForm(s, false) }

func kws(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = kw(s)
	}
	return out
}

// IndexBatch upserts articles by ID and returns once every partition's
// batch is committed to disk (Bleve's scorch waits for persistence unless
// configured otherwise). Each article goes to the partition of its month;
// one whose date moved to another month is written there first and then
// deleted from the old one, so a crash in between leaves two copies
// (which searches show once and the next upsert removes), never none.
func (x *Index) IndexBatch(arts []*article.Article) error {
	if len(arts) == 0 {
		return nil
	}
	where, err := x.locate(arts)
	if err != nil {
		return err
	}
	groups := map[string][]*article.Article{}
	stale := map[string][]string{} // partition -> IDs that moved out of it
	now := time.Now()
	for _, a := range arts {
		if a.Published.IsZero() && a.Fetched.IsZero() {
			// Dated now, so that its partition, date filters, the
			// newest-first order and the histogram agree on its day.
			c := *a
			c.Fetched = now
			a = &c
		}
		name := monthOf(a)
		groups[name] = append(groups[name], a)
		for _, old := range where[a.ID] {
			if old != name {
				stale[old] = append(stale[old], a.ID)
			}
		}
	}
	if err := x.writeGroups(groups); err != nil {
		return err
	}
	for name, ids := range stale {
		p, err := x.partition(name)
		if err != nil {
			return err
		}
		b := p.NewBatch()
		for _, id := range ids {
			b.Delete(id)
		}
		if err := p.Batch(b); err != nil {
			return fmt.Errorf("remove %d moved articles from %s: %w", len(ids), name, err)
		}
	}
	return nil
}

func (x *Index) writeGroups(groups map[string][]*article.Article) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for name, group := range groups {
		p, err := x.partition(name)
		if err != nil {
			return err
		}
		for _, part := range splitByID(group, runtime.GOMAXPROCS(0)) {
			wg.Go(func() {
				if err := x.guard(name, func() error { return writeBatch(p, part) }); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("partition %s: %w", name, err))
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return errors.Join(errs...)
}

// splitByID splits a large group into n batches written at once: Bleve
// builds a batch's segment in the goroutine that calls Batch and then
// waits for it to reach the disk, so one batch at a time left a core idle.
// All versions of one article go to the same batch, where the last wins.
func splitByID(group []*article.Article, n int) [][]*article.Article {
	if n < 2 || len(group) < 400 {
		return [][]*article.Article{group}
	}
	parts := make([][]*article.Article, n)
	for _, a := range group {
		h := fnv.New32a()
		h.Write([]byte(a.ID))
		i := h.Sum32() % uint32(n)
		parts[i] = append(parts[i], a)
	}
	return slices.DeleteFunc(parts, func(p []*article.Article) bool { return len(p) == 0 })
}

func writeBatch(p bleve.Index, arts []*article.Article) error {
	b := p.NewBatch()
	for _, a := range arts {
		if err := b.Index(a.ID, toDocument(a)); err != nil {
			return fmt.Errorf("index article %s: %w", a.ID, err)
		}
	}
	if err := p.Batch(b); err != nil {
		return fmt.Errorf("commit batch of %d: %w", len(arts), err)
	}
	return nil
}

// locate finds the partitions already holding any of the articles.
func (x *Index) locate(arts []*article.Article) (map[string][]string, error) {
	ids := make([]string, len(arts))
	for i, a := range arts {
		ids[i] = a.ID
	}
	// Each partition on its own: the merged search shows an ID once, and
	// every copy must be found here.
	out := make(map[string][]string, len(ids))
	err := x.lookupIDs(context.Background(), ids, nil, nil, func(part string, h *search.DocumentMatch) {
		out[h.ID] = append(out[h.ID], part)
	})
	if err != nil {
		return nil, fmt.Errorf("locate articles: %w", err)
	}
	return out, nil
}

// lookupIDs looks ids up in every partition named in only (all of them
// when only is nil), loading fields, and calls found for each copy. It
// holds the read lock throughout, so a concurrent Prune cannot close a
// partition under it.
func (x *Index) lookupIDs(ctx context.Context, ids []string, only map[string]bool, fields []string, found func(part string, h *search.DocumentMatch)) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for name, p := range x.parts {
		if only != nil && !only[name] {
			continue
		}
		req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(ids), len(ids), 0, false)
		req.Fields = fields
		req.Score = "none"
		res, err := p.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("partition %s: %w", name, err)
		}
		for _, h := range res.Hits {
			found(name, h)
		}
	}
	return nil
}

// compactGrace is how long after its month ends a partition is left to
// take late articles before Compact merges it.
const compactGrace = 48 * time.Hour

// Compact merges each partition whose month ended more than compactGrace
// before now, and which has more than one segment, into one segment, one
// partition at a time, and returns their names. A search pays for every
// segment of every partition it reads (a term lookup in each segment's
// dictionary per query term, per tier); a month no longer written to does
// not need the several segments Bleve's merge policy keeps for cheap
// writes. A late article adds a small segment, merged at the next call.
func (x *Index) Compact(ctx context.Context, now time.Time) ([]string, error) {
	x.mu.RLock()
	due := map[string]bleve.Index{}
	for name, p := range x.parts {
		if _, end, ok := partitionMonth(name); ok && end.Add(compactGrace).Before(now) {
			due[name] = p
		}
	}
	x.mu.RUnlock()
	names := slices.Sorted(maps.Keys(due))
	var done []string
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		// Not under x.mu: a merge takes minutes, and Prune closing the
		// partition meanwhile only ends the merge early.
		merged, err := x.compactPartition(ctx, name, due[name])
		if err != nil {
			return done, fmt.Errorf("compact partition %s: %w", name, err)
		}
		if merged {
			done = append(done, name)
		}
	}
	return done, nil
}

// mergePartition merges p's segments into one, if it has more.
func mergePartition(ctx context.Context, p bleve.Index) (bool, error) {
	adv, err := p.Advanced()
	if err != nil {
		return false, err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return false, fmt.Errorf("index is %T, not scorch", adv)
	}
	r, err := s.Reader()
	if err != nil {
		return false, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	segments := 0
	if ok {
		segments = len(snap.Segments())
	}
	if err := r.Close(); err != nil {
		return false, err
	}
	if segments <= 1 {
		return false, nil
	}
	return true, s.ForceMerge(ctx, nil)
}

// Prune drops partitions whose month ended more than the retention before
// now, and returns their names.
func (x *Index) Prune(now time.Time) ([]string, error) {
	if x.opts.Retention <= 0 {
		return nil, nil
	}
	cutoff := now.Add(-x.opts.Retention)
	x.mu.Lock()
	defer x.mu.Unlock()
	var dropped []string
	var errs []error
	for name, p := range x.parts {
		if _, end, ok := partitionMonth(name); !ok || !end.Before(cutoff) {
			continue
		}
		delete(x.parts, name)
		if err := p.Close(); err != nil {
			errs = append(errs, err)
		}
		if err := os.RemoveAll(filepath.Join(x.dir, name)); err != nil {
			errs = append(errs, fmt.Errorf("remove partition %s: %w", name, err))
		}
		dropped = append(dropped, name)
	}
	slices.Sort(dropped)
	return dropped, errors.Join(errs...)
}
