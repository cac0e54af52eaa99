package ui

import (
	"context"

	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/indexer"
)

// StoryVersions says which articles of a story are versions of another
// (updates and reposts by the same outlet), by article ID: the item each
// belongs to. story.Reader implements it.
type StoryVersions interface {
	Versions(ctx context.Context, storyID string) (map[string]string, error)
}

// storyItem is an article of a story as the article page lists it: once,
// with the versions of it that were found.
type storyItem struct {
	indexer.Hit
	Versions []indexer.Hit
}

// storyItems groups a story's articles (in time order) into its items,
// as story.GroupVersions does.
func storyItems(hits []indexer.Hit, versionOf map[string]string) []storyItem {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	out := make([]storyItem, 0, len(hits))
	for _, g := range story.GroupVersions(ids, versionOf) {
		it := storyItem{Hit: hits[g[0]]}
		for _, k := range g[1:] {
			it.Versions = append(it.Versions, hits[k])
		}
		out = append(out, it)
	}
	return out
}
