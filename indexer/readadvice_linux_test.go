package indexer

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/internal/readadvice"
	"github.com/presswatch/presswatch/internal/wait"
)

// Ended months are read by searches only, so their segments are read one
// page per miss; the current month's, and an ended month's while it is
// compacted, keep the kernel's read-ahead for the merges that read them
// through.
func TestEndedMonthsAreReadAtRandom(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	now := time.Now().UTC()
	ended := time.Date(2020, time.March, 3, 0, 0, 0, 0, time.UTC)
	var arts []*article.Article
	for i, published := range []time.Time{ended, now} {
		arts = append(arts, &article.Article{ID: fmt.Sprintf("r%d", i), URL: "https://r.example/", SourceID: "s", Lang: "vi",
			Title: "Lũ quét", Text: "Bài về lũ quét", Published: published})
	}
	if err := idx.IndexBatch(arts); err != nil {
		t.Fatal(err)
	}
	endedMonth, currentMonth := ended.Format("2006-01"), now.Format("2006-01")
	// advice is what the kernel holds for each partition's mapped
	// segments, once both have one (Bleve maps a segment once it is
	// persisted, in the background).
	advice := func() (map[string]readadvice.Advice, error) {
		idx.adviseReads()
		given, err := idx.adviser.Given()
		if err != nil {
			return nil, err
		}
		byMonth := map[string]readadvice.Advice{}
		for path, a := range given {
			if !strings.HasSuffix(path, ".zap") {
				continue
			}
			rel, _ := filepath.Rel(idx.adviser.Dir(), path)
			month, _, _ := strings.Cut(rel, string(filepath.Separator))
			if had, ok := byMonth[month]; ok && had != a {
				return nil, fmt.Errorf("partition %s has segments advised both %s and %s", month, had, a)
			}
			byMonth[month] = a
		}
		if len(byMonth) < 2 {
			return nil, fmt.Errorf("mapped segments so far: %v", given)
		}
		return byMonth, nil
	}
	want := func(endedAdvice readadvice.Advice) func() error {
		return func() error {
			got, err := advice()
			if err != nil {
				return err
			}
			if got[endedMonth] != endedAdvice || got[currentMonth] != readadvice.Normal {
				return fmt.Errorf("advice by month %v; want %s %s and %s normal", got, endedMonth, endedAdvice, currentMonth)
			}
			return nil
		}
	}
	wait.For(t, 10*time.Second, want(readadvice.Random))

	idx.setCompacting(endedMonth, true)
	wait.For(t, time.Second, want(readadvice.Normal))
	idx.setCompacting(endedMonth, false)
	wait.For(t, time.Second, want(readadvice.Random))
}
