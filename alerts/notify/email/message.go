package email

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify/template"
)

// maxSubject bounds the subject in characters, so that even fully encoded
// it stays far below the 998-byte line limit of RFC 5322.
const maxSubject = 200

// Build renders nt into a complete message for the recipients to, and
// returns it with the envelope addresses. An address that does not parse
// is an error: retrying cannot fix it.
func (n *Notifier) Build(nt *alerts.Notification, to []string) (msg []byte, rcpts []string, err error) {
	rcpts, toHeader, from, err := n.envelope(to)
	if err != nil {
		return nil, nil, err
	}
	set := n.cfg.Templates
	subject, err := set.Render(nt, template.Subject)
	if err != nil {
		return nil, nil, err
	}
	text, err := set.Render(nt, template.Text)
	if err != nil {
		return nil, nil, err
	}
	html, err := set.Render(nt, template.HTML)
	if err != nil {
		return nil, nil, err
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range []struct{ typ, content string }{{"text/plain", text}, {"text/html", html}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: build: %w", n.what, err)
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(crlf(p.content))); err != nil {
			return nil, nil, fmt.Errorf("%s: build: %w", n.what, err)
		}
		if err := qp.Close(); err != nil {
			return nil, nil, fmt.Errorf("%s: build: %w", n.what, err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, nil, fmt.Errorf("%s: build: %w", n.what, err)
	}

	var m bytes.Buffer
	header := func(k, v string) { m.WriteString(fold(k+": "+v) + "\r\n") }
	header("From", from.String())
	header("To", strings.Join(toHeader, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", truncate(subject, maxSubject)))
	header("Date", n.now().Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	header("Message-ID", messageID(nt.Key, nt.Receiver, from.Address))
	if k := headerValue(nt.Key); k != "" {
		header(HeaderKey, k)
	}
	// RFC 3834: out-of-office replies must not answer this.
	header("Auto-Submitted", "auto-generated")
	header("MIME-Version", "1.0")
	header("Content-Type", "multipart/alternative; boundary="+mw.Boundary())
	m.WriteString("\r\n")
	m.Write(body.Bytes())
	return m.Bytes(), rcpts, nil
}

// envelope parses the recipients (for RCPT TO and the To header) and the
// sender. An address that does not parse is an error: retrying cannot fix
// it.
func (n *Notifier) envelope(to []string) (rcpts, toHeader []string, from *mail.Address, err error) {
	for _, t := range to {
		a, err := mail.ParseAddress(t)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: recipient %q: %w", n.what, t, err)
		}
		rcpts = append(rcpts, a.Address)
		toHeader = append(toHeader, a.String())
	}
	if from, err = mail.ParseAddress(n.cfg.From); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: from: %w", n.what, err)
	}
	return rcpts, toHeader, from, nil
}

// fold breaks a header line before blanks so that lines stay within the
// 78 characters RFC 5322 asks for. Unfolding only removes the line breaks,
// so the value is unchanged (encoded words carry no blanks inside).
func fold(line string) string {
	const limit = 78
	var b strings.Builder
	for len(line) > limit {
		i := strings.LastIndexByte(line[:limit], ' ')
		if i <= 0 {
			// No blank early enough: break at the next one, if any.
			if i = strings.IndexByte(line[limit:], ' '); i < 0 {
				break
			}
			i += limit
		}
		b.WriteString(line[:i] + "\r\n")
		line = line[i:] // keeps the blank, which starts the continuation
	}
	b.WriteString(line)
	return b.String()
}

// headerValue keeps a value on one line of printable ASCII, so that no
// key can inject a header.
func headerValue(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, s)
}

// crlf gives the body the line endings SMTP expects.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
