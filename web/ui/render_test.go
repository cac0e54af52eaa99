package ui

import (
	"html"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/article"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	vi, en := slices.Sorted(maps.Keys(c["vi"])), slices.Sorted(maps.Keys(c["en"]))
	if !slices.Equal(vi, en) {
		for _, k := range vi {
			if _, ok := c["en"][k]; !ok {
				t.Errorf("en lacks %s", k)
			}
		}
		for _, k := range en {
			if _, ok := c["vi"][k]; !ok {
				t.Errorf("vi lacks %s", k)
			}
		}
	}
	for lang, m := range c {
		for k, v := range m {
			if v == "" {
				t.Errorf("%s: %s is empty", lang, k)
			}
		}
	}
}

func TestSafeSnippetKeepsOnlyMarks(t *testing.T) {
	cases := map[string]string{
		"a <mark>lũ</mark> b":                          "a <mark>lũ</mark> b",
		"x &lt;b&gt; <mark>y</mark>":                   "x &lt;b&gt; <mark>y</mark>",
		"<script>alert(1)</script><mark>z</mark>":      "&lt;script&gt;alert(1)&lt;/script&gt;<mark>z</mark>",
		"<mark><img src=x onerror=alert(1)>":           "<mark>&lt;img src=x onerror=alert(1)&gt;</mark>",
		"</mark>stray<mark>open":                       "stray<mark>open</mark>",
		"&amp;lt;script&amp;gt; <mark onclick=x>a":     "&amp;lt;script&amp;gt; &lt;mark onclick=x&gt;a",
		"<mark><mark>double</mark></mark> &#34;q&#34;": "<mark>double</mark> &#34;q&#34;",
	}
	for in, want := range cases {
		if got := string(safeSnippet(in)); got != want {
			t.Errorf("safeSnippet(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHighlightChecksOffsets(t *testing.T) {
	text := "Lũ quét <b>ở</b> Mường Chà"
	m := []article.Match{{RuleID: "r1", Title: `<i>x</i>`, Offsets: []article.Span{
		{Field: "text", Start: 0, End: len("Lũ quét")},
		{Field: "text", Start: 1, End: 3},                       // inside "ũ": not a character boundary
		{Field: "text", Start: 5, End: 999},                     // past the end
		{Field: "title", Start: 0, End: 2},                      // another field
		{Field: "text", Start: 2, End: 1},                       // reversed
		{Field: "text", Start: -1, End: 2},                      // negative
		{Field: "text", Start: len("Lũ "), End: len("Lũ quét")}, // overlaps the first
	}}}
	got := string(highlight(text, "text", m))
	want := `<mark class="match" title="&lt;i&gt;x&lt;/i&gt; (r1)">Lũ quét</mark> &lt;b&gt;ở&lt;/b&gt; Mường Chà`
	if got != want {
		t.Errorf("highlight = %q\nwant %q", got, want)
	}
}

var ourMarks = regexp.MustCompile(`<mark class="match" title="[^"<>]*">|</mark>`)

// FuzzHighlight: whatever the offsets, the output is the text, escaped,
// with only our marks around parts of it.
func FuzzHighlight(f *testing.F) {
	f.Add("Lũ quét <script>", 0, 4, 2, 9)
	f.Add("a\xffb", 1, 2, 0, 3)
	f.Fuzz(func(t *testing.T, text string, s1, e1, s2, e2 int) {
		m := []article.Match{{RuleID: "r<", Offsets: []article.Span{{Field: "text", Start: s1, End: e1}, {Field: "text", Start: s2, End: e2}}}}
		out := ourMarks.ReplaceAllString(string(highlight(text, "text", m)), "")
		if strings.ContainsAny(out, "<>") {
			t.Fatalf("markup left: %q", out)
		}
		if html.UnescapeString(out) != strings.ToValidUTF8(text, "\uFFFD") && html.UnescapeString(out) != text {
			t.Fatalf("text changed: %q -> %q", text, out)
		}
	})
}
