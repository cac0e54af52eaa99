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
	a := &alerts.Alert{ID: "x<y", Title: evil, Detail: evil, Severity: "high", Labels: []string{evil}, Departments: []string{evil},
		Rules: []alerts.RuleRef{
			{ID: "r", Title: evil, Rebuttal: "javascript:alert(1)"},
			{ID: "r2", Title: evil, Rebuttal: `https://gov.example/r?b=1&c=<2>|"3"`},
		}, Created: raised,
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
	if want := "[Cảnh báo – Cao] Lũ quét ở Mường Chà (3 bài, 2 nguồn, Sở Nông nghiệp và Môi trường)"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	n := sample(alerts.KindNew)
	n.Lang = "en"
	got, _ = s.Render(n, Subject)
	if want := "[Alert – High] Lũ quét ở Mường Chà (3 articles, 2 sources, Sở Nông nghiệp và Môi trường)"; got != want {
		t.Errorf("english subject %q, want %q", got, want)
	}
}

func TestConfiguredLanguageWinsOverTheNotifications(t *testing.T) {
	s, err := Load(nil, "en")
	if err != nil {
		t.Fatal(err)
	}
	n := sample(alerts.KindNew) // Lang "vi"
	if got, _ := s.Render(n, Subject); !strings.HasPrefix(got, "[Alert – High]") {
		t.Errorf("subject %q", got)
	}
	n.Lang = ""
	if got, _ := load(t, nil).Render(n, Subject); !strings.HasPrefix(got, "[Cảnh báo – Cao]") {
		t.Errorf("default language: %q", got)
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
	for _, want := range []string{"Lũ quét ở Mường Chà", "Sạt lở đường tỉnh 150", "Phản ánh về giá điện", "Tổng hợp 3 sự việc"} {
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

// A message is enough to act on: the department by name (never its ID),
// the reasons with their terms, the first sentences, the spread, a deep
// link and one-tap actions; a follow-up says what changed; the response
// message carries the official link.
func TestMessagesAreEnoughToActOn(t *testing.T) {
	s := load(t, nil)
	for _, p := range []Part{Text, HTML, Chat} {
		var out string
		var err error
		if p == Chat {
			out, err = s.RenderChat(sample(alerts.KindNew), Slack, 0)
		} else {
			out, err = s.Render(sample(alerts.KindNew), p)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Sở Nông nghiệp và Môi trường", "Lũ, sạt lở", "Mưa lớn gây lũ quét.", "2 nguồn",
			"https://presswatch.example.vn/alerts/a1", "Xác nhận đã biết", "https://presswatch.example.vn/a/ack-token", "Tạm tắt thông báo 4 giờ"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", p, want, out)
			}
		}
		if strings.Contains(out, "so-nn") {
			t.Errorf("%s shows the department ID:\n%s", p, out)
		}
	}
	n := sample(alerts.KindFollowUp)
	n.Alerts[0].Rules = append(n.Alerts[0].Rules, alerts.RuleRef{ID: "disaster.evac", Title: "Sơ tán dân", Terms: []string{"sơ tán"}})
	n.Update = &alerts.Update{NewReasons: []string{"disaster.evac"}, NewSources: []string{"bao-7"}, SeverityFrom: "medium"}
	text, _ := s.Render(n, Text)
	for _, want := range []string{"Lý do mới: Sơ tán dân", "Nguồn mới: bao-7", "(tăng từ Trung bình)", "- Sơ tán dân (Cao): sơ tán"} {
		if !strings.Contains(text, want) {
			t.Errorf("follow-up lacks %q:\n%s", want, text)
		}
	}
	for _, p := range []Part{Subject, Text, HTML} {
		out, _ := s.Render(sample(alerts.KindResponse), p)
		if !strings.Contains(out, "https://dienbien.gov.example/thong-cao/lu-quet") && p != Subject {
			t.Errorf("response %s lacks the official link:\n%s", p, out)
		}
		if p == Subject && !strings.HasPrefix(out, "[Đã phản hồi]") {
			t.Errorf("response subject %q", out)
		}
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
	text, _ := s.Render(n, Text)
	for name, out := range map[string]string{"slack": sl, "plain chat": plain, "text": text} {
		if strings.Contains(out, "javascript:") {
			t.Errorf("%s keeps a javascript: link:\n%s", name, out)
		}
	}
	subj, _ := s.Render(n, Subject)
	if strings.ContainsAny(subj, "\r\n") {
		t.Errorf("subject spans lines: %q", subj)
	}
}

// TestRebuttalAndDetailInEveryPart: the official rebuttal of a false
// claim is a link in every channel, escaped for it; a javascript: one is
// dropped; a spike's explanation is printed.
func TestRebuttalAndDetailInEveryPart(t *testing.T) {
	s := load(t, nil)
	const rebuttal = "https://dienbien.gov.example/bac-bo?tin=thu-phi&v=2"
	raised := time.Date(2026, 7, 14, 1, 0, 0, 0, time.UTC)
	claim := &alerts.Alert{ID: "c1", Type: alerts.TypeArticle, Title: "Tin đồn thu phí xe máy", Severity: "high", Created: raised,
		Rules: []alerts.RuleRef{
			{ID: "claim.fee", Title: "Tin sai: thu phí xe máy", Rebuttal: rebuttal},
			{ID: "claim.evil", Title: "Tin sai khác", Rebuttal: "javascript:alert(document.cookie)"},
			{ID: "misleading.copy", Title: "Bản sao", Rebuttal: rebuttal}, // the same link, shown once
		},
		Articles: []alerts.ArticleRef{{ID: "x1", URL: "https://mxh.example/p/1", Title: "Từ 1/8 thu phí xe máy", Source: "mxh"}}}
	const detail = "40 articles in the hour to 2026-07-14T01:00:00Z, 10.0× the baseline of 4.0; terms: lũ quét"
	surge := &alerts.Alert{ID: "s1", Type: alerts.TypeSpike, Title: "Đột biến tin: rule:disaster.flood", Severity: "high", Created: raised, Detail: detail}
	escaped := map[string]string{ // the link as each part writes it
		"text": rebuttal, "html": `href="https://dienbien.gov.example/bac-bo?tin=thu-phi&amp;v=2"`,
		"plain": rebuttal, "telegram": `<a href="https://dienbien.gov.example/bac-bo?tin=thu-phi&amp;v=2">`,
		"slack": "<https://dienbien.gov.example/bac-bo?tin=thu-phi&amp;v=2|",
	}
	label := map[string]string{"vi": "Thông tin chính thức bác bỏ", "en": "Official rebuttal"}
	render := func(n *alerts.Notification) map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, p := range []Part{Text, HTML} {
			o, err := s.Render(n, p)
			if err != nil {
				t.Fatal(err)
			}
			out[string(p)] = o
		}
		for _, f := range []Flavor{Plain, Telegram, Slack} {
			o, err := s.RenderChat(n, f, 4096)
			if err != nil {
				t.Fatal(err)
			}
			out[f.String()] = o
		}
		return out
	}
	for _, lang := range Languages() {
		for _, k := range []alerts.Kind{alerts.KindNew, alerts.KindDigest} {
			n := &alerts.Notification{Key: "k", Kind: k, Lang: lang, Alerts: []*alerts.Alert{claim, surge}, Created: raised}
			for part, out := range render(n) {
				if !strings.Contains(out, escaped[part]) || !strings.Contains(out, label[lang]) {
					t.Errorf("%s %s %s lacks the rebuttal %q:\n%s", lang, k, part, escaped[part], out)
				}
				if c := strings.Count(out, label[lang]); c != 1 {
					t.Errorf("%s %s %s: %d rebuttal lines, want the one link once", lang, k, part, c)
				}
				if strings.Contains(out, "javascript:") {
					t.Errorf("%s %s %s keeps the javascript: rebuttal:\n%s", lang, k, part, out)
				}
			}
			spike := &alerts.Notification{Key: "k", Kind: k, Lang: lang, Alerts: []*alerts.Alert{surge}, Created: raised}
			for part, out := range render(spike) {
				if k != alerts.KindDigest && !strings.Contains(out, detail) {
					t.Errorf("%s %s %s lacks the spike's detail:\n%s", lang, k, part, out)
				}
				if strings.Contains(out, label[lang]) {
					t.Errorf("%s %s %s: a rebuttal line without a rebuttal:\n%s", lang, k, part, out)
				}
			}
		}
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
		n.Alerts[0].Detail = title
		n.Alerts[0].Rules[1].Rebuttal = link
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
