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
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
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

// envelope is an outbox message.
type envelope struct {
	Notification *Notification `json:"notification"`
	Fetched      time.Time     `json:"fetched,omitzero"`
}

// dueIndex mirrors the due times of the groups bucket, kept current by a
// KV watch, so a tick finds due records without reading them all.
type dueIndex struct {
	mu sync.Mutex
	m  map[string]time.Time
}

func (d *dueIndex) set(key string, t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t.IsZero() {
		delete(d.m, key)
		return
	}
	d.m[key] = t
}

func (d *dueIndex) dueBy(now time.Time) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for k, t := range d.m {
		if !t.After(now) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (s *Service) watchDue(ctx context.Context) error {
	w, err := s.groups.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("watch alert groups: %w", err)
	}
	defer func() { _ = w.Stop() }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			if !ok {
				return nil
			}
			if e == nil {
				continue // the end of the initial values
			}
			s.noteDue(e)
		}
	}
}

func (s *Service) noteDue(e jetstream.KeyValueEntry) {
	if e.Operation() != jetstream.KeyValuePut {
		s.due.set(e.Key(), time.Time{})
		return
	}
	var r struct {
		Due time.Time `json:"due"`
	}
	if json.Unmarshal(e.Value(), &r) == nil {
		s.due.set(e.Key(), r.Due)
	}
}

func (s *Service) tickLoop(ctx context.Context) error {
	t := time.NewTicker(s.o.Tick)
	defer t.Stop()
	lastSources, lastOutbox := time.Time{}, time.Time{}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("alert tick", "err", err)
		}
		if time.Since(lastOutbox) >= 15*time.Second {
			lastOutbox = time.Now()
			s.measureOutbox(ctx)
		}
		if now := s.now(); s.o.SourceSilentAfter > 0 && now.Sub(lastSources) >= time.Minute {
			lastSources = now
			if err := s.CheckSources(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("source health check", "err", err)
			}
		}
	}
}

// OutboxPending counts, per receiver, the notifications decided and not
// yet sent or dead-lettered (waiting, being sent, or waiting to retry).
func (s *Service) OutboxPending(ctx context.Context) (map[string]uint64, error) {
	out := map[string]uint64{}
	for _, rc := range s.o.Receivers {
		cons, err := s.js.Consumer(ctx, bus.StreamOutbox, consumerName(rc.Name))
		if errors.Is(err, jetstream.ErrConsumerNotFound) {
			continue // its sender has not started yet
		}
		if err != nil {
			return nil, fmt.Errorf("outbox of %s: %w", rc.Name, err)
		}
		info, err := cons.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("outbox of %s: %w", rc.Name, err)
		}
		out[rc.Name] = info.NumPending + uint64(info.NumAckPending)
	}
	return out, nil
}

// measureOutbox sets the outbox gauge.
func (s *Service) measureOutbox(ctx context.Context) {
	pending, err := s.OutboxPending(ctx)
	if err != nil {
		s.log.Warn("outbox size", "err", err)
		return
	}
	for name, n := range pending {
		s.m.outbox.WithLabelValues(name).Set(float64(n))
	}
}

// Tick handles every record due now: flushes groups, sends digests and
// escalates. Each record is handled on its own; one failing does not hold
// up the others.
func (s *Service) Tick(ctx context.Context) error {
	now := s.now().UTC()
	keys := s.due.dueBy(now)
	if len(keys) == 0 {
		return nil
	}
	sil, err := s.silences.Active(ctx, now)
	if err != nil {
		return err
	}
	var errs []error
	for _, key := range keys {
		if err := s.handleDue(ctx, key, now, sil); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) handleDue(ctx context.Context, key string, now time.Time, sil []*silence.Silence) error {
	rec, wrote, err := casUpdate(ctx, s.groups, key, func(r *record, exists bool) error {
		if !exists || r.Due.IsZero() || r.Due.After(now) {
			return errNoWrite
		}
		if len(r.Outbox) > 0 {
			return errNoWrite // decided before; publish below
		}
		var err error
		switch r.Kind {
		case recGroup:
			err = s.flushGroup(ctx, r, now, sil)
		case recDigest:
			err = s.flushDigest(r, now)
		case recEscalation:
			err = s.fireEscalation(ctx, r, now)
		case recResponse:
			err = s.fireResponse(ctx, r, now)
		default:
			r.Due = time.Time{}
		}
		return err
	})
	if err != nil {
		return err
	}
	if rec != nil && rec.Kind == recResponse && len(rec.Outbox) == 0 && rec.Due.IsZero() {
		_ = s.groups.Delete(ctx, key) // nobody had been notified
	}
	if rec == nil || len(rec.Outbox) == 0 {
		return nil
	}
	if !wrote {
		s.log.Info("publishing notifications decided before a restart", "record", key, "count", len(rec.Outbox))
	}
	return s.publishOutbox(ctx, key, rec)
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
	var live []*Alert
	var silencedUntil time.Time
	for _, id := range slices.Sorted(maps.Keys(g.Members)) {
		al, err := getAlert(ctx, s.alerts, id)
		if errors.Is(err, ErrNotFound) {
			delete(g.Members, id)
			continue
		}
		if err != nil {
			return err
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
	var kind Kind
	switch {
	case g.Seq == 0 && g.LastSent.IsZero():
		kind = KindNew
	case g.Dirty && !upd.empty():
		kind = KindFollowUp
	case !g.Dirty && rt.RepeatInterval > 0 && !now.Before(g.LastSent.Add(rt.RepeatInterval)) && anyNew(live):
		kind = KindRepeat
	}
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
	if g.Seq == 0 {
		kind = KindNew // the first message of its own, after digests
	}
	g.Seq++
	p := pending{Key: g.ID + "/" + strconv.Itoa(g.Seq), Kind: kind, Receiver: g.Receiver, Alerts: ids, Created: now, Fetched: g.Fetched}
	if kind == KindFollowUp {
		p.Update = upd
	}
	if g.ToDepartment && rc.Channel != "" {
		p.To = s.routing.Load().dir.Recipients(departments(live), rc.Channel, sev, now)
	}
	g.To = p.To
	g.Outbox = []pending{p}
	g.After = s.repeatDue(rt, g, live)
	g.Due = now // publish now; After applies once published
	return nil
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

// digestPeriodEnd is the end of the digest period holding now.
func digestPeriodEnd(d *Digest, now time.Time) time.Time {
	if d.Every >= 24*time.Hour {
		loc := d.Loc
		if loc == nil {
			loc = time.UTC
		}
		lt := now.In(loc)
		return time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, loc).UTC()
	}
	return now.Truncate(d.Every).Add(d.Every)
}

func (s *Service) addToDigest(ctx context.Context, rc *Receiver, ids []string, now time.Time) error {
	_, _, err := casUpdate(ctx, s.groups, recDigest+"."+rc.Name, func(r *record, exists bool) error {
		if !exists {
			*r = record{Kind: recDigest, Receiver: rc.Name}
		}
		n := len(r.Items)
		for _, id := range ids {
			r.Items = appendNew(r.Items, id)
		}
		if len(r.Items) == n {
			return errNoWrite
		}
		if r.Due.IsZero() && len(r.Outbox) == 0 {
			r.Due = digestPeriodEnd(rc.Digest, now)
		} else if len(r.Outbox) > 0 && r.After.IsZero() {
			r.After = digestPeriodEnd(rc.Digest, now)
		}
		return nil
	})
	return err
}

func (s *Service) flushDigest(r *record, now time.Time) error {
	rc := s.recv[r.Receiver]
	if rc == nil || len(r.Items) == 0 {
		r.Due = time.Time{}
		return nil
	}
	if rc.QuietHours != nil && rc.QuietHours.Contains(now) {
		s.m.suppressed.WithLabelValues("quiet_hours").Inc()
		r.Due = rc.QuietHours.NextEnd(now)
		return nil
	}
	r.Seq++
	r.Outbox = []pending{{Key: "digest/" + rc.Name + "/" + strconv.FormatInt(r.Due.Unix(), 10), Kind: KindDigest, Receiver: rc.Name, Alerts: r.Items, Created: now}}
	r.Items, r.After, r.Due = nil, time.Time{}, now
	return nil
}

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
		n.Alerts = append(n.Alerts, al)
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

// validKey keeps user-supplied keys to what NATS KV accepts.
func validKey(k string) bool {
	return k != "" && !strings.HasPrefix(k, ".") && !strings.HasSuffix(k, ".") && strings.IndexFunc(k, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-/_=.", r))
	}) < 0
}
