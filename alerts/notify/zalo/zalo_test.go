package zalo

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts/notify/notifytest"
	"github.com/presswatch/presswatch/alerts/notify/template"
)

const token = "zalo-SeCrEtAcCeSsToKeN-0123"

func newNotifier(t testing.TB, api string) *Notifier {
	t.Helper()
	set := notifytest.Templates(t)
	n, err := New(Config{AccessToken: token, UserID: "2468013579", APIURL: api, Templates: set, Timeout: 2 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const okAnswer = `{"data":{"message_id":"b4ff...","user_id":"2468013579"},"error":0,"message":"Success"}`

func TestSendsConsultationMessage(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Answer{Body: okAnswer})
	n := newNotifier(t, srv.URL)
	nt := notifytest.HostileNotification()
	if _, _, err := notifytest.Classify(n, nt); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if r.Method != http.MethodPost || r.Path != Path || r.Header.Get("access_token") != token || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s %s headers %v", r.Method, r.Path, r.Header)
	}
	if strings.Contains(r.Path, token) {
		t.Error("token in the URL")
	}
	var m Message
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Recipient.UserID != "2468013579" || m.Message.Text == "" {
		t.Errorf("body %s", r.Body)
	}
	// Plain text: nothing to escape, nothing lost, no markup added.
	if !strings.Contains(m.Message.Text, "<script>alert(1)</script>") || strings.Contains(m.Message.Text, "&lt;") || strings.Contains(m.Message.Text, "<b>") {
		t.Errorf("text:\n%s", m.Message.Text)
	}
	if strings.ContainsAny(m.Message.Text, "\r") {
		t.Errorf("title kept its line break:\n%q", m.Message.Text)
	}
}

func TestClassifiesOAErrors(t *testing.T) {
	cases := []struct {
		name   string
		answer notifytest.Answer
		fail   bool
		retry  bool
	}{
		{"ok", notifytest.Answer{Body: okAnswer}, false, false},
		{"rate limit", notifytest.Answer{Body: `{"error":-32,"message":"Exceed rate limit"}`}, true, true},
		{"unknown server error", notifytest.Answer{Body: `{"error":-100,"message":"Unknown error"}`}, true, true},
		{"token invalid", notifytest.Answer{Body: `{"error":-216,"message":"Access token is invalid"}`}, true, false},
		{"token expired", notifytest.Answer{Body: `{"error":-124,"message":"Access token has expired"}`}, true, false},
		{"not a follower", notifytest.Answer{Body: `{"error":-213,"message":"User has not followed OA"}`}, true, false},
		{"no recent interaction", notifytest.Answer{Body: `{"error":-230,"message":"User has not interacted with OA in the last 7 days"}`}, true, false},
		{"unknown code", notifytest.Answer{Body: `{"error":-999,"message":"?"}`}, true, false},
		{"http 503", notifytest.Answer{Status: 503, Body: `busy`}, true, true},
		{"http 429", notifytest.Answer{Status: 429, Body: `slow`}, true, true},
		{"http 403", notifytest.Answer{Status: 403, Body: `no`}, true, false},
		{"garbage", notifytest.Answer{Body: `<html>`}, true, false},
		{"no error field", notifytest.Answer{Body: `{"message":"ok?"}`}, true, false},
		{"echoes the token", notifytest.Answer{Body: `{"error":-216,"message":"Access token ` + token + ` is invalid"}`}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := notifytest.NewServer(t, c.answer)
			retry, _, err := notifytest.Classify(newNotifier(t, srv.URL), notifytest.Notification())
			if (err != nil) != c.fail || retry != c.retry {
				t.Errorf("err=%v retry=%v", err, retry)
			}
			notifytest.NoSecret(t, err, token, "SeCrEt")
		})
	}
}

func TestDownIsTemporary(t *testing.T) {
	retry, _, err := notifytest.Classify(newNotifier(t, notifytest.Down(t)), notifytest.Notification())
	if err == nil || !retry {
		t.Fatalf("retry=%v err=%v", retry, err)
	}
	notifytest.NoSecret(t, err, token)
}

func TestTextFitsTheLimitAndEveryUserGetsIt(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Answer{Body: okAnswer})
	nt := notifytest.Notification()
	a := nt.Alerts[0]
	for range 100 {
		a.Articles = append(a.Articles, a.Articles[1])
	}
	nt.To = []string{"u1", "u2"}
	if _, _, err := notifytest.Classify(newNotifier(t, srv.URL), nt); err != nil {
		t.Fatal(err)
	}
	for i, r := range srv.Requests() {
		var m Message
		_ = json.Unmarshal(r.Body, &m)
		if n := len([]rune(m.Message.Text)); n > MaxText || m.Recipient.UserID != nt.To[i] || !strings.Contains(m.Message.Text, "bài khác") {
			t.Errorf("message %d to %s: %d runes", i, m.Recipient.UserID, n)
		}
	}
}

func TestConfigNeverQuotesTheToken(t *testing.T) {
	set, _ := template.Load(nil, "")
	for _, c := range []Config{{Templates: set}, {AccessToken: "a SeCrEt", Templates: set}, {AccessToken: token, APIURL: "::", Templates: set}} {
		_, err := New(c, nil)
		if err == nil {
			t.Error("accepted")
		}
		notifytest.NoSecret(t, err, "SeCrEt")
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
