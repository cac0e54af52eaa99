package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// armEscalation starts the acknowledgement clock of a critical alert.
func (s *Service) armEscalation(ctx context.Context, al *Alert) error {
	data, _ := json.Marshal(record{Kind: recEscalation, AlertID: al.ID, Due: al.Created.Add(s.routing.Load().escalation.After)})
	if _, err := s.groups.Create(ctx, recEscalation+"."+al.ID, data); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("arm escalation of %s: %w", al.ID, err)
	}
	return nil
}

func (s *Service) fireEscalation(ctx context.Context, r *record, now time.Time) error {
	r.Due = time.Time{}
	al, err := getAlert(ctx, s.alerts, r.AlertID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if al.Status != StatusNew || !al.Escalated.IsZero() {
		return nil // acknowledged (or escalated) in time
	}
	rtg := s.routing.Load()
	for _, n := range rtg.escalation.Receivers {
		p := pending{Key: "escalation/" + al.ID, Kind: KindEscalation, Receiver: n, Alerts: []string{al.ID}, Created: now}
		if rc := s.recv[n]; rc != nil && rc.Channel != "" {
			p.To = rtg.dir.OnCall(al.Departments, rc.Channel)
		}
		r.Outbox = append(r.Outbox, p)
	}
	r.Due = now
	return nil
}

// markEscalated records the escalation on the alert, once.
func (s *Service) markEscalated(ctx context.Context, id string, now time.Time) error {
	_, wrote, err := casUpdate(ctx, s.alerts, id, func(al *Alert, exists bool) error {
		if !exists || !al.Escalated.IsZero() {
			return errNoWrite
		}
		al.Escalated = now
		al.History = append(al.History, Change{At: now, By: "presswatch", Action: "escalated", Note: "not acknowledged in time; on-call contacts notified"})
		return nil
	})
	if wrote {
		s.m.escalations.Inc()
	}
	return err
}
