package sentiment

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/internal/heavytest"
)

// corpusDir holds Vietnamese news articles from Dân trí, one per file,
// named by topic (news_business_001.txt). It is GPL-licensed and shared by
// the developers' machines: it is read in place, never copied into the
// repository.
const corpusDir = "/work/shared/testdata/corpus/vi-dantri"

// TestCorpusSanity scores a real corpus: every score must be bounded with
// evidence inside the text, and the lexicon must find something in most
// articles. The distribution by topic is logged for a reader to judge; it
// is not asserted, as topic names say little about an article's tone.
func TestCorpusSanity(t *testing.T) {
	heavytest.WithoutRace(t)
	if testing.Short() {
		t.Skip("reads a corpus of a few thousand articles")
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "news_*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no corpus at %s", corpusDir)
	}
	l := newLexicon(t)
	type stats struct {
		values        []float64
		neg, pos      int
		terms, tokens int
	}
	byTopic := map[string]*stats{}
	withEvidence := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := stripHeader(string(b))
		s := l.Score("vi", text)
		if math.IsNaN(s.Value) || s.Value < -1 || s.Value > 1 {
			t.Fatalf("%s: value %v out of [-1, 1]", filepath.Base(f), s.Value)
		}
		for _, e := range s.Terms {
			if e.Start < 0 || e.Start >= e.End || e.End > len(text) {
				t.Fatalf("%s: evidence %+v outside %d bytes", filepath.Base(f), e, len(text))
			}
		}
		if len(s.Terms) > 0 {
			withEvidence++
		}
		topic := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		topic = strings.TrimPrefix(topic[:strings.LastIndexByte(topic, '_')], "news_")
		st := byTopic[topic]
		if st == nil {
			st = &stats{}
			byTopic[topic] = st
		}
		st.values = append(st.values, s.Value)
		st.terms += len(s.Terms)
		st.tokens += s.Tokens
		switch s.Label() {
		case "negative":
			st.neg++
		case "positive":
			st.pos++
		}
	}
	topics := make([]string, 0, len(byTopic))
	for k := range byTopic {
		topics = append(topics, k)
	}
	slices.SortFunc(topics, func(a, b string) int {
		return compareFloat(mean(byTopic[a].values), mean(byTopic[b].values))
	})
	t.Logf("%-14s %5s %7s %7s %7s %6s %6s %10s", "topic", "n", "mean", "median", "p10", "neg%", "pos%", "terms/1000")
	for _, k := range topics {
		st := byTopic[k]
		v := slices.Sorted(slices.Values(st.values))
		n := float64(len(v))
		t.Logf("%-14s %5d %+7.3f %+7.3f %+7.3f %5.0f%% %5.0f%% %10.1f", k, len(v), mean(v), v[len(v)/2], v[len(v)/10],
			100*float64(st.neg)/n, 100*float64(st.pos)/n, 1000*float64(st.terms)/float64(max(st.tokens, 1)))
	}
	share := float64(withEvidence) / float64(len(files))
	t.Logf("%d articles, %.1f%% with evidence", len(files), 100*share)
	if share < 0.8 {
		t.Errorf("only %.1f%% of articles have any evidence, want at least 80%%", 100*share)
	}
}

// stripHeader drops the corpus's "# key = value" header lines.
func stripHeader(s string) string {
	for strings.HasPrefix(s, "# ") {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return ""
		}
		s = s[i+1:]
	}
	return s
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
