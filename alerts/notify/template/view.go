package template

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
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
	Departments   []string
	Rules         []string // rule titles (IDs when untitled)
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
		v.Alerts = append(v.Alerts, alertView(a, n.Kind == alerts.KindFollowUp, lang, base, esc, lim))
	}
	if len(v.Alerts) > 0 {
		v.Alert = v.Alerts[0]
	}
	return v
}

func alertView(a *alerts.Alert, followUp bool, lang, base string, esc escaper, lim limits) AlertView {
	av := AlertView{
		ID: esc.text(a.ID), Type: esc.text(a.Type), Severity: esc.text(string(a.Severity)),
		SeverityLabel: esc.text(severityLabel(string(a.Severity), lang)),
		ArticleCount:  len(a.Articles),
	}
	if base != "" && a.ID != "" {
		av.URL = esc.url(base + "/alerts/" + url.PathEscape(a.ID))
	}
	title := a.Title
	if title == "" && len(a.Articles) > 0 {
		title = a.Articles[0].Title
	}
	av.Title = esc.text(oneLine(title))
	for _, l := range a.Labels {
		av.Labels = append(av.Labels, esc.text(l))
	}
	for _, d := range a.Departments {
		av.Departments = append(av.Departments, esc.text(d))
	}
	for _, r := range a.Rules {
		t := r.Title
		if t == "" {
			t = r.ID
		}
		av.Rules = append(av.Rules, esc.text(oneLine(t)))
		if u := esc.url(safeURL(r.Rebuttal)); u != "" && !slices.Contains(av.Rebuttals, u) {
			av.Rebuttals = append(av.Rebuttals, u)
		}
	}
	av.Detail = esc.text(oneLine(a.Detail))
	var seen, seenNew []string
	for i, ar := range a.Articles {
		// Without a record of earlier notifications the view calls an
		// article new when it appeared after the alert was raised.
		isNew := !a.Created.IsZero() && ar.Published.After(a.Created)
		src := oneLine(ar.Source)
		if src != "" && !slices.Contains(seen, src) {
			seen = append(seen, src)
			if isNew {
				seenNew = append(seenNew, src)
			}
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

// oneLine folds line breaks and runs of blanks: titles end up in subject
// headers and one-line chat rows, where a newline would break the layout
// (or, in a header, inject another header).
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
