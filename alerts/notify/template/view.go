package template

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/names"
)

// View is what a template sees: the notification, with every string
// escaped for the flavor being rendered (HTML templates get raw strings and
// escape them themselves). Templates never see the raw Notification, so an
// overriding template cannot forget to escape a hostile title.
type View struct {
	Kind     string // new, followup, repeat, escalation, digest
	Lang     string // vi or en
	Key      string
	Receiver string
	BaseURL  string // of the web UI; empty when not configured
	Created  string // local time (Asia/Ho_Chi_Minh), "15:04 02/01/2006"

	Alert  AlertView   // the first alert: what new, followup, repeat and escalation are about
	Alerts []AlertView // every alert (a digest has many)
	// AlertCount counts every alert; MoreAlerts those left out to fit the
	// channel's length limit.
	AlertCount int
	MoreAlerts int
	// What a follow-up reports as changed since the last message.
	NewReasons   []string // reason titles
	NewSources   []string
	SeverityFrom string // label of the severity before; empty if it did not rise
}

// ReasonView is one reason of an incident: a rule that matched its story.
type ReasonView struct {
	Title         string
	Terms         string // the terms it found, comma-separated
	SeverityLabel string
}

// ActionView is a one-tap action link.
type ActionView struct {
	Label string
	URL   string
}

// AlertView is one alert.
type AlertView struct {
	ID            string
	Type          string // article, spike, source
	Title         string
	Severity      string // info, low, medium, high, critical
	SeverityLabel string // in the view's language
	URL           string // of the alert in the web UI; empty without BaseURL
	Labels        []string
	Departments   []string // names ("Sở Y tế"); the ID only when the directory has no name
	Rules         []string // rule titles (IDs when untitled)
	Reasons       []ReasonView
	// Lead is the first sentences of the first article.
	Lead    string
	Actions []ActionView
	// ResponseURL and ResponseNote are the office's published response.
	ResponseURL  string
	ResponseNote string
	// Detail explains a spike or source alert in a sentence; empty for
	// article alerts.
	Detail string
	// Rebuttals link the official information refuting the false claim
	// the alert is about (http(s) only; one per link however many rules
	// name it).
	Rebuttals []string
	Articles  []ArticleView
	// MoreArticles counts articles left out to fit the channel's limit.
	MoreArticles int
	ArticleCount int
	Sources      []string // outlets, in order of first appearance
	// NewSources are the outlets first seen after the alert was raised:
	// what a follow-up is about.
	NewSources []string
}

// ArticleView is one article of an alert.
type ArticleView struct {
	Title     string
	URL       string // http(s) only; anything else is dropped
	Source    string
	Summary   string
	Published string // local time, "15:04 02/01/2006"; empty if unknown
	New       bool   // in a follow-up: published after the alert was raised
}

// vietnam is the province's clock (UTC+7 all year, no daylight saving);
// a fixed zone works without the tz database on the host.
var vietnam = time.FixedZone("ICT", 7*60*60)

func localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format("15:04 02/01/2006")
}

func severityLabel(sev, lang string) string {
	vi := map[string]string{"info": "Thông tin", "low": "Thấp", "medium": "Trung bình", "high": "Cao", "critical": "Nghiêm trọng"}
	en := map[string]string{"info": "Info", "low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
	m := vi
	if lang == "en" {
		m = en
	}
	if l, ok := m[sev]; ok {
		return l
	}
	return sev
}

// escaper turns a hostile string into text safe in one flavor.
type escaper struct {
	text func(string) string
	url  func(string) string
}

// safeURL keeps absolute http(s) URLs only: a javascript: or data: link
// from a crawled page must not become clickable in a message.
func safeURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// limits bound how much of a notification a view shows; negative means
// no bound.
type limits struct{ alerts, articles int }

func newView(n *alerts.Notification, lang string, esc escaper, lim limits) View {
	base := strings.TrimRight(safeURL(n.BaseURL), "/")
	v := View{
		Kind: esc.text(string(n.Kind)), Lang: lang, Key: esc.text(n.Key), Receiver: esc.text(n.Receiver),
		BaseURL: esc.url(base), Created: localTime(n.Created),
	}
	list := n.Alerts
	v.AlertCount = len(list)
	if lim.alerts >= 0 && len(list) > lim.alerts {
		v.MoreAlerts = len(list) - lim.alerts
		list = list[:lim.alerts]
	}
	for _, a := range list {
		if a == nil {
			continue
		}
		av := alertView(a, n.Kind == alerts.KindFollowUp, lang, base, esc, lim, sourceNamer(n.SourceNames))
		for i, d := range a.Departments {
			if name := n.DepartmentNames[d]; name != "" {
				av.Departments[i] = esc.text(oneLine(name))
			}
		}
		for _, l := range n.Actions[a.ID] {
			if u := esc.url(safeURL(l.URL)); u != "" {
				av.Actions = append(av.Actions, ActionView{Label: esc.text(actionLabel(l, lang)), URL: u})
			}
		}
		v.Alerts = append(v.Alerts, av)
	}
	if len(v.Alerts) > 0 {
		v.Alert = v.Alerts[0]
	}
	if u := n.Update; u != nil && len(n.Alerts) > 0 && n.Alerts[0] != nil {
		for _, id := range u.NewReasons {
			for _, r := range n.Alerts[0].Rules {
				if r.ID == id {
					v.NewReasons = append(v.NewReasons, esc.text(oneLine(ruleTitle(r))))
				}
			}
		}
		for _, src := range u.NewSources {
			v.NewSources = append(v.NewSources, esc.text(oneLine(sourceNamer(n.SourceNames)(src))))
		}
		if u.SeverityFrom != "" {
			v.SeverityFrom = esc.text(severityLabel(string(u.SeverityFrom), lang))
		}
	} else if n.Kind == alerts.KindFollowUp {
		// Without a record of what was told, outlets first seen after
		// the incident was raised are the news.
		v.NewSources = v.Alert.NewSources
	}
	return v
}

func ruleTitle(r alerts.RuleRef) string {
	if r.Title != "" {
		return r.Title
	}
	return r.ID
}

func actionLabel(l alerts.ActionLink, lang string) string {
	switch l.Action {
	case "ack":
		return map[bool]string{true: "Acknowledge", false: "Xác nhận đã biết"}[lang == "en"]
	case "take":
		return map[bool]string{true: "I'll take it", false: "Tôi nhận xử lý"}[lang == "en"]
	case "mute":
		if lang == "en" {
			return fmt.Sprintf("Mute for %d hours", l.Hours)
		}
		return fmt.Sprintf("Tạm tắt thông báo %d giờ", l.Hours)
	}
	return l.Action
}

func alertView(a *alerts.Alert, followUp bool, lang, base string, esc escaper, lim limits, srcName func(string) string) AlertView {
	av := AlertView{
		ID: esc.text(a.ID), Type: esc.text(a.Type), Severity: esc.text(string(a.Severity)),
		SeverityLabel: esc.text(severityLabel(string(a.Severity), lang)),
		ArticleCount:  max(a.ArticleCount, len(a.Articles)),
	}
	if a.Response != nil {
		av.ResponseURL = esc.url(safeURL(a.Response.Link))
		av.ResponseNote = esc.text(oneLine(a.Response.Note))
	}
	if base != "" && a.ID != "" {
		av.URL = esc.url(base + "/alerts/" + url.PathEscape(a.ID))
	}
	title := a.TitleIn(lang)
	if title == "" && len(a.Articles) > 0 {
		title = a.Articles[0].Title
	}
	av.Title = esc.text(oneLine(title))
	for _, l := range a.Labels {
		av.Labels = append(av.Labels, esc.text(names.Label(l, lang)))
	}
	for _, d := range a.Departments {
		av.Departments = append(av.Departments, esc.text(d))
	}
	for _, r := range a.Rules {
		t := ruleTitle(r)
		av.Rules = append(av.Rules, esc.text(oneLine(t)))
		sev := r.Severity
		if sev == "" {
			sev = a.Severity
		}
		av.Reasons = append(av.Reasons, ReasonView{Title: esc.text(oneLine(t)), Terms: esc.text(oneLine(strings.Join(r.Terms, ", "))), SeverityLabel: esc.text(severityLabel(string(sev), lang))})
		if u := esc.url(safeURL(r.Rebuttal)); u != "" && !slices.Contains(av.Rebuttals, u) {
			av.Rebuttals = append(av.Rebuttals, u)
		}
	}
	av.Detail = esc.text(oneLine(a.DetailIn(lang)))
	var seen, seenNew []string
	for i, ar := range a.Articles {
		// Without a record of earlier notifications the view calls an
		// article new when it appeared after the alert was raised.
		isNew := !a.Created.IsZero() && ar.Published.After(a.Created)
		src := oneLine(srcName(ar.Source))
		if src != "" && !slices.Contains(seen, src) {
			seen = append(seen, src)
			if isNew {
				seenNew = append(seenNew, src)
			}
		}
		if av.Lead == "" && ar.Summary != "" {
			av.Lead = esc.text(oneLine(leadSentences(ar.Summary, 2)))
		}
		if lim.articles >= 0 && i >= lim.articles {
			av.MoreArticles++
			continue
		}
		av.Articles = append(av.Articles, ArticleView{
			Title: esc.text(oneLine(ar.Title)), URL: esc.url(safeURL(ar.URL)), Source: esc.text(src),
			Summary: esc.text(oneLine(ar.Summary)), Published: localTime(ar.Published), New: isNew && followUp,
		})
	}
	for _, s := range seen {
		av.Sources = append(av.Sources, esc.text(s))
	}
	for _, s := range seenNew {
		av.NewSources = append(av.NewSources, esc.text(s))
	}
	return av
}

// sourceNamer names a source by its configured name, or its ID.
func sourceNamer(m map[string]string) func(string) string {
	return func(id string) string {
		if n := m[id]; n != "" {
			return n
		}
		return id
	}
}

// oneLine folds line breaks and runs of blanks: titles end up in subject
// headers and one-line chat rows, where a newline would break the layout
// (or, in a header, inject another header).
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// leadSentences keeps the first n sentences of s (a sentence ends at ". ",
// "! " or "? ").
func leadSentences(s string, n int) string {
	for i, r := range s {
		if (r == '.' || r == '!' || r == '?') && i+1 < len(s) && s[i+1] == ' ' {
			if n--; n == 0 {
				return s[:i+1]
			}
		}
	}
	return s
}
