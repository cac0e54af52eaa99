package indexer_test

// Search quality on real Vietnamese news: the Dân Trí corpus of
// ../shared/testdata/corpus/vi-dantri (GPL, read at run time and never
// copied here) is indexed once, then
//
//   - the officer queries of testdata/search-quality/queries.yaml are run
//     and scored by precision and recall at 10 against judgements made by
//     reading the articles (the YAML holds file names and judgements only);
//   - queries that need the query language (AND/OR/NOT, NEAR, = exact mode)
//     run once a probe shows the index understands them, and are scored
//     apart;
//   - properties the brief promises are checked on the whole corpus: a query
//     typed without tone marks finds what the marked query finds, both tone
//     placements (hoà, hòa) are one word, and NFD text and NFC queries (and
//     the other way round) meet.
//
// The test uses only the package's exported API, so the indexer's internals
// can change under it.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/internal/heavytest"
	"github.com/presswatch/presswatch/textnorm"
)

// dantriDir is the corpus, reached from this package's directory.
const dantriDir = "../../shared/testdata/corpus/vi-dantri"

const queriesFile = "testdata/search-quality/queries.yaml"

// Floors for the mean precision and recall at 10: the first measured means
// minus a margin of 0.05 (2026-11-22, the index of the query-language
// change: core 0.470 / 0.802, operators 0.725 / 0.960; after the mapping
// dropped the separate exact fields, core 0.475 / 0.819; see the table the
// test logs). A drop below them means the ranking or the analysis got
// worse for real queries. Raise them when the index improves; lower them
// only with a reason written here. The operator floors apply when every
// query that needs the query language ran.
const (
	floorPrecision          = 0.42
	floorRecall             = 0.75
	floorOperatorsPrecision = 0.67
	// 0.89: fire-near-apartment's second article has "đám cháy." and
	// "chung cư" in two sentences, which NEAR no longer pairs.
	floorOperatorsRecall = 0.89
)

// topK is the page an officer reads: the first ten results.
const topK = 10

// corpusDoc is one file of the corpus as indexed.
type corpusDoc struct {
	file      string // file name, what the judgements name
	id        string
	url       string
	published time.Time
	title     string
	text      string
	raw       string // title and text as in the file, before any normalisation
}

// qualityQuery is one judged query of queries.yaml.
type qualityQuery struct {
	ID string `yaml:"id"`
	Q  string `yaml:"q"`
	// Why is the officer's intent, which the judgements follow.
	Why string `yaml:"why"`
	// Kind says what the query exercises (plain, toneless, old-tone,
	// phrase, boolean, near); informational.
	Kind []string `yaml:"kind"`
	// Needs names a query-language feature the query depends on
	// ("boolean", "near", "exact"); such a query runs only when a probe
	// shows the index supports the feature, and is reported apart from the
	// floors.
	Needs string `yaml:"needs"`
	// Relevant files answer the intent; MustFind ones must be in the top
	// ten whatever the ranking (the query names them unambiguously).
	Relevant []string `yaml:"relevant"`
	MustFind []string `yaml:"must_find"`
	// NotRelevant files are judged near misses (they share words with the
	// query but do not answer it); MustNot ones must not be in the top ten
	// at all (a phrase in the wrong order, an excluded term).
	NotRelevant []string `yaml:"not_relevant"`
	MustNot     []string `yaml:"must_not"`
}

type qualitySet struct {
	Queries []qualityQuery `yaml:"queries"`
}

func TestSearchQuality(t *testing.T) {
	heavytest.WithoutRace(t)
	if _, err := os.Stat(dantriDir); err != nil {
		t.Skipf("search quality needs the vi-dantri corpus at %s (../shared/testdata beside the project): %v", dantriDir, err)
	}
	docs := loadDantri(t, dantriDir)
	set := loadQualitySet(t, queriesFile, docs)
	idx := indexCorpus(t, docs)
	byID := make(map[string]*corpusDoc, len(docs))
	for i := range docs {
		byID[docs[i].id] = &docs[i]
	}
	s := &searcher{idx: idx, byID: byID}

	t.Run("judged queries", func(t *testing.T) { runJudged(t, s, set) })
	t.Run("toneless equals toned", func(t *testing.T) { checkToneless(t, s, set) })
	t.Run("tone placement", func(t *testing.T) { checkTonePlacement(t, s) })
	t.Run("NFD text and NFC queries", func(t *testing.T) { checkNormalisation(t, s, docs) })
}

// searcher runs queries and maps hits back to corpus files.
type searcher struct {
	idx  *indexer.Index
	byID map[string]*corpusDoc
}

// top returns the files of the first k hits of q and the total.
func (s *searcher) top(q string, k int) ([]string, uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.idx.Search(ctx, indexer.SearchRequest{Q: q, Limit: k, ExactTotal: true})
	if err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", q, err)
	}
	files := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		d, ok := s.byID[h.ID]
		if !ok {
			return nil, 0, fmt.Errorf("search %q: hit %s is not a corpus article", q, h.ID)
		}
		files = append(files, d.file)
	}
	return files, res.Total, nil
}

// mustTop is top that fails the test on error.
func (s *searcher) mustTop(t *testing.T, q string, k int) ([]string, uint64) {
	t.Helper()
	files, total, err := s.top(q, k)
	if err != nil {
		t.Fatal(err)
	}
	return files, total
}

// supports reports whether the index understands a query-language feature,
// by its behaviour: without the feature the operators are read as words,
// and a query that needs a word found in no article finds nothing.
func (s *searcher) supports(feature string) bool {
	var probes []string
	switch feature {
	case "boolean":
		// "zqxjkv" is in no article: as words, every probe finds nothing.
		probes = []string{"việt OR zqxjkv", "việt NOT zqxjkv", "(việt OR zqxjkv) AND nam"}
	case "near":
		// As words this is the phrase "near 3" and the words việt, nam;
		// no article has that phrase.
		probes = []string{"việt NEAR/3 nam", "việt ONEAR/3 nam"}
	case "exact":
		// Folded, "đuối nước" (drowning) is also "dưới nước" (under
		// water), which the corpus has far more often; exact mode must
		// find fewer articles, and some.
		_, exact, err := s.top(`="đuối nước"`, 1)
		if err != nil || exact == 0 {
			return false
		}
		_, folded, err := s.top(`"đuối nước"`, 1)
		return err == nil && exact < folded
	default:
		return false
	}
	for _, p := range probes {
		_, total, err := s.top(p, 1)
		if err != nil || total == 0 {
			return false
		}
	}
	return true
}

// judged is one query's outcome.
type judged struct {
	q                 qualityQuery
	top               []string
	total             uint64
	p, r              float64
	missed, forbidden []string
	unjudged          []string
}

// score computes precision and recall at 10. Precision is the share of the
// returned first page (up to ten hits) that is relevant, so a query whose
// only two answers come back alone scores 1; a query with no hit scores 0.
// Recall is the share of the relevant files in the top ten, out of at most
// ten (a query with more than ten relevant files can still reach 1).
// Files nobody judged count as not relevant and are listed, so that a
// change of ranking shows what to judge next.
func score(q qualityQuery, top []string) judged {
	rel := setOf(q.Relevant)
	known := setOf(q.NotRelevant)
	j := judged{q: q, top: top}
	hits := 0
	for _, f := range top {
		switch {
		case rel[f]:
			hits++
		case !known[f]:
			j.unjudged = append(j.unjudged, f)
		}
	}
	if len(top) > 0 {
		j.p = float64(hits) / float64(len(top))
	}
	j.r = float64(hits) / float64(min(len(q.Relevant), topK))
	in := setOf(top)
	for _, f := range q.MustFind {
		if !in[f] {
			j.missed = append(j.missed, f)
		}
	}
	for _, f := range q.MustNot {
		if in[f] {
			j.forbidden = append(j.forbidden, f)
		}
	}
	return j
}

func runJudged(t *testing.T, s *searcher, set qualitySet) {
	supported := map[string]bool{"": true}
	for _, q := range set.Queries {
		if _, ok := supported[q.Needs]; !ok {
			supported[q.Needs] = s.supports(q.Needs)
		}
	}
	var core, extra []judged
	var skipped []string
	for _, q := range set.Queries {
		if !supported[q.Needs] {
			skipped = append(skipped, fmt.Sprintf("%s (needs %s)", q.ID, q.Needs))
			continue
		}
		top, total, err := s.top(q.Q, topK)
		if err != nil {
			if q.Needs != "" && errors.Is(err, indexer.ErrBadQuery) {
				skipped = append(skipped, fmt.Sprintf("%s (needs %s: %v)", q.ID, q.Needs, err))
				continue
			}
			t.Fatalf("query %s: %v", q.ID, err)
		}
		j := score(q, top)
		j.total = total
		if q.Needs == "" {
			core = append(core, j)
		} else {
			extra = append(extra, j)
		}
	}
	if len(core) == 0 {
		t.Fatal("no judged query ran")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "search quality on %s: P@10 over the first page returned, R@10 out of min(relevant, 10)\n", dantriDir)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tquery\tkind\ttotal\trelevant\tP@10\tR@10\t")
	meanP, meanR := report(tw, core)
	fmt.Fprintf(tw, "MEAN (core, %d queries)\t\t\t\t\t%.3f\t%.3f\tfloors %.2f / %.2f\n", len(core), meanP, meanR, floorPrecision, floorRecall)
	var opsP, opsR float64
	if len(extra) > 0 {
		opsP, opsR = report(tw, extra)
		fmt.Fprintf(tw, "MEAN (query language, %d)\t\t\t\t\t%.3f\t%.3f\tfloors %.2f / %.2f when all run\n", len(extra), opsP, opsR, floorOperatorsPrecision, floorOperatorsRecall)
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "not run, the index does not support them yet: %s\n", strings.Join(skipped, ", "))
	}
	t.Log("\n" + b.String())

	for _, j := range append(core, extra...) {
		if len(j.missed) > 0 {
			t.Errorf("%s %q: must-find files not in the top %d: %v (top: %v)", j.q.ID, j.q.Q, topK, j.missed, j.top)
		}
		if len(j.forbidden) > 0 {
			t.Errorf("%s %q: files that must not match are in the top %d: %v", j.q.ID, j.q.Q, topK, j.forbidden)
		}
		if len(j.unjudged) > 0 {
			t.Logf("%s: unjudged files in the top %d (judge them in %s): %v", j.q.ID, topK, queriesFile, j.unjudged)
		}
	}
	if meanP < floorPrecision {
		t.Errorf("mean P@10 %.3f is below the floor %.2f", meanP, floorPrecision)
	}
	if meanR < floorRecall {
		t.Errorf("mean R@10 %.3f is below the floor %.2f", meanR, floorRecall)
	}
	if len(skipped) == 0 && len(extra) > 0 {
		if opsP < floorOperatorsPrecision {
			t.Errorf("mean P@10 of the query-language queries %.3f is below the floor %.2f", opsP, floorOperatorsPrecision)
		}
		if opsR < floorOperatorsRecall {
			t.Errorf("mean R@10 of the query-language queries %.3f is below the floor %.2f", opsR, floorOperatorsRecall)
		}
	}
}

// report writes one row per query and returns the means.
func report(w io.Writer, js []judged) (meanP, meanR float64) {
	for _, j := range js {
		q := j.q.Q
		if utf8.RuneCountInString(q) > 48 {
			q = string([]rune(q)[:47]) + "…"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%.3f\t%.3f\t\n", j.q.ID, q, strings.Join(j.q.Kind, ","), j.total, len(j.q.Relevant), j.p, j.r)
		meanP += j.p
		meanR += j.r
	}
	return meanP / float64(len(js)), meanR / float64(len(js))
}

// checkToneless runs every judged query that has marks again as an officer
// would type it on a keyboard without a Vietnamese input method (tones and
// diacritics dropped, đ as d). Typed with marks a query is narrower (it
// does not find words that differ by their marks): each article on its
// first page must be found typed without them too.
func checkToneless(t *testing.T, s *searcher, set qualitySet) {
	n := 0
	for _, q := range set.Queries {
		if q.Needs != "" {
			continue
		}
		bare := stripMarks(q.Q)
		if bare == q.Q {
			continue
		}
		n++
		marked, total := s.mustTop(t, q.Q, topK)
		if total == 0 {
			t.Errorf("%s %q finds nothing, so tone-insensitivity is not tested", q.ID, q.Q)
		}
		for _, f := range marked {
			if found, _ := s.finds(t, bare, f); !found {
				t.Errorf("%s: %q finds %s, %q does not", q.ID, q.Q, f, bare)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d judged queries carry marks; the property needs more cases", n)
	}
}

// checkTonePlacement: both placements of the tone in oa, oe, uy are the
// same word (the corpus writes both).
func checkTonePlacement(t *testing.T, s *searcher) {
	pairs := [][2]string{
		{"hoà bình", "hòa bình"},
		{"Khánh Hoà", "Khánh Hòa"},
		{"thuỷ điện", "thủy điện"},
		{"sức khoẻ", "sức khỏe"},
		{"hoả hoạn", "hỏa hoạn"},
		{"tàu thuỷ", "tàu thủy"},
		{`"Trương Hoà Bình"`, `"Trương Hòa Bình"`},
	}
	for _, p := range pairs {
		a, ta := s.mustTop(t, p[0], topK)
		b, tb := s.mustTop(t, p[1], topK)
		if ta == 0 {
			t.Errorf("%q finds nothing, so tone placement is not tested", p[0])
		}
		if ta != tb || !slices.Equal(a, b) {
			t.Errorf("%q (%d hits) and %q (%d hits) differ:\n  %v\n  %v", p[0], ta, p[1], tb, a, b)
		}
	}
}

// checkNormalisation: about fifty corpus files are not NFC. A phrase taken
// from a decomposed stretch of each, typed in NFC, must find the file; and
// phrases from NFC files, sent decomposed (NFD), must find theirs. This is
// about matching, not ranking, so the file is looked for among all hits
// (phrases are long enough to match a handful of articles).
func checkNormalisation(t *testing.T, s *searcher, docs []corpusDoc) {
	nfd := 0
	for _, d := range docs {
		at := firstNonNFC(d.raw)
		if at < 0 {
			continue
		}
		nfd++
		phrase := oneSentence(phraseAround(d.raw, at, phraseWords), at-strings.LastIndexByte(d.raw[:at], '\n')-1)
		if !strings.ContainsFunc(phrase, func(r rune) bool { return unicode.Is(unicode.Mn, r) }) {
			t.Fatalf("%s: the phrase %q holds no combining mark", d.file, phrase)
		}
		q := `"` + norm.NFC.String(phrase) + `"`
		if found, total := s.finds(t, q, d.file); !found {
			t.Errorf("%s is not NFC; the NFC query %s does not find it (%d hits)", d.file, q, total)
		}
	}
	// The README counts about 49 such files; far fewer means the corpus (or
	// this detection) changed and the property is no longer covered.
	if nfd < 40 {
		t.Errorf("found %d files that are not NFC, expected about 49", nfd)
	}
	checked := 0
	for i := 0; i < len(docs) && checked < 25; i += 97 {
		d := docs[i]
		if firstNonNFC(d.raw) >= 0 {
			continue
		}
		at := strings.IndexFunc(d.raw, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) })
		if at < 0 {
			continue
		}
		phrase := norm.NFD.String(oneSentence(phraseAround(d.raw, at, phraseWords), -1))
		if norm.NFC.String(phrase) == phrase {
			continue
		}
		checked++
		q := `"` + phrase + `"`
		if found, total := s.finds(t, q, d.file); !found {
			t.Errorf("%s: the NFD query %+q does not find it (%d hits)", d.file, q, total)
		}
	}
	if checked < 20 {
		t.Errorf("only %d NFC files checked against NFD queries", checked)
	}
}

// phraseWords is the length of the phrases checkNormalisation sends: long
// enough that a phrase is nearly unique to its article.
const phraseWords = 10

// finds reports whether q matches file at all, looking through every hit.
func (s *searcher) finds(t *testing.T, q, file string) (bool, uint64) {
	t.Helper()
	files, total := s.mustTop(t, q, indexer.MaxLimit)
	return slices.Contains(files, file), total
}

// firstNonNFC returns the byte offset of the first segment of s that NFC
// would change, or -1 when s is NFC.
func firstNonNFC(s string) int {
	n, err := norm.NFC.Span([]byte(s), true)
	if err == nil && n == len(s) {
		return -1
	}
	return n
}

// phraseAround returns up to n words of s around byte offset at, from the
// line (paragraph) holding it: a phrase does not run across paragraphs.
// Quotes are dropped since the phrase is quoted in the query.
func phraseAround(s string, at, n int) string {
	from := strings.LastIndexByte(s[:at], '\n') + 1
	to := len(s)
	if i := strings.IndexByte(s[at:], '\n'); i >= 0 {
		to = at + i
	}
	line := s[from:to]
	toks := textnorm.Tokenize(line)
	if len(toks) == 0 {
		return ""
	}
	i := sort.Search(len(toks), func(i int) bool { return toks[i].End > at-from })
	i = min(i, len(toks)-1)
	first := max(0, min(i-n/2, len(toks)-n))
	last := min(len(toks), first+n)
	return strings.ReplaceAll(line[toks[first].Start:toks[last-1].End], `"`, " ")
}

// oneSentence cuts a phrase to one sentence, since phrases do not match
// across sentences: the sentence holding a combining mark when mark is
// set, else the longest.
func oneSentence(phrase string, mark int) string {
	toks := textnorm.Tokenize(phrase)
	sent := textnorm.Sentences(nil, phrase, toks)
	best, bestLen := "", -1
	for i := 0; i < len(toks); {
		j := i
		for j+1 < len(toks) && sent[j+1] == sent[i] {
			j++
		}
		part := phrase[toks[i].Start:toks[j].End]
		hasMark := strings.ContainsFunc(part, func(r rune) bool { return unicode.Is(unicode.Mn, r) })
		if (mark < 0 || hasMark) && j-i > bestLen {
			best, bestLen = part, j-i
		}
		i = j + 1
	}
	return best
}

// stripMarks is what an officer types without a Vietnamese keyboard: no
// tones, no diacritics, d for đ, case kept. textnorm.Fold does this too
// (and lower-cases); this is written out independently on purpose, so that
// the test does not assume the indexer's own folding.
func stripMarks(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// loadDantri reads every article file: "# key = value" headers, then the
// title line, then paragraphs.
func loadDantri(t *testing.T, dir string) []corpusDoc {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "news_*.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no articles in %s (%v)", dir, err)
	}
	sort.Strings(paths)
	// Dân Trí dates are Vietnamese calendar days.
	ict := time.FixedZone("ICT", 7*3600)
	docs := make([]corpusDoc, 0, len(paths))
	for _, p := range paths {
		d, err := readDantri(p, ict)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	return docs
}

func readDantri(path string, loc *time.Location) (corpusDoc, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return corpusDoc{}, fmt.Errorf("read article: %w", err)
	}
	d := corpusDoc{file: filepath.Base(path)}
	var paras []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "# url = "):
			d.url = strings.TrimPrefix(line, "# url = ")
		case strings.HasPrefix(line, "# date = "):
			if d.published, err = time.ParseInLocation("20060102", strings.TrimPrefix(line, "# date = "), loc); err != nil {
				return corpusDoc{}, fmt.Errorf("read %s: %w", path, err)
			}
		case strings.HasPrefix(line, "# "):
		case d.title == "":
			d.title = line
		default:
			paras = append(paras, line)
		}
	}
	if err := sc.Err(); err != nil {
		return corpusDoc{}, fmt.Errorf("read %s: %w", path, err)
	}
	if d.url == "" || d.title == "" {
		return corpusDoc{}, fmt.Errorf("read %s: no url or no title", path)
	}
	if d.id, _, err = article.IDFromURL(d.url); err != nil {
		return corpusDoc{}, fmt.Errorf("read %s: %w", path, err)
	}
	d.text = strings.Join(paras, "\n")
	d.raw = d.title + "\n" + d.text
	return d, nil
}

// indexCorpus indexes docs into a fresh index in the test's temp dir, as
// the pipeline would have produced them.
func indexCorpus(t *testing.T, docs []corpusDoc) *indexer.Index {
	t.Helper()
	idx, err := indexer.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	arts := make([]*article.Article, 0, len(docs))
	for _, d := range docs {
		arts = append(arts, &article.Article{
			ID: d.id, URL: d.url, CanonicalURL: d.url, SourceID: "dantri", Site: "dantri.com.vn",
			Lang: "vi", Title: d.title, Text: d.text, Published: d.published, Fetched: d.published,
		})
	}
	// Indexing is the test's cost under the race detector. Batches in
	// publication order each fill one monthly partition (as the live
	// stream does) instead of a sliver of every month, and two writers
	// use both cores: batches of different articles commit independently.
	slices.SortStableFunc(arts, func(a, b *article.Article) int { return a.Published.Compare(b.Published) })
	start := time.Now()
	batches := make(chan []*article.Article)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			var first error
			for b := range batches {
				if err := idx.IndexBatch(b); err != nil && first == nil {
					first = err
				}
			}
			errs <- first
		}()
	}
	for i := 0; i < len(arts); i += 250 {
		batches <- arts[i:min(i+250, len(arts))]
	}
	close(batches)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	n, err := idx.Count()
	if err != nil || n != uint64(len(docs)) {
		t.Fatalf("indexed %d of %d articles (%v)", n, len(docs), err)
	}
	t.Logf("indexed %d articles in %s", n, time.Since(start).Round(time.Millisecond))
	return idx
}

// loadQualitySet reads the judged queries and checks the judgements are
// consistent with each other and name files that exist.
func loadQualitySet(t *testing.T, path string, docs []corpusDoc) qualitySet {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var set qualitySet
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&set); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	files := make(map[string]bool, len(docs))
	for _, d := range docs {
		files[d.file] = true
	}
	if n := len(set.Queries); n < 15 || n > 30 {
		t.Errorf("%s: %d queries; the set is meant to hold 15 to 30", path, n)
	}
	ids := map[string]bool{}
	for _, q := range set.Queries {
		where := fmt.Sprintf("%s: query %q", path, q.ID)
		switch {
		case q.ID == "" || ids[q.ID]:
			t.Errorf("%s: missing or repeated id", where)
		case strings.TrimSpace(q.Q) == "":
			t.Errorf("%s: empty q", where)
		case len(q.Relevant) == 0:
			t.Errorf("%s: no relevant file", where)
		case !slices.Contains([]string{"", "boolean", "near", "exact"}, q.Needs):
			t.Errorf("%s: needs %q is not boolean, near or exact", where, q.Needs)
		}
		ids[q.ID] = true
		rel, not := setOf(q.Relevant), setOf(q.NotRelevant)
		for _, f := range slices.Concat(q.Relevant, q.NotRelevant) {
			if !files[f] {
				t.Errorf("%s: %s is not a corpus file", where, f)
			}
		}
		for _, f := range q.Relevant {
			if not[f] {
				t.Errorf("%s: %s is judged both relevant and not", where, f)
			}
		}
		for _, f := range q.MustFind {
			if !rel[f] {
				t.Errorf("%s: must_find %s is not listed as relevant", where, f)
			}
		}
		for _, f := range q.MustNot {
			if !not[f] {
				t.Errorf("%s: must_not %s is not listed as not_relevant", where, f)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return set
}
