package story

import (
	"context"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// An outlet that updates an article, or publishes it again under another
// address, makes a version of it, not a new item of its story: the story
// did not spread. What counts as one outlet is outletOf; what counts as
// near-identical is Options.VersionThreshold (see doc.go for the
// measurements behind 0.75).

// outletOf names the outlet of an article for versions: its source, as
// everywhere presswatch counts outlets, and its site (the host, without
// "www." or "m."). The site keeps apart what one source name covers for
// many publishers: links officers submit (source "manual") and pages on
// one social network each configured as a source share a host but not a
// source, or a source but not a host. Empty means never a version.
func outletOf(source, site string) string {
	site = strings.ToLower(site)
	for _, p := range []string{"www.", "m."} {
		site = strings.TrimPrefix(site, p)
	}
	if source == "" && site == "" {
		return ""
	}
	return source + "|" + site
}

// versionOfLocked returns the item q is a version of, or "": among the
// matches of the same outlet whose text is at least VersionThreshold
// similar to q's, the closest one's item. A version of a version belongs
// to the first article's item, so an article updated five times is one
// item with six versions.
func (c *Clusterer) versionOfLocked(q *entry, ms []match) string {
	if q.outlet == "" {
		return ""
	}
	var best *match
	for i := range ms {
		m := &ms[i]
		if m.e.outlet != q.outlet || m.text < c.o.VersionThreshold || m.text == 0 {
			continue
		}
		if best == nil || m.text > best.text {
			best = m
		}
	}
	if best == nil {
		return ""
	}
	if best.e.item != "" {
		return best.e.item
	}
	return best.e.id
}

// nestVersions turns the stored list of a story's articles (items and
// versions, in time order) into its items, each with its versions.
func nestVersions(list []Outlet) []Outlet {
	ids := make([]string, len(list))
	of := make(map[string]string, len(list))
	for i, o := range list {
		ids[i] = o.ArticleID
		if o.VersionOf != "" {
			of[o.ArticleID] = o.VersionOf
		}
	}
	out := make([]Outlet, 0, len(list))
	for _, g := range GroupVersions(ids, of) {
		o := list[g[0]]
		for _, k := range g[1:] {
			o.Versions = append(o.Versions, list[k])
		}
		out = append(out, o)
	}
	return out
}

// GroupVersions groups a story's articles (their IDs, in time order) into
// its items: each group holds positions in ids, the item's first, then its
// versions'. versionOf gives the item of each version. A version whose
// item is not among ids (past the first 200 articles of a story) stands
// for the item, with the item's other versions after it.
func GroupVersions(ids []string, versionOf map[string]string) [][]int {
	listed := map[string]bool{}
	for _, id := range ids {
		if versionOf[id] == "" {
			listed[id] = true
		}
	}
	var groups [][]int
	at := map[string]int{} // item ID → its group
	var versions []int
	for i, id := range ids {
		item := versionOf[id]
		_, standIn := at[item]
		switch {
		case item == "":
			at[id] = len(groups)
			groups = append(groups, []int{i})
		case !listed[item] && !standIn:
			at[item] = len(groups)
			groups = append(groups, []int{i})
		default:
			versions = append(versions, i)
		}
	}
	for _, i := range versions {
		g := at[versionOf[ids[i]]]
		groups[g] = append(groups[g], i)
	}
	return groups
}

// Reader reads story records from the stories bucket for a process that
// does not cluster (the web role): what it shows of a story, never a
// write.
type Reader struct{ KV jetstream.KeyValue }

// Versions returns, for the story id (or the story it was merged into),
// the item each version among its first 200 articles belongs to, by
// article ID. An unknown story has none.
func (r Reader) Versions(ctx context.Context, id string) (map[string]string, error) {
	if err := checkID(id); err != nil {
		return nil, fmt.Errorf("story %q: %w", id, err)
	}
	out := map[string]string{}
	for range maxAttempts {
		rec, _, found, err := readStory(ctx, r.KV, id)
		if err != nil {
			return nil, err
		}
		if !found {
			return out, nil
		}
		// A merged story's record is frozen; the survivor lists its
		// articles too once it absorbed them, and until then the
		// frozen list is as good.
		for _, o := range rec.Outlets {
			if o.VersionOf != "" {
				out[o.ArticleID] = o.VersionOf
			}
		}
		if rec.MergedInto == "" || checkID(rec.MergedInto) != nil {
			return out, nil
		}
		id = rec.MergedInto
	}
	return out, nil
}
