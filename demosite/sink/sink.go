// Package sink lets an officer trying `presswatch demo` see the
// notifications without internet: an SMTP server that keeps the mail and a
// Slack-compatible webhook that keeps the chat messages, with a read-only
// page and JSON listing what arrived.
package sink

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/presswatch/presswatch/alerts/notify/email/smtpsink"
)

//go:embed page.html
var pageFS embed.FS

// Keep bounds what each sink remembers.
const Keep = 200

// Sinks are the demo's mailbox and chat.
type Sinks struct {
	smtp     *smtpsink.Sink
	chatPath string
	page     *template.Template

	mu   sync.Mutex
	chat []ChatMessage
}

// Mail is one message as the page shows it.
type Mail struct {
	Received  time.Time `json:"received"`
	From      string    `json:"from"`
	To        []string  `json:"to"`
	Subject   string    `json:"subject"`
	Key       string    `json:"key"`
	MessageID string    `json:"message_id"`
	Text      string    `json:"text"`
	HTML      string    `json:"-"`
}

// ChatMessage is one webhook post.
type ChatMessage struct {
	Received time.Time `json:"received"`
	Channel  string    `json:"channel,omitempty"`
	Text     string    `json:"text"`
}

// Start starts the SMTP server on a free loopback port.
func Start() (*Sinks, error) {
	s, err := smtpsink.Start("127.0.0.1:0", smtpsink.Options{Keep: Keep})
	if err != nil {
		return nil, err
	}
	page, err := template.ParseFS(pageFS, "page.html")
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sink page: %w", err)
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	// A random path, like a real webhook's: the demo's URL is a secret too.
	return &Sinks{smtp: s, page: page, chatPath: "/chat/hooks/" + hex.EncodeToString(b)}, nil
}

// SMTPAddr is the host:port of the mail server (no TLS, no AUTH).
func (s *Sinks) SMTPAddr() string { return s.smtp.Addr() }

// ChatPath is the webhook's path under Handler.
func (s *Sinks) ChatPath() string { return s.chatPath }

// Close stops the mail server.
func (s *Sinks) Close() error { return s.smtp.Close() }

// Handler serves the page (/), /mail.json, /chat.json, /mail/{n}.html and
// the chat webhook.
func (s *Sinks) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.servePage)
	mux.HandleFunc("GET /mail.json", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, s.Mail()) })
	mux.HandleFunc("GET /chat.json", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, s.Chat()) })
	mux.HandleFunc("GET /mail/{n}", s.serveMailHTML)
	mux.HandleFunc("POST "+s.chatPath, s.serveHook)
	return mux
}

// Mail returns the received mail, newest first.
func (s *Sinks) Mail() []Mail {
	msgs := s.smtp.Messages()
	out := make([]Mail, 0, len(msgs))
	for i := len(msgs) - 1; i >= 0; i-- {
		out = append(out, parse(msgs[i]))
	}
	return out
}

// Chat returns the chat messages, newest first.
func (s *Sinks) Chat() []ChatMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ChatMessage, 0, len(s.chat))
	for i := len(s.chat) - 1; i >= 0; i-- {
		out = append(out, s.chat[i])
	}
	return out
}

// serveHook answers as Slack does: "ok", or 400 with a reason.
func (s *Sinks) serveHook(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Text    string `json:"text"`
		Channel string `json:"channel"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&p); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	if strings.TrimSpace(p.Text) == "" {
		http.Error(w, "no_text", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.chat = append(s.chat, ChatMessage{Received: time.Now(), Channel: p.Channel, Text: p.Text})
	if len(s.chat) > Keep {
		s.chat = s.chat[len(s.chat)-Keep:]
	}
	s.mu.Unlock()
	_, _ = io.WriteString(w, "ok")
}

func (s *Sinks) servePage(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := s.page.Execute(&buf, map[string]any{"Mail": s.Mail(), "Chat": s.Chat(), "ChatPath": s.chatPath}); err != nil {
		http.Error(w, "page error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'")
	_, _ = w.Write(buf.Bytes())
}

// serveMailHTML shows one message's HTML part as the mail client would,
// sandboxed: no script runs, nothing loads from elsewhere.
func (s *Sinks) serveMailHTML(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	mails := s.Mail()
	if err != nil || n < 0 || n >= len(mails) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'")
	_, _ = io.WriteString(w, mails[n].HTML)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// parse reads what the page shows of a message; a part it cannot read
// stays empty rather than failing the page.
func parse(m smtpsink.Message) Mail {
	out := Mail{Received: m.Received, To: m.To, From: m.From}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		out.Text = string(m.Data)
		return out
	}
	var dec mime.WordDecoder
	out.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	out.Key = msg.Header.Get("X-Presswatch-Key")
	out.MessageID = msg.Header.Get("Message-ID")
	if f, err := dec.DecodeHeader(msg.Header.Get("From")); err == nil {
		out.From = f
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(io.LimitReader(msg.Body, 1<<20))
		out.Text = string(b)
		return out
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			break
		}
		var r io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			r = quotedprintable.NewReader(p)
		}
		b, _ := io.ReadAll(io.LimitReader(r, 1<<20))
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			out.Text = string(b)
		case "text/html":
			out.HTML = string(b)
		}
	}
	return out
}
