// Package reporttest builds the report fixture: a real index and a real
// NATS alert store holding a known fortnight, for the report's golden test
// and its renderers' and the app's tests.
package reporttest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/report"
)

// ICT is the province's zone (Asia/Ho_Chi_Minh, no daylight saving).
var ICT = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// At is a local time in the fixture's week: day of month (November for
// 23..30, December for 1..7), hour and minute.
func At(day, hour, min int) time.Time {
	m := time.December
	if day > 7 {
		m = time.November
	}
	return time.Date(2026, m, day, hour, min, 0, 0, ICT)
}

// Week is the fixture's period: Monday 30 November to Sunday 6 December.
var Week = report.Period{From: At(30, 0, 0), To: At(7, 0, 0)}

// Now is when the fixture's report is built.
var Now = At(7, 9, 0)

type art struct {
	id, src, tier, lang, title, text, story string
	at                                      time.Time
	labels                                  []string
	sentiment                               float64
	caseID                                  string
}

// Articles of the fortnight and around it; the golden test's numbers are
// counted from this table by hand.
func articles() []art {
	return []art{
		{"a1", "baodienbien", "local", "vi", "Sạt lở đất ở Mường Chà", "Mưa lớn gây sạt lở đất tại huyện Mường Chà, tỉnh Điện Biên.", "s1", At(30, 8, 0), []string{"sensitive", "disaster"}, -0.6, ""},
		// 06:00 on Tuesday is still Monday in UTC: the day is the local one.
		{"a2", "vnexpress", "central", "vi", "Mường Chà khắc phục hậu quả sạt lở", "Chính quyền Mường Chà khắc phục sạt lở đất.", "s1", At(1, 6, 0), []string{"sensitive", "disaster"}, -0.5, ""},
		{"a3", "dantri", "central", "vi", "Sạt lở đất ở miền núi", "Sạt lở đất xảy ra tại Tuần Giáo sau mưa lớn.", "s1", At(1, 10, 0), []string{"sensitive", "disaster"}, -0.3, ""},
		{"a4", "baodienbien", "local", "vi", "Sốt xuất huyết gia tăng", "Số ca sốt xuất huyết ở Tuần Giáo tăng.", "s2", At(2, 9, 0), []string{"health", "sensitive"}, -0.4, ""},
		{"a5", "baodienbien", "local", "vi", "Điện Biên đẩy mạnh chuyển đổi số", "Triển khai Nghị quyết 57 về khoa học công nghệ.", "s3", At(3, 9, 0), nil, 0.5, ""},
		{"a6", "vnexpress", "central", "vi", "Thực hiện Nghị quyết 57", "Khoa học, công nghệ, đổi mới sáng tạo.", "s3", At(4, 9, 0), nil, 0, ""},
		{"a7", "reuters", "foreign", "en", "Dien Bien tourism grows", "Visitors come to Dien Bien Phu.", "s4", At(5, 9, 0), nil, 0.1, ""},
		{"a8", "lefigaro", "foreign", "fr", "Le tourisme à Dien Bien Phu", "Des visiteurs à Dien Bien Phu.", "s5", At(6, 20, 0), nil, 0.3, ""},
		{"a9", "fbpage", "social", "vi", "Tin đồn về đập thủy điện vỡ", "Đập thủy điện bị vỡ, người dân hoang mang.", "s6", At(6, 23, 59), []string{"misleading", "sensitive"}, -0.7, "c1"},
		// After the week (00:30 Monday is Sunday in UTC).
		{"a10", "baodienbien", "local", "vi", "Sạt lở đất ở Mường Chà lần nữa", "Sạt lở đất Mường Chà.", "s1", At(7, 0, 30), []string{"sensitive", "disaster"}, -0.6, ""},
		// The week before.
		{"p1", "baodienbien", "local", "vi", "Lũ quét ở Nậm Pồ", "Lũ quét gây thiệt hại.", "s7", At(24, 9, 0), []string{"sensitive", "disaster"}, -0.5, ""},
		{"p2", "vnexpress", "central", "vi", "Điện Biên thu hút đầu tư", "Nhà đầu tư đến Điện Biên.", "s8", At(25, 9, 0), nil, 0, ""},
		{"p3", "reuters", "foreign", "en", "Coffee harvest in Dien Bien", "The coffee harvest.", "s9", At(29, 23, 0), nil, 0.4, ""},
		// Before both.
		{"o1", "baodienbien", "local", "vi", "Tin cũ", "Tin cũ.", "s10", At(22, 9, 0), []string{"sensitive"}, -0.5, ""},
	}
}

// Fixture is a started index and bus holding the fixture.
type Fixture struct {
	Index  *indexer.Index
	Bus    *bus.Bus
	Alerts *alerts.Store
	Cases  story.CaseList
}

// Options are the report options the golden numbers assume.
func Options() report.Options {
	return report.Options{
		Location: ICT,
		Policies: []report.Topic{{ID: "nq57", Name: "Nghị quyết 57", Query: `"Nghị quyết 57" OR "chuyển đổi số"`}},
		Places:   []report.Topic{{ID: "Mường Chà", Name: "Mường Chà", Query: `"Mường Chà"`}, {ID: "Tuần Giáo", Name: "Tuần Giáo", Query: `"Tuần Giáo"`}},
		Departments: map[string]string{
			"so-y-te": "Sở Y tế", "so-nong-nghiep-moi-truong": "Sở Nông nghiệp và Môi trường",
		},
		Target:  24 * time.Hour,
		Stories: 3,
		Now:     func() time.Time { return Now },
	}
}

// Start builds the fixture in temp directories and a real NATS server.
func Start(t testing.TB) *Fixture {
	t.Helper()
	idx, err := indexer.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	var batch []*article.Article
	for _, a := range articles() {
		x := &article.Article{
			ID: fmt.Sprintf("%032s", a.id), URL: "https://example.vn/" + a.id, SourceID: a.src, Tier: a.tier, Lang: a.lang,
			Title: a.title, Text: a.text, Published: a.at, Fetched: a.at, Labels: a.labels, Sentiment: a.sentiment, StoryID: a.story,
		}
		if a.caseID != "" {
			x.Matches = []article.Match{{RuleID: "misleading.copy", CaseID: a.caseID, Labels: []string{"misleading", "sensitive"}}}
		}
		batch = append(batch, x)
	}
	if err := idx.IndexBatch(batch); err != nil {
		t.Fatal(err)
	}
	b := bustest.Start(t)
	f := &Fixture{Index: idx, Bus: b, Cases: story.CaseList{KV: b.KV(bus.BucketCases)}}
	f.writeCases(t)
	f.writeAlerts(t)
	return f
}

func put(t testing.TB, ctx context.Context, f *Fixture, bucket, key string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Bus.KV(bucket).Put(ctx, key, data); err != nil {
		t.Fatal(err)
	}
}

func (f *Fixture) writeCases(t testing.TB) {
	ctx := context.Background()
	for _, c := range []story.Case{
		{ID: "c1", ArticleID: "c1", Title: "Đập thủy điện vỡ", URL: "https://rumour.example/dap-vo", RebuttalURL: "https://dienbien.gov.vn/bac-bo-tin-dap-vo", MarkedBy: "officer", MarkedAt: At(28, 10, 0)},
		{ID: "c2", ArticleID: "c2", Title: "Tin giả về dịch bệnh", URL: "https://rumour.example/dich", MarkedBy: "officer", MarkedAt: At(2, 15, 0)},
		{ID: "c3", ArticleID: "c3", Title: "Tin giả cũ", URL: "https://rumour.example/cu", MarkedBy: "officer", MarkedAt: At(10, 15, 0).AddDate(0, -2, 0)},
	} {
		put(t, ctx, f, bus.BucketCases, "c."+c.ID, c)
	}
}

// writeAlerts raises the alerts as the engine stores them and moves them
// through the store's lifecycle at set times.
func (f *Fixture) writeAlerts(t testing.TB) {
	ctx := context.Background()
	var clock time.Time
	st, err := alerts.NewStore(f.Bus, prometheus.NewRegistry(), func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	f.Alerts = st
	raise := func(id, typ, title, dept string, created time.Time, labels ...string) {
		al := alerts.Alert{
			ID: id, GroupKey: id, Type: typ, Title: title, Status: alerts.StatusNew, Severity: article.SeverityHigh,
			Labels: labels, Created: created, Updated: created,
			History: []alerts.Change{{At: created, By: "presswatch", Action: "raised", To: alerts.StatusNew}},
		}
		if dept != "" {
			al.Departments = []string{dept}
		}
		if typ == alerts.TypeSpike {
			al.Detail = "12 articles in the day, 4.0× the baseline; terms: sạt lở"
		}
		put(t, ctx, f, bus.BucketAlerts, id, al)
	}
	act := func(id string, at time.Time, a alerts.Action, in alerts.ActionInput) {
		clock = at
		if _, err := st.Act(ctx, id, a, in, "officer"); err != nil {
			t.Fatalf("%s %s: %v", a, id, err)
		}
	}
	const nnmt, yte = "so-nong-nghiep-moi-truong", "so-y-te"
	raise("A1", alerts.TypeArticle, "Sạt lở đất ở Mường Chà", nnmt, At(30, 9, 0), "sensitive", "disaster")
	act("A1", At(30, 9, 30), alerts.ActionAck, alerts.ActionInput{})
	act("A1", At(30, 14, 0), alerts.ActionRespond, alerts.ActionInput{Link: "https://dienbien.gov.vn/thong-tin-sat-lo"})
	act("A1", At(30, 15, 0), alerts.ActionClose, alerts.ActionInput{})
	raise("A2", alerts.TypeArticle, "Sốt xuất huyết gia tăng", yte, At(2, 10, 0), "sensitive", "health")
	act("A2", At(2, 12, 0), alerts.ActionAck, alerts.ActionInput{})
	raise("A3", alerts.TypeArticle, "Sạt lở đất ở Mường Chà lần nữa", nnmt, At(6, 23, 0), "sensitive", "disaster")
	act("A3", At(7, 8, 0), alerts.ActionAck, alerts.ActionInput{}) // after the week
	raise("A4", alerts.TypeArticle, "Ngộ độc thực phẩm", yte, At(30, 12, 0), "sensitive", "health")
	act("A4", At(30, 13, 0), alerts.ActionAck, alerts.ActionInput{})
	act("A4", At(1, 18, 0), alerts.ActionRespond, alerts.ActionInput{Link: "https://dienbien.gov.vn/ngo-doc"})
	raise("P1", alerts.TypeArticle, "Lũ quét ở Nậm Pồ", nnmt, At(24, 10, 0), "sensitive", "disaster")
	raise("S1", alerts.TypeSpike, "Đột biến tin: label:disaster", "", At(1, 11, 0), "disaster")
	raise("X1", alerts.TypeSource, "Nguồn ngừng đăng", "", At(2, 11, 0))
}
