package extract

import (
	"errors"
	"net/url"
	"testing"

	"github.com/presswatch/presswatch/internal/heavytest"
)

// minF1 is the quality floor the crawler issue sets on the scrapinghub
// benchmark. The extractor scores 0.974 there (see the package documentation).
const minF1 = 0.95

// runScrapinghub extracts every benchmark page and scores it with the
// benchmark's metric.
func runScrapinghub(tb testing.TB, e *Extractor, pages []benchPage) score {
	tb.Helper()
	scores := make([]pageScore, 0, len(pages))
	for _, p := range pages {
		u, err := url.Parse(p.url)
		if err != nil {
			tb.Fatalf("page %s: url: %v", p.id, err)
		}
		res, err := e.Extract(p.html, u)
		if err != nil && !errors.Is(err, ErrNoContent) {
			tb.Fatalf("page %s (%s): %v", p.id, p.url, err)
		}
		var text, method string
		if res != nil {
			text, method = res.Text, res.Method
		}
		pr, rc := pagePR(p.truth, text)
		scores = append(scores, pageScore{id: p.id, url: p.url, method: method, p: pr, r: rc})
	}
	return scoreAll(scores)
}

func TestExtractionQualityScrapinghub(t *testing.T) {
	heavytest.WithoutRace(t)
	pages := loadScrapinghub(t)
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := runScrapinghub(t, e, pages)
	t.Logf("scrapinghub, %d pages: precision %.4f, recall %.4f, F1 %.4f", len(pages), s.p, s.r, s.f1)
	methods := map[string]int{}
	for _, p := range s.pages {
		methods[p.method]++
	}
	t.Logf("methods: %v", methods)
	for _, w := range s.worst(10) {
		t.Logf("  worst: P %.3f R %.3f  %-24s %s (%s)", w.p, w.r, w.method, w.url, w.id[:12])
	}
	if s.f1 < minF1 {
		t.Errorf("F1 %.4f is below %.2f", s.f1, minF1)
	}
}

// BenchmarkExtractScrapinghub reports the time per page over the whole
// benchmark set (decoding excluded) and the F1 it scores.
func BenchmarkExtractScrapinghub(b *testing.B) {
	pages := loadScrapinghub(b)
	urls := make([]*url.URL, len(pages))
	var size int64
	for i, p := range pages {
		urls[i], _ = url.Parse(p.url)
		size += int64(len(p.html))
	}
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		for i, p := range pages {
			if _, err := e.Extract(p.html, urls[i]); err != nil && !errors.Is(err, ErrNoContent) {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N*len(pages)), "ms/page")
	b.ReportMetric(runScrapinghub(b, e, pages).f1, "F1")
}
