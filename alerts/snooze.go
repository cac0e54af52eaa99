package alerts

import (
	"context"
	"fmt"
	"time"

	"github.com/presswatch/presswatch/alerts/silence"
)

// SilenceCreator stores silences.
type SilenceCreator interface {
	Create(ctx context.Context, s silence.Silence, now time.Time) (*silence.Silence, error)
}

// Snooze silences what sn names of incident id (its story, one of its
// rules or outlets) for who, and notes it in the incident's history.
// Input problems are *silence.InputError.
func (s *Store) Snooze(ctx context.Context, silences SilenceCreator, id string, sn silence.Snooze, who string) (*silence.Silence, error) {
	al, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	sl, err := silence.ForIncident(al.Attrs(), sn, who, now)
	if err != nil {
		return nil, err
	}
	stored, err := silences.Create(ctx, sl, now)
	if err != nil {
		return nil, err
	}
	// What was muted stays structured, so pages name it ("this story",
	// "the rule …") in the reader's language instead of showing matchers.
	ch := Change{By: who, Action: "snoozed", Note: stored.Comment, Matchers: stored.Matchers, Until: stored.Ends}
	if err := s.Record(ctx, id, ch); err != nil {
		return stored, fmt.Errorf("snooze %s: note in history: %w", id, err)
	}
	return stored, nil
}
