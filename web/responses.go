package web

import (
	"context"
	"fmt"
	"slices"

	"github.com/presswatch/presswatch/indexer"
)

// ResponseLabel is the label the rule pack's response signal gives an
// official response (a provincial body denying or correcting
// information). The classifier puts such an article on the story of the
// claim it answers, so a story's responses are its articles with this
// label.
const ResponseLabel = "official-response"

// maxResponses bounds the responses listed for one story.
const maxResponses = 20

// OfficialResponses lists the official responses published on a story,
// oldest first; none when the story is empty or nothing can search.
func OfficialResponses(ctx context.Context, s Searcher, storyID string) ([]indexer.Hit, error) {
	if s == nil || storyID == "" {
		return nil, nil
	}
	res, err := s.Search(ctx, indexer.SearchRequest{Stories: []string{storyID}, Labels: []string{ResponseLabel}, Sort: "newest", Limit: maxResponses})
	if err != nil {
		return nil, fmt.Errorf("official responses of story %s: %w", storyID, err)
	}
	hits := slices.Clone(res.Hits)
	slices.SortStableFunc(hits, func(a, b indexer.Hit) int { return a.Published.Compare(b.Published) })
	return hits, nil
}
