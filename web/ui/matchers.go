package ui

import (
	"context"
	"strings"
	"sync"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/names"
)

// silenceView is a silence as a page words it.
type silenceView struct {
	*silence.Silence
	What string // "this incident", "the rule Lũ quét", "the source Báo Điện Biên Phủ"…
}

// matcherNames is what a page knows to name matcher values by.
type matcherNames struct {
	// ruleTitle is a rule's title, "" when unknown.
	ruleTitle func(id string) string
	// storyTitle is a story's title, "" when unknown.
	storyTitle func(id string) string
	// onIncident is set on an incident's page, where a story matcher
	// is the incident's own story: "this incident".
	onIncident bool
}

// incidentNames names matchers on a's page: its rules by their titles,
// any story as a's own (a snooze there mutes a's story).
func (u *UI) incidentNames(a *alerts.Alert) matcherNames {
	return matcherNames{
		ruleTitle: func(id string) string {
			for _, r := range a.Rules {
				if r.ID == id {
					return r.Title
				}
			}
			return ""
		},
		storyTitle: func(string) string { return "" },
		onIncident: true,
	}
}

// liveNames names matchers on pages about no incident (silences,
// admin): rules by the live rules' titles, stories by the title of an
// incident on them. Each list is read once per page, and only if needed.
func (u *UI) liveNames(ctx context.Context, rules []RuleInfo) matcherNames {
	ruleTitles := sync.OnceValue(func() map[string]string {
		if rules == nil && u.d.Rules != nil {
			var err error
			if rules, err = u.d.Rules.Rules(ctx); err != nil {
				u.log.Warn("rule titles: rules shown by ID", "err", err)
			}
		}
		m := map[string]string{}
		for _, r := range rules {
			m[r.ID] = r.Title
		}
		return m
	})
	storyTitles := sync.OnceValue(func() map[string]string {
		m := map[string]string{}
		list, err := u.listAlerts(ctx, alerts.ListOptions{})
		if err != nil {
			u.log.Warn("story titles: stories shown by ID", "err", err)
		}
		for _, a := range list {
			if a.StoryID != "" && a.Title != "" && m[a.StoryID] == "" {
				m[a.StoryID] = a.Title
			}
		}
		return m
	})
	return matcherNames{
		ruleTitle:  func(id string) string { return ruleTitles()[id] },
		storyTitle: func(id string) string { return storyTitles()[id] },
	}
}

// silenceViews words each silence of list with n.
func (u *UI) silenceViews(p *Page, list []*silence.Silence, n matcherNames) []silenceView {
	out := make([]silenceView, len(list))
	for i, s := range list {
		out[i] = silenceView{Silence: s, What: u.matchersWhat(p, s.Matchers, n)}
	}
	return out
}

// matchersWhat words silence matchers in the page's language, naming
// stories, rules, outlets, departments and labels rather than giving
// their IDs; a matcher it cannot word (a regular expression, an unknown
// name) shows as written.
func (u *UI) matchersWhat(p *Page, matchers []string, n matcherNames) string {
	var parts []string
	for _, ms := range matchers {
		m, err := route.ParseMatcher(ms)
		if err != nil || m.Op != route.OpEq {
			parts = append(parts, ms)
			continue
		}
		parts = append(parts, u.matcherWhat(p, m, ms, n))
	}
	return strings.Join(parts, ", ")
}

func (u *UI) matcherWhat(p *Page, m route.Matcher, raw string, n matcherNames) string {
	or := func(name, id string) string {
		if name != "" {
			return name
		}
		return id
	}
	switch m.Name {
	case "story":
		if n.onIncident {
			return p.T("snooze.what_story")
		}
		return p.T("snooze.what_story_titled", or(n.storyTitle(m.Value), m.Value))
	case "rule":
		return p.T("snooze.what_rule", or(n.ruleTitle(m.Value), m.Value))
	case "source":
		return p.T("snooze.what_source", p.Source(m.Value))
	case "department":
		return p.T("snooze.what_department", u.deptName(p.Lang, m.Value))
	case "label":
		return p.T("snooze.what_label", names.Label(m.Value, p.Lang))
	case "severity", "tier":
		return p.T("snooze.what_"+m.Name, known(p, m.Name+"."+m.Value, m.Value))
	case "lang":
		return p.T("snooze.what_lang", names.Language(m.Value, p.Lang))
	}
	return raw
}
