package alerts

import (
	"time"

	"github.com/presswatch/presswatch/article"
)

// Kind says why a notification goes out; templates word the message by it.
type Kind string

// Notification kinds.
const (
	KindNew        Kind = "new"        // first notification of a group
	KindFollowUp   Kind = "followup"   // the story reached new outlets or its severity rose
	KindRepeat     Kind = "repeat"     // still open after repeat_interval
	KindEscalation Kind = "escalation" // critical and not acknowledged in time
	KindDigest     Kind = "digest"     // lower-severity alerts batched for a receiver
	KindResponse   Kind = "response"   // the office published its response
)

// Notification is one message to one receiver. Receivers render it with
// their templates and send it once; the service decides what goes out and
// when, retries and records deliveries.
type Notification struct {
	// Key is stable across retries, redeliveries and restarts (group key
	// and sequence number); receivers that can carry it (webhooks) send it
	// as an idempotency key.
	Key      string `json:"key"`
	Kind     Kind   `json:"kind"`
	Receiver string `json:"receiver"`
	Lang     string `json:"lang"` // "vi" or "en"
	// To are the addresses on this receiver's channel (e-mail addresses,
	// Telegram chat IDs, Zalo user IDs) of the contacts the route chose,
	// such as a department's focal point; empty means the receiver's own
	// configured destination.
	To      []string  `json:"to,omitempty"`
	Alerts  []*Alert  `json:"alerts"`
	BaseURL string    `json:"base_url,omitempty"` // of the web UI, for links; may be empty
	Created time.Time `json:"created"`
	// Update says what changed since the last message: set on follow-ups.
	Update *Update `json:"update,omitempty"`
	// DepartmentNames gives the name of each department the alerts name
	// (ID -> "Sở Y tế"), so that messages never show an ID.
	DepartmentNames map[string]string `json:"department_names,omitempty"`
	// SourceNames gives the configured name of each source the alerts
	// name (ID -> "Báo Điện Biên Phủ").
	SourceNames map[string]string `json:"source_names,omitempty"`
	// Actions are the one-tap links of each alert (by alert ID): signed,
	// expiring and good for one use.
	Actions map[string][]ActionLink `json:"actions,omitempty"`
}

// Update is what a follow-up reports: the outlets and reasons that joined
// the incident and the severity it rose from.
type Update struct {
	NewSources   []string         `json:"new_sources,omitempty"`
	NewReasons   []string         `json:"new_reasons,omitempty"` // rule IDs
	SeverityFrom article.Severity `json:"severity_from,omitempty"`
}

func (u *Update) empty() bool {
	return u == nil || len(u.NewSources) == 0 && len(u.NewReasons) == 0 && u.SeverityFrom == ""
}

// ActionLink is a one-tap action in a message.
type ActionLink struct {
	Action string `json:"action"` // ack, take or mute
	Hours  int    `json:"hours,omitempty"`
	URL    string `json:"url"`
}

// Action moves an alert through its lifecycle.
type Action string

// Lifecycle actions (POST /api/v1/alerts/{id}/{action}).
const (
	ActionAck     Action = "ack"
	ActionAssign  Action = "assign"
	ActionRespond Action = "respond"
	ActionClose   Action = "close"
	ActionDismiss Action = "dismiss"
)

// ActionInput carries what an action needs: the assignee for assign, the
// link to the official information and a note for respond, the reason for
// dismiss.
type ActionInput struct {
	Assignee string `json:"assignee,omitempty"` // department ID or user name
	Link     string `json:"link,omitempty"`
	Note     string `json:"note,omitempty"`
	Reason   string `json:"reason,omitempty"`
}
