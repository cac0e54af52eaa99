package story

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Assign puts d in a story: the story of the recent articles it matches
// (merging them when it matches several), or a new one named after d. It
// is idempotent: assigning the same ID again returns the same story (or
// the story it was since merged into) without counting d twice.
func (c *Clusterer) Assign(ctx context.Context, d Doc) (Assignment, error) {
	if err := checkID(d.ID); err != nil {
		return Assignment{}, fmt.Errorf("assign: %w", err)
	}
	now := c.o.Now()
	pub := d.Published
	if pub.IsZero() {
		pub = now
	}
	q := &entry{id: d.ID, pub: pub.UnixNano(), sig: Sign(d.Text), title: titleSet(d.Title), outlet: outletOf(d.Source, d.Site)}
	out := Outlet{Source: d.Source, Site: d.Site, ArticleID: d.ID, URL: d.URL, At: pub.UTC()}

	rec, found, err := c.getArticle(ctx, d.ID)
	if err != nil {
		return Assignment{}, err
	}
	if found {
		return c.replay(ctx, q, rec, out)
	}

	p := c.place(q, d)

	day := dayOf(now)
	arec := articleRec{Story: q.story, Day: day, At: now.UTC(), VersionOf: q.item}
	out.VersionOf = q.item
	if _, err := c.stories.Create(ctx, articleKey(d.ID), mustJSON(arec)); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			// Someone assigned it first; their choice stands.
			rec, found, err := c.getArticle(ctx, d.ID)
			if err != nil {
				return Assignment{}, err
			}
			if found {
				return c.replay(ctx, q, rec, out)
			}
		}
		if p.inserted {
			c.mu.Lock()
			c.idx.remove(q)
			c.mu.Unlock()
		}
		return Assignment{}, fmt.Errorf("assign %s: record article: %w", d.ID, err)
	}
	// From here a failure is repaired by the replay of a retry.
	if err := c.putIndex(ctx, day, q); err != nil {
		return Assignment{}, err
	}
	root, err := c.addMember(ctx, q.story, out, true)
	if err != nil {
		return Assignment{}, err
	}
	if len(p.roots) > 1 {
		if root, err = c.mergeAll(ctx, append([]string{root}, p.roots[1:]...)); err != nil {
			return Assignment{}, err
		}
	}
	return Assignment{StoryID: root, New: q.story == d.ID, Similar: similar(p.ms), Copies: p.copies, Answers: p.answers, VersionOf: q.item}, nil
}

// placement is what Assign decided under the lock.
type placement struct {
	ms    []match
	roots []string
	// inserted is set when q was indexed, to be removed again if its
	// assignment cannot be recorded.
	inserted bool
	answers  *Answer
	copies   []CaseMatch
}

// place chooses q's story and item from the index, and indexes q.
func (c *Clusterer) place(q *entry, d Doc) placement {
	c.mu.Lock()
	defer c.mu.Unlock()
	cutoff := c.cutoff()
	c.idx.evict(cutoff, c.o.MaxRecent)
	var p placement
	if old := c.idx.get(d.ID); old != nil {
		// The same article is being assigned by another goroutine: take
		// its choice; one of the two creations in Assign will fail.
		q.story, q.item = old.story, old.item
		p.copies = c.copiesLocked(q)
		return p
	}
	p.ms = c.lookupLocked(q)
	p.roots = c.rootsLocked("", p.ms)
	if len(p.roots) == 0 && d.Response {
		if e, share := c.idx.answered(q, titleSet(d.Title+"\n"+d.Text), c.o.Window, c.o.ResponseContainment); e != nil {
			p.roots = []string{c.rootLocked(e.story)}
			p.answers = &Answer{ArticleID: e.id, Containment: share}
		}
	}
	q.story = d.ID
	if len(p.roots) > 0 {
		q.story = p.roots[0]
	}
	q.item = c.versionOfLocked(q, p.ms)
	if q.pub >= cutoff {
		// Indexed before the KV writes, so that a concurrent Assign of a
		// near-duplicate in this process joins this story instead of
		// starting its own.
		c.idx.insert(q)
		p.inserted = true
	}
	p.copies = c.copiesLocked(q)
	return p
}

// replay completes and reports the assignment of an article that already
// has its a. record.
func (c *Clusterer) replay(ctx context.Context, q *entry, rec articleRec, out Outlet) (Assignment, error) {
	c.mu.Lock()
	// q may be in the index already (Assign lost the creation race), so
	// it changes under the lock.
	q.story, q.item = rec.Story, rec.VersionOf
	out.VersionOf = rec.VersionOf
	cutoff := c.cutoff()
	// The matches' stories are merged with the recorded one even when q
	// is indexed already: when this process lost the race to create the
	// a. record, q was indexed under the story this process chose, and the
	// other process may not know the articles that choice was based on.
	ms := c.lookupLocked(q)
	roots := c.rootsLocked(q.story, ms)
	if c.idx.get(q.id) == nil && q.pub >= cutoff {
		c.idx.insert(q)
		c.idx.evict(cutoff, c.o.MaxRecent)
	}
	copies := c.copiesLocked(q)
	c.mu.Unlock()

	if q.pub >= cutoff {
		if err := c.putIndex(ctx, rec.Day, q); err != nil {
			return Assignment{}, err
		}
	}
	root, err := c.addMember(ctx, rec.Story, out, false)
	if err != nil {
		return Assignment{}, err
	}
	if len(roots) > 1 {
		if root, err = c.mergeAll(ctx, append([]string{root}, roots...)); err != nil {
			return Assignment{}, err
		}
	}
	return Assignment{StoryID: root, New: rec.Story == q.id, Similar: similar(ms), Copies: copies, VersionOf: rec.VersionOf}, nil
}

func (c *Clusterer) getArticle(ctx context.Context, id string) (articleRec, bool, error) {
	var rec articleRec
	e, err := c.stories.Get(ctx, articleKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return rec, false, nil
	}
	if err != nil {
		return rec, false, fmt.Errorf("assign %s: read article record: %w", id, err)
	}
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		return rec, false, fmt.Errorf("assign %s: decode article record: %w", id, err)
	}
	return rec, true, nil
}

// putIndex writes the index record of q once.
func (c *Clusterer) putIndex(ctx context.Context, day string, q *entry) error {
	var opts []jetstream.KVCreateOpt
	if c.keyTTL > 0 {
		opts = append(opts, jetstream.KeyTTL(c.keyTTL))
	}
	_, err := c.stories.Create(ctx, indexKey(day, q.id), mustJSON(newIndexRec(q)), opts...)
	if err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("assign %s: record index entry: %w", q.id, err)
	}
	return nil
}

func similar(ms []match) []Similar {
	var out []Similar
	for _, m := range ms[:min(len(ms), 10)] {
		out = append(out, Similar{ArticleID: m.e.id, Similarity: m.text, TitleSimilarity: m.title})
	}
	return out
}
