// Package notifytest helps receiver tests: notifications with hostile
// content, and an HTTP server that records requests and answers as a
// scripted API would.
package notifytest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/notify"
	"github.com/presswatch/presswatch/alerts/notify/template"
)

// Evil is a title written to break out of every message format: HTML and
// Telegram tags, Slack mentions and links, mrkdwn styling, template
// actions, header injection.
const Evil = "<script>alert(1)</script> *_x_* <!channel> <http://evil.example|click> & {{.Key}}\r\nBcc: victim@example.org"

// Notification returns a new-alert notification about a flash flood,
// reported by two outlets.
func Notification() *alerts.Notification {
	raised := time.Date(2026, 7, 14, 1, 30, 0, 0, time.UTC)
	a := &alerts.Alert{
		ID: "a1", Type: "article", Title: "Lũ quét ở Mường Chà", Severity: "high", Labels: []string{"thiên tai"},
		Departments: []string{"so-nn"}, Rules: []alerts.RuleRef{{ID: "disaster.flood", Title: "Lũ, sạt lở"}},
		Created: raised,
		Articles: []alerts.ArticleRef{
			{ID: "1", URL: "https://baodienbien.example/lu-quet.html", Title: "Lũ quét ở Mường Chà", Source: "bao-dien-bien", Published: raised},
			{ID: "2", URL: "https://vnexpress.example/lu.html", Title: "Mường Chà: lũ cuốn trôi nhà dân", Source: "vnexpress", Published: raised.Add(time.Hour)},
		},
	}
	return &alerts.Notification{Key: "story:s1/1", Kind: alerts.KindNew, Receiver: "test", Lang: "vi",
		Alerts: []*alerts.Alert{a}, BaseURL: "https://presswatch.example", Created: raised.Add(2 * time.Hour)}
}

// HostileNotification has Evil in every string a page controls.
func HostileNotification() *alerts.Notification {
	n := Notification()
	a := n.Alerts[0]
	a.Title = Evil
	for i := range a.Articles {
		a.Articles[i].Title, a.Articles[i].Summary = Evil, Evil
	}
	a.Articles[0].Source = Evil
	return n
}

// Request is what the server received.
type Request struct {
	Method string
	Path   string // raw, as sent (tokens in the path stay visible)
	Header http.Header
	Body   []byte
}

// Answer is one scripted answer.
type Answer struct {
	Status int
	Header map[string]string
	Body   string
}

// Server records requests and plays its answers in order, then Default.
type Server struct {
	*httptest.Server
	Default Answer

	mu      sync.Mutex
	answers []Answer
	got     []Request
}

// NewServer starts a server closed at the end of the test.
func NewServer(t testing.TB, def Answer, answers ...Answer) *Server {
	s := &Server{Default: def, answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.got = append(s.got, Request{Method: r.Method, Path: r.URL.EscapedPath(), Header: r.Header.Clone(), Body: body})
	a := s.Default
	if len(s.answers) > 0 {
		a, s.answers = s.answers[0], s.answers[1:]
	}
	s.mu.Unlock()
	for k, v := range a.Header {
		w.Header().Set(k, v)
	}
	if a.Status == 0 {
		a.Status = http.StatusOK
	}
	w.WriteHeader(a.Status)
	_, _ = io.WriteString(w, a.Body)
}

// Requests returns what was received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.got...)
}

// Notifier is the interface under test.
type Notifier interface {
	Notify(ctx context.Context, n *alerts.Notification) error
}

// Classify runs one Notify and reports whether it failed, may be retried,
// and the wait asked for.
func Classify(n Notifier, nt *alerts.Notification) (retry bool, after time.Duration, err error) {
	err = n.Notify(context.Background(), nt)
	retry, after = notify.IsTemporary(err)
	return retry, after, err
}

// NoSecret fails the test if err's text contains any secret.
func NoSecret(t testing.TB, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error leaks secret %q: %v", s, err)
		}
	}
}

// Down returns the URL of a port nothing listens on.
func Down(t testing.TB) string {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	return u
}

// Templates returns the built-in Vietnamese message templates.
func Templates(t testing.TB) *template.Set {
	t.Helper()
	set, err := template.Load(nil, "vi")
	if err != nil {
		t.Fatal(err)
	}
	return set
}
