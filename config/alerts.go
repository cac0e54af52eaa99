package config

import (
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh must load on hosts without zoneinfo

	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/alerts/schedule"
	"github.com/presswatch/presswatch/article"
)

// This file holds the alert engine's settings: the departments
// directory, the routing tree, escalation, silences and the delivery
// policy of receivers (quiet hours, digests).

// DefaultTimezone is where duty hours, quiet hours and daily digests are
// reckoned unless configured.
const DefaultTimezone = "Asia/Ho_Chi_Minh"

// Department is an agency of the province and its spokespeople.
type Department struct {
	// ID is what rules name in their department field.
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// NameEn is the English name for English pages and messages (the
	// Vietnamese name when empty).
	NameEn string `yaml:"name_en"`
	// FocalPoints hear about the department's alerts during duty hours.
	FocalPoints []Contact `yaml:"focal_points"`
	// OnCall hears about critical alerts outside duty hours and about
	// critical alerts not acknowledged in time (escalation).
	OnCall []Contact `yaml:"on_call"`
	// Chat names a receiver (a chat webhook) of the department, notified
	// when a route targets departments.
	Chat      string    `yaml:"chat"`
	DutyHours DutyHours `yaml:"duty_hours"`
	// Timezone of the duty hours; alerts.timezone when empty.
	Timezone string `yaml:"timezone"`
}

// Contact is a person's addresses; only the channels set are used.
type Contact struct {
	Name     string `yaml:"name"`
	Email    string `yaml:"email"`
	Telegram string `yaml:"telegram"` // chat ID
	Zalo     string `yaml:"zalo"`     // user ID (follower of the Official Account)
}

// DutyHours is a weekly window: days ("mon-fri", "sat") from start to end
// ("07:30" to "17:00"). An end before the start spans midnight.
type DutyHours struct {
	Days  []string `yaml:"days"`
	Start string   `yaml:"start"`
	End   string   `yaml:"end"`
}

// AlertRoute is a node of the routing tree. Unset fields take the parent's
// value; the root is the default route and matches every alert.
type AlertRoute struct {
	// Matchers all must hold: `name op value` with names severity,
	// department, tier, source, lang, rule, label, type, story and
	// operators =, !=, =~, !~ (and >=, >, <=, < for severity).
	Matchers  []string `yaml:"matchers"`
	Receivers []string `yaml:"receivers"`
	// ToDepartment addresses notifications to the focal points (or
	// on-call contacts) of the alert's departments on each receiver's
	// channel, and adds the departments' chat receivers.
	ToDepartment *bool `yaml:"to_department"`
	// Continue goes on matching the following sibling routes.
	Continue bool `yaml:"continue"`
	// GroupBy names what alerts sharing a notification have in common
	// (default story and rule).
	GroupBy        []string     `yaml:"group_by"`
	GroupWait      Duration     `yaml:"group_wait"`
	GroupInterval  Duration     `yaml:"group_interval"`
	RepeatInterval Duration     `yaml:"repeat_interval"`
	Routes         []AlertRoute `yaml:"routes"`
}

// Escalation re-notifies critical alerts nobody acknowledged in time.
type Escalation struct {
	// After is how long a critical alert may stay unacknowledged; 0
	// disables escalation.
	After     Duration `yaml:"after"`
	Receivers []string `yaml:"receivers"`
}

// StaticSilence is a silence kept in the configuration (maintenance
// windows); silences made in the UI live in NATS.
type StaticSilence struct {
	ID        string   `yaml:"id"`
	Matchers  []string `yaml:"matchers"`
	Starts    string   `yaml:"starts"` // RFC 3339
	Ends      string   `yaml:"ends"`
	CreatedBy string   `yaml:"created_by"`
	Comment   string   `yaml:"comment"`
}

// DeliveryRetry bounds how a notification is retried.
type DeliveryRetry struct {
	Attempts   int      `yaml:"attempts"`
	Backoff    Duration `yaml:"backoff"`
	MaxBackoff Duration `yaml:"max_backoff"`
	Timeout    Duration `yaml:"timeout"`
}

// QuietHours defer notifications below critical until the window ends.
type QuietHours struct {
	Days     []string `yaml:"days"`
	Start    string   `yaml:"start"`
	End      string   `yaml:"end"`
	Timezone string   `yaml:"timezone"`
}

// Digest batches alerts at or below MaxSeverity into one message per
// period.
type Digest struct {
	Every       string `yaml:"every"` // hourly or daily
	MaxSeverity string `yaml:"max_severity"`
}

// Location returns the time zone tz names, or alerts.timezone (then
// Asia/Ho_Chi_Minh) when tz is empty.
func (a Alerts) Location(tz string) (*time.Location, error) {
	if tz == "" {
		tz = a.Timezone
	}
	if tz == "" {
		tz = DefaultTimezone
	}
	return time.LoadLocation(tz)
}

func severities() []string { return []string{"info", "low", "medium", "high", "critical"} }

// validateEngine checks the alert engine's settings, section by section
// in the order of the file.
func (a Alerts) validateEngine(ch *checker) {
	receivers := map[string]bool{}
	for _, r := range a.Receivers {
		receivers[r.Name] = true
	}
	knownReceiver := func(key, name string) {
		if !receivers[name] {
			ch.fail(key, "unknown receiver %q (not in alerts.receivers)", name)
		}
	}
	if _, err := a.Location(""); err != nil {
		ch.fail("alerts.timezone", "unknown time zone %q", a.Timezone)
	}
	if a.BaseURL != "" && !article.IsWebURL(a.BaseURL) {
		ch.fail("alerts.base_url", "must be an absolute http(s) URL")
	}
	a.validateLinks(ch)
	depts := a.validateDepartments(ch, knownReceiver)
	if a.Route != nil {
		a.validateRoute(ch, "alerts.route", *a.Route, true, knownReceiver, depts)
	}
	a.validateEscalation(ch, knownReceiver)
	for i, s := range a.Silences {
		validateSilence(ch, indexKey("alerts.silences", i), s)
	}
	validateRetry(ch, a.Retry)
	if a.SourceSilentAfter < 0 {
		ch.fail("alerts.source_silent_after", "must not be negative (0 means 6h), got %s", a.SourceSilentAfter)
	}
	a.validateDeliveryPolicies(ch)
}

// validateDepartments checks the departments directory and returns the
// departments' IDs, which routes may name.
func (a Alerts) validateDepartments(ch *checker, knownReceiver func(string, string)) map[string]bool {
	depts := map[string]bool{}
	for i, d := range a.Departments {
		key := indexKey("alerts.departments", i)
		switch {
		case !isID(d.ID):
			ch.fail(key+".id", "must be lower-case letters, digits, - and _, got %q", d.ID)
		case depts[d.ID]:
			ch.fail(key+".id", "duplicate department %q", d.ID)
		}
		depts[d.ID] = true
		if strings.TrimSpace(d.Name) == "" {
			ch.fail(key+".name", "must be set")
		}
		if len(d.FocalPoints) == 0 {
			ch.fail(key+".focal_points", "name at least one focal point")
		}
		for j, c := range d.FocalPoints {
			validateContact(ch, indexKey(key+".focal_points", j), c)
		}
		for j, c := range d.OnCall {
			validateContact(ch, indexKey(key+".on_call", j), c)
		}
		if d.Chat != "" {
			knownReceiver(key+".chat", d.Chat)
		}
		if _, err := a.Location(d.Timezone); err != nil {
			ch.fail(key+".timezone", "unknown time zone %q", d.Timezone)
		}
		validateWindow(ch, key+".duty_hours", d.DutyHours.Days, d.DutyHours.Start, d.DutyHours.End, true)
	}
	return depts
}

func (a Alerts) validateEscalation(ch *checker, knownReceiver func(string, string)) {
	if a.Escalation.After < 0 {
		ch.fail("alerts.escalation.after", "must not be negative, got %s", a.Escalation.After)
	}
	if a.Escalation.After > 0 && len(a.Escalation.Receivers) == 0 {
		ch.fail("alerts.escalation.receivers", "name the receivers that reach on-call contacts")
	}
	for i, n := range a.Escalation.Receivers {
		knownReceiver(indexKey("alerts.escalation.receivers", i), n)
	}
}

func validateSilence(ch *checker, key string, s StaticSilence) {
	if s.ID != "" && !isID(s.ID) {
		ch.fail(key+".id", "must be lower-case letters, digits, - and _, got %q", s.ID)
	}
	if len(s.Matchers) == 0 {
		ch.fail(key+".matchers", "name at least one matcher")
	}
	for j, m := range s.Matchers {
		if _, err := route.ParseMatcher(m); err != nil {
			ch.fail(indexKey(key+".matchers", j), "%v", err)
		}
	}
	var starts, ends time.Time
	var err error
	if s.Starts != "" {
		if starts, err = time.Parse(time.RFC3339, s.Starts); err != nil {
			ch.fail(key+".starts", "want an RFC 3339 time such as 2026-01-31T22:00:00+07:00, got %q", s.Starts)
		}
	}
	if ends, err = time.Parse(time.RFC3339, s.Ends); err != nil {
		ch.fail(key+".ends", "want an RFC 3339 time such as 2026-02-01T06:00:00+07:00, got %q", s.Ends)
	} else if !starts.IsZero() && !ends.After(starts) {
		ch.fail(key+".ends", "must be after starts")
	}
	if strings.TrimSpace(s.CreatedBy) == "" {
		ch.fail(key+".created_by", "must be set")
	}
	if strings.TrimSpace(s.Comment) == "" {
		ch.fail(key+".comment", "must say why")
	}
}

func validateRetry(ch *checker, r DeliveryRetry) {
	if r.Attempts < 0 || r.Attempts > 100 {
		ch.fail("alerts.retry.attempts", "must be between 0 (default) and 100, got %d", r.Attempts)
	}
	for name, d := range map[string]Duration{"backoff": r.Backoff, "max_backoff": r.MaxBackoff, "timeout": r.Timeout} {
		if d < 0 {
			ch.fail("alerts.retry."+name, "must not be negative, got %s", d)
		}
	}
}

// validateDeliveryPolicies checks the receivers' quiet hours and digests.
func (a Alerts) validateDeliveryPolicies(ch *checker) {
	for i, rc := range a.Receivers {
		key := indexKey("alerts.receivers", i)
		if q := rc.QuietHours; q != nil {
			validateWindow(ch, key+".quiet_hours", q.Days, q.Start, q.End, false)
			if _, err := a.Location(q.Timezone); err != nil {
				ch.fail(key+".quiet_hours.timezone", "unknown time zone %q", q.Timezone)
			}
		}
		if d := rc.Digest; d != nil {
			ch.oneOf(key+".digest.every", d.Every, []string{"hourly", "daily"})
			ch.oneOf(key+".digest.max_severity", d.MaxSeverity, severities()[:4])
		}
	}
}

func validateContact(ch *checker, key string, c Contact) {
	if strings.TrimSpace(c.Name) == "" {
		ch.fail(key+".name", "must be set")
	}
	if c.Email == "" && c.Telegram == "" && c.Zalo == "" {
		ch.fail(key, "set at least one of email, telegram, zalo")
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Name != "" {
			ch.fail(key+".email", "not an e-mail address: %q", c.Email)
		}
	}
	if c.Telegram != "" {
		if _, err := strconv.ParseInt(c.Telegram, 10, 64); err != nil && !strings.HasPrefix(c.Telegram, "@") {
			ch.fail(key+".telegram", "want a numeric chat ID or @channel, got %q", c.Telegram)
		}
	}
	if c.Zalo != "" && strings.IndexFunc(c.Zalo, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		ch.fail(key+".zalo", "want the numeric Zalo user ID, got %q", c.Zalo)
	}
}

// validateWindow checks a days/start/end window; an unset window is fine
// where optional (no duty hours: always on duty).
func validateWindow(ch *checker, key string, days []string, start, end string, optional bool) {
	if optional && start == "" && end == "" && len(days) == 0 {
		return
	}
	if _, err := schedule.ParseClock(start); err != nil {
		ch.fail(key+".start", "%v", err)
	}
	if _, err := schedule.ParseClock(end); err != nil {
		ch.fail(key+".end", "%v", err)
	}
	if start != "" && start == end {
		ch.fail(key+".end", "must differ from start")
	}
	if _, err := schedule.ParseDays(days); err != nil {
		ch.fail(key+".days", "%v", err)
	}
}

func (a Alerts) validateRoute(ch *checker, key string, r AlertRoute, root bool, knownReceiver func(string, string), depts map[string]bool) {
	if root && len(r.Matchers) > 0 {
		ch.fail(key+".matchers", "the root route is the default route and matches every alert; put matchers on routes below it")
	}
	if root && len(r.Receivers) == 0 {
		ch.fail(key+".receivers", "the default route must name at least one receiver")
	}
	for i, n := range r.Receivers {
		knownReceiver(indexKey(key+".receivers", i), n)
	}
	for i, ms := range r.Matchers {
		k := indexKey(key+".matchers", i)
		m, err := route.ParseMatcher(ms)
		if err != nil {
			ch.fail(k, "%v", err)
			continue
		}
		if m.Name == "department" && m.Op == route.OpEq && len(a.Departments) > 0 && !depts[m.Value] {
			ch.fail(k, "unknown department %q (not in alerts.departments)", m.Value)
		}
	}
	for i, n := range r.GroupBy {
		if !slices.Contains(route.Names(), n) {
			ch.fail(indexKey(key+".group_by", i), "unknown name %q (known: %s)", n, strings.Join(route.Names(), ", "))
		} else if n == "rule" {
			ch.fail(indexKey(key+".group_by", i), "rule cannot group: an incident holds every rule that matched its story as a reason (use [alert], or [story, department])")
		}
	}
	for name, d := range map[string]Duration{"group_wait": r.GroupWait, "group_interval": r.GroupInterval, "repeat_interval": r.RepeatInterval} {
		if d < 0 {
			ch.fail(key+"."+name, "must not be negative, got %s", d)
		}
	}
	for i, c := range r.Routes {
		a.validateRoute(ch, indexKey(key+".routes", i), c, false, knownReceiver, depts)
	}
}

// validateLinks checks what messages need to link to presswatch: the base
// URL whenever a receiver reaches people, and the action link settings.
func (a Alerts) validateLinks(ch *checker) {
	if a.BaseURL == "" {
		for i, r := range a.Receivers {
			if r.Log == nil && (r.Webhook != nil || r.Email != nil || r.Telegram != nil || r.Zalo != nil || r.Slack != nil) {
				ch.fail(indexKey("alerts.receivers", i), "alerts.base_url is required with receiver %q: messages link to the incident and carry one-tap actions (set it to the address officers open presswatch at)", r.Name)
				break
			}
		}
	}
	if l := a.ActionLinks; l.Secret != "" && len(l.Secret) < 32 {
		ch.fail("alerts.action_links.secret", "must be at least 32 bytes (e.g. openssl rand -hex 32)")
	}
	if l := a.ActionLinks; l.TTL < 0 || time.Duration(l.TTL) > 14*24*time.Hour {
		ch.fail("alerts.action_links.ttl", "must be between 0 (default 72h) and 336h, got %s", l.TTL)
	}
	ch.intRange("alerts.action_links.mute_hours", a.ActionLinks.MuteHours, 0, 24*30)
}
