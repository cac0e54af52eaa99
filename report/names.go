package report

import (
	"embed"
	"encoding/json"
	"fmt"
	"github.com/presswatch/presswatch/names"
	"math"
	"strings"
	"time"
)

//go:embed locales/*.json
var localeFS embed.FS

// Names words a report in one language: section titles, columns, and the
// names of tones, tiers, languages, labels and departments (never a slug
// where a name is known).
type Names struct {
	Lang string
	m    map[string]string
	// depts names departments by ID (from the configuration).
	depts map[string]string
}

// NewNames loads the words of lang ("vi", the default, or "en").
func NewNames(lang string, departments map[string]string) (Names, error) {
	if lang != "en" {
		lang = "vi"
	}
	data, err := localeFS.ReadFile("locales/" + lang + ".json")
	if err != nil {
		return Names{}, fmt.Errorf("report words %s: %w", lang, err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		return Names{}, fmt.Errorf("report words %s: %w", lang, err)
	}
	return Names{Lang: lang, m: m, depts: departments}, nil
}

// T is the text of key; a missing key shows itself.
func (n Names) T(key string) string {
	if s, ok := n.m[key]; ok {
		return s
	}
	return key
}

func (n Names) known(prefix, key string) string {
	if s, ok := n.m[prefix+key]; ok {
		return s
	}
	return key
}

// Tone, Tier, Lang and Label name a value of the index.
func (n Names) Tone(t string) string     { return n.known("tone.", t) }
func (n Names) Tier(t string) string     { return n.known("tier.", t) }
func (n Names) Language(l string) string { return names.Language(l, n.Lang) }
func (n Names) Label(l string) string    { return names.Label(l, n.Lang) }

// Dept names a department.
func (n Names) Dept(id string) string {
	if id == "" || id == "all" {
		return n.T("all")
	}
	if s := n.depts[id]; s != "" {
		return s
	}
	return n.known("dept.", id)
}

// Row names a row of a section whose keys are of the given kind.
func (n Names) Row(kind string, r Row) string {
	if r.Name != "" {
		return r.Name
	}
	switch kind {
	case "tone":
		return n.Tone(r.Key)
	case "tier":
		return n.Tier(r.Key)
	case "lang":
		return n.Language(r.Key)
	case "label":
		return n.Label(r.Key)
	}
	return r.Key
}

// Date, Time and Hours format for people: local dates, 24-hour clock,
// hours with one decimal.
func (n Names) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

// Time is a local date and time.
func (n Names) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006 15:04")
}

// Hours is d in hours, one decimal; "" for none.
func (n Names) Hours(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return n.Number(d.Hours(), 1)
}

// Number formats v with prec decimals and the language's decimal mark;
// "" for NaN (a change from nothing).
func (n Names) Number(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	s := fmt.Sprintf("%.*f", prec, v)
	if n.Lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Weekday names a day of the week shortly.
func (n Names) Weekday(t time.Time) string {
	if n.Lang == "en" {
		return t.Format("Mon 02/01")
	}
	wd := []string{"CN", "T2", "T3", "T4", "T5", "T6", "T7"}[t.Weekday()]
	return wd + " " + t.Format("02/01")
}

// PeriodText is "30/11/2026 – 06/12/2026".
func (n Names) PeriodText(p Period) string {
	return n.Date(p.From) + " – " + n.Date(p.Last())
}
