package silence

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts/route"
)

// Scopes a snooze from an incident may cover.
const (
	ScopeStory  = "story"  // this story, whatever rule or outlet
	ScopeRule   = "rule"   // one of the incident's rules, on any story
	ScopeSource = "source" // one of the incident's outlets, on any story
)

// MaxSnooze bounds a snooze made from an incident; longer silences are
// made on the silences page, deliberately.
const MaxSnooze = 30 * 24 * time.Hour

// Snooze is a silence asked for from an incident: which of its facts to
// mute, for how long and why.
type Snooze struct {
	Scope  string        `json:"scope"`
	Value  string        `json:"value"` // the rule or source; the story's is implied
	For    time.Duration `json:"-"`
	Hours  int           `json:"hours"`
	Reason string        `json:"reason"`
}

// ForIncident turns a snooze of the incident with attributes a into a
// silence by who from now. The value must be one the incident has: a
// snooze cannot reach past what the officer is looking at.
func ForIncident(a route.Attrs, sn Snooze, who string, now time.Time) (Silence, error) {
	d := sn.For
	if d == 0 {
		d = time.Duration(sn.Hours) * time.Hour
	}
	if d <= 0 || d > MaxSnooze {
		return Silence{}, &InputError{fmt.Sprintf("hours: between 1 and %d", int(MaxSnooze.Hours()))}
	}
	if strings.TrimSpace(sn.Reason) == "" {
		return Silence{}, &InputError{"reason: say why (it is shown to whoever wonders where the notifications went)"}
	}
	value := sn.Value
	switch sn.Scope {
	case ScopeStory:
		if len(a["story"]) == 0 {
			return Silence{}, &InputError{"scope: this alert has no story"}
		}
		value = a["story"][0]
	case ScopeRule, ScopeSource:
		if !slices.Contains(a[sn.Scope], value) {
			return Silence{}, &InputError{fmt.Sprintf("value: %q is not a %s of this incident", value, sn.Scope)}
		}
	default:
		return Silence{}, &InputError{"scope: story, rule or source"}
	}
	s := Silence{
		Matchers: []string{sn.Scope + "=" + strconv.Quote(value)},
		Starts:   now, Ends: now.Add(d), CreatedBy: who, Comment: strings.TrimSpace(sn.Reason),
	}
	return s, s.Validate()
}
