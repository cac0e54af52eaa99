package ui

import (
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
)

// historyRow is one change of an incident as its page words it.
type historyRow struct {
	alerts.Change
	// What a snooze muted and until when ("Sự việc này, đến 2026-12-08
	// 03:11"), in the page's language.
	What string
}

// history words a's changes; a snooze names what it muted instead of
// showing its matchers.
func (u *UI) history(p *Page, a *alerts.Alert) []historyRow {
	out := make([]historyRow, len(a.History))
	names := u.incidentNames(a)
	for i, c := range a.History {
		row := historyRow{Change: c}
		if c.By == "presswatch" || c.Note == oneTapNote {
			row.Note = systemNote(p, c.Note)
		}
		if c.Action == "snoozed" && len(c.Matchers) == 0 {
			c.Matchers, c.Until, row.Note = legacySnoozeNote(c.Note)
		}
		if c.Action == "snoozed" && len(c.Matchers) > 0 {
			row.What = u.matchersWhat(p, c.Matchers, names)
			if !c.Until.IsZero() {
				row.What = p.T("snooze.what_until", row.What, fmtTime(c.Until, "2006-01-02 15:04"))
			}
		}
		out[i] = row
	}
	return out
}

// oneTapNote is the note of an action done through a message's one-tap
// link; presswatch's own notes below are stored in English (the API's
// language) and worded here in the page's.
const oneTapNote = "one-tap link"

func systemNote(p *Page, note string) string {
	switch {
	case note == oneTapNote:
		return p.T("history.note_one_tap")
	case note == "not acknowledged in time; on-call contacts notified":
		return p.T("history.note_escalated")
	case strings.HasPrefix(note, "from alert "):
		return p.T("history.note_migrated", strings.TrimPrefix(note, "from alert "))
	}
	return note
}

// legacySnoozeNote reads the note older versions wrote for a snooze,
// `story="…" → 15:04 02/01/2006: reason` (province time), as matchers,
// end and reason; a note of another form is kept whole.
func legacySnoozeNote(note string) ([]string, time.Time, string) {
	ms, rest, ok := strings.Cut(note, " → ")
	if !ok || !strings.Contains(ms, "=") {
		return nil, time.Time{}, note
	}
	at, reason, _ := strings.Cut(rest, ": ")
	until, err := time.ParseInLocation("15:04 02/01/2006", at, vietnam)
	if err != nil {
		return nil, time.Time{}, note
	}
	return strings.Split(ms, ", "), until, reason
}
