package config

import (
	"fmt"
	"net/mail"
	"os"
	"regexp"
	"strings"

	"github.com/presswatch/presswatch/article"
)

// This file holds the delivery channels of alerts.receivers (e-mail,
// Telegram, Zalo, Slack-compatible chat) and how their messages are worded.

// receiverKinds lists the kind blocks a receiver may set.
func receiverKinds() []string {
	return []string{"log", "webhook", "email", "telegram", "zalo", "slack"}
}

func emailTLSModes() []string    { return []string{"starttls", "tls", "none"} }
func messageLanguages() []string { return []string{"vi", "en"} }

// EmailReceiver sends e-mail through an SMTP submission server.
type EmailReceiver struct {
	Host string `yaml:"host"`
	// Port 0 means the mode's usual port: 587 starttls, 465 tls, 25 none.
	Port int `yaml:"port"`
	// TLS is starttls (default; required, never optional), tls (from the
	// first byte) or none (a relay on localhost; no authentication).
	TLS          string `yaml:"tls"`
	Username     string `yaml:"username"`
	Password     Secret `yaml:"password"`
	PasswordFile string `yaml:"password_file"`
	// CAFile holds PEM certificates that verify the server, for a mail
	// server with a private CA; empty trusts the system's.
	CAFile string `yaml:"ca_file"`
	// From is the sender: "Presswatch <alerts@example.gov.vn>".
	From string `yaml:"from"`
	// To are the recipients of notifications whose route names none.
	To      []string `yaml:"to"`
	Timeout Duration `yaml:"timeout"`
}

// TelegramReceiver sends through a Telegram bot.
type TelegramReceiver struct {
	BotToken     Secret `yaml:"bot_token"`
	BotTokenFile string `yaml:"bot_token_file"`
	// ChatID is the chat of notifications whose route names none: a
	// numeric ID (negative for groups) or @channelname.
	ChatID string `yaml:"chat_id"`
	// APIURL is the Bot API server; empty means https://api.telegram.org.
	APIURL  string   `yaml:"api_url"`
	Timeout Duration `yaml:"timeout"`
}

// ZaloReceiver sends Zalo Official Account consultation messages.
type ZaloReceiver struct {
	AccessToken     Secret `yaml:"access_token"`
	AccessTokenFile string `yaml:"access_token_file"`
	// UserID is the recipient of notifications whose route names none.
	UserID string `yaml:"user_id"`
	// APIURL is the OA API server; empty means https://openapi.zalo.me.
	APIURL  string   `yaml:"api_url"`
	Timeout Duration `yaml:"timeout"`
}

// SlackReceiver posts to a Slack-compatible incoming webhook (Slack,
// Mattermost, Rocket.Chat).
type SlackReceiver struct {
	// URL is a secret: its path is the credential.
	URL     Secret `yaml:"url"`
	URLFile string `yaml:"url_file"`
	// Channel overrides the webhook's channel where the server allows it.
	Channel string   `yaml:"channel"`
	Timeout Duration `yaml:"timeout"`
}

// Templates are files that replace the embedded message templates.
type Templates struct {
	Subject string `yaml:"subject"` // e-mail subject, one line
	Text    string `yaml:"text"`    // plain-text e-mail body
	HTML    string `yaml:"html"`    // HTML e-mail body (html/template)
	Chat    string `yaml:"chat"`    // Telegram, Zalo and Slack messages
}

// Format prints e with its password redacted (see WebhookReceiver.Format
// for why the field's own methods are not enough).
func (e EmailReceiver) Format(f fmt.State, verb rune) {
	type emailReceiver EmailReceiver
	e.Password = Secret(e.Password.String())
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), emailReceiver(e))
}

// Format prints t with its token redacted.
func (t TelegramReceiver) Format(f fmt.State, verb rune) {
	type telegramReceiver TelegramReceiver
	t.BotToken = Secret(t.BotToken.String())
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), telegramReceiver(t))
}

// Format prints z with its token redacted.
func (z ZaloReceiver) Format(f fmt.State, verb rune) {
	type zaloReceiver ZaloReceiver
	z.AccessToken = Secret(z.AccessToken.String())
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), zaloReceiver(z))
}

// Format prints s with its URL redacted.
func (s SlackReceiver) Format(f fmt.State, verb rune) {
	type slackReceiver SlackReceiver
	s.URL = Secret(s.URL.String())
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), slackReceiver(s))
}

// kinds lists the kind blocks r sets.
func (r Receiver) kinds() []string {
	var out []string
	for _, k := range []struct {
		name string
		set  bool
	}{
		{"log", r.Log != nil}, {"webhook", r.Webhook != nil}, {"email", r.Email != nil},
		{"telegram", r.Telegram != nil}, {"zalo", r.Zalo != nil}, {"slack", r.Slack != nil},
	} {
		if k.set {
			out = append(out, k.name)
		}
	}
	return out
}

func (r *Receiver) resolveDeliveryPaths(dir string) {
	if e := r.Email; e != nil {
		e.PasswordFile = resolvePath(dir, e.PasswordFile)
		e.CAFile = resolvePath(dir, e.CAFile)
	}
	if t := r.Telegram; t != nil {
		t.BotTokenFile = resolvePath(dir, t.BotTokenFile)
	}
	if z := r.Zalo; z != nil {
		z.AccessTokenFile = resolvePath(dir, z.AccessTokenFile)
	}
	if s := r.Slack; s != nil {
		s.URLFile = resolvePath(dir, s.URLFile)
	}
	if t := r.Templates; t != nil {
		for _, p := range []*string{&t.Subject, &t.Text, &t.HTML, &t.Chat} {
			*p = resolvePath(dir, *p)
		}
	}
}

func (r *Receiver) readDeliverySecrets(o *origins, errs *errList, key string) {
	if e := r.Email; e != nil {
		readSecretFile(o, errs, &e.Password, e.PasswordFile, key+".email", "password")
	}
	if t := r.Telegram; t != nil {
		readSecretFile(o, errs, &t.BotToken, t.BotTokenFile, key+".telegram", "bot_token")
	}
	if z := r.Zalo; z != nil {
		readSecretFile(o, errs, &z.AccessToken, z.AccessTokenFile, key+".zalo", "access_token")
	}
	if s := r.Slack; s != nil {
		readSecretFile(o, errs, &s.URL, s.URLFile, key+".slack", "url")
	}
}

var (
	// A bot token is "<bot id>:<secret>"; checking the shape catches a
	// chat ID or a URL pasted by mistake without ever printing the value.
	telegramToken = regexp.MustCompile(`^[0-9]{3,20}:[A-Za-z0-9_-]{20,100}$`)
	telegramChat  = regexp.MustCompile(`^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$`)
	digits        = regexp.MustCompile(`^[0-9]{1,30}$`)
)

// validateDelivery checks the delivery blocks of the receiver at key.
// Messages say what is wrong with a secret, never what it is.
func (r Receiver) validateDelivery(ch *checker, key string) {
	if r.Lang != "" {
		ch.oneOf(key+".lang", r.Lang, messageLanguages())
	}
	if t := r.Templates; t != nil {
		for _, f := range []struct{ name, path string }{{"subject", t.Subject}, {"text", t.Text}, {"html", t.HTML}, {"chat", t.Chat}} {
			if f.path == "" {
				continue
			}
			if st, err := os.Stat(f.path); err != nil {
				ch.fail(key+".templates."+f.name, "cannot read template: %v", err)
			} else if st.IsDir() {
				ch.fail(key+".templates."+f.name, "%s is a directory, not a template file", f.path)
			}
		}
	}
	if e := r.Email; e != nil {
		e.validate(ch, key+".email")
	}
	if t := r.Telegram; t != nil {
		k := key + ".telegram"
		switch tok := t.BotToken.Reveal(); {
		case tok == "":
			ch.fail(k+".bot_token", "required (set bot_token or bot_token_file)")
		case !telegramToken.MatchString(tok):
			ch.fail(k+".bot_token", "does not look like a bot token from @BotFather (digits, a colon, then letters, digits, - and _)")
		}
		if t.ChatID != "" && !telegramChat.MatchString(t.ChatID) {
			ch.fail(k+".chat_id", "must be a numeric chat ID or @channelname, got %q", t.ChatID)
		}
		validateAPI(ch, k, t.APIURL, t.Timeout)
	}
	if z := r.Zalo; z != nil {
		k := key + ".zalo"
		switch tok := z.AccessToken.Reveal(); {
		case tok == "":
			ch.fail(k+".access_token", "required (set access_token or access_token_file)")
		case hasNewline(tok) || strings.ContainsAny(tok, " \t"):
			ch.fail(k+".access_token", "must be one line without blanks")
		}
		if z.UserID != "" && !digits.MatchString(z.UserID) {
			ch.fail(k+".user_id", "must be the numeric user ID the OA sees, got %q", z.UserID)
		}
		validateAPI(ch, k, z.APIURL, z.Timeout)
	}
	if s := r.Slack; s != nil {
		k := key + ".slack"
		if s.URL == "" {
			ch.fail(k+".url", "required (set url or url_file)")
		} else if !article.IsWebURL(s.URL.Reveal()) {
			ch.fail(k+".url", "must be an absolute http(s) URL")
		}
		if s.Timeout < 0 {
			ch.fail(k+".timeout", "must not be negative, got %s", s.Timeout)
		}
	}
}

func validateAPI(ch *checker, key, apiURL string, timeout Duration) {
	if apiURL != "" && !article.IsWebURL(apiURL) {
		ch.fail(key+".api_url", "must be an absolute http(s) URL, got %q", apiURL)
	}
	if timeout < 0 {
		ch.fail(key+".timeout", "must not be negative, got %s", timeout)
	}
}

func (e EmailReceiver) validate(ch *checker, key string) {
	if e.Host == "" {
		ch.fail(key+".host", "required")
	} else if strings.ContainsAny(e.Host, " /:@") {
		ch.fail(key+".host", "must be a host name or IP address (the port goes in port), got %q", e.Host)
	}
	if e.Port < 0 || e.Port > 65535 {
		ch.fail(key+".port", "must be between 1 and 65535 (or 0 for the usual port), got %d", e.Port)
	}
	if e.TLS != "" {
		ch.oneOf(key+".tls", e.TLS, emailTLSModes())
	}
	switch {
	case e.Username != "" && e.Password == "":
		ch.fail(key+".password", "required with username (set password or password_file)")
	case e.Username == "" && e.Password != "":
		ch.fail(key+".username", "required with password")
	case e.Username != "" && e.TLS == "none":
		ch.fail(key+".tls", "none sends the password in clear text: use starttls or tls, or drop username and password")
	}
	if e.From == "" {
		ch.fail(key+".from", "required")
	} else if _, err := mail.ParseAddress(e.From); err != nil {
		ch.fail(key+".from", "not an e-mail address: %v", err)
	}
	for i, to := range e.To {
		if _, err := mail.ParseAddress(to); err != nil {
			ch.fail(indexKey(key+".to", i), "not an e-mail address: %v", err)
		}
	}
	if e.CAFile != "" {
		if _, err := os.Stat(e.CAFile); err != nil {
			ch.fail(key+".ca_file", "cannot read: %v", err)
		}
	}
	if e.Timeout < 0 {
		ch.fail(key+".timeout", "must not be negative, got %s", e.Timeout)
	}
}
