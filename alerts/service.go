package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/alerts/schedule"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
)

// Notifier sends one notification to one receiver. A failure that a
// retry may cure (timeouts, 5xx, 429) is a notify.TemporaryError.
type Notifier interface {
	Notify(ctx context.Context, n *Notification) error
}

// Receiver is a named notifier and how it wants to be notified.
type Receiver struct {
	Name     string
	Notifier Notifier
	// Channel is the contact address a department-targeted notification
	// carries in To: email, telegram or zalo; empty for receivers with a
	// fixed destination (webhooks, chat rooms, the log).
	Channel string
	// Lang of the messages: "vi" (default) or "en".
	Lang string
	// QuietHours defer notifications below critical until the window ends.
	QuietHours *schedule.Window
	// Digest batches alerts at or below a severity into one notification
	// per period instead of one per group.
	Digest *Digest
	// Workers send this receiver's notifications in parallel (default 2).
	Workers int
}

// Digest batches lower-severity alerts for a receiver.
type Digest struct {
	Every       time.Duration // an hour or a day
	MaxSeverity article.Severity
	Loc         *time.Location // where a day starts, for daily digests
}

// Escalation notifies the on-call contacts of a critical alert nobody
// acknowledged within After, once.
type Escalation struct {
	After     time.Duration // 0 disables escalation
	Receivers []string
}

// Retry bounds delivery attempts of one notification.
type Retry struct {
	Attempts int           // including the first (default 6)
	Base     time.Duration // first backoff (default 2s), doubling
	Max      time.Duration // cap of one backoff (default 10m)
	Timeout  time.Duration // of one attempt (default 30s)
}

// Options configure the service.
type Options struct {
	// Route is the routing tree; nil sends everything to every receiver
	// with the default grouping and timing.
	Route      *route.Route
	Directory  *Directory
	Receivers  []Receiver
	Store      *Store
	Escalation Escalation
	Retry      Retry
	// SourceSilentAfter raises a source alert when a source brought
	// nothing new for this long (default 6h; negative disables).
	SourceSilentAfter time.Duration
	// WatchedSources, when set, lists the sources configured and enabled;
	// health records of other sources raise nothing.
	WatchedSources func() ([]string, error)
	// SourceNames, when set, names the configured sources by ID, so that
	// messages show "Báo Điện Biên Phủ", not its ID.
	SourceNames func(ctx context.Context) (map[string]string, error)
	// Silences from the configuration, stored at start.
	Silences []silence.Silence
	// BaseURL of the web UI, for links in messages.
	BaseURL string
	// Links signs the one-tap action links of messages; nil leaves them
	// out (so does an empty BaseURL).
	Links *actionlink.Signer
	// MuteHours is how long the "mute" link of a message silences the
	// incident's story (default 4).
	MuteHours int
	// Tick is how often due groups are looked at (default 1s).
	Tick time.Duration
	// Concurrency bounds articles handled at once (default 16).
	Concurrency int
	Now         func() time.Time
	Logger      *slog.Logger
	Registerer  prometheus.Registerer
}

// Bus is what the alert service needs from the message bus.
type Bus interface {
	Consume(ctx context.Context, spec bus.ConsumerSpec, h bus.Handler) error
	ConsumeBatches(ctx context.Context, spec bus.ConsumerSpec, o bus.ConsumeOptions, h bus.BatchHandler) error
	KV(bucket string) jetstream.KeyValue
	JetStream() jetstream.JetStream
}

// Service raises alerts and notifies receivers.
type Service struct {
	o        Options
	bus      Bus
	js       jetstream.JetStream
	alerts   jetstream.KeyValue
	groups   jetstream.KeyValue
	notified jetstream.KeyValue
	dead     jetstream.KeyValue
	health   jetstream.KeyValue
	silences *silence.Store
	recv     map[string]*Receiver
	// routing is swapped whole when the configuration is reloaded.
	routing atomic.Pointer[routing]
	log     *slog.Logger
	now     func() time.Time
	due     dueIndex
	m       serviceMetrics
}

// NewService checks that every receiver the routes name exists and
// registers metrics.
func NewService(b Bus, o Options) (*Service, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.MuteHours <= 0 {
		o.MuteHours = 4
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.SourceSilentAfter == 0 {
		o.SourceSilentAfter = 6 * time.Hour
	}
	r := &o.Retry
	if r.Attempts <= 0 {
		r.Attempts = 6
	}
	if r.Base <= 0 {
		r.Base = 2 * time.Second
	}
	if r.Max <= 0 {
		r.Max = 10 * time.Minute
	}
	if r.Timeout <= 0 {
		r.Timeout = 30 * time.Second
	}
	s := &Service{
		o: o, bus: b, js: b.JetStream(),
		alerts: b.KV(bus.BucketAlerts), groups: b.KV(bus.BucketAlertGroups), notified: b.KV(bus.BucketNotified),
		dead: b.KV(bus.BucketAlertDeadLetters), health: b.KV(bus.BucketSourceHealth),
		silences: silence.NewStore(b.KV(bus.BucketSilences)),
		recv:     map[string]*Receiver{},
		log:      o.Logger.With("component", "alerts"), now: o.Now,
		due: dueIndex{m: map[string]time.Time{}},
	}
	for i := range o.Receivers {
		rc := &s.o.Receivers[i]
		if rc.Lang == "" {
			rc.Lang = "vi"
		}
		if rc.Workers <= 0 {
			rc.Workers = 2
		}
		s.recv[rc.Name] = rc
	}
	if err := s.Reroute(o.Route, o.Directory, o.Escalation); err != nil {
		return nil, err
	}
	var err error
	if s.m, err = newServiceMetrics(o.Registerer); err != nil {
		return nil, err
	}
	return s, nil
}

// routing is what a configuration reload may change without a restart.
type routing struct {
	root       *route.Route
	byID       map[string]*route.Route
	dir        *Directory
	escalation Escalation
}

// Reroute checks and installs a routing tree, directory and escalation;
// a nil root sends everything to every receiver. On error the previous
// routing stays in force. Receivers cannot change without a restart.
func (s *Service) Reroute(root *route.Route, dir *Directory, esc Escalation) error {
	if root == nil {
		names := make([]string, 0, len(s.o.Receivers))
		for _, rc := range s.o.Receivers {
			names = append(names, rc.Name)
		}
		var err error
		if root, err = route.New(route.Spec{Receivers: names}); err != nil {
			return err
		}
	}
	if dir == nil {
		dir = NewDirectory(nil)
	}
	r := &routing{root: root, byID: map[string]*route.Route{}, dir: dir, escalation: esc}
	var errs []error
	root.Walk(func(rt *route.Route) {
		r.byID[rt.ID] = rt
		for _, n := range rt.Receivers {
			if s.recv[n] == nil {
				errs = append(errs, fmt.Errorf("route %s: unknown receiver %q", rt.ID, n))
			}
		}
	})
	for _, n := range esc.Receivers {
		if s.recv[n] == nil {
			errs = append(errs, fmt.Errorf("escalation: unknown receiver %q", n))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	s.routing.Store(r)
	return nil
}

// Route is the routing tree in force.
func (s *Service) Route() *route.Route { return s.routing.Load().root }

// Silences is the shared silence store.
func (s *Service) Silences() *silence.Store { return s.silences }

// Run consumes classified articles and spikes, flushes due groups, checks
// source health and sends the outbox until ctx is cancelled.
func (s *Service) Run(ctx context.Context) error {
	if n, err := MigrateIncidents(ctx, s.alerts); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting: nothing was half done
		}
		return err
	} else if n > 0 {
		s.log.Info("alerts of one story and rule folded into incidents of one story and department", "alerts", n)
	}
	for _, sl := range s.o.Silences {
		if _, err := s.silences.Create(ctx, sl, s.now().UTC()); err != nil {
			var in *silence.InputError
			if !errors.As(err, &in) { // an expired static silence is no error
				return fmt.Errorf("static silence %s: %w", sl.ID, err)
			}
		}
	}
	var wg sync.WaitGroup
	errc := make(chan error, 4+len(s.o.Receivers))
	run := func(f func(context.Context) error) {
		wg.Go(func() {
			if err := f(ctx); err != nil && ctx.Err() == nil {
				errc <- err
			}
		})
	}
	run(s.watchDue)
	run(s.tickLoop)
	run(func(ctx context.Context) error {
		return s.bus.ConsumeBatches(ctx, bus.AlertsConsumer(), bus.ConsumeOptions{Batch: 4 * s.o.Concurrency, MaxWait: 200 * time.Millisecond}, s.handleBatch)
	})
	run(func(ctx context.Context) error {
		return s.bus.Consume(ctx, bus.ConsumerSpec{Name: "alerts-spikes", Stream: bus.StreamSpikes, FilterSubject: bus.SubjectSpike}, s.handleSpike)
	})
	for _, rc := range s.o.Receivers {
		run(func(ctx context.Context) error { return s.sendLoop(ctx, rc.Name) })
	}
	wg.Wait()
	close(errc)
	var errs []error
	for err := range errc {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// handleBatch handles articles in parallel: each is independent, and
// stories shared between them are reconciled by compare-and-set.
func (s *Service) handleBatch(ctx context.Context, msgs []jetstream.Msg) []error {
	errs := make([]error, len(msgs))
	sem := make(chan struct{}, s.o.Concurrency)
	var wg sync.WaitGroup
	for i, m := range msgs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = s.handle(ctx, m)
		})
	}
	wg.Wait()
	return errs
}

func (s *Service) handle(ctx context.Context, msg jetstream.Msg) error {
	var a article.Article
	if err := json.Unmarshal(msg.Data(), &a); err != nil {
		return bus.Permanent(fmt.Errorf("decode article.classified: %w", err))
	}
	return s.Ingest(ctx, &a)
}

// Ingest raises or extends the incidents of a classified article (one per
// department its matches name) and marks their groups for notification.
// It is idempotent: ingesting the same article again changes nothing.
func (s *Service) Ingest(ctx context.Context, a *article.Article) error {
	if !a.Flagged() {
		return nil
	}
	if a.ID == "" {
		return bus.Permanent(fmt.Errorf("flagged article without id (url %q)", a.URL))
	}
	matches := alertable(a.Matches)
	if len(matches) == 0 {
		return nil
	}
	groups := byDepartment(matches)
	for _, dept := range slices.Sorted(maps.Keys(groups)) {
		if err := s.ingestIncident(ctx, a, dept, groups[dept]); err != nil {
			return err
		}
	}
	return nil
}

// alertable drops signal matches (rumour wording, a topic quoted in an
// official response): they explain an article but are never a reason of
// an incident, even when a rule flagged the article. A rule that matched
// twice counts once.
func alertable(matches []article.Match) []article.Match {
	seen := map[string]bool{}
	var out []article.Match
	for _, m := range matches {
		if m.Signal || seen[m.RuleID] {
			continue
		}
		seen[m.RuleID] = true
		out = append(out, m)
	}
	return out
}

func (s *Service) ingestIncident(ctx context.Context, a *article.Article, dept string, matches []article.Match) error {
	now := s.now().UTC()
	fresh := newIncident(a, dept, matches, now)
	for _, m := range matches {
		if m.Rebuttal != "" && httpLink(m.Rebuttal) == "" {
			s.log.Warn("rebuttal link dropped: not an http(s) URL", "rule", m.RuleID, "article", a.ID)
		}
	}
	created, filled := false, false
	al, _, err := casUpdate(ctx, s.alerts, fresh.ID, func(al *Alert, exists bool) error {
		if !exists {
			*al, created, filled = *fresh, true, false
			return nil
		}
		created = false
		full := al.countedFull()
		changed, grew := al.addArticle(a)
		filled = !full && al.countedFull()
		for _, m := range matches {
			ch, c := al.addReason(a, m, now)
			if c.Action != "" {
				al.History = append(al.History, c)
			}
			grew = grew || ch
		}
		if !changed && !grew {
			return errNoWrite
		}
		al.Updated = now
		if grew {
			// A version alone (an update or reprint by an outlet already
			// counted) is recorded without a change for the groups to
			// tell: no follow-up.
			al.Changes++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("incident %s: %w", fresh.ID, err)
	}
	if created {
		s.m.raised.WithLabelValues(al.Type, string(al.Severity)).Inc()
		s.log.Info("incident raised", "alert", al.ID, "severity", al.Severity, "department", dept, "reasons", len(al.Rules), "story", al.StoryID, "title", al.Title)
	}
	if filled {
		s.log.Warn("incident counts more articles than it can remember: an article past them that is delivered again may count twice",
			"alert", al.ID, "articles", al.ArticleCount, "remembered", maxArticleRefs+maxCounted)
	}
	return s.dispatch(ctx, al, a.Fetched)
}

// dispatch routes al and marks each target group. A redelivered article
// finds the groups already counting it and writes nothing.
func (s *Service) dispatch(ctx context.Context, al *Alert, fetched time.Time) error {
	if !al.Status.Open() {
		return nil
	}
	attrs := al.Attrs()
	rtg := s.routing.Load()
	// A receiver that two matching routes name hears about the incident
	// once, on the first route's terms.
	told := map[string]bool{}
	for _, rt := range rtg.root.Match(attrs) {
		names := slices.Clone(rt.Receivers)
		if rt.ToDepartment {
			for _, n := range rtg.dir.ChatReceivers(al.Departments) {
				if s.recv[n] != nil && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
		for _, n := range names {
			k := n + "|" + strconv.FormatBool(rt.ToDepartment)
			if told[k] {
				continue
			}
			told[k] = true
			if err := s.touchGroup(ctx, rt, n, al, attrs, fetched); err != nil {
				return err
			}
		}
	}
	if rtg.escalation.After > 0 && al.Severity == article.SeverityCritical && al.Status == StatusNew && al.Escalated.IsZero() {
		if err := s.armEscalation(ctx, al); err != nil {
			return err
		}
	}
	return nil
}
