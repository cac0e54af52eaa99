package alerts

import (
	"slices"
	"time"

	"github.com/presswatch/presswatch/alerts/schedule"
	"github.com/presswatch/presswatch/article"
)

// Channels a receiver delivers on; a department contact holds one address
// per channel.
const (
	ChannelEmail    = "email"
	ChannelTelegram = "telegram"
	ChannelZalo     = "zalo"
)

// Contact is a person reachable on one or more channels.
type Contact struct {
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Telegram string `json:"telegram,omitempty"` // chat ID
	Zalo     string `json:"zalo,omitempty"`     // user ID
}

// Address returns c's address on channel, or "".
func (c Contact) Address(channel string) string {
	switch channel {
	case ChannelEmail:
		return c.Email
	case ChannelTelegram:
		return c.Telegram
	case ChannelZalo:
		return c.Zalo
	}
	return ""
}

// Department is an agency of the province with its spokespeople.
type Department struct {
	ID   string
	Name string
	// NameEn names it to English-speaking receivers (Name when empty).
	NameEn string
	// FocalPoints hear about the department's alerts during duty hours.
	FocalPoints []Contact
	// OnCall hears about critical alerts outside duty hours, and about
	// critical alerts nobody acknowledged in time.
	OnCall []Contact
	// Chat names a chat receiver (a Slack-compatible webhook) of the
	// department, notified alongside when a route targets departments.
	Chat string
	Duty schedule.Window
}

// NameIn is d's name for a reader of lang ("vi" or "en"); "" when d is
// nil or unnamed.
func (d *Department) NameIn(lang string) string {
	switch {
	case d == nil:
		return ""
	case lang == "en" && d.NameEn != "":
		return d.NameEn
	}
	return d.Name
}

// Directory finds departments by ID.
type Directory struct {
	depts map[string]*Department
}

// NewDirectory indexes depts by ID.
func NewDirectory(depts []Department) *Directory {
	d := &Directory{depts: map[string]*Department{}}
	for i := range depts {
		d.depts[depts[i].ID] = &depts[i]
	}
	return d
}

// Department returns the department with id, or nil.
func (d *Directory) Department(id string) *Department {
	if d == nil {
		return nil
	}
	return d.depts[id]
}

// Recipients returns the addresses on channel of whoever should hear about
// an alert of severity sev for the departments at time now: the focal
// points during duty hours; outside them, for critical alerts, the on-call
// contacts (the focal points when there are none).
func (d *Directory) Recipients(depts []string, channel string, sev article.Severity, now time.Time) []string {
	var out []string
	for _, id := range depts {
		dep := d.Department(id)
		if dep == nil {
			continue
		}
		contacts := dep.FocalPoints
		if sev == article.SeverityCritical && len(dep.OnCall) > 0 && !dep.Duty.Contains(now) {
			contacts = dep.OnCall
		}
		out = addresses(out, contacts, channel)
	}
	return out
}

// OnCall returns the on-call addresses on channel for the departments,
// for escalation; departments without on-call contacts give their focal
// points.
func (d *Directory) OnCall(depts []string, channel string) []string {
	var out []string
	for _, id := range depts {
		dep := d.Department(id)
		if dep == nil {
			continue
		}
		contacts := dep.OnCall
		if len(contacts) == 0 {
			contacts = dep.FocalPoints
		}
		out = addresses(out, contacts, channel)
	}
	return out
}

// ChatReceivers returns the chat receivers named by the departments.
func (d *Directory) ChatReceivers(depts []string) []string {
	var out []string
	for _, id := range depts {
		if dep := d.Department(id); dep != nil && dep.Chat != "" && !slices.Contains(out, dep.Chat) {
			out = append(out, dep.Chat)
		}
	}
	return out
}

func addresses(out []string, contacts []Contact, channel string) []string {
	for _, c := range contacts {
		if a := c.Address(channel); a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}
