package extract

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzExtract checks that no page makes Extract panic or break its
// contract. A failing input the fuzzer finds is written to
// testdata/fuzz/FuzzExtract: keep it there, where every go test reruns it.
//
// Each run parses and extracts a page (milliseconds), and Go minimises
// every new input for up to a minute by default, which can take the whole
// session: run it as
//
//	go test -run '^$' -fuzz FuzzExtract -fuzztime 60s -fuzzminimizetime 5s ./crawler/extract/
func FuzzExtract(f *testing.F) {
	// Seeds stay small: the fuzzer minimises every input that finds new
	// code, and each run of a large page costs milliseconds.
	f.Add(articlePage(` lang="vi"`, `<link rel="canonical" href="/a"><meta property="og:image" content="//cdn/x.jpg">`, viParagraphs), "https://example.vn/2024/05/17/a.html")
	f.Add(articlePage(` lang="en"`, `<meta property="article:published_time" content="2024-13-45T99:99:99+25:00">`, enParagraphs), "")
	f.Add(articlePage("", `<meta name="keywords" content=",,,a,,b,A,">`, frParagraphs), "http://[::1]:80/x")
	f.Add("<html><body>"+strings.Repeat("<div>", 600)+"<p>deep text here, deep text here</p>", "https://example.com/")
	f.Add("<p class=sapo>Sapo "+strings.Repeat("rất dài ", 10)+"</p><table><tr><td>a<td>b</table>", "https://example.com/")
	f.Add("<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"datePublished\":\"x\",\"author\":[1,{}]}</script>", "")
	f.Add("\x00\xff<pre>\n\n a\tb \n</pre><br><br>", "mailto:a@b")
	f.Add("", "")

	e, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, page, rawURL string) {
		u := mustURLOrNil(rawURL)
		res, err := e.Extract(page, u)
		switch {
		case err == nil:
			if res == nil || res.Text == "" || res.Method == "" {
				t.Fatalf("success without text: %+v", res)
			}
			checkResult(t, res)
			if res.Lang != "" && !e.lang.candidates[res.Lang] {
				t.Errorf("Lang %q is not a candidate", res.Lang)
			}
			if !res.Published.IsZero() && (res.Published.Before(earliestDate) || res.Published.After(e.now().Add(maxFuture))) {
				t.Errorf("Published %v out of range", res.Published)
			}
		case errors.Is(err, ErrNoContent):
			if res == nil || res.Text != "" {
				t.Fatalf("ErrNoContent with result %+v", res)
			}
		default:
			if res != nil {
				t.Errorf("error %v with a result", err)
			}
		}
	})
}

// mustURLOrNil parses s, or returns nil: Extract accepts any URL the
// caller managed to parse, and nil.
func mustURLOrNil(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return nil
	}
	return u
}
