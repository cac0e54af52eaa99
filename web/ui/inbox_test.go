package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
)

func TestInboxAcknowledgeRespondAndHistory(t *testing.T) {
	e := newEnv(t, envOpts{})
	viewer, officer := e.client(t), e.client(t)
	viewer.login("xem", "mat-khau-xem")
	officer.login("canbo", "mat-khau-canbo")
	list, err := e.store.List(context.Background(), alerts.ListOptions{})
	if err != nil || len(list) != 1 {
		t.Fatalf("alerts: %v %v", list, err)
	}
	id := list[0].ID

	_, body := officer.get("/alerts")
	if !strings.Contains(body, `value="`+id+`"`) {
		t.Fatal("the officer's inbox has no checkbox for the alert")
	}
	_, body = viewer.get("/alerts")
	if strings.Contains(body, `name="id" value="`+id+`"`) {
		t.Error("the viewer's inbox offers actions")
	}
	if code, _ := viewer.post("/alerts/act", url.Values{"id": {id}, "action": {"ack"}}); code != http.StatusForbidden {
		t.Errorf("viewer ack: %d", code)
	}
	// Bad input is refused with the reason.
	for _, f := range []url.Values{
		{"id": {id}, "action": {"respond"}, "link": {"javascript:alert(1)"}},
		{"id": {id}, "action": {"dismiss"}},
		{"id": {id}, "action": {"assign"}},
		{"action": {"ack"}},
		{"id": {id}, "action": {"explode"}},
	} {
		if code, _ := officer.post("/alerts/act", f); code != http.StatusBadRequest {
			t.Errorf("%v: %d", f, code)
		}
	}
	// Bulk acknowledge from the inbox, then respond from the alert page.
	if code, _ := officer.post("/alerts/act", url.Values{"id": {id}, "action": {"ack"}, "back": {"/alerts"}}); code != http.StatusSeeOther {
		t.Fatalf("ack: %d", code)
	}
	if code, _ := officer.post("/alerts/act", url.Values{"id": {id}, "action": {"respond"}, "link": {"https://dienbien.gov.vn/thong-bao"}, "note": {"Đã đăng thông cáo"}}); code != http.StatusSeeOther {
		t.Fatalf("respond: %d", code)
	}
	al, err := e.store.Get(context.Background(), id)
	if err != nil || al.Status != alerts.StatusResponded || al.Response == nil || al.Response.By != "canbo" {
		t.Fatalf("after respond: %+v %v", al, err)
	}
	_, body = officer.get("/alerts")
	if strings.Contains(body, "/alerts/"+id) {
		t.Error("a responded alert is still in the open inbox")
	}
	_, body = officer.get("/alerts?show=done")
	if !strings.Contains(body, "/alerts/"+id) {
		t.Error("the responded alert is not under done")
	}
	_, body = officer.get("/alerts/" + id)
	rebuttal := `<a href="https://dienbien.gov.vn/bac-bo?tin=lu-quet&amp;v=1" rel="noopener noreferrer" class="rebuttal">`
	for _, want := range []string{"https://dienbien.gov.vn/thong-bao", "Đã đăng thông cáo", `data-status="responded"`, "canbo", "Thông tin chính thức bác bỏ", rebuttal} {
		if !strings.Contains(body, want) {
			t.Errorf("alert page lacks %q", want)
		}
	}
	// Acknowledging again is a conflict the page explains.
	if code, _ := officer.post("/alerts/act", url.Values{"id": {id}, "action": {"ack"}}); code != http.StatusConflict {
		t.Errorf("second ack: %d", code)
	}
	// Officer actions are in the audit log.
	admin := e.client(t)
	admin.login("quantri", "mat-khau-quantri")
	_, body = admin.get("/admin")
	if !strings.Contains(body, "alert.ack") || !strings.Contains(body, "alert.respond") {
		t.Error("audit log lacks the alert actions")
	}
	// Filters.
	if _, body = officer.get("/alerts?show=all&label=disaster"); !strings.Contains(body, "/alerts/"+id) {
		t.Error("label filter dropped the alert")
	}
	if _, body = officer.get("/alerts?show=all&label=sports"); strings.Contains(body, "/alerts/"+id) {
		t.Error("label filter kept an alert without the label")
	}
	// The dashboard lists the story and has a time to acknowledge.
	_, body = officer.get("/dashboard")
	if !strings.Contains(body, `<a href="/alerts/`+id+`">`) {
		t.Error("dashboard does not list the week's story")
	}
	if !strings.Contains(body, `<span class="muted">(1)</span>`) {
		t.Error("dashboard shows no response time")
	}
}

// The inbox and the dashboard filter before they limit: an open alert
// older than a thousand answered ones still waits in the open inbox and
// counts on the dashboard.
func TestOldOpenAlertIsNotCrowdedOutByAnsweredOnes(t *testing.T) {
	e := newEnv(t, envOpts{})
	ctx := context.Background()
	list, err := e.store.List(ctx, alerts.ListOptions{})
	if err != nil || len(list) != 1 {
		t.Fatalf("alerts: %v %v", list, err)
	}
	old := list[0]
	kv := e.bus.KV(bus.BucketAlerts)
	for i := range 1001 {
		at := old.Created.Add(time.Duration(i+1) * time.Minute)
		a := alerts.Alert{ID: fmt.Sprintf("done%05d", i), Type: alerts.TypeArticle, Title: "Đã trả lời", Status: alerts.StatusClosed,
			Severity: article.SeverityLow, Created: at, Updated: at, Closed: at}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kv.Put(ctx, a.ID, b); err != nil {
			t.Fatal(err)
		}
	}
	officer := e.client(t)
	officer.login("canbo", "mat-khau-canbo")
	if _, body := officer.get("/alerts"); !strings.Contains(body, "/alerts/"+old.ID) {
		t.Error("the open alert left the inbox behind 1,001 newer closed ones")
	}
	if _, body := officer.get("/alerts?show=done"); strings.Contains(body, "/alerts/"+old.ID) || !strings.Contains(body, "/alerts/done01000") {
		t.Error("the done view shows the open alert, or misses the newest closed one")
	}
	if _, body := officer.get("/dashboard"); !strings.Contains(body, "Cảnh báo đang mở: 1") {
		t.Error("the dashboard does not count the one open alert")
	}
}
