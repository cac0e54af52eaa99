package alerts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/article"
)

// Record kinds in the groups bucket, which is also the key prefix.
const (
	recGroup      = "g"
	recDigest     = "d"
	recEscalation = "e"
)

// record is one entry of the groups bucket: a notification group, a
// receiver's digest or an escalation timer. Each has a due time, and an
// outbox of notifications decided but not yet confirmed published: the
// decision and the group's new state are written in one compare-and-set,
// so however many processes race, one notification is decided per group
// and interval, and a crash before publishing leaves it for the next tick.
type record struct {
	Kind string    `json:"kind"`
	Due  time.Time `json:"due,omitzero"`
	// After is the due time once the outbox is published.
	After  time.Time `json:"after,omitzero"`
	Outbox []pending `json:"outbox,omitempty"`

	// Groups.
	ID           string         `json:"id,omitempty"`
	Route        string         `json:"route,omitempty"`
	Receiver     string         `json:"receiver,omitempty"`
	Labels       string         `json:"labels,omitempty"`
	ToDepartment bool           `json:"to_department,omitempty"`
	Members      map[string]int `json:"members,omitempty"` // alert ID -> its progress when last seen
	Dirty        bool           `json:"dirty,omitempty"`
	Fetched      time.Time      `json:"fetched,omitzero"` // of the article that made it dirty
	Seq          int            `json:"seq,omitempty"`
	LastSent     time.Time      `json:"last_sent,omitzero"`
	// What the last notification told: a follow-up needs more.
	Sources  []string         `json:"sources,omitempty"`
	Reasons  []string         `json:"reasons,omitempty"`
	Severity article.Severity `json:"severity,omitempty"`
	// To are the addresses the last notification went to, for the
	// message that the response was published.
	To      []string  `json:"to,omitempty"`
	Created time.Time `json:"created,omitzero"`

	// Digests.
	Items []string `json:"items,omitempty"`

	// Escalations.
	AlertID string `json:"alert_id,omitempty"`
}

// pending is a decided notification.
type pending struct {
	Key      string    `json:"key"`
	Kind     Kind      `json:"kind"`
	Receiver string    `json:"receiver"`
	Alerts   []string  `json:"alerts"`
	To       []string  `json:"to,omitempty"`
	Created  time.Time `json:"created"`
	Fetched  time.Time `json:"fetched,omitzero"`
	Update   *Update   `json:"update,omitempty"`
}

// groupKey names the group of alerts equal on the route's group_by for
// one receiver.
func groupKey(routeID, receiver, labels string) string {
	sum := sha256.Sum256([]byte(routeID + "\x00" + receiver + "\x00" + labels))
	return hex.EncodeToString(sum[:12])
}

// touchGroup adds al to its group for receiver under route rt, or notes
// that it grew; the first change after a notification waits out
// group_interval, the first alert of a group group_wait.
func (s *Service) touchGroup(ctx context.Context, rt *route.Route, receiver string, al *Alert, attrs route.Attrs, fetched time.Time) error {
	labels := rt.GroupLabels(attrs)
	id := groupKey(rt.ID, receiver, labels)
	now := s.now().UTC()
	_, _, err := casUpdate(ctx, s.groups, recGroup+"."+id, func(g *record, exists bool) error {
		if !exists {
			*g = record{Kind: recGroup, ID: id, Route: rt.ID, Receiver: receiver, Labels: labels, ToDepartment: rt.ToDepartment,
				Members: map[string]int{}, Created: now, Due: now.Add(rt.GroupWait)}
		}
		if seen, ok := g.Members[al.ID]; ok && seen >= al.progress() {
			return errNoWrite
		}
		if g.Members == nil {
			g.Members = map[string]int{}
		}
		g.Members[al.ID] = al.progress()
		if !g.Dirty {
			g.Dirty, g.Fetched = true, fetched
			// After a notification (or a digest entry), wait out
			// group_interval; before the first, keep group_wait.
			next := now
			if !g.LastSent.IsZero() {
				next = maxTime(now, g.LastSent.Add(rt.GroupInterval))
			} else if !g.Due.IsZero() {
				next = g.Due
			}
			if len(g.Outbox) > 0 {
				g.After = next
			} else if g.Due.IsZero() || next.Before(g.Due) || !g.LastSent.IsZero() {
				g.Due = next
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("group %s: %w", id, err)
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func (s *Service) routeOf(id string) *route.Route {
	r := s.routing.Load()
	if rt := r.byID[id]; rt != nil {
		return rt
	}
	// The tree changed since the group was made: the root's timing is a
	// safe reading.
	return r.root
}

// flushGroup decides what a due group sends, if anything: the first
// notification, a follow-up when the story reached new outlets or rose in
// severity, or a repeat while an alert stays unacknowledged.
func (s *Service) flushGroup(ctx context.Context, g *record, now time.Time, sil []*silence.Silence) error {
	rt := s.routeOf(g.Route)
	rc := s.recv[g.Receiver]
	if rc == nil {
		s.log.Warn("group for a receiver no longer configured", "receiver", g.Receiver)
		g.Due, g.Dirty = time.Time{}, false
		return nil
	}
	live, silencedUntil, err := s.liveMembers(ctx, g, now, sil)
	if err != nil {
		return err
	}
	if len(live) == 0 {
		if !silencedUntil.IsZero() {
			// Look again when the silence ends, or sooner: it may be
			// expired early.
			s.m.suppressed.WithLabelValues("silenced").Inc()
			g.Due = minTime(silencedUntil, now.Add(rt.GroupInterval))
			return nil
		}
		g.Due, g.Dirty = time.Time{}, false
		return nil
	}
	sev, sources, reasons := summarize(live)
	upd := g.whatChanged(sev, sources, reasons)
	kind := g.dueKind(rt, upd, live, now)
	if kind == "" {
		// New articles from outlets already named: the alert record
		// lists them; nobody needs another message.
		g.Dirty = false
		g.Due = s.repeatDue(rt, g, live)
		return nil
	}
	if rc.QuietHours != nil && sev != article.SeverityCritical && rc.QuietHours.Contains(now) {
		s.m.suppressed.WithLabelValues("quiet_hours").Inc()
		g.Due = rc.QuietHours.NextEnd(now)
		return nil
	}
	g.Sources, g.Reasons, g.Severity, g.LastSent, g.Dirty = sources, reasons, sev, now, false
	ids := make([]string, len(live))
	for i, al := range live {
		ids[i] = al.ID
	}
	if rc.Digest != nil && kind != KindRepeat && sev.Rank() <= rc.Digest.MaxSeverity.Rank() {
		s.m.suppressed.WithLabelValues("digest").Inc()
		g.Due = time.Time{}
		return s.addToDigest(ctx, rc, ids, now)
	}
	s.queueNotification(g, rt, rc, kind, upd, live, ids, now)
	return nil
}

// liveMembers loads the group's alerts that a notification would name:
// open and not silenced. Closed and deleted alerts leave the group;
// silencedUntil is when the first silence muting a member ends.
func (s *Service) liveMembers(ctx context.Context, g *record, now time.Time, sil []*silence.Silence) (live []*Alert, silencedUntil time.Time, err error) {
	for _, id := range slices.Sorted(maps.Keys(g.Members)) {
		al, err := getAlert(ctx, s.alerts, id)
		if errors.Is(err, ErrNotFound) {
			delete(g.Members, id)
			continue
		}
		if err != nil {
			return nil, time.Time{}, err
		}
		if !al.Status.Open() {
			delete(g.Members, id)
			continue
		}
		if sl := silence.Muted(sil, al.Attrs(), now); sl != nil {
			if silencedUntil.IsZero() || sl.Ends.Before(silencedUntil) {
				silencedUntil = sl.Ends
			}
			continue
		}
		live = append(live, al)
	}
	return live, silencedUntil, nil
}

// dueKind is the notification the group owes, or "" for none: the
// first, a follow-up telling upd, or a repeat of alerts still
// unacknowledged after repeat_interval.
func (g *record) dueKind(rt *route.Route, upd *Update, live []*Alert, now time.Time) Kind {
	switch {
	case g.Seq == 0 && g.LastSent.IsZero():
		return KindNew
	case g.Dirty && !upd.empty():
		return KindFollowUp
	case !g.Dirty && rt.RepeatInterval > 0 && !now.Before(g.LastSent.Add(rt.RepeatInterval)) && anyNew(live):
		return KindRepeat
	}
	return ""
}

// queueNotification puts the group's next notification of live (their
// ids) in its outbox, addressed to the departments' contacts when the
// route says so, and sets when the group is due again.
func (s *Service) queueNotification(g *record, rt *route.Route, rc *Receiver, kind Kind, upd *Update, live []*Alert, ids []string, now time.Time) {
	if g.Seq == 0 {
		kind = KindNew // the first message of its own, after digests
	}
	g.Seq++
	p := pending{Key: g.ID + "/" + strconv.Itoa(g.Seq), Kind: kind, Receiver: g.Receiver, Alerts: ids, Created: now, Fetched: g.Fetched}
	if kind == KindFollowUp {
		p.Update = upd
	}
	if g.ToDepartment && rc.Channel != "" {
		p.To = s.routing.Load().dir.Recipients(departments(live), rc.Channel, g.Severity, now)
	}
	g.To = p.To
	g.Outbox = []pending{p}
	g.After = s.repeatDue(rt, g, live)
	g.Due = now // publish now; After applies once published
}

// whatChanged is what the group's incidents have that its last
// notification did not tell: outlets, reasons, a higher severity.
func (g *record) whatChanged(sev article.Severity, sources, reasons []string) *Update {
	upd := &Update{}
	if sev.Rank() > g.Severity.Rank() {
		upd.SeverityFrom = g.Severity
	}
	for _, src := range sources {
		if !slices.Contains(g.Sources, src) {
			upd.NewSources = append(upd.NewSources, src)
		}
	}
	for _, r := range reasons {
		if !slices.Contains(g.Reasons, r) {
			upd.NewReasons = append(upd.NewReasons, r)
		}
	}
	return upd
}

func (s *Service) repeatDue(rt *route.Route, g *record, live []*Alert) time.Time {
	if rt.RepeatInterval <= 0 || g.LastSent.IsZero() || !anyNew(live) {
		return time.Time{}
	}
	return g.LastSent.Add(rt.RepeatInterval)
}

func anyNew(list []*Alert) bool {
	return slices.ContainsFunc(list, func(al *Alert) bool { return al.Status == StatusNew })
}

// summarize gives what a notification of list tells: the highest
// severity, the outlets and the reasons (rule IDs), sorted.
func summarize(list []*Alert) (sev article.Severity, sources, reasons []string) {
	for _, al := range list {
		sev = maxSeverity(sev, al.Severity)
		for _, src := range al.Sources {
			sources = appendNew(sources, src)
		}
		for _, r := range al.Rules {
			reasons = appendNew(reasons, r.ID)
		}
	}
	slices.Sort(sources)
	slices.Sort(reasons)
	return sev, sources, reasons
}

func departments(list []*Alert) []string {
	var out []string
	for _, al := range list {
		for _, d := range al.Departments {
			out = appendNew(out, d)
		}
	}
	return out
}

// Unsent reports whether a value of the groups bucket still holds something
// to send: news not yet told, a digest's items, or notifications decided
// but not yet published. The cluster test uses it to tell that the alert
// engine has settled, without knowing the record's layout.
func Unsent(value []byte) (bool, error) {
	var r record
	if err := json.Unmarshal(value, &r); err != nil {
		return false, fmt.Errorf("decode alert group record: %w", err)
	}
	return r.Dirty || len(r.Outbox) > 0 || len(r.Items) > 0, nil
}
