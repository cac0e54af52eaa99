package sink

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts/notify/email"
	"github.com/presswatch/presswatch/alerts/notify/notifytest"
	"github.com/presswatch/presswatch/alerts/notify/slack"
	"github.com/presswatch/presswatch/alerts/notify/template"
)

func get(t *testing.T, url string) (string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b), resp.Header
}

// The demo's receivers deliver to the sinks, and the page shows what came,
// escaped.
func TestSinksShowWhatTheReceiversSent(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	set, err := template.Load(nil, "vi")
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(s.SMTPAddr())
	p, _ := strconv.Atoi(port)
	mailer, err := email.New(email.Config{Host: host, Port: p, TLS: email.NoTLS, From: "Presswatch <canhbao@demo.example>",
		To: []string{"Phòng Báo chí <baochi@demo.example>"}, Timeout: 5 * time.Second, Templates: set})
	if err != nil {
		t.Fatal(err)
	}
	chat, err := slack.New(slack.Config{URL: srv.URL + s.ChatPath(), Templates: set, Timeout: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	nt := notifytest.HostileNotification()
	for _, n := range []notifytest.Notifier{mailer, chat} {
		if err := n.Notify(context.Background(), nt); err != nil {
			t.Fatal(err)
		}
	}

	var mails []Mail
	body, _ := get(t, srv.URL+"/mail.json")
	if err := json.Unmarshal([]byte(body), &mails); err != nil || len(mails) != 1 {
		t.Fatalf("mail.json %s: %v", body, err)
	}
	m := mails[0]
	if !strings.HasPrefix(m.Subject, "[Cảnh báo – Cao] <script>") || m.Key != nt.Key || m.To[0] != "baochi@demo.example" || !strings.Contains(m.Text, "Mức độ: Cao") {
		t.Errorf("mail %+v", m)
	}
	var msgs []ChatMessage
	body, _ = get(t, srv.URL+"/chat.json")
	if err := json.Unmarshal([]byte(body), &msgs); err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Text, "&lt;script&gt;") {
		t.Fatalf("chat.json %s: %v", body, err)
	}

	page, h := get(t, srv.URL+"/")
	if strings.Contains(page, "<script>") || !strings.Contains(page, "&lt;script&gt;") || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("page not escaped or not locked down:\n%s", page)
	}
	html, h := get(t, srv.URL+"/mail/0")
	if !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || strings.Contains(html, "<script>") || !strings.Contains(html, "<a href=") {
		t.Errorf("mail html view:\n%s", html)
	}
}

func TestChatHookAnswersLikeSlack(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for body, want := range map[string]int{`{"text":"xin chào"}`: 200, `{"text":""}`: 400, `not json`: 400} {
		resp, err := http.Post(srv.URL+s.ChatPath(), "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", body, resp.StatusCode, want)
		}
	}
	resp, err := http.Post(srv.URL+"/chat/hooks/guess", "application/json", strings.NewReader(`{"text":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 200 || len(s.Chat()) != 1 {
		t.Errorf("a guessed hook path was accepted (%d) or messages = %d", resp.StatusCode, len(s.Chat()))
	}
}
