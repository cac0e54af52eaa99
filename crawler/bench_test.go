package crawler

import (
	"io"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/presswatch/presswatch/demosite"
)

// BenchmarkExtract runs the extractor on a demo article page with the
// usual clutter (menu, ads, related links, comments).
func BenchmarkExtract(b *testing.B) {
	site := demosite.New(demosite.Options{Initial: 3})
	srv := httptest.NewServer(site.Handler())
	defer srv.Close()
	p := site.Published()[1]
	resp, err := srv.Client().Get(srv.URL + p.Path)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	u, _ := url.Parse(srv.URL + p.Path)
	x := NewExtractor()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Extract(body, u); err != nil {
			b.Fatal(err)
		}
	}
}
