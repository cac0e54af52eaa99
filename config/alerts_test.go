package config

import (
	"strings"
	"testing"
)

func TestRoutingConfigErrorsNameFileLineAndKey(t *testing.T) {
	path := writeConfig(t, `alerts:
  receivers:
    - name: log
      log: {}
      quiet_hours: {start: "22:00", end: "25:00"}
      digest: {every: weekly, max_severity: critical}
  departments:
    - id: so-y-te
      name: Sở Y tế
      focal_points:
        - name: Văn phòng
          email: not-an-address
      duty_hours: {days: [mon-fry], start: "07:00", end: "17:00"}
      timezone: Asia/Hanoi-ish
  route:
    receivers: [log]
    routes:
      - matchers: ['severity>=urgent']
        receivers: [email]
      - matchers: ['department=so-xay-dung']
        group_by: [storey]
  escalation:
    after: 30m
    receivers: [oncall]
  silences:
    - matchers: ['labl=x']
      ends: tomorrow
      created_by: ops
      comment: test
`)
	_, err := Load(path, nil)
	if err == nil {
		t.Fatal("invalid routing config loaded")
	}
	want := []string{
		"presswatch.yaml:5: alerts.receivers[0].quiet_hours.end: invalid time of day \"25:00\"",
		"presswatch.yaml:6: alerts.receivers[0].digest.every: must be one of hourly, daily",
		"presswatch.yaml:6: alerts.receivers[0].digest.max_severity: must be one of info, low, medium, high",
		"presswatch.yaml:12: alerts.departments[0].focal_points[0].email: not an e-mail address",
		"presswatch.yaml:13: alerts.departments[0].duty_hours.days: unknown day",
		"presswatch.yaml:14: alerts.departments[0].timezone: unknown time zone",
		`presswatch.yaml:18: alerts.route.routes[0].matchers[0]: matcher "severity>=urgent": unknown severity`,
		`presswatch.yaml:19: alerts.route.routes[0].receivers[0]: unknown receiver "email"`,
		`presswatch.yaml:20: alerts.route.routes[1].matchers[0]: unknown department "so-xay-dung"`,
		`presswatch.yaml:21: alerts.route.routes[1].group_by[0]: unknown name "storey"`,
		`presswatch.yaml:24: alerts.escalation.receivers[0]: unknown receiver "oncall"`,
		`presswatch.yaml:26: alerts.silences[0].matchers[0]: matcher "labl=x": unknown name`,
		`presswatch.yaml:27: alerts.silences[0].ends: want an RFC 3339 time`,
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", msg)
	}
}

func TestRoutingConfigLoads(t *testing.T) {
	path := writeConfig(t, `alerts:
  timezone: Asia/Ho_Chi_Minh
  receivers:
    - name: log
      log: {}
      quiet_hours: {days: [mon-fri], start: "22:00", end: "06:30"}
      digest: {every: daily, max_severity: medium}
  departments:
    - id: so-y-te
      name: Sở Y tế
      focal_points: [{name: Văn phòng, email: vp@syt.example.gov.vn, telegram: "-100123"}]
      on_call: [{name: Trực ban, zalo: "123456"}]
      duty_hours: {days: [mon-fri], start: "07:00", end: "17:00"}
  route:
    receivers: [log]
    group_wait: 1s
    routes:
      - matchers: ['department=so-y-te', 'severity>=high']
        to_department: true
        continue: true
        routes:
          - matchers: ['lang!=vi']
`)
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Alerts.Route
	if r == nil || len(r.Routes) != 1 || !*r.Routes[0].ToDepartment || !r.Routes[0].Continue || len(r.Routes[0].Routes) != 1 || r.GroupWait.D().Seconds() != 1 {
		t.Errorf("route = %+v", r)
	}
	if c.Alerts.Receivers[0].QuietHours.End != "06:30" || c.Alerts.Receivers[0].Digest.Every != "daily" {
		t.Errorf("receiver policy = %+v", c.Alerts.Receivers[0])
	}
}

// Messages to people need the deep link and action links: a receiver
// other than log without alerts.base_url is refused, naming its line;
// a short action link secret and grouping by rule too.
func TestBaseURLRequiredWithReceivers(t *testing.T) {
	path := writeConfig(t, `alerts:
  action_links:
    secret: too-short
  receivers:
    - name: log
      log: {}
    - name: hook
      webhook: {url: "https://hooks.example/x"}
  route:
    receivers: [hook]
    group_by: [story, rule]
`)
	_, err := Load(path, nil)
	if err == nil {
		t.Fatal("loaded without base_url")
	}
	for _, w := range []string{
		`presswatch.yaml:7: alerts.receivers[1]: alerts.base_url is required with receiver "hook"`,
		"presswatch.yaml:3: alerts.action_links.secret: must be at least 32 bytes",
		"presswatch.yaml:11: alerts.route.group_by[1]: rule cannot group",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%s", w, err)
		}
	}
}
