package indexer

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// wholeTextSnippet is snippet as it reads when every token of the text is
// known: the definition the piecewise tokenizing of snippet must keep.
func wholeTextSnippet(text string, hl highlight, n int) string {
	toks := textnorm.Tokenize(text)
	// Written without marks, as judged on the first piece snippet reads.
	head := text[:spaceAfter(text, min(len(text), snippetPiece))]
	toneless := len(hl.unmarked) > 0 && textnorm.Toneless(head, textnorm.Tokenize(head))
	from, to := 0, len(text)
	for _, tk := range toks {
		if hl.marks(tk.Text, text[tk.Start:tk.End], toneless) {
			from = max(0, tk.Start-n/3)
			break
		}
	}
	if to-from > n {
		to = from + n
	}
	from, to = wordStart(text, from), wordEnd(text, to)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, tk := range toks {
		if tk.Start < from || tk.End > to || tk.Start < pos || !hl.marks(tk.Text, text[tk.Start:tk.End], toneless) {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:tk.Start]) + "<mark>" + html.EscapeString(text[tk.Start:tk.End]) + "</mark>")
		pos = tk.End
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// snippetTexts are texts whose cuts fall in every kind of place: long
// Vietnamese articles (the first match far past snippetPiece), text with no
// space at all (Thai), tabs and line breaks, a word longer than the
// distance wordStart and wordEnd look for a space.
func snippetTexts(t *testing.T) []string {
	texts := []string{
		strings.Repeat("Mưa lớn kéo dài ở Điện Biên.\tNhiều tuyến đường\nbị sạt lở. ", 200) + "Lũ quét ở Mường Chà cuốn trôi cầu treo.",
		strings.Repeat("น้ำท่วมหนักในจังหวัดเชียงใหม่", 60) + " ดินถล่ม",
		"Tin " + strings.Repeat("x", 300) + " lũ " + strings.Repeat("y", 500) + " lũ quét",
		"",
		"lũ",
		strings.Repeat("ab ", snippetPiece/3) + "xlũquétx tiếp",
	}
	dir := filepath.Join("..", "..", "shared", "testdata", "corpus", "vi-dantri")
	names, _ := filepath.Glob(filepath.Join(dir, "news_*.txt"))
	if len(names) == 0 {
		t.Logf("no vi-dantri articles at %s: the built-in texts only", dir)
	}
	for i, name := range names {
		if i%40 != 0 {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	return texts
}

func TestSnippetTokenizesPiecesAsTheWholeText(t *testing.T) {
	checked := 0
	for _, text := range snippetTexts(t) {
		toks := textnorm.Tokenize(text)
		// Words from the start, the middle and the end of the text, and
		// one it lacks.
		wants := []map[string]bool{{"khongcotrongbai": true}}
		for _, i := range []int{0, len(toks) / 2, len(toks) - 1} {
			if i >= 0 && i < len(toks) {
				wants = append(wants, map[string]bool{toks[i].Text: true}, map[string]bool{toks[i].Text: true, toks[len(toks)/3].Text: true})
			}
		}
		// The word across the end of the first piece firstWanted reads.
		for _, tk := range toks {
			if tk.Start < snippetPiece && tk.End > snippetPiece {
				wants = append(wants, map[string]bool{tk.Text: true})
			}
		}
		for _, want := range wants {
			for _, n := range []int{40, 240} {
				hl := highlight{folded: want}
				if got, ref := snippet(text, hl, n), wholeTextSnippet(text, hl, n); got != ref {
					t.Fatalf("snippet of a %d-byte text for %v, n=%d:\n got %q\nwant %q", len(text), want, n, got, ref)
				}
				checked++
			}
		}
	}
	t.Logf("%d snippets agree", checked)
}

func FuzzSnippet(f *testing.F) {
	f.Add("Lũ quét ở Mường Chà\tcuốn trôi cầu treo", "lu")
	f.Add(strings.Repeat("a ", 1500)+"lũ quét", "quet")
	f.Add("ดินถล่ม น้ำท่วม", "ดิ")
	f.Fuzz(func(t *testing.T, text, word string) {
		node, err := query.Parse(word, query.Options{})
		if err != nil {
			return
		}
		hl := queryHighlight(node)
		for _, n := range []int{10, 240} {
			if got, ref := snippet(text, hl, n), wholeTextSnippet(text, hl, n); got != ref {
				t.Fatalf("snippet(%q, %q, %d) = %q, the whole text gives %q", text, word, n, got, ref)
			}
		}
	})
}

// Snippets mark what the search compares: a word typed with marks marks
// its own spelling only ("lở" not "lộ"), except in text written without
// marks; one typed without marks marks every spelling; an = word never
// folds.
func TestSnippetMarksWordsAsSearchesCompareThem(t *testing.T) {
	marked := "Quốc lộ 12 bị sạt lở đất, xe qua lại khó khăn."
	toneless := "Quoc lo 12 bi sat lo dat, xe qua lai kho khan."
	for _, tt := range []struct{ q, text, want string }{
		{"sạt lở", marked, "Quốc lộ 12 bị <mark>sạt</mark> <mark>lở</mark> đất, xe qua lại khó khăn."},
		{"lo", marked, "Quốc <mark>lộ</mark> 12 bị sạt <mark>lở</mark> đất, xe qua lại khó khăn."},
		{"LỞ", marked, "Quốc lộ 12 bị sạt <mark>lở</mark> đất, xe qua lại khó khăn."},
		{"sạt lở", toneless, "Quoc <mark>lo</mark> 12 bi <mark>sat</mark> <mark>lo</mark> dat, xe qua lai kho khan."},
		{"=lở", toneless, "Quoc lo 12 bi sat lo dat, xe qua lai kho khan."},
		{"=lở", marked, "Quốc lộ 12 bị sạt <mark>lở</mark> đất, xe qua lại khó khăn."},
	} {
		node, err := query.Parse(tt.q, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := snippet(tt.text, queryHighlight(node), 240); got != tt.want {
			t.Errorf("%q in %q:\n got %s\nwant %s", tt.q, tt.text, got, tt.want)
		}
	}
}
