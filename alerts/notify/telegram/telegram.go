// Package telegram sends notifications with the Telegram Bot API's
// sendMessage method, formatted in its HTML parse mode.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify"
	"github.com/presswatch/presswatch/alerts/notify/template"
	"github.com/presswatch/presswatch/internal/retryafter"
)

// DefaultAPIURL is the Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// MaxText is sendMessage's limit on the text (characters after entity
// parsing; counting the markup too keeps well within it).
const MaxText = 4096

// Config of one bot and chat.
type Config struct {
	// BotToken is the secret from @BotFather ("123456:ABC-DEF..."). It
	// goes into the request path, so errors never quote the URL.
	BotToken string
	// ChatID is the default chat: a numeric ID or "@channelusername".
	// Notification.To, when set, overrides it.
	ChatID string
	// APIURL is the Bot API server (a local one for tests or a self-hosted
	// telegram-bot-api); empty means DefaultAPIURL.
	APIURL    string
	Timeout   time.Duration
	Templates *template.Set
}

// Validate checks the configuration without revealing the token.
func (c Config) Validate() error {
	if c.BotToken == "" || strings.ContainsAny(c.BotToken, "/?#% \t\r\n") {
		return errors.New("telegram: bot_token must be set and be one word")
	}
	if c.Templates == nil {
		return errors.New("telegram: no templates")
	}
	return nil
}

// Message is the sendMessage request body.
type Message struct {
	ChatID                string `json:"chat_id"`
	Text                  string `json:"text"`
	ParseMode             string `json:"parse_mode,omitempty"`
	DisableWebPagePreview bool   `json:"disable_web_page_preview"`
}

// response is the Bot API's envelope.
type response struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// Notifier sends to one bot.
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
	api, err := notify.NewChatAPI(notify.ChatOptions{Kind: "telegram", BaseURL: cfg.APIURL, DefaultURL: DefaultAPIURL,
		Path: "/bot" + cfg.BotToken + "/sendMessage", Secrets: []string{cfg.BotToken}, Client: client, Timeout: cfg.Timeout})
	if err != nil {
		return nil, err
	}
	return &Notifier{cfg: cfg, api: api}, nil
}

// Render builds the message for one chat.
func (n *Notifier) Render(nt *alerts.Notification, chatID string) (*Message, error) {
	text, plain, err := n.cfg.Templates.RenderChatFit(nt, template.Telegram, MaxText)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.api.What, err)
	}
	m := &Message{ChatID: chatID, Text: text, ParseMode: "HTML", DisableWebPagePreview: true}
	if plain {
		m.ParseMode = "" // cut to fit: markup may be broken
	}
	return m, nil
}

// Notify sends to each chat of nt.To, or the configured chat. It stops at
// the first failure: the engine retries the notification, and Telegram
// chats drop nothing but the one message per chat it may send twice.
func (n *Notifier) Notify(ctx context.Context, nt *alerts.Notification) error {
	missing := fmt.Errorf("%s: no chat_id (set chat_id or route to a contact with a Telegram chat)", n.api.What)
	return notify.EachRecipient(nt.To, n.cfg.ChatID, missing, func(chat string) error { return n.send(ctx, nt, chat) })
}

func (n *Notifier) send(ctx context.Context, nt *alerts.Notification, chat string) error {
	m, err := n.Render(nt, chat)
	if err != nil {
		return err
	}
	a, err := n.api.PostJSON(ctx, m)
	if err != nil {
		return err
	}
	return n.judge(a, chat)
}

// SendText sends plain text to the configured chat, cut to MaxText
// characters: a message that is not an alert (a saved search's digest).
func (n *Notifier) SendText(ctx context.Context, text string) error {
	if n.cfg.ChatID == "" {
		return fmt.Errorf("%s: no chat_id configured", n.api.What)
	}
	if r := []rune(text); len(r) > MaxText {
		text = string(r[:MaxText-1]) + "…"
	}
	a, err := n.api.PostJSON(ctx, &Message{ChatID: n.cfg.ChatID, Text: text, DisableWebPagePreview: true})
	if err != nil {
		return err
	}
	return n.judge(a, n.cfg.ChatID)
}

// judge reads the Bot API's verdict. The envelope says more than the
// status: retry_after with 429, and a description such as "Bad Request:
// chat not found".
func (n *Notifier) judge(a *notify.Answer, chat string) error {
	var r response
	if err := json.Unmarshal(a.Body, &r); err != nil {
		// Not the Bot API talking (a proxy page): judge by status alone.
		if err := a.Check(n.api.What); err != nil {
			return n.api.Scrub(err)
		}
		return n.api.Errorf("answer is not Bot API JSON (status %d)", a.Status)
	}
	if r.OK && a.Status/100 == 2 {
		return nil
	}
	code := r.ErrorCode
	if code == 0 {
		code = a.Status
	}
	err := n.api.Errorf("chat %s: error %d: %s", chat, code, r.Description)
	switch {
	case code == http.StatusTooManyRequests:
		after := time.Duration(min(max(r.Parameters.RetryAfter, 0), int(notify.MaxRetryAfter/time.Second))) * time.Second
		if after == 0 {
			after = retryafter.Parse(a.Header.Get("Retry-After"), time.Now(), notify.MaxRetryAfter)
		}
		return notify.Temporary(err, after)
	case code >= 500 || code == http.StatusRequestTimeout:
		return notify.Temporary(err, 0)
	case r.Parameters.MigrateToChatID != 0:
		return fmt.Errorf("%w (the group became a supergroup: set chat_id to %d)", err, r.Parameters.MigrateToChatID)
	}
	return err
}
