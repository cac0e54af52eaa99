package template

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts"
)

func load(t testing.TB, files Files) *Set {
	t.Helper()
	s, err := Load(files, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sample(k alerts.Kind) *alerts.Notification {
	for _, n := range Samples() {
		if n.Kind == k {
			return n
		}
	}
	panic(k)
}

// hostile is an alert whose every string came from a page that wants to
// break out of the message.
func hostile() *alerts.Notification {
	evil := `<script>alert(1)</script> *_bold_* <!channel> <http://evil.example|click> & {{.Key}} "quote'`
	raised := time.Date(2026, 7, 14, 1, 0, 0, 0, time.UTC)
	a := &alerts.Alert{ID: "x<y", Title: evil, Severity: "high", Labels: []string{evil}, Departments: []string{evil},
		Rules: []alerts.RuleRef{{ID: "r", Title: evil}}, Created: raised,
		Articles: []alerts.ArticleRef{
			{Title: evil, URL: "javascript:alert(1)", Source: evil, Summary: evil, Published: raised.Add(time.Hour)},
			{Title: evil, URL: `https://x.example/a?b=1&c=<2>|"3"`, Source: "s2", Summary: evil},
		}}
	return &alerts.Notification{Key: "k", Kind: alerts.KindFollowUp, Lang: "vi", Alerts: []*alerts.Alert{a},
		BaseURL: "https://pw.example", Created: raised}
}

func TestVietnameseSubject(t *testing.T) {
	s := load(t, nil)
	got, err := s.Render(sample(alerts.KindNew), Subject)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[Cảnh báo – Cao] Lũ quét ở Mường Chà (3 bài, 2 nguồn)"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	n := sample(alerts.KindNew)
	n.Lang = "en"
	got, _ = s.Render(n, Subject)
	if want := "[Alert – High] Lũ quét ở Mường Chà (3 articles, 2 sources)"; got != want {
		t.Errorf("english subject %q, want %q", got, want)
	}
}

func TestEveryKindHasItsOwnWording(t *testing.T) {
	s := load(t, nil)
	for _, lang := range Languages() {
		seen := map[string]alerts.Kind{}
		for _, n := range Samples() {
			n.Lang = lang
			for _, p := range []Part{Subject, Text, HTML} {
				out, err := s.Render(n, p)
				if err != nil || strings.TrimSpace(out) == "" {
					t.Fatalf("%s %s %s: %q, %v", lang, n.Kind, p, out, err)
				}
				if p == Subject {
					if k, dup := seen[out]; dup {
						t.Errorf("%s: kinds %s and %s share the subject %q", lang, k, n.Kind, out)
					}
					seen[out] = n.Kind
				}
			}
		}
	}
}

func TestDigestListsEveryAlertAndFollowUpTheNewOutlets(t *testing.T) {
	s := load(t, nil)
	text, _ := s.Render(sample(alerts.KindDigest), Text)
	for _, want := range []string{"Lũ quét ở Mường Chà", "Sạt lở đường tỉnh 150", "Phản ánh về giá điện", "Tổng hợp 3 cảnh báo"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	// Sample articles: bao-0 at the raising time, bao-1 an hour later.
	text, _ = s.Render(sample(alerts.KindFollowUp), Text)
	if !strings.Contains(text, "Nguồn mới: bao-1\n") {
		t.Errorf("follow-up does not name the new outlet:\n%s", text)
	}
}

func TestHostileContentIsEscapedPerFlavor(t *testing.T) {
	s := load(t, nil)
	n := hostile()
	html, err := s.Render(n, HTML)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "javascript:") || strings.Contains(html, "<!channel>") {
		t.Errorf("html not escaped:\n%s", html)
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("html lost the hostile title instead of escaping it:\n%s", html)
	}

	tg, err := s.RenderChat(n, Telegram, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Telegram HTML mode: only our own tags may appear.
	for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(tg, -1) {
		if !regexp.MustCompile(`^(</?(b|i)>|<a href="https://[^"<>]*">|</a>)$`).MatchString(tag) {
			t.Errorf("telegram message has a foreign tag %q:\n%s", tag, tg)
		}
	}
	if strings.Contains(tg, "javascript:") || !strings.Contains(tg, "&lt;script&gt;") || !strings.Contains(tg, "*_bold_*") {
		t.Errorf("telegram text:\n%s", tg)
	}

	sl, err := s.RenderChat(n, Slack, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Slack: every < opens one of our links, whose URL holds no | or >.
	for _, m := range regexp.MustCompile(`<[^>]*>`).FindAllString(sl, -1) {
		if !regexp.MustCompile(`^<https://[^|<>]*\|[^<>]*>$`).MatchString(m) {
			t.Errorf("slack message has a foreign control sequence %q:\n%s", m, sl)
		}
	}
	if strings.Contains(sl, "<!channel>") || !strings.Contains(sl, "&lt;!channel&gt;") || !strings.Contains(sl, "%7C") {
		t.Errorf("slack text:\n%s", sl)
	}
	// Template actions in data are data.
	plain, _ := s.RenderChat(n, Plain, 0)
	if !strings.Contains(plain, "{{.Key}}") {
		t.Errorf("plain text lost the literal braces:\n%s", plain)
	}
	subj, _ := s.Render(n, Subject)
	if strings.ContainsAny(subj, "\r\n") {
		t.Errorf("subject spans lines: %q", subj)
	}
}

func TestChatFitsTheLimit(t *testing.T) {
	s := load(t, nil)
	n := sample(alerts.KindNew)
	a := n.Alerts[0]
	for i := range 200 {
		r := a.Articles[0]
		r.Title = strings.Repeat("Mưa lũ kéo dài ", 5) + string(rune('A'+i%26))
		a.Articles = append(a.Articles, r)
	}
	for _, f := range []Flavor{Plain, Telegram, Slack} {
		out, plain, err := s.RenderChatFit(n, f, 2000)
		if err != nil {
			t.Fatal(err)
		}
		if got := len([]rune(out)); got > 2000 || plain {
			t.Errorf("%s: %d runes, plain=%v", f, got, plain)
		}
		if !strings.Contains(out, "bài khác") {
			t.Errorf("%s: does not say articles were left out", f)
		}
	}
	// A title alone longer than the limit: cut, as plain text.
	a.Title = strings.Repeat("<b>x</b>", 1000)
	out, plain, err := s.RenderChatFit(n, Telegram, 4096)
	if err != nil || len([]rune(out)) > 4096 || !plain || !strings.HasSuffix(out, "…") {
		t.Errorf("cut message: %d runes, plain=%v, err=%v", len([]rune(out)), plain, err)
	}
}

func TestOverrideAndLoadErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "subject.tmpl")
	if err := os.WriteFile(good, []byte(`ALERT {{.Alert.Title}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s := load(t, Files{Subject: good})
	if got, _ := s.Render(sample(alerts.KindNew), Subject); got != "ALERT Lũ quét ở Mường Chà" {
		t.Errorf("override subject %q", got)
	}
	cases := map[string]string{
		"syntax.tmpl":  "line one\n{{if .Alert}}unclosed",
		"field.tmpl":   "line one\nline two\n{{.Alert.NoSuchField}}",
		"func.tmpl":    "{{nosuchfunc .Kind}}",
		"missing.tmpl": "",
	}
	for name, src := range cases {
		path := filepath.Join(dir, name)
		if name != "missing.tmpl" {
			if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		_, err := Load(Files{Text: path}, "")
		if err == nil {
			t.Errorf("%s: loaded", name)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
		if name == "field.tmpl" && !strings.Contains(err.Error(), path+":3") {
			t.Errorf("%s: error does not name the line: %v", name, err)
		}
	}
	if _, err := Load(nil, "fr"); err == nil {
		t.Error("unknown language accepted")
	}
}

func FuzzRenderHostile(f *testing.F) {
	s := load(f, nil)
	for _, seed := range []string{"<script>", "*_~`", "{{.Key}}", "<!channel>", "a&b", "\r\nBcc: x@y", "</a><a href=\"javascript:x\">"} {
		f.Add(seed, "https://x.example/"+seed)
	}
	f.Fuzz(func(t *testing.T, title, link string) {
		n := hostile()
		n.Alerts[0].Title = title
		n.Alerts[0].Articles[0].Title = title
		n.Alerts[0].Articles[0].URL = link
		tagTG := regexp.MustCompile(`^(</?(b|i)>|<a href="https?://[^"<>]*">|</a>)$`)
		tg, plain, err := s.RenderChatFit(n, Telegram, 4096)
		if err != nil {
			t.Fatal(err)
		}
		if plain {
			tg = "" // cut to fit and sent without parse_mode: no markup to check
		}
		for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(tg, -1) {
			if !tagTG.MatchString(tag) {
				t.Fatalf("telegram: foreign tag %q in %q", tag, tg)
			}
		}
		sl, err := s.RenderChat(n, Slack, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`<[^>]*>`).FindAllString(sl, -1) {
			if !regexp.MustCompile(`^<https?://[^|<>]*\|[^<>]*>$`).MatchString(m) {
				t.Fatalf("slack: foreign sequence %q in %q", m, sl)
			}
		}
		subj, err := s.Render(n, Subject)
		if err != nil || strings.ContainsAny(subj, "\r\n") {
			t.Fatalf("subject %q: %v", subj, err)
		}
		if _, err := s.Render(n, HTML); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkRender(b *testing.B) {
	s := load(b, nil)
	n := sample(alerts.KindFollowUp)
	b.Run("chat-telegram", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.RenderChat(n, Telegram, 4096); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("email-subject-text-html", func(b *testing.B) {
		for b.Loop() {
			for _, p := range []Part{Subject, Text, HTML} {
				if _, err := s.Render(n, p); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
