package email

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
)

// Attachment is a file sent with a Message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Message is a plain-text e-mail with attachments: what a scheduled report
// sends, through the same SMTP account and dialogue as notifications.
type Message struct {
	// Key makes the Message-ID, so a resent message has the same one.
	Key         string
	Subject     string
	Text        string
	To          []string
	Attachments []Attachment
}

// Send builds m and makes one attempt to deliver it; errors are classified
// as Notify's are (notify.TemporaryError when a retry may help).
func (n *Notifier) Send(ctx context.Context, m Message) error {
	msg, rcpts, err := n.buildMixed(m)
	if err != nil {
		return err
	}
	return n.secret(n.send(ctx, rcpts, msg))
}

// buildMixed renders m as multipart/mixed: the text, then each file in
// base64.
func (n *Notifier) buildMixed(m Message) ([]byte, []string, error) {
	if len(m.To) == 0 {
		return nil, nil, fmt.Errorf("%s: no recipient", n.what)
	}
	rcpts, toHeader, from, err := n.envelope(m.To)
	if err != nil {
		return nil, nil, err
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
	if err != nil {
		return nil, nil, err
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(crlf(m.Text))); err != nil {
		return nil, nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, nil, err
	}
	for _, a := range m.Attachments {
		name := mime.QEncoding.Encode("utf-8", headerValue(a.Name))
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {headerValue(a.ContentType) + `; name="` + name + `"`},
			"Content-Disposition":       {`attachment; filename="` + name + `"`},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, nil, err
		}
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			if _, err := w.Write([]byte(enc[:76] + "\r\n")); err != nil {
				return nil, nil, err
			}
			enc = enc[76:]
		}
		if _, err := w.Write([]byte(enc + "\r\n")); err != nil {
			return nil, nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, nil, err
	}
	var out bytes.Buffer
	header := func(k, v string) { out.WriteString(fold(k+": "+v) + "\r\n") }
	header("From", from.String())
	header("To", strings.Join(toHeader, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", truncate(m.Subject, maxSubject)))
	header("Date", n.now().Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	header("Message-ID", messageID(m.Key, "report", from.Address))
	if k := headerValue(m.Key); k != "" {
		header(HeaderKey, k)
	}
	header("Auto-Submitted", "auto-generated")
	header("MIME-Version", "1.0")
	header("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	out.WriteString("\r\n")
	out.Write(body.Bytes())
	return out.Bytes(), rcpts, nil
}
