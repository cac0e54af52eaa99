package config

import (
	"net/mail"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/presswatch/presswatch/query"
)

// Report configures the weekly opinion report: what it counts and when it
// is built and sent by itself.
type Report struct {
	// Timezone reckons days and weeks (alerts.timezone when empty).
	Timezone string `yaml:"timezone"`
	// Lang is the language of scheduled reports: vi (default) or en.
	Lang string `yaml:"lang"`
	// ResponseTarget is how soon a sensitive issue should be answered.
	ResponseTarget Duration `yaml:"response_target"`
	// TopStories and TopOutlets bound the report's top lists.
	TopStories int `yaml:"top_stories"`
	TopOutlets int `yaml:"top_outlets"`
	// ForeignLangs are the foreign languages reported on.
	ForeignLangs []string `yaml:"foreign_langs"`
	// Places are the province's districts and communes, each counted as
	// a phrase; empty takes the rules' "province" list.
	Places []string `yaml:"places"`
	// Policies are the topic sets of policy communication coverage.
	Policies []ReportTopic `yaml:"policies"`
	// Retention bounds how long archived reports are kept (0 keeps them).
	Retention Duration `yaml:"retention"`
	// Schedules build, archive and e-mail reports by themselves.
	Schedules []ReportSchedule `yaml:"schedules"`
}

// ReportTopic is a named query.
type ReportTopic struct {
	ID    string `yaml:"id"`
	Name  string `yaml:"name"`
	Query string `yaml:"query"`
}

// ReportSchedule is one automatic report.
type ReportSchedule struct {
	Name string `yaml:"name"`
	// Cron is when to build, in report.timezone: five fields
	// ("0 7 * * 1": Monday 07:00) or @weekly, @daily. Each run reports on
	// the last whole week (Monday to Sunday) before it.
	Cron string `yaml:"cron"`
	// Receiver names an email receiver of alerts.receivers whose SMTP
	// account sends the report.
	Receiver string `yaml:"receiver"`
	// To are the recipients.
	To []string `yaml:"to"`
	// Lang overrides report.lang for this schedule.
	Lang string `yaml:"lang"`
}

// CronParser reads report.schedules[].cron: standard five fields and the
// @ descriptors.
func CronParser() cron.Parser {
	return cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
}

// DefaultPolicies are the Politburo resolutions provinces report on:
// 57 (science, technology, innovation, digital transformation), 59
// (international integration), 66 (law-making and enforcement) and 68
// (the private economy).
func DefaultPolicies() []ReportTopic {
	nq := func(n string) string {
		return `"Nghị quyết ` + n + `" OR "Nghị quyết số ` + n + `" OR "` + n + `-NQ/TW"`
	}
	return []ReportTopic{
		{ID: "nq57", Name: "Nghị quyết 57: khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số", Query: nq("57") + ` OR "chuyển đổi số" OR "đổi mới sáng tạo"`},
		{ID: "nq59", Name: "Nghị quyết 59: hội nhập quốc tế", Query: nq("59") + ` OR "hội nhập quốc tế"`},
		{ID: "nq66", Name: "Nghị quyết 66: xây dựng và thi hành pháp luật", Query: nq("66") + ` OR "thi hành pháp luật"`},
		{ID: "nq68", Name: "Nghị quyết 68: phát triển kinh tế tư nhân", Query: nq("68") + ` OR "kinh tế tư nhân"`},
	}
}

func defaultReport() Report {
	return Report{
		Lang: "vi", ResponseTarget: Duration(24 * time.Hour), TopStories: 10, TopOutlets: 15,
		ForeignLangs: []string{"en", "fr", "lo", "th"}, Policies: DefaultPolicies(),
	}
}

func (r Report) validate(ch *checker, a Alerts) {
	if r.Timezone != "" {
		if _, err := time.LoadLocation(r.Timezone); err != nil {
			ch.fail("report.timezone", "unknown time zone %q", r.Timezone)
		}
	}
	ch.oneOf("report.lang", r.Lang, messageLanguages())
	ch.positive("report.response_target", r.ResponseTarget)
	ch.intRange("report.top_stories", r.TopStories, 1, 100)
	ch.intRange("report.top_outlets", r.TopOutlets, 1, 100)
	if r.Retention < 0 {
		ch.fail("report.retention", "must not be negative, got %s", r.Retention)
	}
	anyList := query.Options{Lists: func(string) ([]string, bool) { return []string{"x"}, true }}
	seen := map[string]bool{}
	for i, p := range r.Policies {
		key := indexKey("report.policies", i)
		if !isName(p.ID) || seen[p.ID] {
			ch.fail(key+".id", "must be a unique name of letters, digits, - and _, got %q", p.ID)
		}
		seen[p.ID] = true
		if strings.TrimSpace(p.Name) == "" {
			ch.fail(key+".name", "must be set")
		}
		if _, err := query.Parse(p.Query, anyList); err != nil || strings.TrimSpace(p.Query) == "" {
			ch.fail(key+".query", "is not a query: %v", err)
		}
	}
	for i, p := range r.Places {
		if strings.TrimSpace(p) == "" || strings.ContainsRune(p, '"') {
			ch.fail(indexKey("report.places", i), "must be a place name without quotes, got %q", p)
		}
	}
	for i, s := range r.Schedules {
		s.validate(ch, indexKey("report.schedules", i), a)
	}
}

func (s ReportSchedule) validate(ch *checker, key string, a Alerts) {
	if !isName(s.Name) {
		ch.fail(key+".name", "must be letters, digits, - and _, got %q", s.Name)
	}
	if _, err := CronParser().Parse(s.Cron); err != nil {
		ch.fail(key+".cron", "does not parse: %v (want five fields, minute hour day month weekday, e.g. \"0 7 * * 1\")", err)
	}
	found := false
	for _, r := range a.Receivers {
		if r.Name == s.Receiver && r.Email != nil {
			found = true
		}
	}
	if !found {
		ch.fail(key+".receiver", "must name an email receiver of alerts.receivers, got %q", s.Receiver)
	}
	if len(s.To) == 0 {
		ch.fail(key+".to", "must list at least one recipient")
	}
	for j, to := range s.To {
		if _, err := mail.ParseAddress(to); err != nil {
			ch.fail(indexKey(key+".to", j), "is not an e-mail address: %q", to)
		}
	}
	if s.Lang != "" {
		ch.oneOf(key+".lang", s.Lang, messageLanguages())
	}
}
