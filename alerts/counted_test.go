package alerts

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
)

// An incident remembers maxCounted articles past the ones it lists, so
// that none of them counts twice, in a record that stays under NATS's
// default max_payload (1 MiB) even with every listed article's summary
// full; past the bound it still counts every new article (none is lost)
// but no longer remembers it, as maxCounted documents.
func TestCountedBound(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("Lũ quét ở Mường Chà, nhiều nhà bị cuốn trôi, người dân được sơ tán khẩn cấp. ", 10)
	art := func(i int) *article.Article {
		id := fmt.Sprintf("%040x", i)
		return &article.Article{ID: id, URL: "https://baodienbien.example/thoi-su/lu-quet-o-muong-cha-" + id + ".html",
			Title: "Lũ quét ở Mường Chà: nhiều nhà bị cuốn trôi, hàng trăm người phải sơ tán " + id, Text: text,
			SourceID: "baodienbien", Tier: "local", Lang: "vi", Published: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	}
	var al Alert
	// A record written before Counted existed reads as an empty set.
	if err := json.Unmarshal([]byte(`{"id":"x","articles":[],"article_count":0}`), &al); err != nil {
		t.Fatal(err)
	}
	n := maxArticleRefs + maxCounted
	for i := range n {
		if _, grew := al.addArticle(art(i)); !grew {
			t.Fatalf("article %d did not count", i)
		}
	}
	for i := range n {
		if changed, grew := al.addArticle(art(i)); changed || grew {
			t.Fatalf("article %d counted again", i)
		}
	}
	if al.ArticleCount != n || !al.countedFull() {
		t.Fatalf("%d articles, full %v; want %d and full", al.ArticleCount, al.countedFull(), n)
	}
	data, err := json.Marshal(&al)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) >= 1<<20 {
		t.Errorf("record of %d articles is %d bytes, want under 1 MiB", n, len(data))
	}
	t.Logf("record of %d articles: %d bytes, %d of them remembering", n, len(data), len(al.Counted)*4/3)
	var back Alert
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if _, grew := back.addArticle(art(n - 1)); grew {
		t.Error("the last article remembered counted again after a round trip through JSON")
	}
	// Past the bound: counted, not remembered.
	for range 2 {
		if _, grew := al.addArticle(art(n)); !grew {
			t.Error("an article past the bound was not counted")
		}
	}
	if al.ArticleCount != n+2 {
		t.Errorf("%d articles; want %d: past the bound a redelivery counts again", al.ArticleCount, n+2)
	}
}
