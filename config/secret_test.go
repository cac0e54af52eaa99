package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestSecretNeverPrints(t *testing.T) {
	const (
		token   = "tok-SUPERSECRET-0123456789"
		hookKey = "hmac-SUPERSECRET-key"
		hookURL = "https://hooks.slack.example/services/T0/B0/SUPERSECRET"
	)
	c := Default()
	c.Alerts.Receivers = append(c.Alerts.Receivers, Receiver{
		Name:    "slack",
		Webhook: &WebhookReceiver{URL: hookURL, Secret: hookKey},
	})
	c.API.Tokens = []Token{{Name: "ci", Role: "viewer", Token: token}}
	c.Alerts.BaseURL = "https://presswatch.example.gov.vn"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	s := Secret(token)

	render := map[string]func() string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-8v"} {
		render["fmt "+verb+" config"] = func() string { return fmt.Sprintf(verb, c) }
		render["fmt "+verb+" pointer"] = func() string { return fmt.Sprintf(verb, &c) }
		render["fmt "+verb+" secret"] = func() string { return fmt.Sprintf(verb, s) }
	}
	render["fmt Sprint"] = func() string { return fmt.Sprint(c, s) }
	render["fmt Sprintln"] = func() string { return fmt.Sprintln(c.API.Tokens, s) }
	render["json"] = func() string {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	render["yaml"] = func() string {
		b, err := yaml.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		render[name] = func() string {
			var buf bytes.Buffer
			log := slog.New(newHandler(&buf))
			log.Info("config", "config", c, "token", s, slog.Any("tokens", c.API.Tokens),
				slog.Group("hook", "webhook", c.Alerts.Receivers[1].Webhook))
			return buf.String()
		}
	}
	for name, r := range render {
		out := r()
		if strings.Contains(out, "SUPERSECRET") {
			t.Errorf("%s leaks a secret: %s", name, out)
		}
		// Guards against a rendering that printed nothing at all.
		if !strings.Contains(out, "redacted") {
			t.Errorf("%s shows no redacted value: %s", name, out)
		}
	}
	if s.Reveal() != token {
		t.Errorf("Reveal() = %q", s.Reveal())
	}
}

func TestSecretEmptyShowsEmpty(t *testing.T) {
	var s Secret
	b, err := json.Marshal(s)
	if got := fmt.Sprintf("%s|%v|%q", s, s, s); got != `||""` || err != nil || string(b) != `""` {
		t.Errorf("empty secret prints %q, json %s, %v", got, b, err)
	}
}
