package email

import (
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/presswatch/presswatch/alerts"

	"github.com/presswatch/presswatch/alerts/notify/email/smtpsink"
	"github.com/presswatch/presswatch/alerts/notify/notifytest"
	"github.com/presswatch/presswatch/alerts/notify/template"
)

const password = "pw-SuPeRsEcReT-42"

type fixture struct {
	sink  *smtpsink.Sink
	roots *x509.CertPool
}

func startSink(t testing.TB, o smtpsink.Options, withTLS bool) fixture {
	t.Helper()
	var roots *x509.CertPool
	if withTLS {
		cfg, pool, err := smtpsink.SelfSigned("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		o.TLS, roots = cfg, pool
	}
	s, err := smtpsink.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return fixture{sink: s, roots: roots}
}

func (f fixture) config(t testing.TB, mode string) Config {
	t.Helper()
	set, err := template.Load(nil, "vi")
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(f.sink.Addr())
	p, _ := strconv.Atoi(port)
	return Config{Host: host, Port: p, TLS: mode, Username: "canhbao", Password: password,
		From: "Hệ thống Presswatch <canhbao@stttt.example.vn>", To: []string{"Phòng Báo chí <baochi@stttt.example.vn>"},
		Timeout: 5 * time.Second, RootCAs: f.roots, Templates: set}
}

func send(t testing.TB, cfg Config) (retry bool, err error) {
	t.Helper()
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	retry, _, err = notifytest.Classify(n, notifytest.HostileNotification())
	notifytest.NoSecret(t, err, password, "SuPeRsEcReT")
	return retry, err
}

func TestStartTLSAuthAndAWellFormedMessage(t *testing.T) {
	f := startSink(t, smtpsink.Options{Username: "canhbao", Password: password}, true)
	n, err := New(f.config(t, StartTLS))
	if err != nil {
		t.Fatal(err)
	}
	nt := notifytest.Notification()
	if err := n.Notify(context.Background(), nt); err != nil {
		t.Fatal(err)
	}
	msgs := f.sink.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	got := msgs[0]
	if !got.TLS || got.User != "canhbao" || got.From != "canhbao@stttt.example.vn" || len(got.To) != 1 || got.To[0] != "baochi@stttt.example.vn" {
		t.Errorf("envelope %+v", got)
	}
	m, err := mail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := n.cfg.Templates.Render(nt, template.Subject)
	if subject != want || !strings.HasPrefix(subject, "[Cảnh báo – Cao] Lũ quét ở Mường Chà") {
		t.Errorf("subject %q, want %q", subject, want)
	}
	if raw := m.Header.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("subject not RFC 2047 encoded: %q", raw)
	}
	for _, line := range strings.Split(string(got.Data[:bytes.Index(got.Data, []byte("\r\n\r\n"))]), "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
	}
	if _, err := m.Header.Date(); err != nil {
		t.Errorf("date: %v", err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || from[0].Name != "Hệ thống Presswatch" {
		t.Errorf("from %v %v", from, err)
	}
	if to, err := m.Header.AddressList("To"); err != nil || to[0].Address != "baochi@stttt.example.vn" {
		t.Errorf("to %v %v", to, err)
	}
	if m.Header.Get(HeaderKey) != nt.Key || !strings.HasSuffix(m.Header.Get("Message-ID"), "@stttt.example.vn>") {
		t.Errorf("key %q message-id %q", m.Header.Get(HeaderKey), m.Header.Get("Message-ID"))
	}
	text, html := parts(t, m)
	if !strings.Contains(text, "Lũ quét ở Mường Chà") || !strings.Contains(text, "https://vnexpress.example/lu.html") {
		t.Errorf("text part:\n%s", text)
	}
	if !strings.Contains(html, `<a href="https://vnexpress.example/lu.html">`) {
		t.Errorf("html part:\n%s", html)
	}
	// The same notification again (a retry) carries the same Message-ID.
	if err := n.Notify(context.Background(), nt); err != nil {
		t.Fatal(err)
	}
	again, _ := mail.ReadMessage(bytes.NewReader(f.sink.Messages()[1].Data))
	if again.Header.Get("Message-ID") != m.Header.Get("Message-ID") {
		t.Errorf("retry has a new Message-ID")
	}
}

// parts checks the multipart/alternative structure and returns the
// decoded text and HTML.
func parts(t *testing.T, m *mail.Message) (text, html string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", m.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	var types []string
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct := p.Header.Get("Content-Type")
		types = append(types, ct)
		if p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part %s not quoted-printable", ct)
		}
		b, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		switch ct {
		case "text/plain; charset=utf-8":
			text = string(b)
		case "text/html; charset=utf-8":
			html = string(b)
		}
	}
	if len(types) != 2 || text == "" || html == "" {
		t.Fatalf("parts %v", types)
	}
	return text, html
}

func TestNotificationToOverridesTheConfiguredRecipients(t *testing.T) {
	f := startSink(t, smtpsink.Options{}, false)
	cfg := f.config(t, NoTLS)
	cfg.Username, cfg.Password = "", ""
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	nt := notifytest.Notification()
	nt.To = []string{"dauMoi@so-nn.example.vn", "Trực ban <oncall@example.vn>"}
	if err := n.Notify(context.Background(), nt); err != nil {
		t.Fatal(err)
	}
	if got := f.sink.Messages()[0].To; len(got) != 2 || got[0] != "dauMoi@so-nn.example.vn" || got[1] != "oncall@example.vn" {
		t.Errorf("recipients %v", got)
	}
	nt.To = []string{"not an address"}
	if retry, _, err := notifytest.Classify(n, nt); err == nil || retry {
		t.Errorf("bad address: retry=%v err=%v", retry, err)
	}
}

func TestHostileTitleCannotInjectHeadersOrMarkup(t *testing.T) {
	f := startSink(t, smtpsink.Options{}, false)
	cfg := f.config(t, NoTLS)
	cfg.Username, cfg.Password = "", ""
	if _, err := send(t, cfg); err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(f.sink.Messages()[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Header["Bcc"]) != 0 || len(f.sink.Messages()[0].To) != 1 {
		t.Errorf("hostile title injected a header: %v", m.Header)
	}
	var dec mime.WordDecoder
	subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	if !strings.Contains(subject, "<script>") || strings.ContainsAny(subject, "\r\n") {
		t.Errorf("subject %q", subject)
	}
	_, html := parts(t, m)
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("html not escaped:\n%s", html)
	}
}

func TestImplicitTLSWithLOGIN(t *testing.T) {
	f := startSink(t, smtpsink.Options{Implicit: true, Username: "canhbao", Password: password, Mechanisms: []string{"LOGIN"}}, true)
	if _, err := send(t, f.config(t, TLS)); err != nil {
		t.Fatal(err)
	}
	if m := f.sink.Messages(); len(m) != 1 || !m[0].TLS || m[0].User != "canhbao" {
		t.Fatalf("messages %+v", m)
	}
}

func TestFailuresAreClassifiedAndKeepThePassword(t *testing.T) {
	refuse := func(code int) func(string) error {
		return func(string) error {
			return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "mailbox unavailable " + password}
		}
	}
	cases := []struct {
		name  string
		opts  smtpsink.Options
		tls   bool
		mode  string
		edit  func(*Config)
		retry bool
	}{
		{"wrong password", smtpsink.Options{Username: "canhbao", Password: "other"}, true, StartTLS, nil, false},
		{"recipient refused 550", smtpsink.Options{Username: "canhbao", Password: password, Rcpt: refuse(550)}, true, StartTLS, nil, false},
		{"recipient deferred 450", smtpsink.Options{Username: "canhbao", Password: password, Rcpt: refuse(450)}, true, StartTLS, nil, true},
		{"no STARTTLS offered", smtpsink.Options{}, false, StartTLS, nil, false},
		{"untrusted certificate", smtpsink.Options{}, true, StartTLS, func(c *Config) { c.RootCAs = x509.NewCertPool() }, false},
		{"wrong host name", smtpsink.Options{}, true, StartTLS, func(c *Config) { c.Host = "localhost" }, false},
		{"auth required, none offered", smtpsink.Options{}, true, StartTLS, nil, false},
		{"no common mechanism", smtpsink.Options{Username: "canhbao", Password: password, Mechanisms: []string{"CRAM-MD5"}}, true, StartTLS, nil, false},
		{"server speaks TLS, client not", smtpsink.Options{Implicit: true}, true, StartTLS, func(c *Config) { c.Timeout = 300 * time.Millisecond }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startSink(t, c.opts, c.tls)
			cfg := f.config(t, c.mode)
			if c.edit != nil {
				c.edit(&cfg)
			}
			retry, err := send(t, cfg)
			if err == nil || retry != c.retry {
				t.Errorf("retry=%v err=%v", retry, err)
			}
			if n := f.sink.Total(); n != 0 {
				t.Errorf("%d messages delivered", n)
			}
		})
	}
}

func TestServerDownIsTemporary(t *testing.T) {
	f := startSink(t, smtpsink.Options{}, true)
	cfg := f.config(t, StartTLS)
	_ = f.sink.Close()
	retry, err := send(t, cfg)
	if err == nil || !retry {
		t.Fatalf("retry=%v err=%v", retry, err)
	}
}

func TestCancelledContextStopsTheDialogue(t *testing.T) {
	// A server that accepts and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		c, err := ln.Accept()
		cancel() // the client now waits for a greeting that never comes
		if err == nil {
			defer c.Close()
			_, _ = io.Copy(io.Discard, c)
		}
	}()
	set, _ := template.Load(nil, "")
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	n, err := New(Config{Host: host, Port: p, TLS: NoTLS, From: "a@b.example", To: []string{"c@d.example"}, Timeout: time.Minute, Templates: set})
	if err != nil {
		t.Fatal(err)
	}
	retry, _, err := notifytest.Classify(ctxNotifier{n, ctx}, notifytest.Notification())
	if err == nil || !retry {
		t.Fatalf("retry=%v err=%v", retry, err)
	}
}

type ctxNotifier struct {
	n   *Notifier
	ctx context.Context
}

func (c ctxNotifier) Notify(_ context.Context, nt *alerts.Notification) error {
	return c.n.Notify(c.ctx, nt)
}

func TestConfigValidation(t *testing.T) {
	set, _ := template.Load(nil, "")
	good := Config{Host: "smtp.example.vn", From: "a@b.example", To: []string{"c@d.example"}, Templates: set}
	if _, err := New(good); err != nil {
		t.Fatal(err)
	}
	bad := []func(*Config){
		func(c *Config) { c.Host = "" },
		func(c *Config) { c.TLS = "ssl" },
		func(c *Config) { c.TLS, c.Username, c.Password = NoTLS, "u", password },
		func(c *Config) { c.Username = "u" },
		func(c *Config) { c.From = "not an address" },
		func(c *Config) { c.To = []string{"x"} },
		func(c *Config) { c.Port = 70000 },
	}
	for i, edit := range bad {
		c := good
		edit(&c)
		_, err := New(c)
		if err == nil {
			t.Errorf("case %d accepted", i)
		}
		notifytest.NoSecret(t, err, password)
	}
}

func BenchmarkRenderAndSend(b *testing.B) {
	f := startSink(b, smtpsink.Options{Keep: 1}, false)
	cfg := f.config(b, NoTLS)
	cfg.Username, cfg.Password = "", ""
	n, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	nt := notifytest.Notification()
	for b.Loop() {
		if err := n.Notify(context.Background(), nt); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFoldKeepsTheValue(t *testing.T) {
	for _, v := range []string{
		"Subject: " + strings.Repeat("=?utf-8?q?L=C5=A9_qu=C3=A9t?= ", 20),
		"To: " + strings.Repeat("a@b.example, ", 30),
		"X: " + strings.Repeat("x", 200) + " tail",
		"Short: value",
	} {
		folded := fold(v)
		if strings.ReplaceAll(folded, "\r\n", "") != v {
			t.Errorf("fold changed %q into %q", v, folded)
		}
		for _, line := range strings.Split(folded, "\r\n") {
			if len(line) > 78 && strings.Contains(strings.TrimSpace(line), " ") {
				t.Errorf("line of %d characters with a blank to fold at: %q", len(line), line)
			}
		}
	}
}

func TestSendAttachesFiles(t *testing.T) {
	f := startSink(t, smtpsink.Options{Username: "canhbao", Password: password}, true)
	n, err := New(f.config(t, StartTLS))
	if err != nil {
		t.Fatal(err)
	}
	pdf := append([]byte("%PDF-1.4\n"), make([]byte, 300)...) // longer than one base64 line
	err = n.Send(context.Background(), Message{
		Key: "report.weekly.2026-11-30", Subject: "Báo cáo dư luận tuần 30/11 – 06/12/2026",
		Text: "Kính gửi lãnh đạo,\nbáo cáo tuần đính kèm.", To: []string{"Lãnh đạo <lanhdao@ubnd.example.vn>"},
		Attachments: []Attachment{{Name: "bao-cao_2026-11-30_2026-12-06.pdf", ContentType: "application/pdf", Data: pdf}},
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := f.sink.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "lanhdao@ubnd.example.vn" || !msgs[0].TLS {
		t.Fatalf("received %+v", msgs)
	}
	subject, text, files, err := msgs[0].Parts()
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Báo cáo dư luận tuần 30/11 – 06/12/2026" || !strings.Contains(text, "báo cáo tuần đính kèm") {
		t.Errorf("subject %q, text %q", subject, text)
	}
	if got := files["bao-cao_2026-11-30_2026-12-06.pdf"]; !bytes.Equal(got, pdf) {
		t.Errorf("attachment: %d bytes, want the %d sent", len(got), len(pdf))
	}
}
