package ui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
)

// An official denial on a rumour's story is shown on the rumour's alert,
// in the page and in the API; a response on another story is not.
func TestAlertShowsTheOfficialResponsesOfItsStory(t *testing.T) {
	e := newEnv(t, envOpts{})
	now := time.Now().UTC()
	rumour := &article.Article{ID: "b0000000000000000000000000000001", URL: "https://facebook.example/p/1", SourceID: "facebook", Tier: "social", Lang: "vi",
		Title: "Tin đồn học sinh Tuần Giáo ngộ độc thực phẩm", Text: "Nghe nói 3 em tử vong, chia sẻ ngay!!!", Published: now.Add(-3 * time.Hour), Fetched: now,
		StoryID: "b0000000000000000000000000000001", Labels: []string{"misleading"}, Severity: article.SeverityHigh,
		Matches: []article.Match{{RuleID: "misinfo.policy-rumour", Title: "Tin đồn", Severity: article.SeverityHigh, Labels: []string{"misleading"}}}}
	denial := &article.Article{ID: "b0000000000000000000000000000002", URL: "https://soyte.example/bac-bo", SourceID: "so-y-te", Tier: "official", Lang: "vi",
		Title: "Sở Y tế bác bỏ tin đồn học sinh Tuần Giáo ngộ độc thực phẩm", Text: "Thông tin là sai sự thật.", Published: now.Add(-time.Hour), Fetched: now,
		StoryID: rumour.StoryID, Labels: []string{"official-response"},
		Matches: []article.Match{{RuleID: "signal:response", Signal: true, Labels: []string{"official-response"}}}}
	other := &article.Article{ID: "b0000000000000000000000000000003", URL: "https://ubnd.example/dinh-chinh", SourceID: "ubnd", Tier: "official", Lang: "vi",
		Title: "UBND tỉnh đính chính giá vé di tích", Text: "Giá vé không tăng.", Published: now.Add(-time.Hour), Fetched: now,
		StoryID: "b0000000000000000000000000000003", Labels: []string{"official-response"}}
	if err := e.idx.IndexBatch([]*article.Article{rumour, denial, other}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, a := range []*article.Article{rumour, denial} {
		if err := e.alerts.Ingest(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	list, err := e.store.List(ctx, alerts.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, al := range list {
		if al.StoryID == rumour.StoryID {
			if id != "" {
				t.Fatalf("the denial raised an alert of its own: %+v", list)
			}
			id = al.ID
		}
	}
	if id == "" {
		t.Fatal("no alert for the rumour")
	}

	c := e.client(t)
	c.login("xem", "mat-khau-xem")
	code, page := c.get("/alerts/" + id)
	i := strings.Index(page, `id="resp-h"`)
	if code != http.StatusOK || i < 0 {
		t.Fatalf("alert page %d without a responses section", code)
	}
	section := page[i : strings.Index(page[i:], "</section>")+i]
	if !strings.Contains(section, denial.Title) || !strings.Contains(section, "/articles/"+denial.ID) || strings.Contains(section, other.Title) {
		t.Errorf("responses section: %s", section)
	}
	if !strings.Contains(page, "Phản hồi chính thức về vụ việc") {
		t.Error("the section is not titled in Vietnamese")
	}

	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/alerts/"+id, nil)
	req.Header.Set("Authorization", "Bearer config-token-0123456789")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		ID                string `json:"id"`
		StoryID           string `json:"story_id"`
		OfficialResponses []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"official_responses"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.ID != id || got.StoryID != rumour.StoryID || len(got.OfficialResponses) != 1 || got.OfficialResponses[0].ID != denial.ID {
		t.Errorf("API alert: %+v", got)
	}
}
