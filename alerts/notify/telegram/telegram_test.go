package telegram

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts/notify/notifytest"
	"github.com/presswatch/presswatch/alerts/notify/template"
)

const token = "123456:AAH-SeCrEtToKeN_xyz"

func newNotifier(t testing.TB, api string) *Notifier {
	t.Helper()
	set := notifytest.Templates(t)
	n, err := New(Config{BotToken: token, ChatID: "-1001234567890", APIURL: api, Templates: set, Timeout: 2 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const okAnswer = `{"ok":true,"result":{"message_id":42,"date":1752456000,"chat":{"id":-1001234567890,"type":"supergroup"},"text":"x"}}`

func TestSendMessageFollowsTheBotAPI(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Answer{Body: okAnswer, Header: map[string]string{"Content-Type": "application/json"}})
	n := newNotifier(t, srv.URL)
	nt := notifytest.HostileNotification()
	if _, _, err := notifytest.Classify(n, nt); err != nil {
		t.Fatal(err)
	}
	nt.To = []string{"111", "@so_tt_tt"}
	if _, _, err := notifytest.Classify(n, nt); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, want := range []string{"-1001234567890", "111", "@so_tt_tt"} {
		r := reqs[i]
		if r.Method != http.MethodPost || r.Path != "/bot"+token+"/sendMessage" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("request %s %s %q", r.Method, r.Path, r.Header.Get("Content-Type"))
		}
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatal(err)
		}
		if m["chat_id"] != want || m["parse_mode"] != "HTML" || m["disable_web_page_preview"] != true {
			t.Errorf("body %s", r.Body)
		}
		text := m["text"].(string)
		for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(text, -1) {
			if !regexp.MustCompile(`^(</?(b|i)>|<a href="https://[^"<>]*">|</a>)$`).MatchString(tag) {
				t.Errorf("tag %q in Telegram HTML:\n%s", tag, text)
			}
		}
		if !strings.Contains(text, "&lt;script&gt;") || !strings.Contains(text, "*_x_*") {
			t.Errorf("hostile title not kept escaped:\n%s", text)
		}
	}
}

func TestClassifiesBotAPIAnswers(t *testing.T) {
	cases := []struct {
		name   string
		answer notifytest.Answer
		fail   bool
		retry  bool
		after  time.Duration
	}{
		{"ok", notifytest.Answer{Body: okAnswer}, false, false, 0},
		{"flood control", notifytest.Answer{Status: 429, Body: `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 15","parameters":{"retry_after":15}}`}, true, true, 15 * time.Second},
		{"chat not found", notifytest.Answer{Status: 400, Body: `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`}, true, false, 0},
		{"bad markup", notifytest.Answer{Status: 400, Body: `{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"}`}, true, false, 0},
		{"bot blocked", notifytest.Answer{Status: 403, Body: `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`}, true, false, 0},
		{"bad token", notifytest.Answer{Status: 401, Body: `{"ok":false,"error_code":401,"description":"Unauthorized"}`}, true, false, 0},
		{"migrated", notifytest.Answer{Status: 400, Body: `{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1009}}`}, true, false, 0},
		{"server error", notifytest.Answer{Status: 502, Body: `<html>Bad Gateway</html>`}, true, true, 0},
		{"internal", notifytest.Answer{Status: 500, Body: `{"ok":false,"error_code":500,"description":"Internal Server Error"}`}, true, true, 0},
		{"garbage 200", notifytest.Answer{Body: `hello`}, true, false, 0},
		{"echoes the token", notifytest.Answer{Status: 404, Body: `{"ok":false,"error_code":404,"description":"Not Found: /bot` + token + `/sendMessage"}`}, true, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := notifytest.NewServer(t, c.answer)
			retry, after, err := notifytest.Classify(newNotifier(t, srv.URL), notifytest.Notification())
			if (err != nil) != c.fail || retry != c.retry || after != c.after {
				t.Errorf("err=%v retry=%v after=%v", err, retry, after)
			}
			notifytest.NoSecret(t, err, token, "SeCrEtToKeN")
		})
	}
}

func TestDownAndTimeoutAreTemporaryAndKeepTheToken(t *testing.T) {
	retry, _, err := notifytest.Classify(newNotifier(t, notifytest.Down(t)), notifytest.Notification())
	if err == nil || !retry {
		t.Fatalf("down: retry=%v err=%v", retry, err)
	}
	notifytest.NoSecret(t, err, token, "SeCrEtToKeN")
}

func TestLongStoriesFitTheLimit(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Answer{Body: okAnswer})
	nt := notifytest.Notification()
	a := nt.Alerts[0]
	for range 300 {
		a.Articles = append(a.Articles, a.Articles[1])
	}
	if _, _, err := notifytest.Classify(newNotifier(t, srv.URL), nt); err != nil {
		t.Fatal(err)
	}
	var m Message
	_ = json.Unmarshal(srv.Requests()[0].Body, &m)
	if n := len([]rune(m.Text)); n > MaxText || n < 100 || m.ParseMode != "HTML" {
		t.Errorf("text of %d runes, parse mode %q", n, m.ParseMode)
	}
}

func TestConfigNeverQuotesTheToken(t *testing.T) {
	set, _ := template.Load(nil, "")
	for _, c := range []Config{{BotToken: "", Templates: set}, {BotToken: "12/SeCrEtToKeN", Templates: set}, {BotToken: token, APIURL: "ftp://x", Templates: set}} {
		_, err := New(c, nil)
		if err == nil {
			t.Errorf("%+v accepted", c.APIURL)
		}
		notifytest.NoSecret(t, err, "SeCrEtToKeN")
	}
}

func BenchmarkRenderAndSend(b *testing.B) {
	srv := notifytest.NewServer(b, notifytest.Answer{Body: okAnswer})
	n := newNotifier(b, srv.URL)
	nt := notifytest.Notification()
	for b.Loop() {
		if _, _, err := notifytest.Classify(n, nt); err != nil {
			b.Fatal(err)
		}
	}
}

// A plain text (a saved search's digest) goes to the configured chat
// without markup, cut to the limit; a refusal is judged as for alerts.
func TestSendTextToTheConfiguredChat(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Answer{Body: okAnswer, Header: map[string]string{"Content-Type": "application/json"}})
	n := newNotifier(t, srv.URL)
	long := "Bản tin <b>tìm kiếm</b> " + strings.Repeat("ư", MaxText)
	if err := n.SendText(t.Context(), long); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	var m map[string]any
	if err := json.Unmarshal(reqs[0].Body, &m); err != nil {
		t.Fatal(err)
	}
	text, _ := m["text"].(string)
	if m["chat_id"] != "-1001234567890" || m["parse_mode"] != nil || len([]rune(text)) != MaxText || !strings.HasPrefix(text, "Bản tin <b>tìm kiếm</b>") {
		t.Errorf("body: chat %v, parse_mode %v, %d characters", m["chat_id"], m["parse_mode"], len([]rune(text)))
	}
	refused := notifytest.NewServer(t, notifytest.Answer{Status: http.StatusBadRequest, Body: `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`})
	if err := newNotifier(t, refused.URL).SendText(t.Context(), "x"); err == nil || !strings.Contains(err.Error(), "chat not found") || strings.Contains(err.Error(), token) {
		t.Errorf("refused: %v", err)
	}
}
