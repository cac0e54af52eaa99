package ui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
)

// reprintedIncident raises an incident whose first article the outlet
// then updated twice under other addresses (one of them hostile), and
// that another outlet reprinted: two articles, the first with three
// versions. It returns the incident.
func reprintedIncident(t testing.TB, e *env) *alerts.Alert {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 8, 15, 0, 0, time.UTC)
	mk := func(id, url, source, title string, after time.Duration, versionOf string) *article.Article {
		return &article.Article{ID: id, URL: url, SourceID: source, Site: strings.Split(strings.TrimPrefix(url, "https://"), "/")[0], Lang: "vi",
			Title: title, Text: "Sạt lở trên quốc lộ 12 qua thị xã Mường Lay, hàng nghìn mét khối đất đá vùi lấp mặt đường.",
			Published: at.Add(after), Fetched: at.Add(after + time.Minute), StoryID: "s-quoc-lo-12", VersionOf: versionOf, Severity: article.SeverityHigh,
			Matches: []article.Match{{RuleID: "sat-lo", Title: "Sạt lở đất", Severity: article.SeverityHigh, Department: "so-tai-nguyen", Terms: []string{"sạt lở"}}}}
	}
	item := mk("b0000000000000000000000000000001", "https://baodienbienphu.example/sat-lo-quoc-lo-12.html", "bao-dien-bien-phu", "Sạt lở nghiêm trọng trên quốc lộ 12 qua Mường Lay", 0, "")
	for _, a := range []*article.Article{
		item,
		mk("b0000000000000000000000000000002", "https://m.baodienbienphu.example/sat-lo-quoc-lo-12-cap-nhat.html", "bao-dien-bien-phu", "(Cập nhật) Sạt lở nghiêm trọng trên quốc lộ 12", 90*time.Minute, item.ID),
		mk("b0000000000000000000000000000003", "https://vtv.example/dat-da-vui-lap-quoc-lo-12", "vtv", "Đất đá vùi lấp quốc lộ 12", 2*time.Hour, ""),
		mk("b0000000000000000000000000000004", "javascript:window.pwned=15", "bao-dien-bien-phu", "(Cập nhật lần 2) Sạt lở quốc lộ 12", 3*time.Hour, item.ID),
	} {
		if err := e.alerts.Ingest(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	list, err := e.store.List(ctx, alerts.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, al := range list {
		if al.StoryID == "s-quoc-lo-12" {
			return al
		}
	}
	t.Fatal("no incident for the reprinted story")
	return nil
}

// The incident page shows an article updated by its outlet once, with
// "3 phiên bản" and each version's time and link; the coverage counts
// articles and outlets, not versions.
func TestIncidentShowsVersionsOnce(t *testing.T) {
	e := newEnv(t, envOpts{})
	al := reprintedIncident(t, e)
	if al.ArticleCount != 2 || len(al.Sources) != 2 || len(al.Articles) != 2 || len(al.Articles[0].Versions) != 2 {
		t.Fatalf("incident: %d articles, sources %v, refs %+v", al.ArticleCount, al.Sources, al.Articles)
	}
	c := e.client(t)
	c.login("canbo", "mat-khau-canbo")
	code, body := c.get("/alerts/" + al.ID)
	if code != http.StatusOK {
		t.Fatalf("incident page: %d", code)
	}
	// Times are shown in Vietnam, UTC+7.
	_, list, _ := strings.Cut(body, `id="a-h"`)
	for _, want := range []string{"3 phiên bản", "2 bài, 2 nguồn", "2026-12-07 15:15", "2026-12-07 16:45", `href="https://baodienbienphu.example/sat-lo-quoc-lo-12.html"`,
		`href="https://m.baodienbienphu.example/sat-lo-quoc-lo-12-cap-nhat.html"`, `href="/articles/b0000000000000000000000000000004"`} {
		if !strings.Contains(body, want) {
			t.Errorf("incident page lacks %q", want)
		}
	}
	if n := strings.Count(list, "Sạt lở nghiêm trọng trên quốc lộ 12 qua Mường Lay"); n != 1 {
		t.Errorf("the updated article is listed %d times, want once", n)
	}
	if strings.Contains(body, `javascript:`) {
		t.Error("a version's javascript: address became a link")
	}
	// English too.
	_, body, _ = c.do(http.MethodGet, "/alerts/"+al.ID, nil, map[string]string{"Accept-Language": "en"})
	if !strings.Contains(body, "3 versions") {
		t.Error("the English page does not name the versions")
	}
}
