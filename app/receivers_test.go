package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/config"
)

func TestEveryReceiverKindIsBuilt(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for _, r := range []config.Receiver{
		{Name: "log", Log: &config.LogReceiver{}},
		{Name: "hook", Webhook: &config.WebhookReceiver{URL: "https://x.example/hook"}},
		{Name: "mail", Lang: "en", Email: &config.EmailReceiver{Host: "mail.example.vn", From: "a@example.vn", To: []string{"b@example.vn"}}},
		{Name: "tg", Telegram: &config.TelegramReceiver{BotToken: "123456:AAH-abcdefghijklmnopqrst", ChatID: "-100"}},
		{Name: "zalo", Zalo: &config.ZaloReceiver{AccessToken: "tok", UserID: "1"}},
		{Name: "chat", Slack: &config.SlackReceiver{URL: "https://hooks.example/services/x"}},
	} {
		n, err := notifier(r, log)
		if err != nil || n == nil {
			t.Errorf("%s: %v", r.Name, err)
		}
	}
}

func TestBrokenTemplateStopsTheStartNamingFileAndLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.tmpl")
	if err := os.WriteFile(path, []byte("ok\n{{.Alert.Titel}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := &App{cfg: config.Default(), log: slog.New(slog.DiscardHandler)}
	a.cfg.Alerts.Receivers = []config.Receiver{{Name: "chat", Templates: &config.Templates{Chat: path},
		Slack: &config.SlackReceiver{URL: "https://hooks.example/services/SECRET"}}}
	_, err := a.receivers()
	if err == nil || !strings.Contains(err.Error(), path+":2") || !strings.Contains(err.Error(), "alerts.receivers[0] (chat)") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error leaks the webhook URL: %v", err)
	}
}
