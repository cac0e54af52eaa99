package alerts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
)

// ErrNotFound is returned for an unknown alert.
var ErrNotFound = errors.New("no such alert")

// InputError is an action the caller got wrong (a missing link or reason).
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// TransitionError is an action the alert's status does not allow.
type TransitionError struct {
	Action Action
	From   Status
	Hint   string
}

func (e *TransitionError) Error() string {
	msg := fmt.Sprintf("cannot %s an alert that is %s", e.Action, e.From)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// KVs is what the store needs from the bus.
type KVs interface {
	KV(bucket string) jetstream.KeyValue
	JetStream() jetstream.JetStream
}

// Store reads alerts and moves them through their lifecycle. Any process
// with the web role uses one; it needs only the shared buckets.
type Store struct {
	alerts     jetstream.KeyValue
	dismissals jetstream.KeyValue
	deadLetter jetstream.KeyValue
	js         jetstream.JetStream
	now        func() time.Time
	storeMetrics
	// view holds the alerts in memory while Follow runs.
	view *view
}

// NewStore registers the response-time histograms with reg. now may be nil.
func NewStore(b KVs, reg prometheus.Registerer, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	s := &Store{
		alerts: b.KV(bus.BucketAlerts), dismissals: b.KV(bus.BucketDismissals), deadLetter: b.KV(bus.BucketAlertDeadLetters),
		js: b.JetStream(), now: now, view: newView(),
	}
	var err error
	if s.storeMetrics, err = newStoreMetrics(reg); err != nil {
		return nil, err
	}
	return s, nil
}

// Get returns one alert.
func (s *Store) Get(ctx context.Context, id string) (*Alert, error) {
	return getAlert(ctx, s.alerts, id)
}

func getAlert(ctx context.Context, kv jetstream.KeyValue, id string) (*Alert, error) {
	var al Alert
	err := getJSON(ctx, kv, id, &al)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get alert %s: %w", id, err)
	}
	return &al, nil
}

// ListOptions filter List. Zero values do not filter.
type ListOptions struct {
	Status Status
	// Statuses keeps the alerts in any of them (none: any status).
	Statuses   []Status
	Severity   article.Severity
	Department string
	Label      string
	Type       string
	Since      time.Time // created at or after
	Until      time.Time // created before
	Limit      int
}

func (o ListOptions) keep(al *Alert) bool {
	return (o.Status == "" || al.Status == o.Status) &&
		(len(o.Statuses) == 0 || slices.Contains(o.Statuses, al.Status)) &&
		(o.Severity == "" || al.Severity == o.Severity) &&
		(o.Department == "" || slices.Contains(al.Departments, o.Department)) &&
		(o.Label == "" || slices.Contains(al.Labels, o.Label)) &&
		(o.Type == "" || al.Type == o.Type) &&
		(o.Since.IsZero() || !al.Created.Before(o.Since)) &&
		(o.Until.IsZero() || al.Created.Before(o.Until))
}

// List returns alerts newest first: from memory while Follow runs (once
// it holds every write made before the call), else from the bucket.
func (s *Store) List(ctx context.Context, o ListOptions) ([]*Alert, error) {
	if out, ok := s.view.current(ctx, s.alerts, o); ok {
		return out, nil
	}
	return List(ctx, s.alerts, o)
}

// List reads alerts from the bucket.
func List(ctx context.Context, kv jetstream.KeyValue, o ListOptions) ([]*Alert, error) {
	all, err := listJSON[Alert](ctx, kv, nil)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	return newestFirst(slices.DeleteFunc(all, func(al *Alert) bool { return !o.keep(al) }), o.Limit), nil
}

// newestFirst sorts list newest first and keeps the first limit (all when
// limit <= 0).
func newestFirst(list []*Alert, limit int) []*Alert {
	slices.SortFunc(list, func(a, b *Alert) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(list) > limit {
		list = list[:limit]
	}
	return list
}

// transitions says which statuses each action may start from.
func transitions(a Action) ([]Status, Status, bool) {
	switch a {
	case ActionAck:
		return []Status{StatusNew}, StatusAcknowledged, true
	case ActionAssign:
		return []Status{StatusNew, StatusAcknowledged, StatusAssigned}, StatusAssigned, true
	case ActionRespond:
		return []Status{StatusAcknowledged, StatusAssigned, StatusResponded}, StatusResponded, true
	case ActionClose:
		return []Status{StatusAcknowledged, StatusAssigned, StatusResponded}, StatusClosed, true
	case ActionDismiss:
		return []Status{StatusNew, StatusAcknowledged, StatusAssigned}, StatusDismissed, true
	}
	return nil, "", false
}

func hint(a Action, from Status) string {
	switch {
	case from == StatusClosed || from == StatusDismissed:
		return "it is finished"
	case from == StatusNew && (a == ActionRespond || a == ActionClose):
		return "acknowledge it first"
	case a == ActionAck:
		return "it was acknowledged already"
	case from == StatusResponded && a == ActionDismiss:
		return "a response was published; close it instead"
	}
	return ""
}

// ParseAction reads an action name from a URL.
func ParseAction(s string) (Action, bool) {
	a := Action(s)
	_, _, ok := transitions(a)
	return a, ok
}

// Act applies action a to alert id for actor, validating the transition
// and the input, with compare-and-set so two officers acting at once
// cannot overwrite each other. Acknowledging and responding record the
// response times.
func (s *Store) Act(ctx context.Context, id string, a Action, in ActionInput, actor string) (*Alert, error) {
	from, to, ok := transitions(a)
	if !ok {
		return nil, &InputError{fmt.Sprintf("unknown action %q (want ack, assign, respond, close or dismiss)", a)}
	}
	if err := checkInput(a, in); err != nil {
		return nil, err
	}
	if actor == "" {
		actor = "anonymous"
	}
	var prev Status
	al, _, err := casUpdate(ctx, s.alerts, id, func(al *Alert, exists bool) error {
		if !exists {
			return ErrNotFound
		}
		prev = al.Status
		if !slices.Contains(from, al.Status) {
			return &TransitionError{Action: a, From: al.Status, Hint: hint(a, al.Status)}
		}
		now := s.now().UTC()
		c := Change{At: now, By: actor, Action: string(a), From: al.Status, To: to}
		if al.Acknowledged.IsZero() {
			// Whatever an officer does first to a new alert
			// acknowledges it: assigning or dismissing says it was seen.
			al.Acknowledged = now
		}
		switch a {
		case ActionAssign:
			al.Assignee = in.Assignee
			c.Note = "assignee: " + in.Assignee
			if in.Note != "" {
				c.Note += "; " + in.Note
			}
		case ActionRespond:
			al.Response = &Response{Link: in.Link, Note: in.Note, By: actor, At: now}
			if al.Responded.IsZero() {
				al.Responded = now
			}
			c.Note = strings.TrimSpace(in.Link + " " + in.Note)
		case ActionClose:
			al.Closed = now
			c.Note = in.Note
		case ActionDismiss:
			al.Dismissal = in.Reason
			c.Note = in.Reason
		}
		al.Status, al.Updated = to, now
		al.History = append(al.History, c)
		return nil
	})
	if errors.Is(err, jetstream.ErrInvalidKey) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s.observe(al, a, prev)
	if a == ActionDismiss {
		if err := s.keepDismissal(ctx, al, actor); err != nil {
			return al, err
		}
	}
	return al, nil
}

func checkInput(a Action, in ActionInput) error {
	switch a {
	case ActionAssign:
		if strings.TrimSpace(in.Assignee) == "" {
			return &InputError{"assignee: name the department or person to assign to"}
		}
	case ActionRespond:
		if httpLink(in.Link) == "" {
			return &InputError{"link: must be the http(s) link to the official information published"}
		}
	case ActionDismiss:
		if strings.TrimSpace(in.Reason) == "" {
			return &InputError{"reason: say why this is a false positive (it is kept for rule tuning)"}
		}
	}
	for name, v := range map[string]string{"assignee": in.Assignee, "link": in.Link, "note": in.Note, "reason": in.Reason} {
		if len(v) > 4000 {
			return &InputError{name + ": too long (at most 4000 bytes)"}
		}
	}
	return nil
}

func deptLabel(al *Alert) string {
	if len(al.Departments) == 0 {
		return "none"
	}
	return al.Departments[0]
}

func (s *Store) observe(al *Alert, a Action, prev Status) {
	dept, sev := deptLabel(al), string(al.Severity)
	if prev == StatusNew {
		s.tta.WithLabelValues(dept, sev).Observe(al.Acknowledged.Sub(al.Created).Seconds())
	}
	if a == ActionRespond && prev != StatusResponded {
		s.ttr.WithLabelValues(dept, sev).Observe(al.Responded.Sub(al.Created).Seconds())
	}
}

// Dismissal is a dismissed alert kept as a negative example: the rules and
// articles it was raised for, and why it was wrong.
type Dismissal struct {
	AlertID  string    `json:"alert_id"`
	Rules    []string  `json:"rules"`
	Articles []string  `json:"articles"`
	Titles   []string  `json:"titles,omitempty"`
	Reason   string    `json:"reason"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

func (s *Store) keepDismissal(ctx context.Context, al *Alert, by string) error {
	d := Dismissal{AlertID: al.ID, Reason: al.Dismissal, By: by, At: al.Updated}
	for _, r := range al.Rules {
		d.Rules = append(d.Rules, r.ID)
	}
	for _, a := range al.Articles {
		d.Articles = append(d.Articles, a.ID)
		d.Titles = append(d.Titles, a.Title)
	}
	_, _, err := casUpdate(ctx, s.dismissals, al.ID, func(v *Dismissal, _ bool) error {
		*v = d
		return nil
	})
	if err != nil {
		return fmt.Errorf("keep dismissal of %s: %w", al.ID, err)
	}
	return nil
}

// Dismissals lists the negative examples, newest first; rule filters by
// rule ID when not empty.
func (s *Store) Dismissals(ctx context.Context, rule string) ([]*Dismissal, error) {
	all, err := listJSON[Dismissal](ctx, s.dismissals, nil)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(all, func(d *Dismissal) bool { return rule != "" && !slices.Contains(d.Rules, rule) })
	slices.SortFunc(out, func(a, b *Dismissal) int { return b.At.Compare(a.At) })
	return out, nil
}
