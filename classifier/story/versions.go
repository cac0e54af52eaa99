package story

import "strings"

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
// versions, in time order) into its items, each with its versions. A
// version whose item is not listed (past the first 200 articles) stands
// for the item, with the item's other versions under it.
func nestVersions(list []Outlet) []Outlet {
	items := map[string]bool{}
	for _, o := range list {
		if o.VersionOf == "" {
			items[o.ArticleID] = true
		}
	}
	out := make([]Outlet, 0, len(list))
	at := map[string]int{} // item ID → its position in out
	var versions []Outlet
	for _, o := range list {
		switch {
		case o.VersionOf == "":
			at[o.ArticleID] = len(out)
			out = append(out, o)
		case !items[o.VersionOf] && !hasKey(at, o.VersionOf):
			at[o.VersionOf] = len(out)
			out = append(out, o)
		default:
			versions = append(versions, o)
		}
	}
	for _, o := range versions {
		i := at[o.VersionOf]
		out[i].Versions = append(out[i].Versions, o)
	}
	return out
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}
