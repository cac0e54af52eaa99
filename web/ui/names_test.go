package ui_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
)

// TestPagesShowNamesNotSlugs renders the pages in both languages and
// scans them for a tier, role or severity shown by its slug where it
// has a name.
func TestPagesShowNamesNotSlugs(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	c.login("quantri", "mat-khau-quantri")
	slugs := regexp.MustCompile(`>\s*\(?(local|central|official|foreign|social|viewer|officer|admin|critical|high|medium|low|info)\)?\s*<`)
	for _, lang := range []string{"vi", "en"} {
		c.post("/account/lang", map[string][]string{"lang": {lang}})
		for _, path := range []string{"/dashboard", "/search?q=lu+quet", "/alerts", "/silences", "/admin", "/account", "/deliveries"} {
			code, body := c.get(path)
			if code != http.StatusOK && code != http.StatusServiceUnavailable {
				t.Errorf("%s %s: HTTP %d", lang, path, code)
				continue
			}
			if m := slugs.FindString(body); m != "" {
				t.Errorf("%s %s shows a slug: %s", lang, path, m)
			}
		}
	}
	_, body := c.get("/search?q=lu+quet")
	if !strings.Contains(body, "Local press") {
		t.Error("the tier facet does not name the tier")
	}
}

// TestSearchPage2GoesOnNumbering: the second page of results numbers its
// first hit after the last of the first page.
func TestSearchPage2GoesOnNumbering(t *testing.T) {
	idx, err := indexer.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	now := time.Now().UTC()
	var docs []*article.Article
	for i := range 45 {
		docs = append(docs, &article.Article{ID: fmt.Sprintf("b%031d", i), URL: fmt.Sprintf("https://x.example/%d", i), SourceID: "x", Site: "x.example",
			Lang: "vi", Title: fmt.Sprintf("Tin xyzpage số %d", i), Text: "Nội dung xyzpage.", Published: now.Add(-time.Duration(i) * time.Minute), Fetched: now})
	}
	if err := idx.IndexBatch(docs); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOpts{index: idx})
	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	_, body := c.get("/search?sort=newest&q=xyzpage")
	if !strings.Contains(body, `<ol class="hits" start="1">`) {
		t.Fatal("page 1 does not start at 1")
	}
	next := regexp.MustCompile(`href="(/search\?[^"]+)" rel="next"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next page")
	}
	first := strings.Count(body, `class="hit"`)
	_, body = c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if want := fmt.Sprintf(`<ol class="hits" start="%d">`, first+1); !strings.Contains(body, want) {
		t.Fatalf("page 2 lacks %s", want)
	}
}

// TestUnknownPageIsALocalisedPage: a mistyped address gets the site's
// own 404 page, in the user's language, not the mux's plain text.
func TestUnknownPageIsALocalisedPage(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	code, body, hdr := c.do(http.MethodGet, "/khong-co-trang-nay", nil, map[string]string{"Accept-Language": "vi"})
	if code != http.StatusNotFound || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !strings.Contains(body, "<h1>Không tìm thấy</h1>") || !strings.Contains(body, "Không có trang này") {
		t.Fatalf("unknown page: %d %s\n%s", code, hdr.Get("Content-Type"), body)
	}
	if code, _ := c.get("/api/v1/khong-co"); code != http.StatusNotFound {
		t.Errorf("unknown API path: %d", code)
	}
}
