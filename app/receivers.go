package app

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify/email"
	"github.com/presswatch/presswatch/alerts/notify/logger"
	"github.com/presswatch/presswatch/alerts/notify/slack"
	"github.com/presswatch/presswatch/alerts/notify/telegram"
	"github.com/presswatch/presswatch/alerts/notify/template"
	"github.com/presswatch/presswatch/alerts/notify/webhook"
	"github.com/presswatch/presswatch/alerts/notify/zalo"
	"github.com/presswatch/presswatch/config"
)

// notifier builds the notifier of one configured receiver. Templates are
// parsed and tried on every kind here, so a broken override stops the
// start with its file and line rather than the first alert.
func notifier(r config.Receiver, log *slog.Logger) (alerts.Notifier, error) {
	if r.Log != nil {
		return logger.New(log), nil
	}
	set, err := templates(r)
	if err != nil {
		return nil, err
	}
	client := &http.Client{}
	switch {
	case r.Webhook != nil:
		w := r.Webhook
		return webhook.New(webhook.Config{URL: w.URL.Reveal(), Secret: w.Secret.Reveal(), Timeout: w.Timeout.D(), Templates: set}, client)
	case r.Email != nil:
		e := r.Email
		roots, err := certPool(e.CAFile)
		if err != nil {
			return nil, fmt.Errorf("email.ca_file: %w", err)
		}
		return email.New(email.Config{
			Host: e.Host, Port: e.Port, TLS: e.TLS, Username: e.Username, Password: e.Password.Reveal(),
			From: e.From, To: e.To, Timeout: e.Timeout.D(), RootCAs: roots, Templates: set,
		})
	case r.Telegram != nil:
		t := r.Telegram
		return telegram.New(telegram.Config{BotToken: t.BotToken.Reveal(), ChatID: t.ChatID, APIURL: t.APIURL, Timeout: t.Timeout.D(), Templates: set}, client)
	case r.Zalo != nil:
		z := r.Zalo
		return zalo.New(zalo.Config{AccessToken: z.AccessToken.Reveal(), UserID: z.UserID, APIURL: z.APIURL, Timeout: z.Timeout.D(), Templates: set}, client)
	case r.Slack != nil:
		s := r.Slack
		return slack.New(slack.Config{URL: s.URL.Reveal(), Channel: s.Channel, Timeout: s.Timeout.D(), Templates: set}, client)
	}
	return nil, errors.New("no receiver kind set")
}

func templates(r config.Receiver) (*template.Set, error) {
	files := template.Files{}
	if t := r.Templates; t != nil {
		files[template.Subject], files[template.Text], files[template.HTML], files[template.Chat] = t.Subject, t.Text, t.HTML, t.Chat
	}
	return template.Load(files, r.Lang) // errors start "templates:" and name the file
}

// certPool reads PEM certificates; no file means the system's roots.
func certPool(file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}
