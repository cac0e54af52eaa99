package config

import (
	"strings"
	"testing"
)

func TestReportConfigErrorsNameFileLineAndKey(t *testing.T) {
	path := writeConfig(t, `alerts:
  receivers:
    - name: log
      log: {}
report:
  lang: de
  response_target: 0s
  policies:
    - id: nq57
      name: Nghị quyết 57
      query: '"chuyển đổi số" AND ('
  schedules:
    - name: weekly
      cron: "0 7 * * Mon-Fry"
      receiver: log
      to: [lanhdao]
`)
	_, err := Load(path, nil)
	checkErrLines(t, err, []string{
		path + `:6: report.lang: must be one of vi, en, got "de"`,
		path + `:7: report.response_target: must be a positive duration, got 0s`,
		path + `:11: report.policies[0].query: is not a query: col 22: expected a term`,
		path + `:14: report.schedules[0].cron: does not parse: failed to parse int from Fry: strconv.Atoi: parsing "Fry": invalid syntax (want five fields, minute hour day month weekday, e.g. "0 7 * * 1")`,
		path + `:15: report.schedules[0].receiver: must name an email receiver of alerts.receivers, got "log"`,
		path + `:16: report.schedules[0].to[0]: is not an e-mail address: "lanhdao"`,
	})
}

func TestReportDefaultsShipTheFourResolutions(t *testing.T) {
	c := Default()
	var ids []string
	for _, p := range c.Report.Policies {
		ids = append(ids, p.ID)
	}
	if strings.Join(ids, ",") != "nq57,nq59,nq66,nq68" {
		t.Errorf("default policies %v", ids)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}
