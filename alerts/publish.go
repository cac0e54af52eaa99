package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/bus"
)

// envelope is an outbox message.
type envelope struct {
	Notification *Notification `json:"notification"`
	Fetched      time.Time     `json:"fetched,omitzero"`
}

// publishOutbox publishes the decided notifications of the record at key
// and then clears its outbox. Publishing twice is harmless: the stream
// drops a repeated message ID, and the sender skips what was sent.
func (s *Service) publishOutbox(ctx context.Context, key string, rec *record) error {
	for _, p := range rec.Outbox {
		if p.Kind == KindEscalation {
			if err := s.markEscalated(ctx, p.Alerts[0], p.Created); err != nil {
				return err
			}
		}
		n, err := s.build(ctx, p)
		if err != nil {
			return err
		}
		if len(n.Alerts) == 0 {
			continue // every alert was closed or deleted since the decision
		}
		if err := s.publish(ctx, n, p.Fetched, p.Receiver+"."+p.Key); err != nil {
			return err
		}
	}
	keys := make([]string, len(rec.Outbox))
	for i, p := range rec.Outbox {
		keys[i] = p.Key
	}
	cleared, _, err := casUpdate(ctx, s.groups, key, func(r *record, exists bool) error {
		if !exists || len(r.Outbox) != len(keys) || r.Outbox[0].Key != keys[0] {
			return errNoWrite
		}
		r.Outbox, r.Due, r.After = nil, r.After, time.Time{}
		return nil
	})
	if err != nil {
		return err
	}
	if cleared != nil && (cleared.Kind == recEscalation || cleared.Kind == recResponse) && cleared.Due.IsZero() {
		_ = s.groups.Delete(ctx, key)
	}
	return nil
}

// build loads the alerts of a decided notification.
func (s *Service) build(ctx context.Context, p pending) (*Notification, error) {
	rc := s.recv[p.Receiver]
	lang := "vi"
	if rc != nil {
		lang = rc.Lang
	}
	n := &Notification{Key: p.Key, Kind: p.Kind, Receiver: p.Receiver, Lang: lang, To: p.To, BaseURL: s.o.BaseURL, Created: p.Created, Update: p.Update}
	srcNames := s.sourceNames(ctx)
	for _, id := range p.Alerts {
		al, err := getAlert(ctx, s.alerts, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if p.Kind == KindDigest && !al.Status.Open() {
			continue // dealt with while it waited for the digest
		}
		n.Alerts = append(n.Alerts, al.Outward())
		s.decorate(n, al)
		nameSources(n, al, srcNames)
	}
	return n, nil
}

// decorate adds what a message needs to show al without an ID in sight
// and to act on it in one tap: its departments' names and, for an open
// incident, signed action links.
func (s *Service) decorate(n *Notification, al *Alert) {
	dir := s.routing.Load().dir
	for _, d := range al.Departments {
		if name := dir.Department(d).NameIn(n.Lang); name != "" {
			if n.DepartmentNames == nil {
				n.DepartmentNames = map[string]string{}
			}
			n.DepartmentNames[d] = name
		}
	}
	if s.o.Links == nil || n.BaseURL == "" || !al.Status.Open() || n.Kind == KindResponse {
		return
	}
	base := strings.TrimRight(n.BaseURL, "/") + "/a/"
	now := s.now()
	var links []ActionLink
	if al.Status == StatusNew {
		links = append(links, ActionLink{Action: actionlink.Ack, URL: base + s.o.Links.Sign(al.ID, actionlink.Ack, 0, now)})
	}
	if al.Status == StatusNew || al.Status == StatusAcknowledged {
		links = append(links, ActionLink{Action: actionlink.Take, URL: base + s.o.Links.Sign(al.ID, actionlink.Take, 0, now)})
	}
	links = append(links, ActionLink{Action: actionlink.Mute, Hours: s.o.MuteHours, URL: base + s.o.Links.Sign(al.ID, actionlink.Mute, s.o.MuteHours, now)})
	if n.Actions == nil {
		n.Actions = map[string][]ActionLink{}
	}
	n.Actions[al.ID] = links
}

func (s *Service) publish(ctx context.Context, n *Notification, fetched time.Time, msgID string) error {
	return publishEnvelope(ctx, s.js, envelope{Notification: n, Fetched: fetched}, msgID)
}

func publishEnvelope(ctx context.Context, js jetstream.JetStream, env envelope, msgID string) error {
	data, err := json.Marshal(env)
	if err != nil {
		return fmt.Errorf("encode notification %s: %w", env.Notification.Key, err)
	}
	m := nats.NewMsg(bus.SubjectOutboxPrefix + env.Notification.Receiver)
	m.Data = data
	m.Header.Set(jetstream.MsgIDHeader, msgID)
	if _, err := js.PublishMsg(ctx, m); err != nil {
		return fmt.Errorf("publish notification %s to outbox: %w", env.Notification.Key, err)
	}
	return nil
}
