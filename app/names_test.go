package app_test

import (
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/app/apptest"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/demosite/sink"
	"github.com/presswatch/presswatch/internal/slugcheck"
	"github.com/presswatch/presswatch/internal/wait"
	"github.com/presswatch/presswatch/names"
)

// TestNoSlugWhereANameExists runs the flood story through the demo's
// departments and the example rules, with named sources and a Vietnamese
// and an English e-mail receiver, then reads every page an officer goes
// through (dashboard, inbox, incident, article, rules, sources, search,
// silences, admin) in both languages and both e-mails: no department ID,
// source ID or label slug may show where the configuration or the label
// list has a name, a snooze says what it muted in the incident's history
// and on the silences and admin pages, and the audit log says in words
// what was done.
func TestNoSlugWhereANameExists(t *testing.T) {
	t.Parallel()
	news, sinks, cfg := startStory(t, 2)
	news.released.Store(true)
	en := cfg.Alerts.Receivers[0]
	en.Name, en.Lang = "press-en", "en"
	en.Email = &config.EmailReceiver{Host: en.Email.Host, Port: en.Email.Port, TLS: "none", From: en.Email.From, To: []string{"Press office <press@presswatch.demo>"}}
	cfg.Alerts.Receivers = append(cfg.Alerts.Receivers, en)
	cfg.Alerts.Route.Receivers = append(cfg.Alerts.Route.Receivers, en.Name)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a := apptest.Start(t, cfg)
	base := "http://" + a.Addr()

	var slugs []string
	depts := names.Departments{}
	for _, d := range app.DemoDepartments() {
		slugs = append(slugs, d.ID)
		depts = append(depts, names.Department{ID: d.ID, Vi: d.Name, En: d.NameEn})
	}
	for _, s := range cfg.Crawler.Sources {
		slugs = append(slugs, s.ID)
	}
	slugs = append(slugs, names.LabelSlugs()...)

	to := func(m sink.Mail, addr string) bool {
		return slices.ContainsFunc(m.To, func(s string) bool { return strings.Contains(s, addr) })
	}
	wait.Until(t, 90*time.Second, "an e-mail to each receiver", func() bool {
		mail := sinks.Mail()
		return slices.ContainsFunc(mail, func(m sink.Mail) bool { return to(m, "baochi@") }) &&
			slices.ContainsFunc(mail, func(m sink.Mail) bool { return to(m, "press@") })
	})
	var list struct {
		Alerts []struct {
			ID          string   `json:"id"`
			Title       string   `json:"title"`
			Departments []string `json:"departments"`
		} `json:"alerts"`
	}
	getJSON(t, base+"/api/v1/alerts?limit=100", &list)
	if len(list.Alerts) == 0 || len(list.Alerts[0].Departments) == 0 {
		t.Fatalf("no incident with a department: %+v", list)
	}
	in := list.Alerts[0]
	dept, _ := depts.Find(in.Departments[0])
	var full struct {
		Articles []struct {
			ID string `json:"id"`
		} `json:"articles"`
	}
	getJSON(t, base+"/api/v1/alerts/"+in.ID, &full)
	if len(full.Articles) == 0 {
		t.Fatal("the incident lists no article")
	}

	for _, m := range sinks.Mail() {
		lang, name := "vi", dept.Vi
		if to(m, "press@") {
			lang, name = "en", dept.En
		}
		if found := append(slugcheck.InText(m.Subject+"\n"+m.Text, slugs), slugcheck.InHTML(m.HTML, slugs)...); len(found) > 0 {
			t.Errorf("%s e-mail %q shows %v:\n%s", lang, m.Subject, found, m.Text)
		}
		if strings.Contains(m.Text, "/alerts/"+in.ID) && !strings.Contains(m.Text, name) {
			t.Errorf("%s e-mail of the incident does not name its department %q:\n%s", lang, name, m.Text)
		}
	}

	if _, err := a.Accounts().Users.Add(t.Context(), "quantri", "admin", "mat-khau-quantri"); err != nil {
		t.Fatal(err)
	}
	c := newBrowserClient(t, base)
	c.login("quantri", "mat-khau-quantri")
	c.get("/alerts/" + in.ID)
	if code, _ := c.post("/alerts/"+in.ID+"/snooze", url.Values{"scope": {"story"}, "hours": {"4"}, "reason": {"Đã có thông cáo"}}); code != http.StatusSeeOther {
		t.Fatalf("snooze: HTTP %d", code)
	}
	pages := []string{"/dashboard", "/alerts", "/alerts?show=all", "/alerts/" + in.ID, "/articles/" + full.Articles[0].ID, "/rules", "/sources", "/search?q=lu+quet", "/silences", "/admin"}
	for _, lang := range []string{"vi", "en"} {
		c.post("/account/lang", url.Values{"lang": {lang}})
		for _, p := range pages {
			code, body := c.get(p)
			slugcheck.Page(t, lang+" "+p, code, body, slugs)
		}
		_, body := c.get("/alerts/" + in.ID)
		if want := map[string]string{"vi": "Sự việc này, đến", "en": "This incident, until"}[lang]; !strings.Contains(body, want) || strings.Contains(body, "story=") {
			t.Errorf("%s: the incident history does not say the snooze muted this incident (%q)", lang, want)
		}
		if !strings.Contains(body, dept.In(lang)) {
			t.Errorf("%s: the incident page does not name its department %q", lang, dept.In(lang))
		}
		// Away from the incident, the snooze names the incident's story
		// by its title, and the audit log says in words who muted it.
		title := html.EscapeString(in.Title)
		for _, p := range []string{"/silences", "/admin"} {
			_, body = c.get(p)
			if want := map[string]string{"vi": "Sự việc «" + title + "»", "en": "Incident “" + title + "”"}[lang]; !strings.Contains(body, want) {
				t.Errorf("%s %s: the snooze is not worded as %q", lang, p, want)
			}
		}
		if want := map[string]string{"vi": ">Tạo tạm ngưng báo</td>", "en": ">Created a silence</td>"}[lang]; !strings.Contains(body, want) {
			t.Errorf("%s /admin: the audit log does not say %q", lang, want)
		}
	}
}
