package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

func openTestIndex(t *testing.T) *Index {
	t.Helper()
	idx, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	return idx
}

func testArticles() []*article.Article {
	t0 := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	return []*article.Article{
		{ID: "a1", URL: "https://baodienbien.example/a1", SourceID: "s", Lang: "vi", Published: t0,
			Title: "Lũ quét ở Mường Chà", Text: "Trận lũ quét đêm qua làm nhiều nhà dân ở huyện Mường Chà bị cuốn trôi.",
			Labels: []string{"crisis", "sensitive"}, Severity: article.SeverityHigh},
		{ID: "a2", URL: "https://baodienbien.example/a2", SourceID: "s", Lang: "vi", Published: t0.Add(time.Hour),
			Title: "Mùa hoa ban", Text: "Thuỷ điện và hoà bình: du khách đổ về Điện Biên ngắm hoa ban."},
		{ID: "a3", URL: "https://news.example/a3", SourceID: "e", Lang: "en", Published: t0.Add(2 * time.Hour),
			Title: "Floods <script>alert(1)</script> in Dien Bien", Text: "Floods & <b>landslides</b> hit the province of Dien Bien."},
		{ID: "a4", URL: "https://news.example/a4", SourceID: "e", Lang: "en", Published: t0.Add(-time.Hour),
			Title: "A new road for Dien Bien's north", Text: "About 1.000 people were tested for COVID-19."},
	}
}

func TestSearchIsToneInsensitiveAndMarksSnippets(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	if err := idx.IndexBatch(testArticles()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		q    string
		want []string
	}{
		{"lu quet", []string{"a1"}},
		{"lũ quét", []string{"a1"}},
		{"LŨ QUÉT mường chà", []string{"a1"}},
		{`"muong cha"`, []string{"a1"}},
		{`"cha muong"`, nil},
		{"thủy điện", []string{"a2"}}, // old tone placement in the text
		{"hòa bình", []string{"a2"}},
		{"dien bien", []string{"a3", "a2", "a4"}},
		{"", []string{"a3", "a2", "a1", "a4"}},
		{"nowhere", nil},
		{"Bien's", []string{"a4"}},
		{"1.000", []string{"a4"}},
		{"covid-19", []string{"a4"}},
	}
	for _, c := range cases {
		res, err := idx.Search(context.Background(), SearchRequest{Q: c.q})
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if c.q != "" {
			// Relevance order among equals is Bleve's business; the set is ours.
			slices.Sort(got)
			c.want = slices.Sorted(slices.Values(c.want))
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") || res.Total != uint64(len(c.want)) {
			t.Errorf("%q: got %v (total %d), want %v", c.q, got, res.Total, c.want)
		}
	}
	res, err := idx.Search(context.Background(), SearchRequest{Q: "lu quet"})
	if err != nil {
		t.Fatal(err)
	}
	h := res.Hits[0]
	if !strings.Contains(h.Snippet, "<mark>lũ quét</mark>") && !strings.Contains(h.Snippet, "<mark>lũ</mark> <mark>quét</mark>") {
		t.Errorf("snippet %q does not mark the match", h.Snippet)
	}
	if h.URL == "" || h.Title != "Lũ quét ở Mường Chà" || h.Lang != "vi" || h.Published.IsZero() || strings.Join(h.Labels, ",") != "crisis,sensitive" {
		t.Errorf("hit fields = %+v", h)
	}
	res, err = idx.Search(context.Background(), SearchRequest{Q: "landslides"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("landslides: %v %+v", err, res)
	}
	if s := res.Hits[0].Snippet; strings.Contains(s, "<b>") || !strings.Contains(s, "&lt;b&gt;<mark>landslides</mark>&lt;/b&gt;") {
		t.Errorf("snippet not escaped: %q", s)
	}
}

func TestUpsertByIDKeepsOneDocument(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	arts := testArticles()
	if err := idx.IndexBatch(arts); err != nil {
		t.Fatal(err)
	}
	changed := *arts[0]
	changed.Labels = []string{"misleading"}
	if err := idx.IndexBatch([]*article.Article{&changed}); err != nil {
		t.Fatal(err)
	}
	n, _ := idx.Count()
	if n != 4 {
		t.Errorf("count = %d, want 4", n)
	}
	res, _ := idx.Search(context.Background(), SearchRequest{Q: "lu quet"})
	if len(res.Hits) != 1 || strings.Join(res.Hits[0].Labels, ",") != "misleading" {
		t.Errorf("after reclassification: %+v", res.Hits)
	}
}

func TestBadQueryAndTimeout(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	if _, err := idx.Search(context.Background(), SearchRequest{Q: `"unterminated`}); !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), "col 1") {
		t.Errorf("unterminated phrase: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := idx.Search(ctx, SearchRequest{Q: "x"}); err == nil {
		t.Error("search with a cancelled context succeeded")
	}
}

func TestIndexSurvivesReopen(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.IndexBatch(testArticles()); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if n, _ := idx.Count(); n != 4 {
		t.Errorf("after reopen count = %d", n)
	}
}

func TestWriterIndexesFromBusAndDeadLettersGarbage(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	idx := openTestIndex(t)
	w, err := NewWriter(idx, b, WriterOptions{Replica: "t", BatchSize: 10, BatchInterval: 100 * time.Millisecond}, slogDiscard(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, a := range testArticles() {
		data, _ := json.Marshal(a)
		if err := b.Publish(ctx, bus.SubjectClassified, a.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Publish(ctx, bus.SubjectClassified, "garbage", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- w.Run(rctx) }()
	wait.For(t, 20*time.Second, func() error {
		n, _ := idx.Count()
		dl, _ := b.DeadLetterCount(ctx)
		if n == 4 && dl == 1 {
			return nil
		}
		return fmt.Errorf("indexed %d, dead-lettered %d; want 4 and 1", n, dl)
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestThaiAndChineseAreSearchable(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	arts := []*article.Article{
		{ID: "th", URL: "https://th.example/1", SourceID: "t", Lang: "th", Title: "ข่าวภาคเหนือ", Text: "ฝนตกหนักทำให้น้ำท่วมหลายหมู่บ้านในจังหวัดน่าน"},
		{ID: "zh", URL: "https://zh.example/1", SourceID: "z", Lang: "zh", Title: "新闻", Text: "奠边省发生洪水灾害，多所房屋被冲毁。"},
	}
	if err := idx.IndexBatch(arts); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{`"น้ำท่วม"`: "th", "น้ำท่วม": "th", "洪水": "zh", `"洪水灾害"`: "zh", "灾洪": ""} {
		res, err := idx.Search(context.Background(), SearchRequest{Q: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		got := ""
		if len(res.Hits) == 1 {
			got = res.Hits[0].ID
			if !strings.Contains(res.Hits[0].Snippet, "<mark>") {
				t.Errorf("%q: snippet %q not marked", q, res.Hits[0].Snippet)
			}
		}
		if got != want || len(res.Hits) > 1 {
			t.Errorf("%q: hits %+v, want %q", q, res.Hits, want)
		}
	}
}

func TestIndexOfAnotherLayoutIsRefused(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.IndexBatch(testArticles()[:1]); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if idx, err = Open(dir); err != nil {
		t.Fatalf("reopening the same layout: %v", err)
	}
	idx.Close()
	// An index from before layout files: partitions and no LAYOUT.
	if err := os.Remove(filepath.Join(dir, layoutFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "presswatch reindex") {
		t.Errorf("old index opened, or the error does not say what to do: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, layoutFile), []byte("9\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "layout 9") {
		t.Errorf("layout 9: %v", err)
	}
	// Layout 3 had no accent fields: marked words would find nothing.
	if err := os.WriteFile(filepath.Join(dir, layoutFile), []byte("3\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "layout 3") || !strings.Contains(err.Error(), "presswatch reindex") {
		t.Errorf("layout 3: %v", err)
	}
}

func TestCompactMergesEndedMonthsOnly(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	keepSegments(t, idx, "2026-10", "2026-11")
	mk := func(i int, month time.Month) *article.Article {
		return &article.Article{ID: fmt.Sprintf("c%03d", i), URL: "https://c.example/", SourceID: "s", Lang: "vi",
			Title: "Lũ quét", Text: fmt.Sprintf("Bài %d về lũ quét", i), Published: time.Date(2026, month, 5, 0, 0, 0, 0, time.UTC)}
	}
	// Small batches: several segments in each month.
	for b := range 6 {
		var arts []*article.Article
		for i := range 5 {
			n := b*5 + i
			arts = append(arts, mk(n, time.October+time.Month(n%2)))
		}
		if err := idx.IndexBatch(arts); err != nil {
			t.Fatal(err)
		}
	}
	segments := func(name string) int {
		t.Helper()
		p, err := idx.partition(name)
		if err != nil {
			t.Fatal(err)
		}
		adv, _ := p.Advanced()
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		return len(r.(*scorch.IndexSnapshot).Segments())
	}
	if segments("2026-10") < 2 || segments("2026-11") < 2 {
		t.Fatalf("setup: want several segments per month, have %d and %d", segments("2026-10"), segments("2026-11"))
	}
	before := ids(mustSearch(t, idx, SearchRequest{Q: "lu quet", Limit: 100, ExactTotal: true}))
	// November 22nd: October ended three weeks ago, November has not.
	done, err := idx.Compact(t.Context(), time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	if err != nil || strings.Join(done, ",") != "2026-10" {
		t.Fatalf("compacted %v, %v; want 2026-10", done, err)
	}
	if n := segments("2026-10"); n != 1 {
		t.Errorf("October has %d segments after compaction", n)
	}
	if n := segments("2026-11"); n < 2 {
		t.Errorf("November was compacted (%d segment)", n)
	}
	if after := ids(mustSearch(t, idx, SearchRequest{Q: "lu quet", Limit: 100, ExactTotal: true})); strings.Join(after, ",") != strings.Join(before, ",") || len(after) != 30 {
		t.Errorf("results changed: %v -> %v", before, after)
	}
	if done, err := idx.Compact(t.Context(), time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)); err != nil || len(done) != 0 {
		t.Errorf("second run compacted %v, %v; want nothing", done, err)
	}
}

// TestLargeBatchSplitKeepsLastVersion: a batch large enough to be written
// as concurrent parts (splitByID) still keeps one document per ID, the
// last version in the batch.
func TestLargeBatchSplitKeepsLastVersion(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	t0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	var arts []*article.Article
	for i := range 600 {
		arts = append(arts, &article.Article{ID: fmt.Sprintf("s%03d", i), URL: "https://s.example/", SourceID: "s", Lang: "vi",
			Title: "Bản tin", Text: "Nội dung cũ", Published: t0})
	}
	for i := 0; i < 600; i += 7 {
		v := *arts[i]
		v.Text = "Nội dung mới đã sửa"
		arts = append(arts, &v)
	}
	if len(splitByID(arts, 2)) != 2 {
		t.Fatal("the batch is not split: the test checks nothing")
	}
	if err := idx.IndexBatch(arts); err != nil {
		t.Fatal(err)
	}
	if n, _ := idx.Count(); n != 600 {
		t.Errorf("count %d, want 600", n)
	}
	if res := mustSearch(t, idx, SearchRequest{Q: "noi dung moi", ExactTotal: true}); res.Total != 86 {
		t.Errorf("%d articles have the last version, want 86", res.Total)
	}
	if res := mustSearch(t, idx, SearchRequest{Q: `"noi dung cu"`, ExactTotal: true}); res.Total != 514 {
		t.Errorf("%d articles kept the first version, want 514", res.Total)
	}
}

// Get returns every stored field as it was indexed, including those that
// are stored only (URL, fetched, sentiment, partial).
func TestGetRoundTripsStoredFields(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	pub := time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)
	a := &article.Article{
		ID: "r1", URL: "https://bao.example/tin/r1?x=1", SourceID: "bao-a", Site: "bao.example", Tier: "local", Lang: "vi",
		Title: "Lũ quét ở Mường Chà", Text: "Nước rút chậm.", Byline: "Lê Văn A", Summary: "Tóm tắt.",
		Published: pub, Fetched: pub.Add(7 * time.Minute), Labels: []string{"thien-tai"}, Severity: article.SeverityHigh,
		Sentiment: -0.5, StoryID: "st-1", Evidence: "ev/r1.html", Partial: true,
	}
	if err := idx.IndexBatch([]*article.Article{a}); err != nil {
		t.Fatal(err)
	}
	v, err := idx.Get(context.Background(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	want := ArticleView{ID: "r1", URL: a.URL, Title: a.Title, Text: a.Text, Summary: a.Summary, Byline: a.Byline,
		Source: "bao-a", Site: "bao.example", Tier: "local", Lang: "vi", Published: pub, Fetched: a.Fetched,
		Labels: []string{"thien-tai"}, Severity: string(article.SeverityHigh), Sentiment: -0.5, StoryID: "st-1",
		Evidence: "ev/r1.html", Partial: true}
	if !reflect.DeepEqual(*v, want) {
		t.Errorf("Get:\n got %+v\nwant %+v", *v, want)
	}
}
