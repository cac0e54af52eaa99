package smtpsink

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Parts reads a received multipart/mixed message the way a mail client
// does: the decoded subject, the plain text and each attached file by its
// decoded name.
func (m Message) Parts() (subject, text string, files map[string][]byte, err error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return "", "", nil, err
	}
	dec := new(mime.WordDecoder)
	if subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return "", "", nil, fmt.Errorf("subject: %w", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return "", "", nil, fmt.Errorf("content type %q: %v", mt, err)
	}
	files = map[string][]byte{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return subject, text, files, nil
		}
		if err != nil {
			return "", "", nil, err
		}
		var r io.Reader = p
		switch strings.ToLower(p.Header.Get("Content-Transfer-Encoding")) {
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, p)
		case "quoted-printable":
			r = quotedprintable.NewReader(p)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return "", "", nil, err
		}
		_, dp, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if name := dp["filename"]; name != "" {
			if name, err = dec.DecodeHeader(name); err != nil {
				return "", "", nil, err
			}
			files[name] = data
			continue
		}
		text += string(data)
	}
}
