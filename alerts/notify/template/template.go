// Package template renders notifications into subjects, plain text, HTML
// e-mail and chat messages. Defaults in Vietnamese and English are
// embedded; a receiver may override each part with a file of its own.
//
// Everything a template prints comes from a View whose strings are already
// escaped for the target (Telegram HTML, Slack mrkdwn) or, for e-mail HTML,
// escaped by html/template itself. Alert content from the web never reaches
// the template parser, so it cannot inject template actions either.
package template

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	htmltemplate "html/template"
	"os"
	"path"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
)

//go:embed defaults
var defaults embed.FS

// Flavor is the markup a chat message is written in.
type Flavor int

// Chat flavors.
const (
	Plain    Flavor = iota // no markup (Zalo, plain-text e-mail)
	Telegram               // Telegram Bot API parse_mode HTML
	Slack                  // Slack mrkdwn (Mattermost and Rocket.Chat read it too)
)

func (f Flavor) String() string {
	switch f {
	case Telegram:
		return "telegram"
	case Slack:
		return "slack"
	}
	return "plain"
}

// Part names a template of a set.
type Part string

// Parts of a template set.
const (
	Subject Part = "subject" // one line: e-mail subject, first line of chats
	Text    Part = "text"    // plain-text e-mail body
	HTML    Part = "html"    // HTML e-mail body
	Chat    Part = "chat"    // chat message (Telegram, Zalo, Slack-compatible)
)

// Parts lists every part.
func Parts() []Part { return []Part{Subject, Text, HTML, Chat} }

// Files are override template files by part; an empty path keeps the
// embedded default. An override replaces the part in every language: it
// is written in the one language its author chose.
type Files map[Part]string

// Languages are the embedded ones; Vietnamese first.
func Languages() []string { return []string{"vi", "en"} }

// Set is a parsed set of templates for every language and part. It is
// safe for concurrent use.
type Set struct {
	lang  string // for notifications that do not name one
	fixed bool   // lang was configured: it wins over the notification's
	// text holds each text part parsed once per flavor, since the markup
	// functions differ by flavor and a parsed template's functions cannot
	// change without a copy.
	text map[textKey]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// Load parses the embedded defaults and the override files, and renders
// every part of every language for a sample of each notification kind, so
// that a template naming a missing field fails at start, not at 3 a.m.
// with the first critical alert. lang, when set, is the language of every
// message of this receiver (its readers read that language); when empty,
// each notification's Lang decides, Vietnamese if it names none. Errors
// name the file and line.
func Load(files Files, lang string) (*Set, error) {
	fixed := lang != ""
	if !fixed {
		lang = "vi"
	}
	if !isLanguage(lang) {
		return nil, fmt.Errorf("templates: unknown language %q (want one of %s)", lang, strings.Join(Languages(), ", "))
	}
	for p := range files {
		if !isPart(p) {
			return nil, fmt.Errorf("templates: unknown part %q", p)
		}
	}
	s := &Set{lang: lang, fixed: fixed, text: map[textKey]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	for _, l := range Languages() {
		for _, p := range Parts() {
			name, src, err := source(files, l, p)
			if err != nil {
				return nil, err
			}
			if p == HTML {
				t, err := htmltemplate.New(name).Funcs(htmlFuncs()).Option("missingkey=error").Parse(src)
				if err != nil {
					return nil, fmt.Errorf("templates: %w", err)
				}
				s.html[l] = t
				continue
			}
			for _, f := range []Flavor{Plain, Telegram, Slack} {
				t, err := texttemplate.New(name).Funcs(chatFuncs(f)).Option("missingkey=error").Parse(src)
				if err != nil {
					return nil, fmt.Errorf("templates: %w", err)
				}
				s.text[textKey{l, p, f}] = t
			}
		}
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

// source returns the name (the file path, which parse errors quote with
// the line) and text of one part.
func source(files Files, lang string, p Part) (string, string, error) {
	if f := files[p]; f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", "", fmt.Errorf("templates.%s: %w", p, err)
		}
		return f, string(data), nil
	}
	name := path.Join("defaults", lang, string(p)+".tmpl")
	data, err := defaults.ReadFile(name)
	if err != nil {
		return "", "", fmt.Errorf("templates: embedded %s: %w", name, err)
	}
	return name, string(data), nil
}

func isLanguage(l string) bool {
	for _, x := range Languages() {
		if x == l {
			return true
		}
	}
	return false
}

func isPart(p Part) bool {
	for _, x := range Parts() {
		if x == p {
			return true
		}
	}
	return false
}

// check renders every part for a sample of every kind in every flavor.
func (s *Set) check() error {
	for _, l := range Languages() {
		for _, n := range Samples() {
			n.Lang = l
			for _, p := range []Part{Subject, Text, HTML} {
				if _, err := s.Render(n, p); err != nil {
					return fmt.Errorf("templates: %w", err)
				}
			}
			for _, f := range []Flavor{Plain, Telegram, Slack} {
				if _, err := s.RenderChat(n, f, 0); err != nil {
					return fmt.Errorf("templates: %w", err)
				}
			}
		}
	}
	return nil
}

// language picks the configured language, else the notification's, else
// Vietnamese.
func (s *Set) language(n *alerts.Notification) string {
	if !s.fixed && isLanguage(n.Lang) {
		return n.Lang
	}
	return s.lang
}

// Render renders the subject, plain text or HTML part.
func (s *Set) Render(n *alerts.Notification, p Part) (string, error) {
	lang := s.language(n)
	all := limits{alerts: -1, articles: -1}
	switch p {
	case HTML:
		var buf bytes.Buffer
		t := s.html[lang]
		if err := t.Execute(&buf, newView(n, lang, identity(), all)); err != nil {
			return "", fmt.Errorf("render %s: %w", t.Name(), err)
		}
		return buf.String(), nil
	case Subject, Text:
		out, err := exec(s.text[textKey{lang, p, Plain}], newView(n, lang, identity(), all))
		if p == Subject {
			out = oneLine(out)
		}
		return out, err
	}
	return "", fmt.Errorf("render: part %q is not subject, text or html (chat messages use RenderChat)", p)
}

type textKey struct {
	lang   string
	part   Part
	flavor Flavor
}

func exec(t *texttemplate.Template, v View) (string, error) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("render %s: %w", t.Name(), err)
	}
	return strings.TrimSpace(buf.String()), nil
}

// RenderChat renders the chat part in a flavor. With max > 0 the message
// fits in max characters (runes): long stories list fewer articles and a
// digest fewer alerts, saying how many were left out; only if even the
// shortest form is too long is it cut, and then (for markup flavors) as
// plain text so no tag is cut in half. plain reports that cut.
func (s *Set) RenderChat(n *alerts.Notification, f Flavor, max int) (string, error) {
	out, _, err := s.RenderChatFit(n, f, max)
	return out, err
}

// RenderChatFit is RenderChat that also reports whether the message had to
// be cut and is plain text (so a Telegram sender drops parse_mode).
func (s *Set) RenderChatFit(n *alerts.Notification, f Flavor, max int) (msg string, plain bool, err error) {
	lang := s.language(n)
	steps := []limits{{-1, -1}, {-1, 10}, {-1, 5}, {20, 3}, {10, 1}, {5, 0}, {1, 0}}
	for _, lim := range steps {
		out, err := exec(s.text[textKey{lang, Chat, f}], newView(n, lang, escapers(f), lim))
		if err != nil {
			return "", false, err
		}
		if max <= 0 || runeCount(out) <= max {
			return out, false, nil
		}
	}
	out, err := exec(s.text[textKey{lang, Chat, Plain}], newView(n, lang, identity(), limits{1, 0}))
	if err != nil {
		return "", false, err
	}
	return truncate(out, max), f != Plain, nil
}

func runeCount(s string) int { return len([]rune(s)) }

// truncate cuts s to at most max runes, ending with an ellipsis.
func truncate(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	return string(r[:max-1]) + "…"
}

func identity() escaper {
	return escaper{text: func(s string) string { return s }, url: func(s string) string { return s }}
}

// escapers for each chat flavor. Telegram's HTML mode needs <, > and &
// escaped (html.EscapeString also escapes quotes, which keeps href
// attributes closed). Slack needs &, < and >: an unescaped "<!channel>"
// in a hostile title would ping everyone, and "<http://x|y>" forge a
// link. Slack has no escape for * _ ~ `, so those may still style a title;
// that is cosmetic, not a hole.
func escapers(f Flavor) escaper {
	switch f {
	case Telegram:
		return escaper{text: html.EscapeString, url: html.EscapeString}
	case Slack:
		return escaper{text: slackEscape, url: slackURL}
	}
	return identity()
}

func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackURL makes a URL safe inside <url|text>: "|" would end the URL early.
func slackURL(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C").Replace(s)
}

// chatFuncs are the markup helpers of text templates. Their arguments are
// view strings, already escaped for the flavor, so they only add markup.
func chatFuncs(f Flavor) texttemplate.FuncMap {
	fm := texttemplate.FuncMap{
		"join":  strings.Join,
		"upper": strings.ToUpper,
		"trunc": truncate,
	}
	switch f {
	case Telegram:
		fm["b"] = func(s string) string { return "<b>" + s + "</b>" }
		fm["i"] = func(s string) string { return "<i>" + s + "</i>" }
		fm["link"] = func(u, text string) string {
			if u == "" {
				return text
			}
			return `<a href="` + u + `">` + text + "</a>"
		}
	case Slack:
		fm["b"] = func(s string) string { return "*" + s + "*" }
		fm["i"] = func(s string) string { return "_" + s + "_" }
		fm["link"] = func(u, text string) string {
			if u == "" {
				return text
			}
			return "<" + u + "|" + text + ">"
		}
	default:
		fm["b"] = func(s string) string { return s }
		fm["i"] = func(s string) string { return s }
		fm["link"] = func(u, text string) string {
			if u == "" || u == text {
				return text // a link shown as its own URL is written once
			}
			return text + "\n" + u
		}
	}
	return fm
}

func htmlFuncs() htmltemplate.FuncMap {
	return htmltemplate.FuncMap{"join": strings.Join, "upper": strings.ToUpper, "trunc": truncate}
}

// Samples are notifications of every kind used to check templates at load
// time (and by tests): every field a template may touch is filled.
func Samples() []*alerts.Notification {
	raised := time.Date(2026, 7, 14, 1, 30, 0, 0, time.UTC)
	mk := func(id, title string, sev string, n int) *alerts.Alert {
		a := &alerts.Alert{
			ID: id, Type: "article", Title: title, Severity: article.Severity(sev), Labels: []string{"thiên tai"},
			Departments: []string{"so-nn"}, Rules: []alerts.RuleRef{{ID: "disaster.flood", Title: "Lũ, sạt lở", Rebuttal: "https://dienbien.gov.example/bac-bo/" + id}},
			Detail:  "40 articles in the hour to 2026-07-14T01:00:00Z, 10.0× the baseline of 4.0",
			Created: raised, Updated: raised,
		}
		for i := range n {
			a.Articles = append(a.Articles, alerts.ArticleRef{
				ID: fmt.Sprintf("%s-%d", id, i), URL: fmt.Sprintf("https://bao.example.vn/tin/%s-%d.html", id, i),
				Title: title, Source: fmt.Sprintf("bao-%d", i%2), Summary: "Mưa lớn gây lũ quét.",
				Published: raised.Add(time.Duration(i) * time.Hour),
			})
		}
		return a
	}
	var out []*alerts.Notification
	for _, k := range []alerts.Kind{alerts.KindNew, alerts.KindFollowUp, alerts.KindRepeat, alerts.KindEscalation, alerts.KindDigest, alerts.KindResponse} {
		list := []*alerts.Alert{mk("a1", "Lũ quét ở Mường Chà", "high", 3)}
		if k == alerts.KindDigest {
			list = append(list, mk("a2", "Sạt lở đường tỉnh 150", "low", 1), mk("a3", "Phản ánh về giá điện", "medium", 2))
		}
		n := &alerts.Notification{
			Key: "sample/" + string(k), Kind: k, Receiver: "sample", Lang: "vi", Alerts: list,
			BaseURL: "https://presswatch.example.vn", Created: raised.Add(3 * time.Hour),
			DepartmentNames: map[string]string{"so-nn": "Sở Nông nghiệp và Môi trường"},
		}
		switch k {
		case alerts.KindNew, alerts.KindFollowUp, alerts.KindRepeat, alerts.KindEscalation:
			n.Actions = map[string][]alerts.ActionLink{"a1": {
				{Action: "ack", URL: "https://presswatch.example.vn/a/ack-token"},
				{Action: "take", URL: "https://presswatch.example.vn/a/take-token"},
				{Action: "mute", Hours: 4, URL: "https://presswatch.example.vn/a/mute-token"},
			}}
		case alerts.KindResponse:
			list[0].Status = alerts.StatusResponded
			list[0].Response = &alerts.Response{Link: "https://dienbien.gov.example/thong-cao/lu-quet", By: "can-bo", At: raised.Add(2 * time.Hour)}
		}
		out = append(out, n)
	}
	return out
}
