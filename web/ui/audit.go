package ui

import (
	"strings"

	"github.com/presswatch/presswatch/web/auth"
)

// auditRow is an audit event as the admin page words it; the event's
// own action and detail stay available as tooltips.
type auditRow struct {
	auth.AuditEvent
	Verb string // the action in the page's language
	Said string // the detail, with names where presswatch knows its form
}

// auditRows words events; a silence's creation says what it mutes as
// the silences table does.
func (u *UI) auditRows(p *Page, events []auth.AuditEvent, silences []silenceView) []auditRow {
	muted := map[string]silenceView{}
	for _, s := range silences {
		muted[s.ID] = s
	}
	out := make([]auditRow, len(events))
	for i, ev := range events {
		out[i] = auditRow{AuditEvent: ev, Verb: auditVerb(p, ev.Action), Said: ev.Detail}
		if s, ok := muted[ev.Target]; ok && ev.Action == "silence.create" {
			out[i].Said = s.What
			if s.Comment != "" {
				out[i].Said += " · " + s.Comment
			}
		} else if role, ok := strings.CutPrefix(ev.Detail, "role "); ok && (strings.HasPrefix(ev.Action, "user.") || strings.HasPrefix(ev.Action, "token.")) {
			out[i].Said = p.T("audit.detail_role", known(p, "role."+role, role))
		} else if ids, ok := strings.CutPrefix(ev.Detail, "departments "); ok && ev.Action == "user.departments" {
			out[i].Said = p.T("audit.detail_departments", u.deptNames(p.Lang, strings.Split(ids, ",")))
		}
	}
	return out
}

// auditVerb words an audit log action in the page's language; an
// action without a message (an API route, a newer action) shows as
// recorded.
func auditVerb(p *Page, action string) string {
	return known(p, "audit."+action, action)
}

// known is the message key in the page's language, or raw when the
// catalogue lacks it.
func known(p *Page, key, raw string) string {
	if t := p.T(key); t != key {
		return t
	}
	return raw
}
