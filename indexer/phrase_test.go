package indexer

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/internal/heavytest"
)

// TestPhraseQueryAgreesWithBleve checks phraseQuery against Bleve's own
// phrase query on random text from a small vocabulary (so that phrases
// repeat words and candidates often fail the position check), alone and
// inside a conjunction, which reaches it through Advance: the same
// matches, with the same scores.
func TestPhraseQueryAgreesWithBleve(t *testing.T) {
	heavytest.WithoutRace(t)
	rnd := rand.New(rand.NewPCG(3, 5))
	words := strings.Fields("lu quet muong cha dien bien nha dan")
	var arts []*article.Article
	for i := range 300 {
		var w []string
		for range 4 + rnd.IntN(30) {
			w = append(w, words[rnd.IntN(len(words))])
		}
		arts = append(arts, &article.Article{ID: fmt.Sprintf("d%03d", i), URL: "https://p.example/", SourceID: "s", Lang: "vi",
			Title: words[rnd.IntN(len(words))], Text: strings.Join(w, " "),
			Published: time.Date(2026, time.Month(1+i%3), 1, 0, 0, 0, 0, time.UTC)})
	}
	idx := openTestIndex(t)
	// Several batches: several segments per partition.
	for i := 0; i < len(arts); i += 50 {
		if err := idx.IndexBatch(arts[i : i+50]); err != nil {
			t.Fatal(err)
		}
	}
	run := func(q bq.Query, score string) []string {
		sr := bleve.NewSearchRequestOptions(q, 1000, 0, false)
		sr.Score = score
		res, err := idx.searchInContext(t.Context(), sr)
		if err != nil {
			t.Fatal(err)
		}
		// With the score: a phrase must rank among words as Bleve's
		// does, the sum of its terms' scores.
		var out []string
		for _, h := range res.Hits {
			out = append(out, fmt.Sprintf("%s:%.6g", h.ID, h.Score))
		}
		slices.Sort(out)
		return out
	}
	matched := 0
	for range 60 {
		var p []string
		for range 2 + rnd.IntN(3) {
			p = append(p, words[rnd.IntN(len(words))])
		}
		sparse := bleve.NewTermQuery(words[rnd.IntN(len(words))])
		sparse.SetField(fieldTitleFolded)
		for _, score := range []string{"", "none"} {
			want := run(bleve.NewPhraseQuery(p, fieldBodyFolded), score)
			got := run(newPhraseQuery(p, fieldBodyFolded), score)
			if !slices.Equal(got, want) {
				t.Errorf("%q score=%q:\n ours  %v\n bleve %v", p, score, got, want)
			}
			want = run(bleve.NewConjunctionQuery(sparse, bleve.NewPhraseQuery(p, fieldBodyFolded)), score)
			got = run(bleve.NewConjunctionQuery(sparse, newPhraseQuery(p, fieldBodyFolded)), score)
			if !slices.Equal(got, want) {
				t.Errorf("title %s AND %q score=%q:\n ours  %v\n bleve %v", sparse.Term, p, score, got, want)
			}
			matched += len(want)
			// Restricted to the documents matching sparse (within), the
			// phrase keeps its matches there and their scores.
			inSparse := map[string]bool{}
			for _, h := range run(sparse, "none") {
				inSparse[strings.Split(h, ":")[0]] = true
			}
			want = slices.DeleteFunc(run(newPhraseQuery(p, fieldBodyFolded), score), func(h string) bool { return !inSparse[strings.Split(h, ":")[0]] })
			restricted := newPhraseQuery(p, fieldBodyFolded)
			restricted.within = []bq.Query{sparse}
			if got := run(restricted, score); !slices.Equal(got, want) {
				t.Errorf("%q within title %s score=%q:\n within   %v\n filtered %v", p, sparse.Term, score, got, want)
			}
		}
	}
	if matched == 0 {
		t.Fatal("no phrase matched: the test checks nothing")
	}
}
