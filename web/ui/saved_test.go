package ui_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var savedIDRe = regexp.MustCompile(`id="saved-([0-9a-f]+)"`)

// A viewer saves, renames, subscribes and deletes searches of their own
// from the search page; mistakes are told at the field in Vietnamese;
// another account neither sees nor changes them.
func TestSavedSearchesOnTheSearchPage(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	back := url.Values{"q": {"lũ quét"}, "tier": {"local"}, "from": {"2026-01-01"}}.Encode()

	// Without the CSRF token the form is refused.
	if code, _, _ := c.do(http.MethodPost, "/saved-searches", url.Values{"name": {"x"}, "back": {back}}, nil); code != http.StatusForbidden {
		t.Errorf("save without csrf: %d", code)
	}
	code, page := c.post("/saved-searches", url.Values{"name": {"  "}, "back": {back}})
	if code != http.StatusBadRequest || !strings.Contains(page, `<p class="field-error" id="saved-name-err" role="alert">Hãy đặt tên cho tìm kiếm.</p>`) || !strings.Contains(page, `aria-invalid="true" aria-describedby="saved-name-err"`) {
		t.Fatalf("empty name: %d, no message at the field", code)
	}
	code, page = c.post("/saved-searches", url.Values{"name": {"Lỗi"}, "back": {url.Values{"q": {"lu AND ("}}.Encode()}})
	if code != http.StatusBadRequest || !strings.Contains(page, `id="q-err" role="alert">Truy vấn chưa đúng cú pháp (cột`) {
		t.Fatalf("bad query: %d, no message at the search box", code)
	}
	code, _, hdr := c.do(http.MethodPost, "/saved-searches", url.Values{"csrf": {c.csrf}, "name": {"Lũ quét"}, "back": {back}}, nil)
	if loc := hdr.Get("Location"); code != http.StatusSeeOther || !strings.Contains(loc, "flash=saved.created") || !strings.Contains(loc, "tier=local") || strings.Contains(loc, "from=") {
		t.Fatalf("save: %d to %q: want the saved search's page, without dates", code, loc)
	}
	code, page = c.post("/saved-searches", url.Values{"name": {"LU QUET"}, "back": {back}})
	if code != http.StatusBadRequest || !strings.Contains(page, "Bạn đã có một tìm kiếm cùng tên") {
		t.Fatalf("duplicate name: %d", code)
	}
	_, page = c.get("/search?q=x")
	m := savedIDRe.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `>Lũ quét</a>`) || !strings.Contains(page, "Tìm kiếm đã lưu") {
		t.Fatal("the search page does not list the saved search")
	}
	id := m[1]
	run, _ := url.Parse(html.UnescapeString(regexp.MustCompile(`class="saved-run" href="([^"]+)"`).FindStringSubmatch(page)[1]))
	if q := run.Query(); run.Path != "/search" || q.Get("q") != "lũ quét" || q.Get("tier") != "local" {
		t.Errorf("run link %q", run)
	}

	code, page = c.post("/saved-searches/"+id+"/subscription", url.Values{"receiver": {"email"}, "to": {"khong-phai-dia-chi"}, "back": {back}})
	if code != http.StatusBadRequest || !strings.Contains(page, "Địa chỉ thư điện tử không hợp lệ") || !strings.Contains(page, `<details open>`) {
		t.Fatalf("bad address: %d, want the message in the opened item", code)
	}
	if code, _ := c.post("/saved-searches/"+id+"/subscription", url.Values{"receiver": {"email"}, "to": {"xem@stttt.gov.vn"}, "back": {back}}); code != http.StatusSeeOther {
		t.Fatalf("subscribe: %d", code)
	}
	if code, _ := c.post("/saved-searches/"+id+"/rename", url.Values{"name": {"Lũ quét Mường Chà"}, "back": {back}}); code != http.StatusSeeOther {
		t.Fatalf("rename: %d", code)
	}
	_, page = c.get("/search?q=x")
	if !strings.Contains(page, ">Lũ quét Mường Chà</a>") || !strings.Contains(page, "Bản tin hằng ngày: xem@stttt.gov.vn") {
		t.Error("renamed, subscribed search not shown so")
	}

	// The API lists the same, to its owner only.
	var list struct {
		Searches []struct {
			ID           string `json:"id"`
			Subscription *struct {
				To string `json:"to"`
			} `json:"subscription"`
		} `json:"searches"`
	}
	_, body, _ := c.do(http.MethodGet, "/api/v1/saved-searches", nil, nil)
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Searches) != 1 || list.Searches[0].ID != id || list.Searches[0].Subscription.To != "xem@stttt.gov.vn" {
		t.Errorf("API list %s (%v)", body, err)
	}
	other := e.client(t)
	other.login("canbo", "mat-khau-canbo")
	_, page = other.get("/search?q=x")
	if strings.Contains(page, "Lũ quét Mường Chà") {
		t.Error("another account sees the search")
	}
	if code, _ := other.post("/saved-searches/"+id+"/delete", url.Values{"back": {back}}); code != http.StatusNotFound {
		t.Errorf("another account deleting it: %d", code)
	}
	if code, _, _ := other.do(http.MethodPost, "/api/v1/saved-searches/digest", nil, map[string]string{"X-CSRF-Token": other.csrf}); code != http.StatusForbidden {
		t.Errorf("an officer sending every digest: %d, want 403 (admins only)", code)
	}
	if code, _ := c.post("/saved-searches/"+id+"/delete", url.Values{"back": {back}}); code != http.StatusSeeOther {
		t.Fatalf("delete: %d", code)
	}
	if _, page = c.get("/search?q=x"); !strings.Contains(page, "Chưa có tìm kiếm nào được lưu.") {
		t.Error("deleted search still listed")
	}
}
