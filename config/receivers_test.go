package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const deliveryYAML = `
alerts:
  base_url: https://presswatch.example.gov.vn
  receivers:
    - name: email
      lang: en
      templates:
        subject: tmpl/subject.tmpl
        chat: tmpl/chat.tmpl
      email:
        host: mail.example.vn
        username: canhbao
        password_file: secrets/smtp
        from: "Presswatch <canhbao@example.vn>"
        to: ["Phòng Báo chí <baochi@example.vn>"]
    - name: tg
      telegram:
        bot_token_file: secrets/tg
        chat_id: "-1001234567890"
    - name: zalo
      zalo:
        access_token_file: secrets/zalo
        user_id: "2468013579"
    - name: chat
      slack:
        url_file: secrets/slack
        channel: "#bao-chi"
`

const (
	smtpPassword = "smtp-SUPERSECRET-pw"
	tgToken      = "123456789:AAH-SUPERSECRET_abcdefghijklmno"
	zaloToken    = "zalo-SUPERSECRET-token"
	slackURL     = "https://hooks.slack.example/services/T0/B0/SUPERSECRET"
)

func loadDelivery(t *testing.T, yamlText string) (Config, error) {
	t.Helper()
	path := writeConfig(t, yamlText)
	dir := filepath.Dir(path)
	for name, v := range map[string]string{"secrets/smtp": smtpPassword, "secrets/tg": tgToken, "secrets/zalo": zaloToken, "secrets/slack": slackURL} {
		writeFile(t, dir, name, v+"\n")
	}
	writeFile(t, dir, "tmpl/subject.tmpl", "{{.Alert.Title}}")
	writeFile(t, dir, "tmpl/chat.tmpl", "{{.Alert.Title}}")
	return Load(path, nil)
}

func TestDeliveryReceiversLoad(t *testing.T) {
	c, err := loadDelivery(t, deliveryYAML)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Alerts.Receivers
	if len(r) != 4 {
		t.Fatalf("%d receivers", len(r))
	}
	if r[0].Email.Password.Reveal() != smtpPassword || r[1].Telegram.BotToken.Reveal() != tgToken ||
		r[2].Zalo.AccessToken.Reveal() != zaloToken || r[3].Slack.URL.Reveal() != slackURL {
		t.Errorf("secrets not read from their files")
	}
	if r[0].Lang != "en" || !filepath.IsAbs(r[0].Templates.Subject) || r[0].Templates.Text != "" || r[3].Slack.Channel != "#bao-chi" {
		t.Errorf("receiver 0 %+v, templates %+v", r[0], r[0].Templates)
	}
}

func TestDeliveryValidationNamesTheKey(t *testing.T) {
	cases := map[string]string{
		"email:\n        from: a@b.example":                                                                          "alerts.receivers[0].email.host: required",
		"email:\n        host: h\n        from: nope":                                                                "alerts.receivers[0].email.from: not an e-mail address",
		"email:\n        host: h:25\n        from: a@b.vn":                                                           "alerts.receivers[0].email.host: must be a host name",
		"email:\n        host: h\n        tls: ssl\n        from: a@b.vn":                                            "alerts.receivers[0].email.tls: must be one of starttls, tls, none",
		"email:\n        host: h\n        tls: none\n        username: u\n        password: p\n        from: a@b.vn": "alerts.receivers[0].email.tls: none sends the password in clear text",
		"email:\n        host: h\n        username: u\n        from: a@b.vn":                                         "alerts.receivers[0].email.password: required with username",
		"email:\n        host: h\n        from: a@b.vn\n        to: [x]":                                             "alerts.receivers[0].email.to[0]: not an e-mail address",
		"telegram:\n        chat_id: \"1\"":                                                                          "alerts.receivers[0].telegram.bot_token: required",
		"telegram:\n        bot_token: not-a-SUPERSECRET-token":                                                      "alerts.receivers[0].telegram.bot_token: does not look like a bot token",
		"telegram:\n        bot_token: \"" + tgToken + "\"\n        chat_id: general":                                "alerts.receivers[0].telegram.chat_id: must be a numeric chat ID",
		"zalo:\n        user_id: \"1\"":                                                                              "alerts.receivers[0].zalo.access_token: required",
		"zalo:\n        access_token: x\n        user_id: abc":                                                       "alerts.receivers[0].zalo.user_id: must be the numeric user ID",
		"zalo:\n        access_token: x\n        api_url: ftp://x":                                                   "alerts.receivers[0].zalo.api_url: must be an absolute http(s) URL",
		"slack:\n        channel: x":                                                                                 "alerts.receivers[0].slack.url: required",
		"slack:\n        url: ftp://SUPERSECRET":                                                                     "alerts.receivers[0].slack.url: must be an absolute http(s) URL",
		"lang: fr\n      log: {}":                                                                                    "alerts.receivers[0].lang: must be one of vi, en",
		"templates:\n        html: missing.tmpl\n      log: {}":                                                      "alerts.receivers[0].templates.html: cannot read template",
		"log: {}\n      slack:\n        url: https://x.example/":                                                     "alerts.receivers[0]: must set exactly one of log, webhook, email, telegram, zalo, slack; 2 set",
	}
	for block, want := range cases {
		_, err := loadDelivery(t, "alerts:\n  receivers:\n    - name: r\n      "+block+"\n")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("block %q:\n  got  %v\n  want %q", block, err, want)
			continue
		}
		if !strings.Contains(err.Error(), "presswatch.yaml:") {
			t.Errorf("error does not name the file and line: %v", err)
		}
		if strings.Contains(err.Error(), "SUPERSECRET") {
			t.Errorf("error leaks a secret: %v", err)
		}
	}
}

func TestDeliverySecretsNeverPrint(t *testing.T) {
	c, err := loadDelivery(t, deliveryYAML)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Alerts.Receivers
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, r),
			fmt.Sprintf(verb, r[0].Email), fmt.Sprintf(verb, *r[1].Telegram), fmt.Sprintf(verb, r[2].Zalo), fmt.Sprintf(verb, r[3].Slack))
	}
	j, _ := json.Marshal(c)
	y, _ := yaml.Marshal(c)
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("cfg", "receivers", r, "email", r[0].Email, "tg", r[1].Telegram)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "receivers", r, "zalo", r[2].Zalo, "slack", r[3].Slack)
	outs = append(outs, string(j), string(y), buf.String())
	for i, out := range outs {
		if strings.Contains(out, "SUPERSECRET") {
			t.Errorf("rendering %d leaks a secret: %s", i, out)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", r[1].Telegram), "redacted") {
		t.Errorf("redaction not visible: %+v", r[1].Telegram)
	}
}
