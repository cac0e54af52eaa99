package indexer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/internal/heavytest"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

func ids(res *SearchResult) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	slices.Sort(out)
	return out
}

// pageThrough follows the cursor for at most pages pages and returns the
// IDs in the order shown.
func pageThrough(t *testing.T, idx *Index, req SearchRequest, pages int) []string {
	t.Helper()
	var seen []string
	for range pages {
		page := mustSearch(t, idx, req)
		for _, h := range page.Hits {
			seen = append(seen, h.ID)
		}
		if page.NextCursor == "" {
			break
		}
		req.Cursor = page.NextCursor
	}
	return seen
}

func mustSearch(t *testing.T, idx *Index, req SearchRequest) *SearchResult {
	t.Helper()
	res, err := idx.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("%+v: %v", req, err)
	}
	return res
}

func TestPartitionsRetentionAndUpsertAcrossMonths(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := OpenWith(dir, Options{Retention: 60 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { idx.Close() }()
	mk := func(id string, month time.Month) *article.Article {
		return &article.Article{ID: id, URL: "https://x.example/" + id, SourceID: "s", Title: "Tin " + id, Text: "lũ quét " + id,
			Published: time.Date(2026, month, 10, 0, 0, 0, 0, time.UTC)}
	}
	if err := idx.IndexBatch([]*article.Article{mk("a", 8), mk("b", 10), mk("c", 11)}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(idx.Partitions(), ","); got != "2026-08,2026-10,2026-11" {
		t.Fatalf("partitions %s", got)
	}
	// The same article with a new date moves to its new month: one copy,
	// found by a date filter that reads only that month.
	moved := mk("b", 11)
	if err := idx.IndexBatch([]*article.Article{moved}); err != nil {
		t.Fatal(err)
	}
	if n, _ := idx.Count(); n != 3 {
		t.Errorf("count = %d after re-dating, want 3", n)
	}
	if got := ids(mustSearch(t, idx, SearchRequest{Q: "lu quet"})); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("search spans partitions: %v", got)
	}
	nov := SearchRequest{Q: "lu quet", From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	if got := ids(mustSearch(t, idx, nov)); strings.Join(got, ",") != "b,c" {
		t.Errorf("November: %v", got)
	}
	oct := SearchRequest{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if got := ids(mustSearch(t, idx, oct)); len(got) != 0 {
		t.Errorf("October after b moved out: %v", got)
	}
	// A crash between writing the new copy and deleting the old one
	// leaves both: searches show the article once, and its next upsert
	// removes the stale copy.
	octPart, err := idx.partition("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if err := octPart.Index("b", toDocument(mk("b", 10))); err != nil {
		t.Fatal(err)
	}
	if res := mustSearch(t, idx, SearchRequest{Q: "lu quet"}); strings.Join(ids(res), ",") != "a,b,c" || res.Total != 3 {
		t.Errorf("with a stale copy: %v (total %d)", ids(res), res.Total)
	}
	if err := idx.IndexBatch([]*article.Article{moved}); err != nil {
		t.Fatal(err)
	}
	if n, _ := idx.Count(); n != 3 {
		t.Errorf("count = %d after the stale copy's upsert, want 3", n)
	}
	dropped, err := idx.Prune(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if err != nil || strings.Join(dropped, ",") != "2026-08" {
		t.Fatalf("prune: %v %v", dropped, err)
	}
	if got := ids(mustSearch(t, idx, SearchRequest{})); strings.Join(got, ",") != "b,c" {
		t.Errorf("after retention: %v", got)
	}
	idx.Close()
	idx, err = OpenWith(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := idx.Count(); n != 2 {
		t.Errorf("after reopen: %d", n)
	}
}

func corpus() []*article.Article {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	return []*article.Article{
		{ID: "d1", URL: "https://a.example/1", SourceID: "bao-a", Site: "a.example", Tier: "local", Lang: "vi", Published: t0,
			Title: "Lũ quét ở Mường Chà", Text: "Mưa lớn gây lũ quét, nhiều nhà dân ở Mường Chà bị cuốn trôi.", Labels: []string{"crisis", "sensitive"}, Severity: "high"},
		{ID: "d2", URL: "https://b.example/2", SourceID: "bao-b", Site: "b.example", Tier: "central", Lang: "vi", Published: t0.Add(24 * time.Hour),
			Title: "Hòa bình và phát triển", Text: "Hội nghị bàn về hoà bình, thuỷ điện và giải phóng mặt bằng ở Điện Biên.", Byline: "Trần Hoà"},
		{ID: "d3", URL: "https://b.example/3", SourceID: "bao-b", Site: "b.example", Tier: "central", Lang: "vi", Published: t0.Add(48 * time.Hour),
			Title: "Hoa ban nở", Text: "Mùa hoa ban nở rộ khắp Điện Biên, du khách đổ về ngắm hoa.", Labels: []string{"tourism"}},
		{ID: "d4", URL: "https://c.example/4", SourceID: "intl", Site: "c.example", Tier: "foreign", Lang: "en", Published: t0.Add(72 * time.Hour),
			Title: "Flash floods in Dien Bien", Text: "Flash floods hit the province; the floods destroyed houses near the border.", Labels: []string{"crisis"}, Severity: "medium"},
	}
}

func TestQueryLanguageOnTheIndex(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	if err := idx.IndexBatch(corpus()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		q    string
		want string
	}{
		{`lu quet`, "d1"},
		{`"Mường Chà" AND NOT hoa`, "d1"},
		{`hoa`, "d2,d3"}, // folded: hòa, hoà and hoa
		{`="hòa"`, "d2"}, // exact: hòa and hoà, not hoa
		{`=hoa`, "d3"},
		{`thuy*`, "d2"},
		{`title:hoa`, "d2,d3"},
		{`author:hoa`, "d2"},
		{`lũ OR floods`, "d1,d4"},
		{`(lũ OR floods) AND label:crisis`, "d1,d4"},
		{`label:tourism OR lang:en`, "d3,d4"},
		{`tier:central NOT label:tourism`, "d2"},
		{`source:bao-b`, "d2,d3"},
		{`site:c.example`, "d4"},
		{`tier:="local"`, "d1"},
		{`flash NEAR/1 floods`, "d4"},
		{`houses NEAR/1 floods`, "d4"},
		{`border NEAR/3 floods`, ""},
		{`border NEAR/4 floods`, "d4"},
		{`floods ONEAR/3 houses`, "d4"},
		{`houses ONEAR/5 floods`, ""},
		{`"dien bien" NEAR/3 "giai phong"`, "d2"},
		{`NOT dien`, "d1"},
	}
	for _, c := range cases {
		res := mustSearch(t, idx, SearchRequest{Q: c.q, Limit: 100})
		if got := strings.Join(ids(res), ","); got != c.want {
			t.Errorf("%s: got %q, want %q", c.q, got, c.want)
		}
	}
	if _, err := idx.Search(context.Background(), SearchRequest{Q: "lũ AND"}); err == nil || !strings.Contains(err.Error(), "col") {
		t.Errorf("bad query error: %v", err)
	}
}

func TestFiltersFacetsAndCursor(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	if err := idx.IndexBatch(corpus()); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		req  SearchRequest
		want string
	}{
		{SearchRequest{Sources: []string{"bao-b"}}, "d2,d3"},
		{SearchRequest{Tiers: []string{"foreign", "local"}}, "d1,d4"},
		{SearchRequest{Langs: []string{"en"}}, "d4"},
		{SearchRequest{Labels: []string{"crisis"}, Severities: []string{"high"}}, "d1"},
		{SearchRequest{From: t0.Add(24 * time.Hour), To: t0.Add(72 * time.Hour)}, "d2,d3"},
		{SearchRequest{Q: "dien bien", Sites: []string{"b.example"}}, "d2,d3"},
	}
	for _, c := range cases {
		if got := strings.Join(ids(mustSearch(t, idx, c.req)), ","); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.req, got, c.want)
		}
	}
	res := mustSearch(t, idx, SearchRequest{Facets: true, From: t0, To: t0.Add(5 * 24 * time.Hour)})
	facet := func(name, value string) int {
		for _, f := range res.Facets[name] {
			if f.Value == value {
				return f.Count
			}
		}
		return 0
	}
	if facet("source", "bao-b") != 2 || facet("label", "crisis") != 2 || facet("lang", "vi") != 3 || facet("tier", "foreign") != 1 {
		t.Errorf("facets = %+v", res.Facets)
	}
	if len(res.PerDay) != 5 || res.PerDay[0].Value != "2026-11-01" || res.PerDay[0].Count != 1 || res.PerDay[4].Count != 0 {
		t.Errorf("per day = %+v", res.PerDay)
	}
	// Deep paging with the cursor visits every document once, newest first.
	seen := pageThrough(t, idx, SearchRequest{Limit: 1, Sort: "newest"}, 10)
	if strings.Join(seen, ",") != "d4,d3,d2,d1" {
		t.Errorf("cursor pages: %v", seen)
	}
	// Relevance pages page by offset and give the same order as one big
	// page.
	inOrder := func(res *SearchResult) []string {
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	all := inOrder(mustSearch(t, idx, SearchRequest{Q: "dien OR bien OR lu OR mua", Limit: 10}))
	seen = pageThrough(t, idx, SearchRequest{Q: "dien OR bien OR lu OR mua", Limit: 1}, 10)
	if len(all) < 2 || strings.Join(seen, ",") != strings.Join(all, ",") {
		t.Errorf("relevance cursor pages %v, one page %v", seen, all)
	}
	newestCursor := mustSearch(t, idx, SearchRequest{Limit: 1, Sort: "newest"}).NextCursor
	for _, bad := range []SearchRequest{
		{Cursor: "garbage"},
		{Q: "dien", Cursor: newestCursor},      // a newest-first cursor on a relevance search
		{Q: "dien", Offset: maxRelevanceDepth}, // deeper than relevance pages go
	} {
		if _, err := idx.Search(context.Background(), bad); !errors.Is(err, ErrBadQuery) {
			t.Errorf("%+v: err %v, want ErrBadQuery", bad, err)
		}
	}
	if _, err := idx.Search(context.Background(), SearchRequest{Severities: []string{"urgent"}}); err == nil {
		t.Error("bad severity accepted")
	}
}

// TestSearchAgreesWithEval is the brief's property: for any document and
// query, the Bleve back end and the in-memory matcher agree.
func TestSearchAgreesWithEval(t *testing.T) {
	heavytest.WithoutRace(t)
	rnd := rand.New(rand.NewPCG(7, 11))
	// Words that fold alike but differ by marks, English and French
	// inflections, and sentence punctuation between them; some fields
	// written without marks; articles in Vietnamese, English and French.
	words := []string{"lũ", "lu", "quét", "Mường", "Chà", "hòa", "hoà", "hoa", "bình", "thủy", "điện", "dien", "đất", "sạt", "lở", "flood", "floods", "Điện", "Biên", "dân", "nhà",
		"lô", "diễn", "biến", "khiếu", "khiêu", "nại", "fires", "fire", "forest", "rumeurs", "rumeur", "cruel", "crue", "TP", "HCM"}
	seps := []string{" ", " ", " ", " ", ", ", ". ", "; ", "\n", "! ", " TP. "}
	join := func(ws []string) string {
		var b strings.Builder
		for i, w := range ws {
			if i > 0 {
				b.WriteString(seps[rnd.IntN(len(seps))])
			}
			b.WriteString(w)
		}
		if rnd.IntN(4) == 0 {
			return textnorm.Fold(b.String())
		}
		return b.String()
	}
	labels := []string{"crisis", "sensitive", "tourism"}
	var arts []*article.Article
	docs := map[string]*query.Document{}
	for i := range 120 {
		n := 3 + rnd.IntN(12)
		var tw, xw []string
		for range 1 + rnd.IntN(4) {
			tw = append(tw, words[rnd.IntN(len(words))])
		}
		for range n {
			xw = append(xw, words[rnd.IntN(len(words))])
		}
		a := &article.Article{ID: fmt.Sprintf("p%03d", i), URL: fmt.Sprintf("https://p.example/%d", i), SourceID: []string{"s1", "s2"}[i%2],
			Lang: []string{"vi", "vi", "en", "fr", ""}[rnd.IntN(5)], Tier: "local", Site: "p.example",
			Title: join(tw), Text: join(xw), Labels: []string{labels[rnd.IntN(3)]},
			Published: time.Date(2026, 11, 1+i%20, 0, 0, 0, 0, time.UTC)}
		arts = append(arts, a)
		docs[a.ID] = &query.Document{
			Text:     map[string]string{query.FieldTitle: a.Title, query.FieldText: a.Text},
			Keywords: map[string][]string{query.FieldSource: {a.SourceID}, query.FieldLang: {a.Lang}, query.FieldTier: {a.Tier}, query.FieldSite: {a.Site}, query.FieldLabel: a.Labels},
		}
	}
	idx := openTestIndex(t)
	if err := idx.IndexBatch(arts); err != nil {
		t.Fatal(err)
	}
	leaf := func() string {
		w := words[rnd.IntN(len(words))]
		switch rnd.IntN(12) {
		case 0:
			return `"` + w + " " + words[rnd.IntN(len(words))] + `"`
		case 1:
			return "=" + w
		case 2:
			if r := []rune(strings.ToLower(w)); len(r) >= 4 {
				return []string{"", "=", "~"}[rnd.IntN(3)] + string(r[:3]) + "*"
			}
		case 7:
			return "~" + w
		case 8:
			return `~"` + w + " " + words[rnd.IntN(len(words))] + `"`
		case 9:
			return `="` + w + " " + words[rnd.IntN(len(words))] + `"`
		case 3:
			return "title:" + w
		case 4:
			return "label:" + labels[rnd.IntN(3)]
		case 5:
			return "lang:vi"
		case 6:
			if rnd.IntN(2) == 0 {
				return "text:" + w
			}
		}
		return w
	}
	var gen func(depth int) string
	gen = func(depth int) string {
		if depth == 0 {
			return leaf()
		}
		switch rnd.IntN(6) {
		case 0:
			return "(" + gen(depth-1) + " OR " + gen(depth-1) + ")"
		case 1:
			if rnd.IntN(2) == 0 {
				return gen(depth-1) + " AND NOT " + leaf()
			}
			return gen(depth-1) + " AND NOT (" + leaf() + fmt.Sprintf(" NEAR/%d ", 1+rnd.IntN(3)) + leaf() + ")"
		case 2:
			return leaf() + fmt.Sprintf(" NEAR/%d ", 1+rnd.IntN(3)) + leaf()
		case 3:
			return leaf() + fmt.Sprintf(" ONEAR/%d ", 1+rnd.IntN(3)) + leaf()
		}
		return gen(depth-1) + " " + gen(depth-1)
	}
	checked, nonEmpty := 0, 0
	for range 400 {
		q := gen(rnd.IntN(3))
		node, err := query.Parse(q, query.Options{})
		if err != nil {
			continue // e.g. a field scope on a NEAR operand the parser refuses
		}
		var want []string
		for id, d := range docs {
			if query.Eval(node, d) {
				want = append(want, id)
			}
		}
		slices.Sort(want)
		res := mustSearch(t, idx, SearchRequest{Q: q, Limit: MaxLimit})
		got := ids(res)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s:\n search %v\n   eval %v", q, got, want)
		}
		if !res.TotalIsLowerBound && res.Total != uint64(len(want)) {
			t.Errorf("%s: total %d, want %d", q, res.Total, len(want))
		}
		// Small pages, which cross from the title tier to the rest
		// (rankedSearch), still show every match once, in the order of
		// the single page.
		paged := pageThrough(t, idx, SearchRequest{Q: q, Limit: 4}, 40)
		var single []string
		for _, h := range res.Hits {
			single = append(single, h.ID)
		}
		if strings.Join(paged, ",") != strings.Join(single, ",") {
			t.Errorf("%s: pages of 4\n %v\n one page\n %v", q, paged, single)
		}
		checked++
		if len(want) > 0 {
			nonEmpty++
		}
	}
	if checked < 200 || nonEmpty < 50 {
		t.Errorf("only %d queries checked, %d with matches: the generator is too narrow", checked, nonEmpty)
	}
}

func TestTitleTierRankingPhrasesAndCountCap(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var arts []*article.Article
	add := func(id, title, text string) {
		arts = append(arts, &article.Article{ID: id, URL: "https://t.example/" + id, SourceID: "s", Lang: "vi",
			Title: title, Text: text, Published: t0.Add(time.Duration(len(arts)) * time.Hour)})
	}
	// Many articles mention the flood in passing, with the words many
	// times; one is about it (title).
	for i := range 30 {
		add(fmt.Sprintf("m%02d", i), "Tin trong ngày", strings.Repeat("Sau trận lũ quét, người dân dọn dẹp. ", 5))
	}
	add("about", "Lũ quét ở Mường Chà", "Chính quyền đã sơ tán các hộ dân.")
	// The end of the title and the start of the text are not a phrase.
	add("edge", "Người dân vùng lũ", "Quét dọn nhà cửa sau mưa.")
	if err := idx.IndexBatch(arts); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"lu quet", `"lu quet"`, "lu AND quet"} {
		res := mustSearch(t, idx, SearchRequest{Q: q, Limit: 5})
		if len(res.Hits) == 0 || res.Hits[0].ID != "about" {
			t.Errorf("%s: the article with the words in its title is not first: %v", q, ids(res))
		}
		if q == `"lu quet"` {
			if res.Total != 31 || res.TotalIsLowerBound {
				t.Errorf("%s: total %d (lower bound %v), want 31: the title's end and the text's start made a phrase?", q, res.Total, res.TotalIsLowerBound)
			}
		}
	}
	// Counting stops at the cap and says so.
	var many []*article.Article
	for i := range 1100 {
		many = append(many, &article.Article{ID: fmt.Sprintf("x%04d", i), URL: "https://t.example/x", SourceID: "s", Lang: "vi",
			Title: "Lũ quét", Text: "Lũ quét ở xã " + fmt.Sprint(i), Published: t0})
	}
	if err := idx.IndexBatch(many); err != nil {
		t.Fatal(err)
	}
	phrase := SearchRequest{Q: `"lu quet"`, Limit: 5}
	// A phrase is not counted past the tiers the page needed: the 1,101
	// with the phrase in the title, of 1,131.
	if res := mustSearch(t, idx, phrase); res.Total != 1101 || !res.TotalIsLowerBound {
		t.Errorf("phrase count: %d (lower bound %v), want 1101+", res.Total, res.TotalIsLowerBound)
	}
	phrase.ExactTotal = true
	if res := mustSearch(t, idx, phrase); res.Total != 1131 || res.TotalIsLowerBound {
		t.Errorf("exact phrase count: %d (lower bound %v), want 1131", res.Total, res.TotalIsLowerBound)
	}
	phrase.ExactTotal, phrase.Facets = false, true
	if res := mustSearch(t, idx, phrase); res.Total != 1131 || res.TotalIsLowerBound {
		t.Errorf("phrase count with facets: %d (lower bound %v), want 1131", res.Total, res.TotalIsLowerBound)
	}
	n, capped, err := idx.count(context.Background(), mustCompile(t, "dan"), time.Time{}, time.Time{}, 10)
	if err != nil || n != 10 || !capped {
		t.Errorf("count capped at 10: %d %v %v", n, capped, err)
	}
	n, capped, err = idx.count(context.Background(), mustCompile(t, "dan"), time.Time{}, time.Time{}, 100)
	if err != nil || n != 32 || capped {
		t.Errorf("count under the cap: %d %v %v, want 32", n, capped, err)
	}
	n, capped, err = idx.count(context.Background(), mustCompile(t, "quet"), time.Time{}, time.Time{}, math.MaxUint64)
	if err != nil || n != 1132 || capped {
		t.Errorf("count without a cap: %d %v %v, want 1132", n, capped, err)
	}
}

func mustCompile(t *testing.T, q string) bq.Query {
	t.Helper()
	node, err := query.Parse(q, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := compile(node)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tierMonths are two months of the title-tier tests, the newer second.
var tierMonths = [2]time.Time{time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)}

// titled is an article of the title-tier tests.
func titled(id, title, text string, at time.Time) *article.Article {
	return &article.Article{ID: id, URL: "https://t.example/" + id, SourceID: "s", Lang: "vi", Title: title, Text: text, Published: at}
}

// Within a tier the newer month comes first: the best-scored title match
// (the shortest title) of an older month ranks below a newer one, and both
// above a newer article with the words only in its text.
func TestTitleTiersGoNewestMonthFirst(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	sep, nov := tierMonths[0], tierMonths[1]
	arts := []*article.Article{
		titled("old", "Lũ quét", "Nước rút.", sep),
		titled("new", "Mưa lớn kéo dài gây lũ quét ở nhiều xã vùng cao của huyện Mường Chà", "Nước rút.", nov),
		titled("text", "Tin trong ngày", "Sau trận lũ quét, người dân dọn dẹp.", nov.Add(time.Hour)),
	}
	// Both months alike otherwise, so that their scores compare.
	for i := range 20 {
		for _, at := range []time.Time{sep, nov} {
			arts = append(arts, titled(fmt.Sprintf("f%s%d", at.Format("01"), i), "Thời tiết hôm nay", "Trời nắng.", at))
		}
	}
	if err := idx.IndexBatch(arts); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"lu quet", `"lu quet"`, "lu AND quet"} {
		var got []string
		for _, h := range mustSearch(t, idx, SearchRequest{Q: q}).Hits {
			got = append(got, h.ID)
		}
		if strings.Join(got, ",") != "new,old,text" {
			t.Errorf("%s: %v, want new,old,text", q, got)
		}
	}
}

// Words typed together rank first among the titles holding all of them
// when the title has them together, though a shorter title without
// scores higher; an older month's title with them all still ranks above a
// newer one with one of the words, past a newer month where no title holds
// them all; titles with the folded words together but not the marked ones
// are not in the first tier.
func TestWordsTogetherInTheTitleRankFirst(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	sep, nov := tierMonths[0], tierMonths[1]
	arts := []*article.Article{
		titled("apart", "Quét dọn sau lũ", "Nước rút.", sep),
		titled("together", "Mưa lớn kéo dài gây lũ quét ở nhiều xã vùng cao của huyện Mường Chà", "Nước rút.", sep.Add(time.Hour)),
		titled("one", "Lũ về bản", "Người dân quét dọn.", nov),
	}
	// Titles with the folded words together but not the marked ones:
	// the phrase of the folded words must not rank them.
	for i := range 30 {
		arts = append(arts, titled(fmt.Sprintf("lo%02d", i), "Lô đất lu quét vôi", "Lũ quét ở xã bên.", nov.Add(time.Duration(i)*time.Minute)))
	}
	if err := idx.IndexBatch(arts); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"lũ quét", "lũ AND quét"} {
		var got []string
		for _, h := range mustSearch(t, idx, SearchRequest{Q: q, Limit: 3}).Hits {
			got = append(got, h.ID)
		}
		if strings.Join(got, ",") != "together,apart,one" {
			t.Errorf("%s: %v, want together,apart,one", q, got)
		}
	}
}

// Publication times count to the second, as they are shown: a filter bound
// with a fraction of a second compares with the shown time.
func TestDateFilterCountsWholeSeconds(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	at := time.Date(2026, 11, 20, 12, 0, 0, 700_000_000, time.UTC) // shown 12:00:00
	if err := idx.IndexBatch([]*article.Article{{ID: "a", URL: "https://t.example/a", SourceID: "s", Lang: "vi",
		Title: "Lũ quét", Text: "Nước rút.", Published: at}}); err != nil {
		t.Fatal(err)
	}
	sec := at.Truncate(time.Second)
	for _, tt := range []struct {
		from, to time.Time
		want     int
	}{
		{sec, time.Time{}, 1},
		{sec.Add(500 * time.Millisecond), time.Time{}, 0}, // after the shown time
		{sec.Add(-time.Second), sec, 0},                   // to is exclusive
		{time.Time{}, sec.Add(200 * time.Millisecond), 1},
		{sec.Add(-time.Hour), sec.Add(time.Second), 1},
	} {
		for _, sort := range []string{"relevance", "newest"} {
			res := mustSearch(t, idx, SearchRequest{Q: "lu", From: tt.from, To: tt.to, Sort: sort})
			if len(res.Hits) != tt.want {
				t.Errorf("from %s to %s (%s): %d hits, want %d", tt.from.Format(time.RFC3339Nano), tt.to.Format(time.RFC3339Nano), sort, len(res.Hits), tt.want)
			}
		}
	}
	if v, err := idx.Get(context.Background(), "a"); err != nil || !v.Published.Equal(sec) {
		t.Errorf("Get: published %v (%v), want %v", v.Published, err, sec)
	}
}

// Past the title tiers a phrase goes week by week, newest first: the
// phrase repeated in an article early in the month ranks below a single
// mention in its last week. A word query ranks the month by score.
func TestPhraseTextMatchesGoNewestWeekFirst(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	early := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	late := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	arts := []*article.Article{
		{ID: "early", URL: "https://t.example/e", SourceID: "s", Lang: "vi", Title: "Tin sáng", Text: strings.Repeat("Lũ quét. ", 8), Published: early},
		{ID: "late", URL: "https://t.example/l", SourceID: "s", Lang: "vi", Title: "Tin chiều", Text: "Người dân kể về trận lũ quét năm ngoái.", Published: late},
	}
	for i := range 20 {
		arts = append(arts, &article.Article{ID: fmt.Sprintf("f%02d", i), URL: "https://t.example/f", SourceID: "s", Lang: "vi",
			Title: "Thời tiết", Text: "Trời nắng.", Published: early.AddDate(0, 0, i%25)})
	}
	if err := idx.IndexBatch(arts); err != nil {
		t.Fatal(err)
	}
	order := func(q string) string {
		var got []string
		for _, h := range mustSearch(t, idx, SearchRequest{Q: q}).Hits {
			got = append(got, h.ID)
		}
		return strings.Join(got, ",")
	}
	if got := order(`"lu quet"`); got != "late,early" {
		t.Errorf(`"lu quet": %s, want late,early`, got)
	}
	if got := order(`lu AND quet`); got != "early,late" {
		t.Errorf("lu AND quet: %s, want early,late (by score within the month)", got)
	}
}
