package indexer

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
)

func benchArticles(n int) []*article.Article {
	para := "Ủy ban nhân dân tỉnh Điện Biên vừa tổ chức hội nghị triển khai kế hoạch phát triển kinh tế xã hội năm tới, tập trung vào nông nghiệp, du lịch và chuyển đổi số. "
	out := make([]*article.Article, n)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = &article.Article{ID: fmt.Sprintf("%032x", i), URL: fmt.Sprintf("https://x.example/%d", i), SourceID: "s", Lang: "vi",
			Title: fmt.Sprintf("Bản tin số %d về Điện Biên", i), Text: strings.Repeat(para, 8), Published: t0.Add(time.Duration(i) * time.Minute)}
	}
	return out
}

// BenchmarkIndexBatch commits batches of 200 articles (the default).
func BenchmarkIndexBatch(b *testing.B) {
	idx, err := Open(b.TempDir() + "/index")
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	arts := benchArticles(200)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		for _, a := range arts {
			a.ID = fmt.Sprintf("%d-%s", i, a.ID[:8])
		}
		i++
		if err := idx.IndexBatch(arts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(arts))/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkSearch runs a two-word tone-insensitive query over 5,000 articles.
func BenchmarkSearch(b *testing.B) {
	idx, err := Open(b.TempDir() + "/index")
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	arts := benchArticles(5000)
	for i := 0; i < len(arts); i += 500 {
		if err := idx.IndexBatch(arts[i : i+500]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := idx.Search(context.Background(), SearchRequest{Q: "chuyen doi so", Limit: 20}); err != nil {
			b.Fatal(err)
		}
	}
}
