package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/web/auth"
)

func (e *env) incident(t *testing.T) *alerts.Alert {
	t.Helper()
	list, err := e.store.List(context.Background(), alerts.ListOptions{})
	if err != nil || len(list) != 1 {
		t.Fatalf("alerts: %v %v", list, err)
	}
	return list[0]
}

// A one-tap link asks for sign-in, shows what it will do, acts once on
// confirmation, and then (replayed), forged or expired does nothing and
// says why in Vietnamese.
func TestActionLinkSignInConfirmOnceThenRefused(t *testing.T) {
	e := newEnv(t, envOpts{})
	a := e.incident(t)
	tok := e.links.Sign(a.ID, actionlink.Ack, 0, e.clock.now())
	anon := e.client(t)
	if code, _, hdr := anon.do(http.MethodGet, "/a/"+tok, nil, nil); code != http.StatusSeeOther || hdr.Get("Location") != "/login?next="+url.QueryEscape("/a/"+tok) {
		t.Fatalf("anonymous: %d to %q, want the login form coming back to the link", code, hdr.Get("Location"))
	}
	officer := e.client(t)
	officer.login("canbo", "mat-khau-canbo")
	code, body := officer.get("/a/" + tok)
	if code != http.StatusOK || !strings.Contains(body, "Bạn sắp xác nhận đã nhận") || !strings.Contains(body, "Lũ quét tại Mường Chà") {
		t.Fatalf("confirmation page: %d\n%s", code, body)
	}
	if got, _ := e.store.Get(context.Background(), a.ID); got.Status != alerts.StatusNew {
		t.Fatalf("opening the link acted: %s", got.Status)
	}
	code, body = officer.post("/a/"+tok, nil)
	if code != http.StatusOK || !strings.Contains(body, `id="link-done"`) {
		t.Fatalf("confirm: %d\n%s", code, body)
	}
	if got, _ := e.store.Get(context.Background(), a.ID); got.Status != alerts.StatusAcknowledged {
		t.Fatalf("after confirming: %s", got.Status)
	}
	// Replayed, on the page and posted.
	if code, body = officer.get("/a/" + tok); code != http.StatusForbidden || !strings.Contains(body, "đã được dùng một lần") {
		t.Errorf("replayed link page: %d", code)
	}
	if code, body = officer.post("/a/"+tok, nil); code != http.StatusForbidden || !strings.Contains(body, "Không có thao tác nào được thực hiện") {
		t.Errorf("replayed link post: %d", code)
	}
	// Forged: another incident's ID under this link's signature.
	take := e.links.Sign(a.ID, actionlink.Take, 0, e.clock.now())
	p, sig, _ := strings.Cut(take, ".")
	forged := strings.TrimSuffix(p, "A") + "B." + sig
	if code, body = officer.post("/a/"+forged, nil); code != http.StatusForbidden || !strings.Contains(body, "chữ ký không khớp") && !strings.Contains(body, "không đúng định dạng") {
		t.Errorf("forged link: %d\n%s", code, body)
	}
	// Expired: signed two hours ago, good for one.
	old := e.links.Sign(a.ID, actionlink.Take, 0, e.clock.now().Add(-2*time.Hour))
	if code, body = officer.post("/a/"+old, nil); code != http.StatusForbidden || !strings.Contains(body, "Liên kết đã hết hạn") {
		t.Errorf("expired link: %d", code)
	}
	if got, _ := e.store.Get(context.Background(), a.ID); got.Status != alerts.StatusAcknowledged || got.Assignee != "" {
		t.Errorf("a refused link changed the incident: %s %q", got.Status, got.Assignee)
	}
}

// The mute link silences the incident's story for its hours, and says so
// in the history.
func TestActionLinkMutesTheStory(t *testing.T) {
	e := newEnv(t, envOpts{})
	a := e.incident(t)
	officer := e.client(t)
	officer.login("canbo", "mat-khau-canbo")
	tok := e.links.Sign(a.ID, actionlink.Mute, 4, e.clock.now())
	officer.get("/a/" + tok)
	if code, body := officer.post("/a/"+tok, nil); code != http.StatusOK || !strings.Contains(body, "4 giờ") {
		t.Fatalf("mute: %d\n%s", code, body)
	}
	list, _ := silence.NewStore(e.bus.KV(bus.BucketSilences)).Active(context.Background(), time.Now())
	if len(list) != 1 || !list[0].Matches(a.Attrs()) || list[0].CreatedBy != "canbo" {
		t.Fatalf("silences after mute: %+v", list)
	}
}

// Only the actions the status allows are offered; one posted anyway
// answers with the incident page and a Vietnamese message, not an error
// page.
func TestInvalidActionAnswersWithThePage(t *testing.T) {
	e := newEnv(t, envOpts{})
	a := e.incident(t)
	officer := e.client(t)
	officer.login("canbo", "mat-khau-canbo")
	_, body := officer.get("/alerts/" + a.ID)
	if !strings.Contains(body, `id="do-ack"`) || strings.Contains(body, `id="do-respond"`) || strings.Contains(body, `id="do-close"`) {
		t.Error("a new incident's page offers the wrong actions")
	}
	code, body := officer.post("/alerts/act", url.Values{"id": {a.ID}, "action": {"close"}, "back": {"/alerts/" + a.ID}})
	if code != http.StatusConflict || !strings.Contains(body, "Không thể «Đóng» sự việc") || !strings.Contains(body, "Hãy xác nhận đã nhận trước.") || !strings.Contains(body, `id="do-ack"`) {
		t.Fatalf("close a new incident: %d\n%s", code, body)
	}
	code, body = officer.post("/alerts/act", url.Values{"id": {a.ID}, "action": {"assign"}, "back": {"/alerts?sort=age"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "Hãy cho biết giao cho ai.") || !strings.Contains(body, `id="inbox"`) {
		t.Fatalf("assign to nobody from the inbox: %d", code)
	}
}

// Officers see and act on their departments' incidents; a lead on all.
// The picker offers the department's officers and the other departments
// by name; assigning to another department hands it over.
func TestDepartmentsScopeTheInboxAndThePicker(t *testing.T) {
	e := newEnv(t, envOpts{})
	a := e.incident(t) // of so-tai-nguyen
	ctx := context.Background()
	for _, u := range []struct{ name, role, dept string }{{"yte", auth.RoleOfficer, "so-y-te"}, {"tnmt", auth.RoleOfficer, "so-tai-nguyen"}, {"lanhdao", auth.RoleLead, ""}} {
		if _, err := e.acc.Users.Add(ctx, u.name, u.role, "mat-khau-"+u.name); err != nil {
			t.Fatal(err)
		}
		if u.dept != "" {
			if _, err := e.acc.Users.Update(ctx, u.name, func(usr *auth.User) error { usr.Departments = []string{u.dept}; return nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	yte, tnmt, lead := e.client(t), e.client(t), e.client(t)
	yte.login("yte", "mat-khau-yte")
	tnmt.login("tnmt", "mat-khau-tnmt")
	lead.login("lanhdao", "mat-khau-lanhdao")
	if _, body := yte.get("/alerts"); strings.Contains(body, "/alerts/"+a.ID) || !strings.Contains(body, "Sở Y tế") {
		t.Error("a health officer's inbox shows another department's incident by default")
	}
	if _, body := yte.get("/alerts?department=*"); !strings.Contains(body, "/alerts/"+a.ID) || strings.Contains(body, `value="`+a.ID+`"`) {
		t.Error("all departments: the incident is missing, or offered for action to an officer of another department")
	}
	if code, body := yte.post("/alerts/act", url.Values{"id": {a.ID}, "action": {"ack"}, "back": {"/alerts"}}); code != http.StatusConflict || !strings.Contains(body, "không thuộc đơn vị của bạn") {
		t.Errorf("health officer acks another department's incident: %d", code)
	}
	_, body := tnmt.get("/alerts/" + a.ID)
	if !strings.Contains(body, `<option value="tnmt">tnmt</option>`) || strings.Contains(body, `<option value="yte">`) || !strings.Contains(body, `<option value="dept:so-y-te">Sở Y tế</option>`) {
		t.Errorf("picker of a so-tai-nguyen incident:\n%s", body)
	}
	if !strings.Contains(body, "Sở Tài nguyên và Môi trường") || strings.Contains(body, ">so-tai-nguyen<") {
		t.Error("the incident page shows the department by ID")
	}
	if code, _ := lead.post("/alerts/act", url.Values{"id": {a.ID}, "action": {"assign"}, "assignee": {"dept:so-y-te"}, "back": {"/alerts/" + a.ID}}); code != http.StatusSeeOther {
		t.Fatalf("lead assigns to the health department: %d", code)
	}
	if _, body := yte.get("/alerts"); !strings.Contains(body, "/alerts/"+a.ID) {
		t.Error("the incident handed to the health department is not in its inbox")
	}
}

// Snoozing from the incident makes a silence of the chosen scope, shown
// on the page with a way to end it, and noted in the history.
func TestSnoozeFromTheIncident(t *testing.T) {
	e := newEnv(t, envOpts{})
	a := e.incident(t)
	officer := e.client(t)
	officer.login("canbo", "mat-khau-canbo")
	officer.get("/alerts/" + a.ID)
	if code, body := officer.post("/alerts/"+a.ID+"/snooze", url.Values{"scope": {"source"}, "value_source": {"bao-khac"}, "hours": {"4"}, "reason": {"x"}}); code != http.StatusBadRequest || !strings.Contains(body, "không thuộc sự việc này") {
		t.Errorf("snooze a source the incident does not have: %d", code)
	}
	if code, body := officer.post("/alerts/"+a.ID+"/snooze", url.Values{"scope": {"rule"}, "value_rule": {"lu-quet"}, "hours": {"8"}}); code != http.StatusBadRequest || !strings.Contains(body, "hãy nêu lý do") {
		t.Errorf("snooze without a reason: %d", code)
	}
	if code, _ := officer.post("/alerts/"+a.ID+"/snooze", url.Values{"scope": {"rule"}, "value_rule": {"lu-quet"}, "hours": {"8"}, "reason": {"Đã có thông cáo"}}); code != http.StatusSeeOther {
		t.Fatalf("snooze: %d", code)
	}
	_, body := officer.get("/alerts/" + a.ID)
	if !strings.Contains(body, "Thông báo đang được tạm tắt") || !strings.Contains(body, "Quy tắc «Lũ quét»") || !strings.Contains(body, "Bật lại ngay") {
		t.Fatalf("the page does not show the snooze:\n%s", body)
	}
	got, _ := e.store.Get(context.Background(), a.ID)
	if h := got.History[len(got.History)-1]; h.Action != "snoozed" || h.By != "canbo" || !strings.Contains(h.Note, "Đã có thông cáo") {
		t.Errorf("history: %+v", h)
	}
}
