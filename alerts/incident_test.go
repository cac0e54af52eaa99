package alerts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/internal/wait"
)

// floodMatches are the rules a flash-flood story trips: two of the
// agriculture and environment department, one of the health department,
// and a rumour signal that names no department.
func floodMatches() []article.Match {
	return []article.Match{
		{RuleID: "disaster.flood", Title: "Lũ quét", Severity: article.SeverityHigh, Department: "so-nnmt", Terms: []string{"lũ quét"}},
		{RuleID: "disaster.landslide", Title: "Sạt lở đất", Severity: article.SeverityMedium, Department: "so-nnmt", Terms: []string{"sạt lở"}},
		{RuleID: "health.epidemic", Title: "Dịch bệnh sau lũ", Severity: article.SeverityLow, Department: "so-y-te", Terms: []string{"dịch"}},
		{RuleID: "signal.rumour", Title: "Dấu hiệu tin đồn", Severity: article.SeverityLow, Terms: []string{"nghe nói"}, Signal: true},
	}
}

func incidentOf(t *testing.T, st *alerts.Store, dept string) *alerts.Alert {
	t.Helper()
	list, err := st.List(context.Background(), alerts.ListOptions{Department: dept})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("department %s: %d incidents, want 1", dept, len(list))
	}
	return list[0]
}

func ruleIDs(al *alerts.Alert) []string {
	var out []string
	for _, r := range al.Rules {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

// Four rules on one story make one incident per department, each with its
// rules as reasons and the highest severity; a new rule joining the story
// sends one follow-up that names it, not a new alert.
func TestOneIncidentPerStoryAndDepartment(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	rc := &sink{}
	dir := alerts.NewDirectory([]alerts.Department{{ID: "so-nnmt", Name: "Sở Nông nghiệp và Môi trường"}, {ID: "so-y-te", Name: "Sở Y tế"}})
	signer, _ := actionlink.NewSigner(bytes.Repeat([]byte("s"), 32), time.Hour)
	h := start(t, b, alerts.Options{
		Receivers: []alerts.Receiver{{Name: "chat", Notifier: rc}},
		Directory: dir, BaseURL: "https://pw.example.vn", Links: signer,
		Route: mustRoute(t, route.Spec{Receivers: []string{"chat"}, Timing: route.Timing{GroupWait: time.Second, GroupInterval: time.Minute}}),
	})
	a := storyArticle("a0", "s1", "baodienbien", article.SeverityHigh, "")
	a.Matches = floodMatches()
	publish(t, b, a)
	wait.Until(t, 15*time.Second, "two incidents", func() bool {
		list, _ := h.store.List(context.Background(), alerts.ListOptions{})
		return len(list) == 2
	})
	h.grouped(t)
	nn, yt := incidentOf(t, h.store, "so-nnmt"), incidentOf(t, h.store, "so-y-te")
	if got := ruleIDs(nn); !slices.Equal(got, []string{"disaster.flood", "disaster.landslide"}) {
		t.Errorf("agriculture incident reasons %v", got)
	}
	if got := ruleIDs(yt); !slices.Equal(got, []string{"health.epidemic"}) {
		t.Errorf("health incident reasons %v", got)
	}
	if nn.Severity != article.SeverityHigh || yt.Severity != article.SeverityLow {
		t.Errorf("severities %s and %s, want the highest reason's: high and low", nn.Severity, yt.Severity)
	}
	if r := nn.Rules[slices.IndexFunc(nn.Rules, func(r alerts.RuleRef) bool { return r.ID == "disaster.landslide" })]; !slices.Equal(r.Terms, []string{"sạt lở"}) || r.Severity != article.SeverityMedium {
		t.Errorf("landslide reason %+v", r)
	}
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "one message per incident", func() bool { return rc.count() == 2 })
	for _, n := range rc.list() {
		if len(n.Alerts) != 1 || n.Kind != alerts.KindNew {
			t.Fatalf("message %s of kind %s with %d alerts", n.Key, n.Kind, len(n.Alerts))
		}
		al := n.Alerts[0]
		if name := n.DepartmentNames[al.Departments[0]]; !strings.HasPrefix(name, "Sở ") {
			t.Errorf("department name of %s: %q", al.Departments[0], name)
		}
		acts := n.Actions[al.ID]
		if len(acts) != 3 || acts[0].Action != actionlink.Ack || !strings.HasPrefix(acts[0].URL, "https://pw.example.vn/a/") {
			t.Fatalf("action links %+v", acts)
		}
		tok := strings.TrimPrefix(acts[0].URL, "https://pw.example.vn/a/")
		if c, err := signer.Verify(tok, h.clock.Now()); err != nil || c.Alert != al.ID {
			t.Errorf("ack link does not verify for %s: %+v %v", al.ID, c, err)
		}
	}

	// The same article again, then a second article of the story adding
	// a rule: one follow-up to the agriculture department naming the new
	// reason; nothing new for health.
	publish(t, b, a)
	b2 := storyArticle("a1", "s1", "baodienbien", article.SeverityHigh, "")
	b2.Matches = []article.Match{{RuleID: "disaster.evacuation", Title: "Sơ tán dân", Severity: article.SeverityCritical, Department: "so-nnmt", Terms: []string{"sơ tán"}}}
	publish(t, b, b2)
	wait.Until(t, 15*time.Second, "the new reason", func() bool { return len(incidentOf(t, h.store, "so-nnmt").Rules) == 3 })
	h.grouped(t)
	h.clock.Add(61 * time.Second)
	wait.Until(t, 15*time.Second, "a follow-up", func() bool { return rc.count() == 3 })
	settle(t, h)
	if rc.count() != 3 {
		t.Fatalf("%d messages, want 3", rc.count())
	}
	f := rc.list()[2]
	if f.Kind != alerts.KindFollowUp || f.Update == nil || !slices.Equal(f.Update.NewReasons, []string{"disaster.evacuation"}) || f.Update.SeverityFrom != article.SeverityHigh {
		t.Fatalf("follow-up %s %+v", f.Kind, f.Update)
	}
	if got := incidentOf(t, h.store, "so-nnmt"); got.Severity != article.SeverityCritical || got.ArticleCount != 2 {
		t.Errorf("after the new reason: severity %s, %d articles", got.Severity, got.ArticleCount)
	}
}

// Responding to an incident sends "response published" with the link to
// the receivers that heard of it, once, even when asked again.
func TestResponsePublishedGoesToWhoeverWasNotified(t *testing.T) {
	t.Parallel()
	h, rc := startChat(t)
	a := storyArticle("a0", "s1", "baodienbien", article.SeverityHigh, "so-tnmt")
	publish(t, h.b, a)
	al := waitArticles(t, h.store, 1)
	h.grouped(t)
	h.clock.Add(2 * time.Second)
	wait.Until(t, 15*time.Second, "the first message", func() bool { return rc.count() == 1 })
	ctx := context.Background()
	if _, err := h.store.Act(ctx, al.ID, alerts.ActionAck, alerts.ActionInput{}, "can-bo"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Act(ctx, al.ID, alerts.ActionRespond, alerts.ActionInput{Link: "https://dienbien.gov.vn/thong-tin-chinh-thuc"}, "can-bo"); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, 15*time.Second, "the response message", func() bool { return rc.count() == 2 })
	settle(t, h)
	n := rc.list()[1]
	if n.Kind != alerts.KindResponse || n.Alerts[0].Response == nil || n.Alerts[0].Response.Link != "https://dienbien.gov.vn/thong-tin-chinh-thuc" {
		t.Fatalf("second message: %s %+v", n.Kind, n.Alerts[0].Response)
	}
	if rc.count() != 2 {
		t.Errorf("%d messages, want 2", rc.count())
	}
}

// Alerts stored by the older version, one per story and rule, are folded
// at start into one incident per story and department, keeping their
// lifecycle, and the old records go.
func TestMigrateOldShapeAlerts(t *testing.T) {
	t.Parallel()
	b := openBus(t)
	kv := b.KV(bus.BucketAlerts)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	old := []map[string]any{
		{"id": "old1", "group_key": "story:s1|rule:disaster.flood", "type": "article", "title": "Lũ quét", "story_id": "s1", "status": "acknowledged",
			"severity": "high", "labels": []string{"disaster"}, "rules": []map[string]any{{"id": "disaster.flood", "title": "Lũ quét", "terms": []string{"lũ quét"}}},
			"departments": []string{"so-nnmt"}, "articles": []map[string]any{{"id": "a0", "url": "https://x.vn/a0", "title": "Lũ quét", "source": "baodienbien"}},
			"article_count": 1, "sources": []string{"baodienbien"}, "created": t0, "updated": t0, "acknowledged": t0.Add(time.Minute),
			"history": []map[string]any{{"at": t0, "by": "presswatch", "action": "raised", "to": "new"}, {"at": t0.Add(time.Minute), "by": "can-bo", "action": "ack", "from": "new", "to": "acknowledged"}}},
		{"id": "old2", "group_key": "story:s1|rule:disaster.landslide", "type": "article", "title": "Sạt lở", "story_id": "s1", "status": "new",
			"severity": "critical", "rules": []map[string]any{{"id": "disaster.landslide", "title": "Sạt lở đất"}},
			"departments": []string{"so-nnmt"}, "articles": []map[string]any{{"id": "a1", "url": "https://y.vn/a1", "title": "Sạt lở", "source": "vnexpress"}},
			"article_count": 1, "sources": []string{"vnexpress"}, "created": t0.Add(time.Hour), "updated": t0.Add(time.Hour)},
		{"id": "old3", "group_key": "story:s1|rule:health.epidemic", "type": "article", "story_id": "s1", "status": "new", "severity": "low",
			"rules": []map[string]any{{"id": "health.epidemic"}}, "departments": []string{"so-y-te"}, "article_count": 1, "created": t0, "updated": t0},
		{"id": "spike1", "group_key": "spike:x", "type": "spike", "status": "new", "severity": "medium", "created": t0, "updated": t0},
	}
	for _, rec := range old {
		data, _ := json.Marshal(rec)
		if _, err := kv.Put(ctx, rec["id"].(string), data); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // a second run (another replica, a restart) changes nothing
		if _, err := alerts.MigrateIncidents(ctx, kv); err != nil {
			t.Fatal(err)
		}
	}
	list, err := alerts.List(ctx, kv, alerts.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("%d records after migration, want 3 (two incidents and the spike)", len(list))
	}
	var nn *alerts.Alert
	for _, al := range list {
		if slices.Contains(al.Departments, "so-nnmt") {
			nn = al
		}
		if strings.HasPrefix(al.ID, "old") {
			t.Errorf("old record %s kept", al.ID)
		}
	}
	if nn == nil {
		t.Fatal("no agriculture incident")
	}
	if got := ruleIDs(nn); !slices.Equal(got, []string{"disaster.flood", "disaster.landslide"}) {
		t.Errorf("reasons %v", got)
	}
	if nn.Severity != article.SeverityCritical || nn.Status != alerts.StatusAcknowledged || nn.ArticleCount != 2 || len(nn.Sources) != 2 || !nn.Created.Equal(t0) {
		t.Errorf("merged: severity %s, status %s, %d articles, sources %v, created %s", nn.Severity, nn.Status, nn.ArticleCount, nn.Sources, nn.Created)
	}
	if !slices.ContainsFunc(nn.History, func(c alerts.Change) bool { return c.Action == "ack" && c.By == "can-bo" }) {
		t.Errorf("the acknowledgement is not in the history: %+v", nn.History)
	}
}
