package story

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

const (
	// minCaseShingles: a case needs some text for its copies to be
	// recognised; a title alone would match every article that reuses a
	// phrase of it.
	minCaseShingles = 20
	// minContainShingles: an article must have about a paragraph of text
	// before the share of it found in a case counts, because the estimate
	// is noisy for small sets and a shared sentence is a quotation, not a
	// copy.
	minContainShingles = 30
	// minContainAgree: the containment estimate scales the Jaccard
	// estimate by the size ratio, so for a short article and a long case
	// the two or three minima that agree through common phrases would read
	// as a high share. In the corpus test 0.7% of random pairs agree on
	// three minima, 0.03% (articles on related subjects) on ten.
	minContainAgree = 10
)

// Case is an article an officer marked as misleading, with the official
// rebuttal to link from its copies.
type Case struct {
	// ID is the marked article's ID: marking it again updates the case.
	ID          string    `json:"id"`
	ArticleID   string    `json:"article_id"`
	Title       string    `json:"title"`
	URL         string    `json:"url"`
	RebuttalURL string    `json:"rebuttal_url"`
	MarkedBy    string    `json:"marked_by"`
	MarkedAt    time.Time `json:"marked_at"`
}

// MarkMisleading records d as misleading, so that its copies are flagged
// from now on, by every process sharing the cases bucket. Marking the same
// article again updates the rebuttal link and who marked it; MarkedAt stays
// the time of the first marking.
func (c *Clusterer) MarkMisleading(ctx context.Context, d Doc, rebuttalURL, by string) (Case, error) {
	if err := checkID(d.ID); err != nil {
		return Case{}, fmt.Errorf("mark misleading: %w", err)
	}
	if strings.TrimSpace(by) == "" {
		return Case{}, errors.New("mark misleading: who marked it is required")
	}
	sig := Sign(d.Text)
	if sig.Shingles < minCaseShingles {
		return Case{}, fmt.Errorf("mark misleading %s: %d distinct word triples of text, at least %d are needed to recognise copies", d.ID, sig.Shingles, minCaseShingles)
	}
	sigb, _ := sig.MarshalBinary() // never fails
	rec := caseRec{
		ID: d.ID, ArticleID: d.ID, Title: d.Title, URL: d.URL, RebuttalURL: rebuttalURL,
		MarkedBy: by, MarkedAt: c.o.Now().UTC(), Sig: sigb, Text: d.Text,
	}
	key := caseKey(d.ID)
	var rev uint64
	for attempt := 0; ; attempt++ {
		if attempt == maxAttempts {
			return Case{}, fmt.Errorf("mark misleading %s: gave up after %d conflicting writes", d.ID, maxAttempts)
		}
		e, err := c.cases.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			rev, err = c.cases.Create(ctx, key, mustJSON(rec))
			if errors.Is(err, jetstream.ErrKeyExists) {
				continue
			}
		} else if err == nil {
			var old caseRec
			if jerr := json.Unmarshal(e.Value(), &old); jerr == nil && !old.MarkedAt.IsZero() {
				rec.MarkedAt = old.MarkedAt
			}
			rev, err = c.cases.Update(ctx, key, mustJSON(rec), e.Revision())
			if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
				continue
			}
		}
		if err != nil {
			return Case{}, fmt.Errorf("mark misleading %s: %w", d.ID, err)
		}
		break
	}
	pub := rec.public()
	c.mu.Lock()
	if cur := c.caseList[rec.ID]; cur == nil || cur.rev < rev {
		c.caseList[rec.ID] = &caseEntry{c: pub, sig: sig, rev: rev}
	}
	delete(c.caseGone, rec.ID)
	c.mu.Unlock()
	return pub, nil
}

// Unmark removes a case: its copies are no longer flagged.
func (c *Clusterer) Unmark(ctx context.Context, caseID string) error {
	if err := checkID(caseID); err != nil {
		return fmt.Errorf("unmark: %w", err)
	}
	var last uint64
	if e, err := c.cases.Get(ctx, caseKey(caseID)); err == nil {
		last = e.Revision()
	}
	if err := c.cases.Delete(ctx, caseKey(caseID)); err != nil {
		return fmt.Errorf("unmark %s: %w", caseID, err)
	}
	c.mu.Lock()
	if ce := c.caseList[caseID]; ce != nil {
		last = max(last, ce.rev)
	}
	delete(c.caseList, caseID)
	c.caseGone[caseID] = last
	c.mu.Unlock()
	return nil
}

// Cases returns every case, oldest marking first, as stored in KV.
func (c *Clusterer) Cases(ctx context.Context) ([]Case, error) { return ListCases(ctx, c.cases) }

// CaseList reads the cases from the misleading_cases bucket, for a
// process that does not cluster stories (a report, a web process).
type CaseList struct{ KV jetstream.KeyValue }

// Cases returns every case, oldest marking first.
func (l CaseList) Cases(ctx context.Context) ([]Case, error) { return ListCases(ctx, l.KV) }

// ListCases returns every case in kv, oldest marking first.
func ListCases(ctx context.Context, kv jetstream.KeyValue) ([]Case, error) {
	l, err := kv.ListKeysFiltered(ctx, prefixCase+">")
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	var keys []string
	// The lister closes the channel (and stops itself) after the last key
	// or when ctx ends.
	for k := range l.Keys() {
		keys = append(keys, k)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	var out []Case
	for _, k := range keys {
		e, err := kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // unmarked since the listing
		}
		if err != nil {
			return nil, fmt.Errorf("read case %s: %w", k, err)
		}
		var rec caseRec
		if err := json.Unmarshal(e.Value(), &rec); err != nil {
			return nil, fmt.Errorf("decode case %s: %w", k, err)
		}
		out = append(out, rec.public())
	}
	slices.SortFunc(out, func(a, b Case) int {
		if c := a.MarkedAt.Compare(b.MarkedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// applyCase applies one record of the cases bucket.
func (c *Clusterer) applyCase(e jetstream.KeyValueEntry) {
	key := e.Key()
	if strings.HasPrefix(key, prefixCase) {
		id := key[len(prefixCase):]
		if e.Operation() != jetstream.KeyValuePut {
			c.mu.Lock()
			if ce := c.caseList[id]; ce == nil || ce.rev < e.Revision() {
				delete(c.caseList, id)
			}
			if e.Revision() > c.caseGone[id] {
				delete(c.caseGone, id)
			}
			c.mu.Unlock()
		} else if ce, err := decodeCase(e.Value()); err != nil {
			c.log.Warn("skipping unreadable case", "key", key, "err", err)
		} else {
			ce.rev = e.Revision()
			c.mu.Lock()
			// Older than what this process wrote or unmarked: the watcher
			// is behind, and the newer state stands.
			gone, unmarked := c.caseGone[id]
			if cur := c.caseList[id]; (cur == nil || cur.rev < ce.rev) && (!unmarked || ce.rev > gone) {
				c.caseList[id] = ce
				delete(c.caseGone, id)
			}
			c.mu.Unlock()
		}
	}
	c.mu.Lock()
	c.caseSeen = max(c.caseSeen, e.Revision())
	c.advanceLocked()
	c.mu.Unlock()
}

func decodeCase(b []byte) (*caseEntry, error) {
	var rec caseRec
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, err
	}
	ce := &caseEntry{c: rec.public()}
	err := ce.sig.UnmarshalBinary(rec.Sig)
	if errors.Is(err, errSigVersion) {
		// Written by a build with another signature scheme: the text is
		// kept for this.
		ce.sig, err = Sign(rec.Text), nil
	}
	if err != nil {
		return nil, err
	}
	return ce, nil
}

// copiesLocked returns the cases q copies, closest first. Cases are few (an
// officer marks each by hand), so every one is compared; that also allows
// the containment test, which LSH banding on Jaccard could not find.
func (c *Clusterer) copiesLocked(q *entry) []CaseMatch {
	var out []CaseMatch
	for _, ce := range c.caseList {
		if ce.c.ArticleID == q.id {
			continue
		}
		if j, cont, ok := copyOf(&q.sig, &ce.sig, c.o.CopyThreshold); ok {
			out = append(out, CaseMatch{
				CaseID: ce.c.ID, ArticleID: ce.c.ArticleID, URL: ce.c.URL, RebuttalURL: ce.c.RebuttalURL,
				Similarity: j, Containment: cont,
			})
		}
	}
	slices.SortFunc(out, func(a, b CaseMatch) int {
		if c := cmp.Compare(max(b.Similarity, b.Containment), max(a.Similarity, a.Containment)); c != 0 {
			return c
		}
		return cmp.Compare(a.CaseID, b.CaseID)
	})
	return out
}

// copyOf compares an article with a case: the estimated Jaccard similarity,
// the estimated share of the article found in the case (0 when the article
// is too short or too little agrees to estimate it), and whether either
// reaches threshold.
func copyOf(doc, cs *Signature, threshold float64) (j, cont float64, ok bool) {
	j = jaccard(doc, cs)
	if doc.Shingles >= minContainShingles && j >= minContainAgree/float64(NumHashes) {
		cont = containment(doc, cs, j)
	}
	return j, cont, j >= threshold || cont >= threshold
}

// CaseOf reads the case of the article with ID id from the cases bucket
// (nil when it is not marked), for processes that do not cluster (the
// web UI's article page).
func CaseOf(ctx context.Context, kv jetstream.KeyValue, id string) (*Case, error) {
	e, err := kv.Get(ctx, caseKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", id, err)
	}
	var rec caseRec
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		return nil, fmt.Errorf("decode case %s: %w", id, err)
	}
	c := rec.public()
	return &c, nil
}
