package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// recResponse is the groups bucket record asking for the "response
// published" message of one response to an incident.
const recResponse = "r"

// announceResponse asks the alert service to tell whoever was notified of
// al that the response at index n of its history was published. The
// record's key names the response, so asking twice asks once.
func announceResponse(ctx context.Context, groups jetstream.KeyValue, al *Alert, n int, now time.Time) error {
	data, _ := json.Marshal(record{Kind: recResponse, AlertID: al.ID, Seq: n, Due: now})
	key := recResponse + "." + al.ID + "." + strconv.Itoa(n)
	if _, err := groups.Create(ctx, key, data); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("announce response of %s: %w", al.ID, err)
	}
	return nil
}

// fireResponse decides the "response published" messages: one to each
// receiver and set of addresses that heard about the incident.
func (s *Service) fireResponse(ctx context.Context, r *record, now time.Time) error {
	r.Due = time.Time{}
	groups, err := listJSON[record](ctx, s.groups, func(k string) bool { return strings.HasPrefix(k, recGroup+".") })
	if err != nil {
		return err
	}
	slices.SortFunc(groups, func(a, b *record) int { return strings.Compare(a.ID, b.ID) })
	seen := map[string]bool{}
	for _, g := range groups {
		if _, ok := g.Members[r.AlertID]; !ok || g.LastSent.IsZero() || s.recv[g.Receiver] == nil {
			continue
		}
		who := g.Receiver + "\x00" + strings.Join(g.To, ",")
		if seen[who] {
			continue
		}
		seen[who] = true
		r.Outbox = append(r.Outbox, pending{Key: "response/" + r.AlertID + "/" + strconv.Itoa(r.Seq) + "/" + g.ID,
			Kind: KindResponse, Receiver: g.Receiver, Alerts: []string{r.AlertID}, To: g.To, Created: now})
	}
	if len(r.Outbox) > 0 {
		r.Due = now
	}
	return nil
}
