package story

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/nats-io/nats.go/jetstream"
)

// Story returns the story id, or the story it was merged into. The error
// wraps ErrNotFound for an unknown ID.
func (c *Clusterer) Story(ctx context.Context, id string) (*Story, error) {
	if err := checkID(id); err != nil {
		return nil, fmt.Errorf("story %q: %w", id, err)
	}
	s := id
	for range maxAttempts {
		rec, _, found, err := c.getStory(ctx, s)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("story %s: %w", id, ErrNotFound)
		}
		if rec.MergedInto != "" {
			// Finishes a merge whose process stopped between marking and
			// absorbing; a no-op otherwise.
			if err := c.absorb(ctx, rec.MergedInto, rec); err != nil {
				return nil, err
			}
			s = rec.MergedInto
			continue
		}
		if rec.ID == "" {
			rec.ID = s
		}
		return rec.story(), nil
	}
	return nil, fmt.Errorf("story %s: merged more than %d times", id, maxAttempts)
}

func (c *Clusterer) getStory(ctx context.Context, id string) (storyRec, uint64, bool, error) {
	return readStory(ctx, c.stories, id)
}

// readStory reads story id from the stories bucket kv, with its revision.
func readStory(ctx context.Context, kv jetstream.KeyValue, id string) (storyRec, uint64, bool, error) {
	var rec storyRec
	e, err := kv.Get(ctx, storyKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return rec, 0, false, nil
	}
	if err != nil {
		return rec, 0, false, fmt.Errorf("story %s: read: %w", id, err)
	}
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		return rec, 0, false, fmt.Errorf("story %s: decode: %w", id, err)
	}
	return rec, e.Revision(), true, nil
}

// casStory writes rec as story id: a creation when rev is 0, else an update
// of revision rev. conflict reports that another writer came first and the
// caller should read again.
func (c *Clusterer) casStory(ctx context.Context, id string, rec storyRec, rev uint64) (conflict bool, err error) {
	data := mustJSON(rec)
	if rev == 0 {
		_, err = c.stories.Create(ctx, storyKey(id), data)
		if errors.Is(err, jetstream.ErrKeyExists) {
			return true, nil
		}
	} else {
		_, err = c.stories.Update(ctx, storyKey(id), data, rev)
		if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return true, nil
		}
	}
	if err != nil {
		return false, fmt.Errorf("story %s: write: %w", id, err)
	}
	return false, nil
}

// addMember records article o in story s, or in the story s was merged
// into, and returns the story that holds it. fresh is set by the process
// that created the article's a. record (see storyRec.add).
func (c *Clusterer) addMember(ctx context.Context, s string, o Outlet, fresh bool) (string, error) {
	for range maxAttempts {
		rec, rev, found, err := c.getStory(ctx, s)
		if err != nil {
			return "", err
		}
		if !found {
			rec = storyRec{ID: s}
		}
		if rec.MergedInto != "" {
			if err := c.absorb(ctx, rec.MergedInto, rec); err != nil {
				return "", err
			}
			s = rec.MergedInto
			continue
		}
		if !rec.add(o, fresh) {
			return s, nil
		}
		conflict, err := c.casStory(ctx, s, rec, rev)
		if err != nil {
			return "", err
		}
		if !conflict {
			return s, nil
		}
	}
	return "", fmt.Errorf("story %s: add %s: gave up after %d conflicting writes or merges", s, o.ArticleID, maxAttempts)
}

// mergeAll merges the given stories and returns the surviving one.
func (c *Clusterer) mergeAll(ctx context.Context, ids []string) (string, error) {
	cur := ids[0]
	for _, id := range ids[1:] {
		var err error
		if cur, err = c.merge(ctx, cur, id); err != nil {
			return "", err
		}
	}
	return cur, nil
}

// merge makes stories a and b (or the stories they were merged into) one
// story, named by the smaller ID, and returns it.
//
// Merges always go from the larger ID to the smaller, so chains of merges
// cannot form a cycle and every process that discovers the same pair, in
// any order, reaches the same result. The loser is first marked (after
// which no writer changes it: they follow the mark), then its counts are
// added to the winner, which remembers it absorbed the loser so a retried
// merge counts nothing twice.
func (c *Clusterer) merge(ctx context.Context, a, b string) (string, error) {
	for range maxAttempts {
		ra, err := c.resolve(ctx, a)
		if err != nil {
			return "", err
		}
		rb, err := c.resolve(ctx, b)
		if err != nil {
			return "", err
		}
		if ra == rb {
			return ra, nil
		}
		win, lose := min(ra, rb), max(ra, rb)
		frozen, target, err := c.markMerged(ctx, lose, win)
		if err != nil {
			return "", err
		}
		c.mu.Lock()
		known := c.aliases[lose] == target
		c.aliases[lose] = target
		c.mu.Unlock()
		if !known {
			if _, err := c.stories.Put(ctx, aliasKey(lose), []byte(target)); err != nil {
				return "", fmt.Errorf("story %s: record merge into %s: %w", lose, target, err)
			}
		}
		if err := c.absorb(ctx, target, frozen); err != nil {
			return "", err
		}
		if target == win {
			c.merges.Add(1)
			c.log.Info("merged stories", "story", win, "merged", lose)
			return c.resolve(ctx, win)
		}
		// lose had already been merged into another story: join that one
		// with win.
		a, b = target, win
	}
	return "", fmt.Errorf("story: merge %s and %s: gave up after %d attempts", a, b, maxAttempts)
}

// resolve follows the merge links of story s in KV, updating the in-memory
// aliases on the way.
func (c *Clusterer) resolve(ctx context.Context, s string) (string, error) {
	for range maxAttempts {
		e, err := c.stories.Get(ctx, aliasKey(s))
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return s, nil
		}
		if err != nil {
			return "", fmt.Errorf("story %s: read merge link: %w", s, err)
		}
		next := string(e.Value())
		if checkID(next) != nil || next >= s {
			return "", fmt.Errorf("story %s: corrupt merge link %q", s, next)
		}
		c.mu.Lock()
		c.aliases[s] = next
		c.mu.Unlock()
		s = next
	}
	return "", fmt.Errorf("story %s: merged more than %d times", s, maxAttempts)
}

// markMerged marks story lose as merged into win, unless it already was
// merged into some story. It returns the record as frozen by the mark and
// the story it now points to.
func (c *Clusterer) markMerged(ctx context.Context, lose, win string) (storyRec, string, error) {
	for range maxAttempts {
		rec, rev, found, err := c.getStory(ctx, lose)
		if err != nil {
			return rec, "", err
		}
		if !found {
			// The process that started the story has not written it yet;
			// the mark makes its write go to win.
			rec = storyRec{ID: lose}
		}
		if rec.MergedInto != "" {
			return rec, rec.MergedInto, nil
		}
		rec.MergedInto = win
		conflict, err := c.casStory(ctx, lose, rec, rev)
		if err != nil {
			return rec, "", err
		}
		if !conflict {
			return rec, win, nil
		}
	}
	return storyRec{}, "", fmt.Errorf("story %s: mark merged into %s: gave up after %d conflicting writes", lose, win, maxAttempts)
}

// absorb adds the frozen record of a merged story to story into (or the
// story into was itself merged into), once.
func (c *Clusterer) absorb(ctx context.Context, into string, from storyRec) error {
	if from.Articles == 0 && len(from.Outlets) == 0 && len(from.Absorbed) == 0 {
		return nil
	}
	for range maxAttempts {
		rec, rev, found, err := c.getStory(ctx, into)
		if err != nil {
			return err
		}
		if !found {
			rec = storyRec{ID: into}
		}
		if rec.MergedInto != "" {
			into = rec.MergedInto
			continue
		}
		if slices.Contains(rec.Absorbed, from.ID) {
			return nil
		}
		rec.absorb(from)
		conflict, err := c.casStory(ctx, into, rec, rev)
		if err != nil {
			return err
		}
		if !conflict {
			return nil
		}
	}
	return fmt.Errorf("story %s: absorb %s: gave up after %d conflicting writes", into, from.ID, maxAttempts)
}
