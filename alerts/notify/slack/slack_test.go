package slack

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts/notify/notifytest"
	"github.com/presswatch/presswatch/alerts/notify/template"
)

const hookPath = "/services/T000/B000/XXXXSECRETXXXX"

func newNotifier(t testing.TB, url string) *Notifier {
	t.Helper()
	set := notifytest.Templates(t)
	n, err := New(Config{URL: url, Channel: "#bao-chi", Templates: set, Timeout: 2 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPostsSlackPayload(t *testing.T) {
	srv := notifytest.NewServer(t, notifytest.Answer{Body: "ok"})
	n := newNotifier(t, srv.URL+hookPath)
	if retry, _, err := notifytest.Classify(n, notifytest.HostileNotification()); err != nil || retry {
		t.Fatalf("notify: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != hookPath || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s %s %q", r.Method, r.Path, r.Header.Get("Content-Type"))
	}
	var p map[string]any
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatal(err)
	}
	text, _ := p["text"].(string)
	if p["channel"] != "#bao-chi" || text == "" {
		t.Fatalf("payload %s", r.Body)
	}
	if strings.Contains(text, "<!channel>") || strings.Contains(text, "<script>") || strings.Contains(text, "<http://evil") {
		t.Errorf("hostile title not escaped:\n%s", text)
	}
	if !strings.Contains(text, "&lt;!channel&gt;") || !strings.Contains(text, "<https://vnexpress.example/lu.html|") {
		t.Errorf("text lacks the escaped title or the article link:\n%s", text)
	}
}

func TestClassifiesSlackAnswers(t *testing.T) {
	cases := []struct {
		name      string
		answer    notifytest.Answer
		fail      bool
		retry     bool
		wantAfter time.Duration
	}{
		{"ok", notifytest.Answer{Body: "ok"}, false, false, 0},
		{"invalid_payload", notifytest.Answer{Status: 400, Body: "invalid_payload"}, true, false, 0},
		{"no_service", notifytest.Answer{Status: 404, Body: "no_service"}, true, false, 0},
		{"channel_not_found", notifytest.Answer{Status: 404, Body: "channel_not_found"}, true, false, 0},
		{"action_prohibited", notifytest.Answer{Status: 403, Body: "action_prohibited"}, true, false, 0},
		{"channel_is_archived", notifytest.Answer{Status: 410, Body: "channel_is_archived"}, true, false, 0},
		{"rate_limited", notifytest.Answer{Status: 429, Header: map[string]string{"Retry-After": "30"}, Body: "rate_limited"}, true, true, 30 * time.Second},
		{"server error", notifytest.Answer{Status: 500, Body: "rollup_error"}, true, true, 0},
		{"proxy says 200 but not ok", notifytest.Answer{Body: "<html>login</html>"}, true, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := notifytest.NewServer(t, c.answer)
			n := newNotifier(t, srv.URL+hookPath)
			retry, after, err := notifytest.Classify(n, notifytest.Notification())
			if (err != nil) != c.fail || retry != c.retry || after != c.wantAfter {
				t.Errorf("err=%v retry=%v after=%v", err, retry, after)
			}
			notifytest.NoSecret(t, err, "XXXXSECRETXXXX", hookPath)
			if c.fail && !strings.Contains(err.Error(), strings.TrimPrefix(srv.URL, "http://")) {
				t.Errorf("error does not name the host: %v", err)
			}
		})
	}
}

func TestServerDownIsTemporaryAndSecret(t *testing.T) {
	n := newNotifier(t, notifytest.Down(t)+hookPath)
	retry, _, err := notifytest.Classify(n, notifytest.Notification())
	if err == nil || !retry {
		t.Fatalf("retry=%v err=%v", retry, err)
	}
	notifytest.NoSecret(t, err, "XXXXSECRETXXXX")
}

func TestConfigRefusesBadURLWithoutQuotingIt(t *testing.T) {
	set, _ := template.Load(nil, "")
	for _, u := range []string{"", "ftp://h/XXXXSECRETXXXX", "/XXXXSECRETXXXX", "https://"} {
		_, err := New(Config{URL: u, Templates: set}, nil)
		if err == nil {
			t.Errorf("%q accepted", u)
		}
		notifytest.NoSecret(t, err, "XXXXSECRETXXXX")
	}
}

func BenchmarkRenderAndSend(b *testing.B) {
	srv := notifytest.NewServer(b, notifytest.Answer{Body: "ok"})
	n := newNotifier(b, srv.URL+hookPath)
	nt := notifytest.Notification()
	for b.Loop() {
		if _, _, err := notifytest.Classify(n, nt); err != nil {
			b.Fatal(err)
		}
	}
}
