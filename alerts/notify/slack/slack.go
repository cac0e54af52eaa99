// Package slack posts notifications to Slack-compatible incoming webhooks:
// Slack, Mattermost and Rocket.Chat all read a JSON body with "text" in
// Slack's mrkdwn.
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify"
	"github.com/presswatch/presswatch/alerts/notify/template"
	"github.com/presswatch/presswatch/article"
)

// MaxText bounds the message. Slack truncates "text" beyond 40,000
// characters and Mattermost splits posts beyond 16,383; a notification
// that long is unreadable anyway.
const MaxText = 16000

// Config of one webhook.
type Config struct {
	// URL is the incoming-webhook URL; it is a secret (its path is the
	// credential), so errors name only its host.
	URL string
	// Channel overrides the webhook's default channel where the server
	// allows it (Mattermost, Rocket.Chat, legacy Slack webhooks).
	Channel   string
	Timeout   time.Duration
	Templates *template.Set
}

// Validate checks the configuration without quoting the URL.
func (c Config) Validate() error {
	if !article.IsWebURL(c.URL) {
		return errors.New("slack: url must be an absolute http(s) URL")
	}
	if c.Templates == nil {
		return errors.New("slack: no templates")
	}
	return nil
}

// Payload is the JSON body.
type Payload struct {
	Text    string `json:"text"`
	Channel string `json:"channel,omitempty"`
}

// Notifier posts to one webhook.
type Notifier struct {
	cfg Config
	api *notify.ChatAPI
}

// New validates cfg; a nil client means http.DefaultClient and a zero
// Timeout notify.DefaultTimeout.
func New(cfg Config, client *http.Client) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	api, err := notify.NewChatAPI(notify.ChatOptions{Kind: "slack webhook", BaseURL: cfg.URL, Secrets: []string{cfg.URL}, Client: client, Timeout: cfg.Timeout})
	if err != nil {
		return nil, err
	}
	return &Notifier{cfg: cfg, api: api}, nil
}

// Render builds the request body.
func (n *Notifier) Render(nt *alerts.Notification) (*Payload, error) {
	text, err := n.cfg.Templates.RenderChat(nt, template.Slack, MaxText)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.api.What, err)
	}
	return &Payload{Text: text, Channel: n.cfg.Channel}, nil
}

// Notify makes one attempt. Slack answers 200 "ok"; 4xx such as
// invalid_payload or channel_not_found cannot be cured by retrying, 429 and
// 5xx can.
func (n *Notifier) Notify(ctx context.Context, nt *alerts.Notification) error {
	p, err := n.Render(nt)
	if err != nil {
		return err
	}
	a, err := n.api.PostJSON(ctx, p)
	if err != nil {
		return err
	}
	if err := a.Check(n.api.What); err != nil {
		return n.api.Scrub(err)
	}
	// Some proxies answer 200 with an error text; Slack's own 200 says "ok".
	if b := strings.TrimSpace(string(a.Body)); a.Status == http.StatusOK && b != "" && b != "ok" && !strings.HasPrefix(b, "{") {
		return fmt.Errorf("%s answered 200 with %q", n.api.What, truncate(b, 200))
	}
	return nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
