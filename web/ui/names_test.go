package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/internal/slugcheck"
	"github.com/presswatch/presswatch/internal/wait"
	"github.com/presswatch/presswatch/names"
	"github.com/presswatch/presswatch/sourcehealth"
	"github.com/presswatch/presswatch/web/ui"
)

// TestPagesShowNamesNotSlugs renders the pages in both languages and
// scans them for a tier, role or severity shown by its slug where it
// has a name.
func TestPagesShowNamesNotSlugs(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	c.login("quantri", "mat-khau-quantri")
	slugs := regexp.MustCompile(`>\s*\(?(local|central|official|foreign|social|viewer|officer|admin|critical|high|medium|low|info)\)?\s*<`)
	// A key the catalogue lacks shows as itself ("tier.national").
	untranslated := regexp.MustCompile(`>\s*(tier|severity|status|role|kind|history|action|origin|facet|lang)\.[a-z_-]+\s*<`)
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
			if m := untranslated.FindString(body); m != "" {
				t.Errorf("%s %s shows a key without a translation: %s", lang, path, m)
			}
		}
	}
	_, body := c.get("/search?q=lu+quet")
	if !strings.Contains(body, "Local press") {
		t.Error("the tier facet does not name the tier")
	}
}

// namedSources is the sources page's list: the flagged article's outlet
// has a name, the hostile one has none.
type namedSources []sourcehealth.Status

func (s namedSources) Sources(context.Context) ([]sourcehealth.Status, error) { return s, nil }
func (namedSources) Resume(context.Context, string) error                     { return nil }

// oneRule is the rules page's list.
type oneRule []ui.RuleInfo

func (r oneRule) Rules(context.Context) ([]ui.RuleInfo, error) { return r, nil }

// TestDepartmentsLabelsAndSourcesShowByName: the department, label and
// outlet of the flagged story show by name, in the page's language, on
// every page that shows them; an outlet without a name shows its ID.
func TestDepartmentsLabelsAndSourcesShowByName(t *testing.T) {
	e := newEnv(t, envOpts{
		sources: namedSources{{ID: "bao-dien-bien", Name: "Báo Điện Biên Phủ", Kind: "feed", Enabled: true}, {ID: "bao-la", Kind: "feed", Enabled: true}},
		rules:   oneRule{{ID: "lu-quet", Title: "Lũ quét", Query: "lu quet", Labels: []string{"disaster", "sensitive"}, Severity: "high", Department: "so-tai-nguyen"}},
	})
	c := e.client(t)
	c.login("quantri", "mat-khau-quantri")
	inc := e.incident(t)
	if code, _ := c.post("/alerts/"+inc.ID+"/snooze", url.Values{"scope": {"source"}, "value_source": {"bao-dien-bien"}, "hours": {"4"}, "reason": {"Tin cũ"}}); code != http.StatusSeeOther {
		t.Fatalf("snooze: HTTP %d", code)
	}
	// A silence of every kind the silences page and the admin page word;
	// its story is that of a second incident, which names it.
	story := e.storyIncident(t)
	ms := "department=\"so-tai-nguyen\"\nlabel=\"disaster\"\nstory=\"" + story.StoryID + "\"\nseverity=~\"high|critical\""
	if code, _ := c.post("/silences", url.Values{"rule": {"lu-quet"}, "source": {"bao-dien-bien"}, "matchers": {ms}, "for": {"4h"}, "comment": {"Đợt kiểm tra"}}); code != http.StatusSeeOther {
		t.Fatalf("silence: HTTP %d", code)
	}
	slugs := append([]string{"so-tai-nguyen", "so-y-te", "bao-dien-bien", "vi"}, names.LabelSlugs()...)
	// What each page must name: [department, outlet, label] in each
	// language ("" where the page does not show that thing here).
	named := map[string][3]string{
		"vi": {"Sở Tài nguyên và Môi trường", "Báo Điện Biên Phủ", "Thiên tai"},
		"en": {"Department of Natural Resources and Environment", "Báo Điện Biên Phủ", "Disaster"},
	}
	pages := map[string][3]bool{
		"/dashboard": {true, true, true}, "/alerts/" + inc.ID: {true, true, true}, "/articles/" + e.flagged: {false, true, true},
		"/search?q=lu+quet": {false, true, true}, "/rules": {true, false, true}, "/sources": {false, true, false},
		"/silences": {true, true, true}, "/admin": {true, true, true},
	}
	for _, lang := range []string{"vi", "en"} {
		c.post("/account/lang", url.Values{"lang": {lang}})
		for path, shows := range pages {
			code, body := c.get(path)
			if !slugcheck.Page(t, lang+" "+path, code, body, slugs) {
				continue
			}
			for i, w := range named[lang] {
				if shows[i] && !strings.Contains(body, w) {
					t.Errorf("%s %s does not show %q", lang, path, w)
				}
			}
		}
		_, body := c.get("/alerts/" + inc.ID)
		if w := map[string]string{"vi": "Nguồn Báo Điện Biên Phủ, đến", "en": "Source Báo Điện Biên Phủ, until"}[lang]; !strings.Contains(body, w) {
			t.Errorf("%s: the history does not word the snooze as %q", lang, w)
		}
		silencesWorded(t, c, lang, story)
		// The open alerts chart names each department in text that wraps.
		if _, body := c.get("/dashboard"); !strings.Contains(body, `<span class="hbar-name">`+named[lang][0]+`</span>`) {
			t.Errorf("%s: the dashboard's department chart does not name %q", lang, named[lang][0])
		}
		// The silence form offers outlets by name, keeping the ID as the value.
		if _, body := c.get("/silences"); !strings.Contains(body, `<option value="bao-dien-bien">Báo Điện Biên Phủ</option>`) {
			t.Errorf("%s: the silence form does not offer the outlet by name", lang)
		}
		if _, body := c.get("/sources"); !strings.Contains(body, ">bao-la<") {
			t.Errorf("%s: a source without a name does not show its ID", lang)
		}
	}
}

// storyIncident raises a second incident, on a story, and returns it.
func (e *env) storyIncident(t *testing.T) *alerts.Alert {
	t.Helper()
	now := time.Now().UTC()
	a := &article.Article{ID: "a0000000000000000000000000000003", URL: "https://baodienbien.example/sat-lo", SourceID: "bao-dien-bien", StoryID: "s-sat-lo-muong-cha",
		Lang: "vi", Title: "Sạt lở ở Mường Chà", Text: "Sạt lở đất ở Mường Chà.", Published: now.Add(-time.Hour), Fetched: now, Severity: article.SeverityHigh,
		Matches: []article.Match{{RuleID: "lu-quet", Title: "Lũ quét", Labels: []string{"disaster"}, Severity: article.SeverityHigh, Department: "so-tai-nguyen"}}}
	if err := e.alerts.Ingest(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var found *alerts.Alert
	wait.Until(t, 10*time.Second, "the story's incident listed", func() bool {
		list, _ := e.store.List(context.Background(), alerts.ListOptions{})
		for _, x := range list {
			if x.StoryID == a.StoryID {
				found = x
			}
		}
		return found != nil
	})
	return found
}

// silencesWorded: the silences and admin pages say what a silence mutes
// in words (the rule by its title, the story by its incident's title),
// its matchers only in a tooltip, and the admin's audit log says what
// was done in the page's language.
func silencesWorded(t *testing.T, c *client, lang string, inc *alerts.Alert) {
	t.Helper()
	want := map[string]string{
		"vi": "Quy tắc «Lũ quét», Nguồn Báo Điện Biên Phủ, Đơn vị Sở Tài nguyên và Môi trường, Nhãn Thiên tai, Sự việc «" + inc.Title + "», severity=~",
		"en": "Rule “Lũ quét”, Source Báo Điện Biên Phủ, Department Department of Natural Resources and Environment, Label Disaster, Incident “" + inc.Title + "”, severity=~",
	}[lang]
	for _, path := range []string{"/silences", "/admin"} {
		_, body := c.get(path)
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("%s %s does not word the silence as %q", lang, path, want)
		}
		if strings.Contains(body, "<code>rule=") || !strings.Contains(body, `title="rule=&#34;lu-quet&#34;, source=&#34;bao-dien-bien&#34;`) {
			t.Errorf("%s %s: the matchers are not in the silence's tooltip only", lang, path)
		}
	}
	_, body := c.get("/admin")
	verbs := map[string][]string{"vi": {">Đăng nhập</td>", ">Tạo tạm ngưng báo</td>"}, "en": {">Signed in</td>", ">Created a silence</td>"}}[lang]
	for _, v := range verbs {
		if !strings.Contains(body, v) {
			t.Errorf("%s /admin: the audit log lacks %q", lang, v)
		}
	}
	if m := regexp.MustCompile(`>(login|silence\.create|account\.[a-z]+)</td>`).FindString(body); m != "" {
		t.Errorf("%s /admin: the audit log shows a raw action %s", lang, m)
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

// TestHistoryNotesAreWorded: a snooze recorded by an older version, its
// matchers in the note, is worded like a new one, and presswatch's own
// notes are in the page's language.
func TestHistoryNotesAreWorded(t *testing.T) {
	e := newEnv(t, envOpts{})
	inc := e.incident(t)
	note := `story="` + inc.StoryID + `" → 15:04 07/12/2026: Tin cũ, đã có thông cáo`
	for _, ch := range []alerts.Change{{By: "canbo", Action: "snoozed", Note: note}, {By: "presswatch", Action: "escalated", Note: "not acknowledged in time; on-call contacts notified"}} {
		if err := e.store.Record(context.Background(), inc.ID, ch); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	_, body := c.get("/alerts/" + inc.ID)
	if !strings.Contains(body, "Sự việc này, đến 2026-12-07 15:04 · Tin cũ, đã có thông cáo") || strings.Contains(body, "story=") {
		t.Errorf("the old snooze note is not worded:\n%s", body[strings.Index(body, `class="history"`):])
	}
	if !strings.Contains(body, "chưa được xác nhận kịp thời; đã báo người trực") {
		t.Error("the escalation's note is not in Vietnamese")
	}
}
