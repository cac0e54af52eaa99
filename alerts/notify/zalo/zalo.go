// Package zalo sends notifications as Zalo Official Account consultation
// ("cs") messages through the OA Open API v3.
package zalo

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
)

// DefaultAPIURL is the OA Open API server.
const DefaultAPIURL = "https://openapi.zalo.me"

// Path of the consultation message method.
const Path = "/v3.0/oa/message/cs"

// MaxText is the OA API's limit on a text message.
const MaxText = 2000

// Config of one Official Account.
type Config struct {
	// AccessToken is the OA access token, sent in the access_token header.
	AccessToken string
	// UserID is the default recipient (the user's ID as seen by the OA);
	// Notification.To, when set, overrides it.
	UserID    string
	APIURL    string // empty means DefaultAPIURL
	Timeout   time.Duration
	Templates *template.Set
}

// Validate checks the configuration without revealing the token.
func (c Config) Validate() error {
	if c.AccessToken == "" || strings.ContainsAny(c.AccessToken, " \t\r\n") {
		return errors.New("zalo: access_token must be set and be one line without blanks")
	}
	if c.Templates == nil {
		return errors.New("zalo: no templates")
	}
	return nil
}

// Message is the request body.
type Message struct {
	Recipient struct {
		UserID string `json:"user_id"`
	} `json:"recipient"`
	Message struct {
		Text string `json:"text"`
	} `json:"message"`
}

// response is the OA API's envelope: HTTP 200 whatever happened, with
// error 0 for success.
type response struct {
	Error   *int   `json:"error"`
	Message string `json:"message"`
}

// Notifier sends through one OA.
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
	api, err := notify.NewChatAPI(notify.ChatOptions{Kind: "zalo", BaseURL: cfg.APIURL, DefaultURL: DefaultAPIURL, Path: Path,
		Header: http.Header{"access_token": {cfg.AccessToken}}, Secrets: []string{cfg.AccessToken}, Client: client, Timeout: cfg.Timeout})
	if err != nil {
		return nil, err
	}
	return &Notifier{cfg: cfg, api: api}, nil
}

// Render builds the message for one user. Zalo text has no markup.
func (n *Notifier) Render(nt *alerts.Notification, userID string) (*Message, error) {
	text, err := n.cfg.Templates.RenderChat(nt, template.Plain, MaxText)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.api.What, err)
	}
	var m Message
	m.Recipient.UserID, m.Message.Text = userID, text
	return &m, nil
}

// Notify sends to each user of nt.To, or the configured user, stopping at
// the first failure.
func (n *Notifier) Notify(ctx context.Context, nt *alerts.Notification) error {
	missing := fmt.Errorf("%s: no user_id (set user_id or route to a contact with a Zalo user)", n.api.What)
	return notify.EachRecipient(nt.To, n.cfg.UserID, missing, func(user string) error { return n.send(ctx, nt, user) })
}

func (n *Notifier) send(ctx context.Context, nt *alerts.Notification, user string) error {
	m, err := n.Render(nt, user)
	if err != nil {
		return err
	}
	a, err := n.api.PostJSON(ctx, m)
	if err != nil {
		return err
	}
	if err := a.Check(n.api.What); err != nil {
		return n.api.Scrub(err)
	}
	var r response
	if err := json.Unmarshal(a.Body, &r); err != nil || r.Error == nil {
		return n.api.Errorf("answer is not OA API JSON (status %d)", a.Status)
	}
	if *r.Error == 0 {
		return nil
	}
	err = n.api.Errorf("user %s: error %d: %s%s", user, *r.Error, r.Message, hint(*r.Error))
	if temporary(*r.Error) {
		return notify.Temporary(err, 0)
	}
	return err
}

// temporary reports whether an OA API error code may clear by itself.
// Zalo documents few codes as transient: -32 (the app exceeded its
// request rate) and -100 (unknown server-side error, "try again later").
// Everything else — a bad or expired token, an unknown user, a user who has
// not interacted with the OA recently enough for a consultation message,
// an exhausted quota — needs a person to act, so retrying only repeats it.
func temporary(code int) bool {
	return code == -32 || code == -100
}

// hint turns the codes an operator meets most into what to do.
func hint(code int) string {
	switch code {
	case -216, -124:
		return " (the OA access token is invalid or expired: renew it)"
	case -213:
		return " (the user does not follow the OA)"
	case -230:
		return " (the user has not interacted with the OA recently; consultation messages are refused)"
	case -32:
		return " (rate limit)"
	}
	return ""
}
