package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/app/apptest"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/demosite/sink"
	"github.com/presswatch/presswatch/internal/wait"
)

const outlets = 11

// floodParagraphs is one story as eleven outlets run it: the same
// dispatch, each with its own byline line.
func floodParagraphs(outlet int) []string {
	return []string{
		fmt.Sprintf("Phóng viên báo Tin %d đưa tin từ Mường Chà, tỉnh Điện Biên.", outlet),
		"Khoảng 2 giờ sáng, sau nhiều giờ mưa lớn liên tục, nước từ các khe suối đầu nguồn đổ về nhanh, gây lũ quét tại hai xã vùng cao của huyện Mường Chà. Dòng nước mạnh kèm bùn đá đã cuốn trôi hoàn toàn 7 ngôi nhà sàn ven suối, làm hư hỏng nặng 12 ngôi nhà khác.",
		"Theo đại diện UBND xã, nhờ được cảnh báo từ chiều hôm trước nên phần lớn người dân đã chủ động rời khỏi khu vực nguy hiểm. Tuy nhiên, tài sản, lương thực và gia súc của nhiều gia đình bị nước cuốn mất, ước tính thiệt hại ban đầu khoảng 3 tỷ đồng.",
		"Ngay trong đêm, Ban Chỉ huy phòng chống thiên tai huyện Mường Chà đã huy động công an, quân đội, dân quân và đoàn viên thanh niên hỗ trợ sơ tán hơn 30 hộ với gần 150 nhân khẩu đến nhà văn hóa bản và trường học gần đó.",
		"Tuyến đường liên xã nối trung tâm huyện với khu vực bị ảnh hưởng bị bùn đất vùi lấp nhiều đoạn, một cây cầu tràn bị nước đánh sập, khiến việc tiếp cận gặp nhiều khó khăn. Lực lượng chức năng đang dùng máy xúc mở đường tạm để đưa hàng cứu trợ vào.",
	}
}

// outletsServer serves eleven news sites, each a feed with the flood
// story; outlet 0 publishes at once, the others once released.
type outletsServer struct {
	released atomic.Bool
	start    time.Time
}

func (o *outletsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var i int
	var page string
	if _, err := fmt.Sscanf(r.URL.Path, "/o%d/%s", &i, &page); err != nil || i < 0 || i >= outlets {
		http.NotFound(w, r)
		return
	}
	base := fmt.Sprintf("http://%s/o%d", r.Host, i)
	title := fmt.Sprintf("Lũ quét tại Mường Chà cuốn trôi nhiều nhà dân (Tin %d)", i)
	pub := o.start.Add(time.Duration(i) * time.Minute)
	switch page {
	case "rss.xml":
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		items := ""
		if i == 0 || o.released.Load() {
			items = fmt.Sprintf(`<item><title>%s</title><link>%s/tin/lu-quet.html</link><guid>%s/tin/lu-quet.html</guid><pubDate>%s</pubDate></item>`,
				html.EscapeString(title), base, base, pub.Format(time.RFC1123Z))
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin %d</title><link>%s/</link><description>Tin tức</description>%s</channel></rss>`, i, base, items)
	case "tin/lu-quet.html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var body strings.Builder
		for _, p := range floodParagraphs(i) {
			fmt.Fprintf(&body, "<p>%s</p>\n", html.EscapeString(p))
		}
		fmt.Fprintf(w, `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>%[1]s</title><meta property="og:type" content="article"><meta property="article:published_time" content="%[2]s"></head>
<body><header><nav><a href="/">Trang chủ</a></nav></header><main><article><h1>%[1]s</h1>%[3]s</article></main><footer>© Tin %[4]d</footer></body></html>`,
			html.EscapeString(title), pub.Format(time.RFC3339), body.String(), i)
	default:
		http.NotFound(w, r)
	}
}

// With the demo's receivers and departments, a flagged story makes one
// incident per department its rules name, each sending one e-mail to a
// real SMTP server and one message to a chat webhook, with the department
// by name, a working deep link and a one-tap acknowledge; ten more
// articles of the story from ten more outlets send one follow-up per
// incident, not ten.
func TestDemoStoryOneIncidentPerDepartmentOneEmailOneChatThenOneFollowUp(t *testing.T) {
	t.Parallel()
	news, sinks, cfg := startStory(t, outlets)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a := apptest.Start(t, cfg)
	base := "http://" + a.Addr()

	wait.Until(t, 60*time.Second, "the first e-mail and chat message", func() bool { return len(sinks.Mail()) >= 1 && len(sinks.Chat()) >= 1 })
	news.released.Store(true)
	released := time.Now()
	type incident struct {
		ID           string   `json:"id"`
		StoryID      string   `json:"story_id"`
		Departments  []string `json:"departments"`
		ArticleCount int      `json:"article_count"`
		Rules        []struct {
			ID string `json:"id"`
		} `json:"rules"`
	}
	incidents := func() []incident {
		var r struct {
			Alerts []incident `json:"alerts"`
		}
		getJSON(t, base+"/api/v1/alerts?limit=1000", &r)
		return r.Alerts
	}
	wait.Until(t, 60*time.Second, "the story's incidents to list all eleven articles", func() bool {
		list := incidents()
		return len(list) > 0 && !slices.ContainsFunc(list, func(in incident) bool { return in.ArticleCount != outlets })
	})
	list := incidents()
	seen := map[string]bool{}
	for _, in := range list {
		k := in.StoryID + "|" + strings.Join(in.Departments, ",")
		if seen[k] || len(in.Departments) != 1 {
			t.Errorf("story %s, departments %v: not one incident per story and department", in.StoryID, in.Departments)
		}
		seen[k] = true
		t.Logf("incident %s: department %v, %d reasons", in.ID, in.Departments, len(in.Rules))
	}
	// The released outlets' articles reach the incident over one group
	// interval or, on a loaded machine, two: each interval with news owes
	// one follow-up, and none may repeat what an earlier message said.
	wait.Until(t, 60*time.Second, "a follow-up listing the eleven articles for every incident", func() bool {
		mail := sinks.Mail()
		return !slices.ContainsFunc(list, func(in incident) bool { return !mailSays(mail, base, in.ID, fmt.Sprintf("%d bài", outlets)) }) &&
			len(sinks.Chat()) >= len(mail)
	})
	// Each group interval in which released articles arrived owes one
	// follow-up: on a quiet machine they arrive within one or two, on a
	// loaded one over more, but never one message per article.
	maxMail := 2 + int(time.Since(released)/storyGroupInterval)
	// Absence can only be seen by waiting: one more group interval, in
	// which nothing is owed and nothing may come.
	before := len(sinks.Mail())
	time.Sleep(storyGroupInterval + 2*time.Second)
	mail, chat := sinks.Mail(), sinks.Chat()
	if len(mail) != before || len(chat) != len(mail) {
		t.Fatalf("%d e-mails, then %d one group interval later, and %d chat messages: a message with nothing new, or one channel told more than the other", before, len(mail), len(chat))
	}
	for _, in := range list {
		if len(in.Departments) == 1 {
			checkIncidentMail(t, base, in.ID, in.Departments[0], mail, maxMail)
		}
	}
	for _, c := range chat {
		if !strings.Contains(c.Text, base+"/alerts/") || !strings.Contains(c.Text, base+"/a/") {
			t.Errorf("chat message without deep link or action links:\n%s", c.Text)
		}
	}
	ackFromMail(t, a, base, mail[len(mail)-1].Text)
}

// storyGroupInterval is the story test's group_interval: how often an
// incident with news may be told again.
const storyGroupInterval = 10 * time.Second

// startStory serves the outlets and the notification sinks for the
// story's test and configures the first n outlets (see storyConfig).
func startStory(t *testing.T, n int) (*outletsServer, *sink.Sinks, config.Config) {
	t.Helper()
	news := &outletsServer{start: time.Now().Add(-time.Hour)}
	newsSrv := httptest.NewServer(news)
	t.Cleanup(newsSrv.Close)
	sinks, err := sink.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sinks.Close() })
	chatSrv := httptest.NewServer(sinks.Handler())
	t.Cleanup(chatSrv.Close)
	return news, sinks, storyConfig(t, newsSrv.URL, sinks, chatSrv.URL+sinks.ChatPath(), n)
}

// storyConfig runs the demo's departments and the example rules over
// the first n outlets of an outletsServer at newsURL, notifying the
// demo's e-mail receiver (Vietnamese) on the sinks' SMTP server and a
// chat webhook at chatURL.
func storyConfig(t *testing.T, newsURL string, sinks *sink.Sinks, chatURL string, n int) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.Listen = freeAddr(t)
	cfg.Alerts.BaseURL = "http://" + cfg.Listen
	cfg.Alerts.Departments = app.DemoDepartments()
	rules, _ := filepath.Abs("../examples/rules")
	cfg.Classifier.RulesDir = rules
	cfg.Crawler.AllowPrivateHosts = []string{"127.0.0.1"}
	cfg.Crawler.MinHostDelay = 0
	cfg.Crawler.PerHostConcurrency = 8
	for i := range n {
		cfg.Crawler.Sources = append(cfg.Crawler.Sources, config.Source{ID: fmt.Sprintf("tin-%d", i), Name: fmt.Sprintf("Tin %d", i), Kind: "feed",
			URL: fmt.Sprintf("%s/o%d/rss.xml", newsURL, i), Tier: "local", Lang: "vi", Interval: config.Duration(200 * time.Millisecond),
			MinInterval: config.Duration(100 * time.Millisecond), MaxInterval: config.Duration(300 * time.Millisecond)})
	}
	cfg.Indexer.BatchInterval = config.Duration(200 * time.Millisecond)
	smtpHost, smtpPort, _ := strings.Cut(sinks.SMTPAddr(), ":")
	var port int
	fmt.Sscan(smtpPort, &port)
	cfg.Alerts.Receivers = []config.Receiver{
		{Name: "demo-email", Lang: "vi", Email: &config.EmailReceiver{Host: smtpHost, Port: port, TLS: "none",
			From: "Presswatch <canhbao@presswatch.demo>", To: []string{"Phòng Báo chí <baochi@presswatch.demo>"}}},
		{Name: "demo-chat", Slack: &config.SlackReceiver{URL: config.Secret(chatURL), Channel: "#bao-chi"}},
	}
	cfg.Alerts.Route = &config.AlertRoute{Receivers: []string{"demo-email", "demo-chat"},
		GroupWait: config.Duration(300 * time.Millisecond), GroupInterval: config.Duration(storyGroupInterval), RepeatInterval: config.Duration(24 * time.Hour)}
	cfg.API.Tokens = []config.Token{{Name: "e2e", Role: "viewer", Token: testToken}}
	return cfg
}

// checkIncidentMail checks the e-mails of an incident: the first and at
// most maxMail in all, follow-ups of one thread that each tell more, the
// department by name, the eleven articles, and a deep link that works.
func checkIncidentMail(t *testing.T, base, id, dept string, mail []sink.Mail, maxMail int) {
	t.Helper()
	names := map[string]string{}
	for _, d := range app.DemoDepartments() {
		names[d.ID] = d.Name
	}
	got := incidentMail(mail, base, id)
	if len(got) < 2 || len(got) > maxMail {
		t.Fatalf("incident %s: %d e-mails link to it, want the first and one follow-up per group interval with news (2 to %d)", id, len(got), maxMail)
	}
	slices.Reverse(got) // oldest first
	first, follow := got[0], got[len(got)-1]
	prevCount := 0
	for i, m := range got {
		if want := fmt.Sprintf("/%d", i+1); !strings.HasSuffix(m.Key, want) || strings.TrimSuffix(m.Key, want) != strings.TrimSuffix(first.Key, "/1") {
			t.Errorf("e-mail %d of incident %s has key %q: want the incident's notifications numbered in order", i+1, id, m.Key)
		}
		n := articleCount(m.Subject)
		if n <= prevCount {
			t.Errorf("e-mail %d of incident %s counts %d articles after %d: a follow-up with nothing new\n%s", i+1, id, n, prevCount, m.Subject)
		}
		prevCount = n
	}
	if name := names[dept]; !strings.Contains(first.Subject, name) || strings.Contains(first.Text, dept) {
		t.Errorf("the e-mail names the department by ID or not by its name %q:\n%s\n%s", name, first.Subject, first.Text)
	}
	if !strings.Contains(follow.Text, "Tin 10") || !strings.Contains(follow.Text, fmt.Sprintf("%d bài", outlets)) {
		t.Errorf("the follow-up does not list the story's eleven articles:\n%s", follow.Text)
	}
	if code, _ := getPage(t, base+"/alerts/"+id, nil); code != http.StatusOK && code != http.StatusSeeOther {
		t.Errorf("deep link %s: %d", base+"/alerts/"+id, code)
	}
}

// ackFromMail follows the acknowledge link of an e-mail as its recipient
// would: sign in, open the link, confirm.
func ackFromMail(t *testing.T, a *app.App, base, text string) {
	t.Helper()
	ack := ackLink(t, text, base)
	id := strings.Fields(text[strings.Index(text, base+"/alerts/")+len(base+"/alerts/"):])[0]
	if _, err := a.Accounts().Users.Add(context.Background(), "canbo", "officer", "mat-khau-canbo"); err != nil {
		t.Fatal(err)
	}
	b := newBrowserClient(t, base)
	b.login("canbo", "mat-khau-canbo")
	if code, body := b.get(ack); code != http.StatusOK || !strings.Contains(body, "Bạn sắp xác nhận đã nhận") {
		t.Fatalf("ack link page: %d\n%s", code, body)
	}
	if code, body := b.post(ack, nil); code != http.StatusOK || !strings.Contains(body, "Đã xác nhận đã nhận sự việc.") {
		t.Fatalf("ack link confirm: %d\n%s", code, body)
	}
	var al struct {
		Status string `json:"status"`
	}
	getJSON(t, base+"/api/v1/alerts/"+id, &al)
	if al.Status != "acknowledged" {
		t.Errorf("after the one-tap acknowledge the incident is %q", al.Status)
	}
}

// ackLink finds the acknowledge link in a plain-text message.
func ackLink(t *testing.T, text, base string) string {
	t.Helper()
	for line := range strings.Lines(text) {
		if after, ok := strings.CutPrefix(strings.TrimSpace(line), "Xác nhận đã biết: "); ok && strings.HasPrefix(after, base+"/a/") {
			return after
		}
	}
	t.Fatalf("no acknowledge link in:\n%s", text)
	return ""
}

// incidentMail returns the e-mails that link to incident id, newest first
// as the sink lists them.
func incidentMail(mail []sink.Mail, base, id string) []sink.Mail {
	var got []sink.Mail
	for _, m := range mail {
		if strings.Contains(m.Text, base+"/alerts/"+id) {
			got = append(got, m)
		}
	}
	return got
}

// mailSays reports whether an e-mail about incident id contains text.
func mailSays(mail []sink.Mail, base, id, text string) bool {
	return slices.ContainsFunc(incidentMail(mail, base, id), func(m sink.Mail) bool { return strings.Contains(m.Text, text) })
}

// articleCount reads "(N bài, …" from a notification's subject.
func articleCount(subject string) int {
	m := regexp.MustCompile(`\((\d+) bài`).FindStringSubmatch(subject)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
