package alerts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts/silence"
)

// SilenceCreator stores silences.
type SilenceCreator interface {
	Create(ctx context.Context, s silence.Silence, now time.Time) (*silence.Silence, error)
}

// ictZone is the province's clock for history notes.
var ictZone = time.FixedZone("ICT", 7*3600)

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
	note := fmt.Sprintf("%s → %s: %s", strings.Join(stored.Matchers, ", "), stored.Ends.In(ictZone).Format("15:04 02/01/2006"), stored.Comment)
	if err := s.Record(ctx, id, Change{By: who, Action: "snoozed", Note: note}); err != nil {
		return stored, fmt.Errorf("snooze %s: note in history: %w", id, err)
	}
	return stored, nil
}
