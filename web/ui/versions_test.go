package ui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/classifier/story"
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

// clusteredStory runs an article, its update by the same outlet and
// another outlet's reprint through a real story clusterer on the env's
// buckets and indexes them: the update is a version, the reprint an
// article of the story. It returns the three, in that order.
func clusteredStory(t testing.TB, e *env) []*article.Article {
	t.Helper()
	ctx := context.Background()
	cl, err := story.New(ctx, e.bus.KV(bus.BucketStories), e.bus.KV(bus.BucketCases), story.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	paras := []string{
		"Khoảng 23 giờ đêm 11/10, sau nhiều giờ mưa lớn, hàng nghìn mét khối đất đá từ taluy dương đổ xuống quốc lộ 12 qua bản Na Ka, xã Lay Nưa, thị xã Mường Lay.",
		"Thời điểm xảy ra sạt lở trời đang mưa to, không có phương tiện lưu thông qua khu vực nên không có thiệt hại về người.",
		"Sở Giao thông vận tải tỉnh Điện Biên đã huy động 4 máy xúc, 6 ô tô tải cùng hàng chục công nhân đến hiện trường để san gạt đất đá.",
		"Trong thời gian khắc phục, các phương tiện từ thành phố Điện Biên Phủ đi Lai Châu được hướng dẫn đi theo quốc lộ 279 qua huyện Tuần Giáo.",
	}
	now := time.Now().UTC().Truncate(time.Minute)
	mk := func(id, url, source, title string, ago time.Duration, text string) *article.Article {
		return &article.Article{ID: id, URL: url, SourceID: source, Site: strings.Split(strings.TrimPrefix(url, "https://"), "/")[0], Lang: "vi",
			Title: title, Text: text, Published: now.Add(-ago), Fetched: now}
	}
	orig := mk("c0000000000000000000000000000001", "https://baodienbienphu.example/sat-lo.html", "bao-dien-bien-phu", "Sạt lở nghiêm trọng trên quốc lộ 12", 5*time.Hour, strings.Join(paras, "\n\n"))
	update := mk("c0000000000000000000000000000002", "https://m.baodienbienphu.example/sat-lo-cap-nhat.html", "bao-dien-bien-phu", "(Cập nhật) Sạt lở nghiêm trọng trên quốc lộ 12", 3*time.Hour,
		strings.Join(paras, "\n\n")+"\n\nĐến 17 giờ chiều 12/10, lực lượng chức năng đã mở được một làn đường tạm cho xe máy và ô tô con qua lại.")
	reprint := mk("c0000000000000000000000000000003", "https://vtv.example/sat-lo-quoc-lo-12", "vtv", "Sạt lở nghiêm trọng trên quốc lộ 12", 4*time.Hour, strings.Join(paras, "\n\n"))
	docs := []*article.Article{orig, update, reprint}
	for _, a := range docs {
		asg, err := cl.Assign(ctx, story.Doc{ID: a.ID, URL: a.URL, Title: a.Title, Text: a.Text, Source: a.SourceID, Site: a.Site, Published: a.Published})
		if err != nil {
			t.Fatal(err)
		}
		a.StoryID, a.VersionOf = asg.StoryID, asg.VersionOf
	}
	if update.VersionOf != orig.ID || reprint.VersionOf != "" || update.StoryID != orig.StoryID || reprint.StoryID != orig.StoryID {
		t.Fatalf("clusterer: update %s/%q, reprint %s/%q", update.StoryID, update.VersionOf, reprint.StoryID, reprint.VersionOf)
	}
	if err := e.idx.IndexBatch(docs); err != nil {
		t.Fatal(err)
	}
	return docs
}

// The article page lists its story's articles once each: an update by the
// same outlet, as the story clusterer decided it, shows under its article
// with "2 phiên bản"; another outlet's reprint stays an article.
func TestArticlePageListsVersionsUnderTheirArticle(t *testing.T) {
	e := newEnv(t, envOpts{})
	docs := clusteredStory(t, e)
	update := docs[1]
	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	for _, a := range docs {
		code, body := c.get("/articles/" + a.ID)
		_, list, _ := strings.Cut(body, `id="s-h"`)
		if code != http.StatusOK || !strings.Contains(list, "Cùng sự việc: 2 bài") || !strings.Contains(list, "2 phiên bản") {
			t.Errorf("article page of %s: %d, story list:\n%s", a.URL, code, list)
		}
		if n := strings.Count(list, `href="/articles/`+update.ID+`"`); n != 1 {
			t.Errorf("article page of %s links the update %d times, want once (under its article)", a.URL, n)
		}
	}
}
