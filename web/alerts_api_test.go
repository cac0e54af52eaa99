package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

const (
	viewerTok  = "viewer-token-0123456789"
	officerTok = "officer-token-0123456789"
	adminTok   = "admin-token-0123456789"
)

// alertServer serves the API over a real alert store on an embedded NATS,
// holding one high-severity alert of the health department, which counts
// more articles of its story beside the first.
func alertServer(t *testing.T, more int) (*httptest.Server, string, *prometheus.Registry) {
	t.Helper()
	b := bustest.Start(t)
	reg := prometheus.NewRegistry()
	st, err := alerts.NewStore(b, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := alerts.NewService(b, alerts.Options{Receivers: []alerts.Receiver{{Name: "log", Notifier: nopNotifier{}}}, Store: st, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	a := &article.Article{ID: "a1", URL: "https://x.example/a1", Title: "Ngộ độc thực phẩm", SourceID: "vnexpress", StoryID: "s1", Severity: article.SeverityHigh,
		Labels: []string{"food-safety"}, Matches: []article.Match{{RuleID: "health.food", Severity: article.SeverityHigh, Department: "so-y-te"}}}
	if err := svc.Ingest(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	for i := range more {
		other := *a
		other.ID, other.URL = fmt.Sprintf("b%d", i), fmt.Sprintf("https://x.example/b%d", i)
		if err := svc.Ingest(context.Background(), &other); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := st.List(context.Background(), alerts.ListOptions{})
	s, err := New(Options{API: true, Search: fakeSearch{}, Alerts: st, Silences: silence.NewStore(b.KV(bus.BucketSilences)), Gatherer: reg, Registerer: reg,
		Tokens: []Token{{Name: "viewer", Role: RoleViewer, Value: viewerTok}, {Name: "officer-lan", Role: RoleOfficer, Value: officerTok}, {Name: "admin", Role: RoleAdmin, Value: adminTok}},
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, list[0].ID, reg
}

// An incident past the articles it lists remembers the others to count
// each once; that bookkeeping is no part of what the API shows.
func TestAlertAPILeavesOutCountedArticles(t *testing.T) {
	t.Parallel()
	srv, id, _ := alertServer(t, 210)
	base := srv.URL + "/api/v1/alerts"
	for _, c := range []struct{ method, path string }{{"GET", ""}, {"GET", "/" + id}, {"POST", "/" + id + "/ack"}} {
		var body map[string]any
		if code := call(t, c.method, base+c.path, officerTok, "", &body); code != 200 {
			t.Fatalf("%s alerts%s: %d", c.method, c.path, code)
		}
		al := body
		if list, ok := body["alerts"].([]any); ok && len(list) == 1 {
			al, _ = list[0].(map[string]any)
		}
		if al["article_count"] != float64(211) {
			t.Errorf("%s alerts%s: article_count %v, want 211", c.method, c.path, al["article_count"])
		}
		if _, ok := al["counted"]; ok {
			t.Errorf("%s alerts%s shows the counted articles' hashes", c.method, c.path)
		}
	}
}

type nopNotifier struct{}

func (nopNotifier) Notify(context.Context, *alerts.Notification) error { return nil }

func call(t *testing.T, method, url, token, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, data)
		}
	}
	return resp.StatusCode
}

func TestAlertAPILifecycle(t *testing.T) {
	t.Parallel()
	srv, id, reg := alertServer(t, 0)
	base := srv.URL + "/api/v1/alerts"
	var list struct {
		Total  int             `json:"total"`
		Alerts []*alerts.Alert `json:"alerts"`
	}
	for q, want := range map[string]int{"": 1, "?department=so-y-te&severity=high&status=new": 1, "?label=food-safety": 1,
		"?department=so-xay-dung": 0, "?since=2000-01-01&until=2999-01-01": 1, "?until=2000-01-01": 0} {
		if code := call(t, "GET", base+q, viewerTok, "", &list); code != 200 || list.Total != want {
			t.Errorf("GET alerts%s: %d, total %d, want %d", q, code, list.Total, want)
		}
	}
	for _, q := range []string{"?status=open", "?severity=urgent", "?since=yesterday", "?limit=0"} {
		if code := call(t, "GET", base+q, viewerTok, "", nil); code != 400 {
			t.Errorf("GET alerts%s: %d, want 400", q, code)
		}
	}
	var al alerts.Alert
	if code := call(t, "GET", base+"/"+id, viewerTok, "", &al); code != 200 || al.ID != id {
		t.Errorf("GET alert: %d %+v", code, al)
	}
	if code := call(t, "GET", base+"/nope", viewerTok, "", nil); code != 404 {
		t.Errorf("GET unknown alert: %d", code)
	}
	var e struct{ Error string }
	steps := []struct {
		path, token, body string
		want              int
		errHas            string
	}{
		{"/ack", viewerTok, "", 403, ""},
		{"/respond", officerTok, `{"link":"https://syt.example.gov.vn/tb"}`, 409, "acknowledge it first"},
		{"/ack", officerTok, "", 200, ""},
		{"/ack", officerTok, "", 409, "acknowledged already"},
		{"/assign", officerTok, `{"assignee":"so-y-te","extra":1}`, 400, "unknown field"},
		{"/assign", officerTok, `{"note":"x"}`, 400, "assignee"},
		{"/assign", officerTok, `{"assignee":"so-y-te"}`, 200, ""},
		{"/respond", officerTok, `{"link":"ftp://x"}`, 400, "link"},
		{"/respond", officerTok, `{"link":"https://syt.example.gov.vn/tb","note":"Thông cáo"}`, 200, ""},
		{"/close", officerTok, "", 200, ""},
		{"/dismiss", officerTok, `{"reason":"x"}`, 409, "finished"},
		{"/reopen", officerTok, "", 404, "no action"},
	}
	for _, s := range steps {
		e.Error = ""
		if code := call(t, "POST", base+"/"+id+s.path, s.token, s.body, &e); code != s.want || !strings.Contains(e.Error, s.errHas) {
			t.Errorf("POST %s %s: %d %q, want %d %q", s.path, s.body, code, e.Error, s.want, s.errHas)
		}
	}
	call(t, "GET", base+"/"+id, viewerTok, "", &al)
	if al.Status != alerts.StatusClosed || al.Response == nil || al.Response.By != "officer-lan" || len(al.History) != 5 {
		t.Errorf("after the loop: status %s response %+v history %d", al.Status, al.Response, len(al.History))
	}
	// The response time is in /metrics.
	mfs, _ := reg.Gather()
	found := false
	for _, mf := range mfs {
		found = found || mf.GetName() == "presswatch_alerts_time_to_respond_seconds"
	}
	if !found {
		t.Error("no time_to_respond histogram")
	}
}

func TestSilenceAndDeadLetterAPI(t *testing.T) {
	t.Parallel()
	srv, _, _ := alertServer(t, 0)
	base := srv.URL + "/api/v1/silences"
	var sl silence.Silence
	if code := call(t, "POST", base, officerTok, `{"matchers":["department=so-y-te"],"duration":"2h","comment":"đã có thông cáo"}`, &sl); code != 201 || sl.CreatedBy != "officer-lan" || sl.Ends.Sub(sl.Starts) != 2*time.Hour {
		t.Fatalf("create silence: %d %+v", code, sl)
	}
	var e struct{ Error string }
	for body, want := range map[string]string{
		`{"matchers":["departmnt=x"],"duration":"1h","comment":"x"}`:   "unknown name",
		`{"matchers":["department=x"],"duration":"1h"}`:                "comment",
		`{"matchers":["department=x"],"comment":"x"}`:                  "ends",
		`{"matchers":["department=x"],"duration":"-1h","comment":"x"}`: "duration",
	} {
		if code := call(t, "POST", base, officerTok, body, &e); code != 400 || !strings.Contains(e.Error, want) {
			t.Errorf("POST %s: %d %q, want 400 %q", body, code, e.Error, want)
		}
	}
	if code := call(t, "POST", base, viewerTok, `{}`, nil); code != 403 {
		t.Errorf("viewer created a silence: %d", code)
	}
	var list struct {
		Silences []silence.Silence `json:"silences"`
	}
	if code := call(t, "GET", base, viewerTok, "", &list); code != 200 || len(list.Silences) != 1 {
		t.Errorf("list silences: %d %+v", code, list)
	}
	if code := call(t, "POST", base+"/"+sl.ID+"/expire", officerTok, "", &sl); code != 200 || sl.ExpiredBy != "officer-lan" {
		t.Errorf("expire: %d %+v", code, sl)
	}
	if code := call(t, "POST", base+"/nope/expire", officerTok, "", nil); code != 404 {
		t.Errorf("expire unknown: %d", code)
	}
	dl := srv.URL + "/api/v1/alerts/dead-letters"
	if code := call(t, "GET", dl, officerTok, "", nil); code != 403 {
		t.Errorf("officer listed dead letters: %d", code)
	}
	var dls struct{ Total int }
	if code := call(t, "GET", dl, adminTok, "", &dls); code != 200 || dls.Total != 0 {
		t.Errorf("dead letters: %d %+v", code, dls)
	}
	if code := call(t, "POST", dl+"/replay", adminTok, `{"keys":["log.nope/1"]}`, nil); code != 404 {
		t.Errorf("replay unknown: %d", code)
	}
	var rp struct{ Replayed []string }
	if code := call(t, "POST", dl+"/replay", adminTok, "", &rp); code != 200 || len(rp.Replayed) != 0 {
		t.Errorf("replay all of none: %d %+v", code, rp)
	}
}

// Snoozing an incident makes a silence of one of its own facts, for some
// hours, with a reason, and notes it in the history; anything else is 400
// saying what.
func TestAlertAPISnooze(t *testing.T) {
	t.Parallel()
	srv, id, _ := alertServer(t, 0)
	url := srv.URL + "/api/v1/alerts/" + id + "/snooze"
	var e struct{ Error string }
	for body, want := range map[string]string{
		`{"scope":"source","value":"tuoitre","hours":4,"reason":"x"}`:    "not a source of this incident",
		`{"scope":"story","hours":4}`:                                    "reason",
		`{"scope":"story","hours":9999,"reason":"x"}`:                    "hours",
		`{"scope":"label","value":"food-safety","hours":4,"reason":"x"}`: "scope",
	} {
		if code := call(t, "POST", url, officerTok, body, &e); code != 400 || !strings.Contains(e.Error, want) {
			t.Errorf("%s: %d %q, want 400 about %s", body, code, e.Error, want)
		}
	}
	if code := call(t, "POST", url, viewerTok, `{"scope":"story","hours":4,"reason":"x"}`, nil); code != 403 {
		t.Errorf("viewer snooze: %d", code)
	}
	var sl silence.Silence
	if code := call(t, "POST", url, officerTok, `{"scope":"source","value":"vnexpress","hours":4,"reason":"Nguồn lặp lại tin cũ"}`, &sl); code != 201 || len(sl.Matchers) != 1 || sl.Matchers[0] != `source="vnexpress"` || sl.CreatedBy != "officer-lan" {
		t.Fatalf("snooze: %d %+v", code, sl)
	}
	var al alerts.Alert
	call(t, "GET", srv.URL+"/api/v1/alerts/"+id, viewerTok, "", &al)
	if h := al.History[len(al.History)-1]; h.Action != "snoozed" || !strings.Contains(h.Note, "Nguồn lặp lại tin cũ") {
		t.Errorf("history: %+v", h)
	}
}
