package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// AuditEvent records one officer or admin action.
type AuditEvent struct {
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // e.g. "alert.ack", "user.add", "token.revoke"
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
	IP     string    `json:"ip,omitempty"`
}

// Audit appends events to a stream and reads the newest back.
type Audit struct {
	js      jetstream.JetStream
	stream  string
	subject string
}

// NewAudit returns the audit log on stream, publishing on subject.
func NewAudit(js jetstream.JetStream, stream, subject string) *Audit {
	return &Audit{js: js, stream: stream, subject: subject}
}

// Record appends ev, stamping the time when unset.
func (a *Audit) Record(ctx context.Context, ev AuditEvent) error {
	if ev.Time.IsZero() {
		ev.Time = time.Now().UTC()
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	if _, err := a.js.Publish(ctx, a.subject, data); err != nil {
		return fmt.Errorf("audit %s: %w", ev.Action, err)
	}
	return nil
}

// List returns up to limit events, newest first.
func (a *Audit) List(ctx context.Context, limit int) ([]AuditEvent, error) {
	s, err := a.js.Stream(ctx, a.stream)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	var out []AuditEvent
	for seq := info.State.LastSeq; seq >= info.State.FirstSeq && seq > 0 && len(out) < limit; seq-- {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("audit log: %w", err)
		}
		var ev AuditEvent
		if json.Unmarshal(m.Data, &ev) == nil {
			out = append(out, ev)
		}
	}
	return out, nil
}
