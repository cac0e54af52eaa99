package story

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Options configure a Clusterer. Zero values take the defaults given.
type Options struct {
	// Window is how far apart in publication time two articles may be and
	// still be the same story (72h).
	Window time.Duration
	// Threshold is the text Jaccard similarity from which two articles
	// are the same story (0.5).
	Threshold float64
	// CopyThreshold is the text Jaccard similarity, or the share of the
	// article's text found in a case, from which an article is a copy of
	// a case marked misleading (0.6).
	CopyThreshold float64
	// TitleThreshold is the Jaccard similarity of title word pairs from
	// which two articles are the same story when either text is short
	// (0.5).
	TitleThreshold float64
	// ResponseContainment is the share of an article's title word pairs
	// an official response must contain to join its story (0.6).
	ResponseContainment float64
	// VersionThreshold is the text Jaccard similarity from which an
	// article of the same outlet as one already in its story is a version
	// of it (an update or reprint), not a new item of the story (0.75).
	VersionThreshold float64
	// MaxRecent bounds the articles kept in the in-memory index; the
	// oldest go first (50,000, about 110 MB).
	MaxRecent int
	// Now is the clock (time.Now).
	Now func() time.Time
	// Logger receives merges and errors of the background watchers.
	Logger *slog.Logger
}

func (o *Options) setDefaults() error {
	if o.Window == 0 {
		o.Window = 72 * time.Hour
	}
	if o.Threshold == 0 {
		o.Threshold = 0.5
	}
	if o.CopyThreshold == 0 {
		o.CopyThreshold = 0.6
	}
	if o.TitleThreshold == 0 {
		o.TitleThreshold = 0.5
	}
	if o.MaxRecent == 0 {
		o.MaxRecent = 50000
	}
	if o.ResponseContainment == 0 {
		o.ResponseContainment = 0.6
	}
	if o.VersionThreshold == 0 {
		o.VersionThreshold = 0.75
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case o.Window < 0:
		return fmt.Errorf("story options: window %v is negative", o.Window)
	case o.MaxRecent < 0:
		return fmt.Errorf("story options: max recent %d is negative", o.MaxRecent)
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"threshold", o.Threshold}, {"copy threshold", o.CopyThreshold}, {"title threshold", o.TitleThreshold}, {"response containment", o.ResponseContainment}, {"version threshold", o.VersionThreshold}} {
		if !(t.v > 0 && t.v <= 1) {
			return fmt.Errorf("story options: %s %v is not in (0, 1]", t.name, t.v)
		}
	}
	return nil
}

// Doc is an article to cluster.
type Doc struct {
	// Source and Site name the outlet (see outletOf): an article of the
	// same outlet as one of its story, with near-identical text, is a
	// version of it.
	ID, URL, Title, Text, Source, Site string
	// Published is when the article appeared; zero means now.
	Published time.Time
	// Response marks an official response (a denial or correction): it
	// quotes the claim it answers rather than copying it, so when it is
	// not near-duplicate of anything it joins the story of the recent
	// article whose title it restates (see doc.go).
	Response bool
}

// Assignment is the outcome of Assign.
type Assignment struct {
	// StoryID identifies the story: the ID of the article that started it
	// (after a merge, the smaller of the merged stories' IDs).
	StoryID string
	// New is set when this article started its story.
	New bool
	// Similar lists the indexed articles that make this one part of its
	// story, closest first (at most 10).
	Similar []Similar
	// Copies lists the misleading cases this article copies.
	Copies []CaseMatch
	// Answers is, for a response that joined a story by restating a
	// title, the article whose title it restates.
	Answers *Answer
	// VersionOf is set when the article is a version (an update or a
	// reprint) of an item of its story: the same outlet's article, with
	// near-identical text. It names the item's first article. A version
	// does not count as an article of the story.
	VersionOf string
}

// Answer is the article an official response was matched to.
type Answer struct {
	ArticleID string
	// Containment is the share of the article's title word pairs found
	// in the response.
	Containment float64
}

// Similar is an article close to the one assigned.
type Similar struct {
	ArticleID string
	// Similarity is the estimated Jaccard similarity of the texts (0 when
	// a text was too short to compare).
	Similarity float64
	// TitleSimilarity is the Jaccard similarity of the titles' word pairs.
	TitleSimilarity float64
}

// CaseMatch is a misleading case an article copies.
type CaseMatch struct {
	CaseID, ArticleID, URL, RebuttalURL string
	// Similarity is the estimated Jaccard similarity of the texts.
	Similarity float64
	// Containment is the estimated share of the article's text that is in
	// the case: high for an excerpt of the case even when Jaccard is low.
	Containment float64
}

// Story is a story's record.
type Story struct {
	ID    string
	First time.Time
	Last  time.Time
	// Articles counts the story's items: articles, not counting versions
	// (updates and reprints by the same outlet).
	Articles int
	// Outlets lists the story's items in publication order, from the
	// earliest 200 articles, each with its versions.
	Outlets []Outlet
	// Merged lists the IDs of stories merged into this one.
	Merged []string
}

// Outlet is one appearance of a story.
type Outlet struct {
	Source    string    `json:"source,omitempty"`
	Site      string    `json:"site,omitempty"`
	ArticleID string    `json:"article_id"`
	URL       string    `json:"url,omitempty"`
	At        time.Time `json:"at"`
	// VersionOf, in the story record, marks a version of the item that
	// article started (see Assignment.VersionOf); Story nests versions
	// under their item instead.
	VersionOf string `json:"version_of,omitempty"`
	// Versions are the item's later versions, in time order (Story only).
	Versions []Outlet `json:"versions,omitempty"`
}

// Stats are counters for metrics.
type Stats struct {
	Indexed, Cases, Aliases int
	// Lookups and Candidates count index lookups and the candidates the
	// LSH bands produced for them.
	Lookups, Candidates uint64
	Merges              uint64
}

// Clusterer assigns articles to stories and recognises copies of cases
// marked misleading. It is safe for concurrent use, and several processes
// sharing the same buckets converge on the same assignments (see doc.go).
type Clusterer struct {
	stories, cases jetstream.KeyValue
	o              Options
	log            *slog.Logger
	// keyTTL is the per-key TTL of index records, when the bucket allows
	// per-key TTLs; they are useless after the window.
	keyTTL time.Duration

	mu       sync.Mutex
	idx      *index
	aliases  map[string]string // story → story it was merged into
	caseList map[string]*caseEntry
	// caseGone holds, per case this process unmarked, the last revision
	// of its record before the delete: the watcher may still bring those
	// older records after the local delete, and must not revive the case.
	caseGone map[string]uint64
	seen     uint64        // last stories revision the watcher applied
	caseSeen uint64        // last cases revision the watcher applied
	progress chan struct{} // closed and replaced when seen or caseSeen move

	lookups, candidates, merges atomic.Uint64

	stop     context.CancelFunc
	life     context.Context
	watchers []jetstream.KeyWatcher
	wg       sync.WaitGroup
	closed   sync.Once
}

type caseEntry struct {
	c   Case
	sig Signature
	rev uint64 // revision of the record it was read from or written as
}

// maxAttempts bounds compare-and-set retries and alias hops; reaching it
// means heavy contention or a corrupt chain, reported as an error.
const maxAttempts = 64

// New returns a Clusterer on the given buckets, with the in-memory index
// rebuilt from the records of the last Window and every case loaded. It
// keeps watching both buckets, so articles assigned and cases marked by
// other processes count here too, until Close.
func New(ctx context.Context, stories, cases jetstream.KeyValue, o Options) (*Clusterer, error) {
	if stories == nil || cases == nil {
		return nil, errors.New("story: new: nil bucket")
	}
	if err := o.setDefaults(); err != nil {
		return nil, err
	}
	c := &Clusterer{
		stories:  stories,
		cases:    cases,
		o:        o,
		log:      o.Logger.With("component", "story"),
		idx:      newIndex(),
		aliases:  map[string]string{},
		caseList: map[string]*caseEntry{},
		caseGone: map[string]uint64{},
		progress: make(chan struct{}),
	}
	c.life, c.stop = context.WithCancel(context.Background())
	if err := c.start(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (c *Clusterer) start(ctx context.Context) error {
	st, err := c.stories.Status(ctx)
	if err != nil {
		return fmt.Errorf("story: status of bucket %s: %w", c.stories.Bucket(), err)
	}
	if st.LimitMarkerTTL() > 0 {
		c.keyTTL = c.o.Window + 48*time.Hour
	}
	// The live watcher starts before the loads, so a record written while
	// they run is seen by one or the other (both is harmless).
	live, err := c.stories.WatchFiltered(c.life, []string{prefixIndex + ">", prefixAlias + ">", keySync}, jetstream.UpdatesOnly())
	if err != nil {
		return fmt.Errorf("story: watch %s: %w", c.stories.Bucket(), err)
	}
	c.watchers = append(c.watchers, live)

	w, err := c.stories.WatchFiltered(ctx, []string{prefixAlias + ">"})
	if err != nil {
		return fmt.Errorf("story: load aliases: %w", err)
	}
	if err := drainInitial(ctx, w, func(e jetstream.KeyValueEntry) { c.applyStories(ctx, e, false) }); err != nil {
		return fmt.Errorf("story: load aliases: %w", err)
	}

	// Index records are keyed by the day they were written; the window
	// plus a day either side covers clock skew between processes.
	now := c.o.Now().UTC()
	var days []string
	for d := now.Add(-c.o.Window - 24*time.Hour); !d.After(now.Add(24 * time.Hour)); d = d.Add(24 * time.Hour) {
		days = append(days, prefixIndex+dayOf(d)+".>")
	}
	days = slices.Compact(days)
	w, err = c.stories.WatchFiltered(ctx, days)
	if err != nil {
		return fmt.Errorf("story: load recent articles: %w", err)
	}
	if err := drainInitial(ctx, w, func(e jetstream.KeyValueEntry) { c.applyStories(ctx, e, false) }); err != nil {
		return fmt.Errorf("story: load recent articles: %w", err)
	}

	cw, err := c.cases.WatchAll(c.life)
	if err != nil {
		return fmt.Errorf("story: watch %s: %w", c.cases.Bucket(), err)
	}
	c.watchers = append(c.watchers, cw)
	if err := readInitial(ctx, cw, c.applyCase); err != nil {
		return fmt.Errorf("story: load cases: %w", err)
	}

	c.wg.Add(2)
	go c.follow(live, func(e jetstream.KeyValueEntry) { c.applyStories(c.life, e, true) })
	go c.follow(cw, c.applyCase)
	return nil
}

// drainInitial applies the initial values of w and stops it.
func drainInitial(ctx context.Context, w jetstream.KeyWatcher, fn func(jetstream.KeyValueEntry)) error {
	err := readInitial(ctx, w, fn)
	if serr := stopWatcher(w); serr != nil && err == nil {
		err = serr
	}
	return err
}

// stopWatcher stops w. A watcher whose context ended has unsubscribed
// already, and its consumer may be gone: that is what stopping it is for.
func stopWatcher(w jetstream.KeyWatcher) error {
	err := w.Stop()
	if errors.Is(err, nats.ErrBadSubscription) || errors.Is(err, nats.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil
	}
	return err
}

// readInitial applies the values w delivers until its end-of-initial-values
// marker.
func readInitial(ctx context.Context, w jetstream.KeyWatcher, fn func(jetstream.KeyValueEntry)) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e, ok := <-w.Updates():
			if !ok {
				return errors.New("watcher closed")
			}
			if e == nil {
				return nil
			}
			fn(e)
		}
	}
}

// follow applies updates until the watcher is stopped. After Close it
// keeps reading without applying: the library blocks its delivery, and so
// the closing of the channel, on a full channel.
func (c *Clusterer) follow(w jetstream.KeyWatcher, fn func(jetstream.KeyValueEntry)) {
	defer c.wg.Done()
	for e := range w.Updates() {
		if e == nil || c.life.Err() != nil {
			continue
		}
		fn(e)
	}
}

// applyStories applies one record of the stories bucket; live records from
// other processes may reveal stories to merge.
func (c *Clusterer) applyStories(ctx context.Context, e jetstream.KeyValueEntry, live bool) {
	key := e.Key()
	put := e.Operation() == jetstream.KeyValuePut
	switch {
	case strings.HasPrefix(key, prefixIndex) && put:
		var rec indexRec
		if err := json.Unmarshal(e.Value(), &rec); err != nil {
			c.log.Warn("skipping unreadable index record", "key", key, "err", err)
			break
		}
		en, err := rec.entry()
		if err != nil {
			if !errors.Is(err, errSigVersion) {
				c.log.Warn("skipping unreadable index record", "key", key, "err", err)
			}
			break
		}
		if err := c.observe(ctx, en, live); err != nil {
			c.log.Warn("merging stories failed", "article", en.id, "err", err)
		}
	case strings.HasPrefix(key, prefixAlias):
		id := key[len(prefixAlias):]
		c.mu.Lock()
		if put {
			c.aliases[id] = string(e.Value())
		} else {
			delete(c.aliases, id)
		}
		c.mu.Unlock()
	}
	if live {
		c.mu.Lock()
		c.seen = max(c.seen, e.Revision())
		c.advanceLocked()
		c.mu.Unlock()
	}
}

func (c *Clusterer) advanceLocked() {
	close(c.progress)
	c.progress = make(chan struct{})
}

// Close stops watching the buckets. Assign and the other methods keep
// working on the index as it is, but learn nothing more from other
// processes.
func (c *Clusterer) Close() error {
	var err error
	c.closed.Do(func() {
		c.stop()
		for _, w := range c.watchers {
			if serr := stopWatcher(w); serr != nil && err == nil {
				err = fmt.Errorf("story: stop watcher: %w", serr)
			}
		}
		c.wg.Wait()
	})
	return err
}

// Sync returns once this Clusterer has applied everything written to both
// buckets before the call (by any process), including the merges that
// follow from it. Tests and tools use it; the pipeline does not need to.
func (c *Clusterer) Sync(ctx context.Context) error {
	mark := []byte(c.o.Now().UTC().Format(time.RFC3339Nano))
	rs, err := c.stories.Put(ctx, keySync, mark)
	if err != nil {
		return fmt.Errorf("story: sync: %w", err)
	}
	rc, err := c.cases.Put(ctx, keySync, mark)
	if err != nil {
		return fmt.Errorf("story: sync: %w", err)
	}
	for {
		c.mu.Lock()
		done := c.seen >= rs && c.caseSeen >= rc
		ch := c.progress
		c.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("story: sync: %w", ctx.Err())
		case <-c.life.Done():
			return errors.New("story: sync: closed")
		case <-ch:
		}
	}
}

// Stats returns the current counters.
func (c *Clusterer) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{
		Indexed: c.idx.len(), Cases: len(c.caseList), Aliases: len(c.aliases),
		Lookups: c.lookups.Load(), Candidates: c.candidates.Load(), Merges: c.merges.Load(),
	}
}

func (c *Clusterer) rule() rule {
	return rule{window: int64(c.o.Window), text: c.o.Threshold, title: c.o.TitleThreshold}
}

func (c *Clusterer) cutoff() int64 { return c.o.Now().Add(-c.o.Window).UnixNano() }

// lookupLocked runs one index lookup and counts it.
func (c *Clusterer) lookupLocked(q *entry) []match {
	ms, n := c.idx.lookup(q, c.rule())
	c.lookups.Add(1)
	c.candidates.Add(uint64(n))
	return ms
}

// rootLocked follows the in-memory aliases of story s. They may lag behind
// KV; every write path resolves again there.
func (c *Clusterer) rootLocked(s string) string {
	for range maxAttempts {
		next, ok := c.aliases[s]
		if !ok {
			break
		}
		s = next
	}
	return s
}

// rootsLocked returns the distinct roots of own (when not empty) and of the
// matches' stories, smallest first.
func (c *Clusterer) rootsLocked(own string, ms []match) []string {
	var roots []string
	if own != "" {
		roots = append(roots, c.rootLocked(own))
	}
	for _, m := range ms {
		roots = append(roots, c.rootLocked(m.e.story))
	}
	slices.Sort(roots)
	return slices.Compact(roots)
}

// observe indexes an article assigned elsewhere (or earlier). With merge
// set, the stories of its matches are merged with its own: two processes
// that assigned near-duplicates at the same moment each started a story,
// and this is where they find out.
func (c *Clusterer) observe(ctx context.Context, e *entry, merge bool) error {
	c.mu.Lock()
	cutoff := c.cutoff()
	if c.idx.get(e.id) != nil || e.pub < cutoff {
		c.mu.Unlock()
		return nil
	}
	var roots []string
	if merge {
		roots = c.rootsLocked(e.story, c.lookupLocked(e))
	}
	c.idx.insert(e)
	c.idx.evict(cutoff, c.o.MaxRecent)
	c.mu.Unlock()
	if len(roots) < 2 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err := c.mergeAll(ctx, roots)
	return err
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the package's own record types come here, and they always
		// marshal.
		panic(fmt.Sprintf("story: marshal %T: %v", v, err))
	}
	return b
}
