package ui_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
)

// benchIndex opens $PRESSWATCH_BENCH_INDEX (an index built by
// presswatch-bench-search -dir DIR -keep, e.g. 100,000 articles) or
// builds a small one of $PRESSWATCH_BENCH_ARTICLES generated articles
// (default 2,000).
func benchIndex(b *testing.B) *indexer.Index {
	if dir := os.Getenv("PRESSWATCH_BENCH_INDEX"); dir != "" {
		idx, err := indexer.Open(dir)
		if err != nil {
			b.Fatalf("PRESSWATCH_BENCH_INDEX: %v", err)
		}
		b.Cleanup(func() { idx.Close() })
		n, _ := idx.Count()
		b.Logf("index %s: %d articles", dir, n)
		return idx
	}
	n := 2000
	if v := os.Getenv("PRESSWATCH_BENCH_ARTICLES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("PRESSWATCH_BENCH_ARTICLES: %v", err)
		}
	}
	idx, err := indexer.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	sentences := []string{
		"Mưa lớn kéo dài gây lũ quét tại huyện Mường Chà, nhiều nhà dân bị cuốn trôi.",
		"UBND tỉnh Điện Biên chỉ đạo khắc phục hậu quả sạt lở đất trên Quốc lộ 12.",
		"Hơn 20 học sinh bán trú nhập viện nghi ngộ độc thực phẩm ở Tuần Giáo.",
		"Lễ hội Hoa Ban thu hút đông đảo du khách về với thành phố Điện Biên Phủ.",
		"Nông dân Mường Ảng phấn khởi vào vụ thu hoạch cà phê năm nay.",
		"Người dân khiếu nại mức bồi thường giải phóng mặt bằng dự án đường vành đai.",
	}
	now := time.Now().UTC()
	batch := make([]*article.Article, 0, 500)
	for i := range n {
		text := ""
		for j := range 12 {
			text += sentences[(i+j*7)%len(sentences)] + " "
		}
		a := &article.Article{ID: fmt.Sprintf("%032x", i+1), URL: fmt.Sprintf("https://bao.example/tin/%d.html", i),
			SourceID: fmt.Sprintf("bao-%d", i%40), Site: "bao.example", Tier: []string{"national", "local", "social"}[i%3], Lang: "vi",
			Title: sentences[i%len(sentences)], Text: text, Published: now.Add(-time.Duration(i) * time.Minute * 7), Fetched: now}
		if i%20 == 0 {
			a.Labels, a.Severity = []string{"disaster"}, article.SeverityHigh
		}
		batch = append(batch, a)
		if len(batch) == cap(batch) || i == n-1 {
			if err := idx.IndexBatch(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return idx
}

// BenchmarkPages measures the server's time to render each page (the
// handler, no network), signed in as an officer. See docs/PERFORMANCE.md.
func BenchmarkPages(b *testing.B) {
	idx := benchIndex(b)
	e := newEnv(b, envOpts{index: idx})
	// An inbox of a busy week: 300 alerts over 30 departments.
	for i := range 300 {
		a := &article.Article{ID: fmt.Sprintf("b%031x", i), URL: fmt.Sprintf("https://bao.example/canh-bao/%d", i), SourceID: "bao-1",
			Title: fmt.Sprintf("Sự cố số %d tại Điện Biên", i), StoryID: fmt.Sprintf("s%d", i), Severity: []article.Severity{article.SeverityHigh, article.SeverityMedium, article.SeverityCritical}[i%3],
			Labels: []string{"disaster"}, Matches: []article.Match{{RuleID: "r", Severity: article.SeverityHigh, Department: fmt.Sprintf("so-%d", i%30)}}}
		if err := e.alerts.Ingest(b.Context(), a); err != nil {
			b.Fatal(err)
		}
	}
	c := e.client(b)
	if code := c.login("canbo", "mat-khau-canbo"); code != http.StatusSeeOther {
		b.Fatalf("login: %d", code)
	}
	u, _ := url.Parse(e.srv.URL)
	cookies := c.hc.Jar.Cookies(u)
	first, err := idx.Search(b.Context(), indexer.SearchRequest{Sort: "newest", Limit: 1})
	if err != nil || len(first.Hits) == 0 {
		b.Fatalf("no article to open: %v", err)
	}
	// Queries that find articles in the generated index and in one made
	// by presswatch-bench-search from the vi-dantri corpus.
	pages := []struct{ name, path string }{
		{"search", "/search?q=" + url.QueryEscape("tai nan")}, // the page's default window, the last 30 days
		{"search-all-time", "/search?from=&q=" + url.QueryEscape("tai nan")},
		{"search-or-filtered", "/search?q=" + url.QueryEscape(`"giao thong" OR "sat lo"`) + "&tier=local&sort=newest"},
		{"article", "/articles/" + first.Hits[0].ID},
		{"inbox", "/alerts"},
		{"dashboard", "/dashboard"},
	}
	// The index's own time for the search page's query, to tell the
	// page's overhead from the search's.
	b.Run("search-index-only", func(b *testing.B) {
		for b.Loop() {
			if _, err := idx.Search(b.Context(), indexer.SearchRequest{Q: "tai nan", Facets: true, Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, p.path, nil)
				for _, ck := range cookies {
					req.AddCookie(ck)
				}
				w := httptest.NewRecorder()
				e.web.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", p.path, w.Code)
				}
			}
		})
	}
}
