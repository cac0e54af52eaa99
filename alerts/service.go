package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts/notify"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
)

// Notifier sends one notification to one receiver. A failure that a
// retry may cure (timeouts, 5xx, 429) is a notify.TemporaryError.
type Notifier interface {
	Notify(ctx context.Context, n *Notification) error
}

// Receiver is a named notifier.
type Receiver struct {
	Name     string
	Notifier Notifier
}

// Bus is what the alert service needs from the message bus.
type Bus interface {
	Consume(ctx context.Context, spec bus.ConsumerSpec, h bus.Handler) error
	KV(bucket string) jetstream.KeyValue
}

// Service raises alerts from article.classified and notifies receivers.
type Service struct {
	bus       Bus
	alerts    jetstream.KeyValue
	notified  jetstream.KeyValue
	receivers []Receiver
	log       *slog.Logger
	now       func() time.Time
	m         serviceMetrics
}

type serviceMetrics struct {
	raised        *prometheus.CounterVec
	notifications *prometheus.CounterVec
	notifyLatency *prometheus.HistogramVec
	endToEnd      prometheus.Histogram
}

// NewService registers metrics with reg.
func NewService(b Bus, receivers []Receiver, log *slog.Logger, reg prometheus.Registerer) (*Service, error) {
	s := &Service{
		bus: b, alerts: b.KV(bus.BucketAlerts), notified: b.KV(bus.BucketNotified),
		receivers: receivers, log: log.With("component", "alerts"), now: time.Now,
		m: serviceMetrics{
			raised: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "presswatch", Subsystem: "alerts", Name: "raised_total",
				Help: "Alerts raised, by severity.",
			}, []string{"severity"}),
			notifications: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "presswatch", Subsystem: "alerts", Name: "notifications_total",
				Help: "Notification attempts, by receiver and result (sent, retry, failed).",
			}, []string{"receiver", "result"}),
			notifyLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
				Namespace: "presswatch", Subsystem: "alerts", Name: "notify_duration_seconds",
				Help:    "Time one receiver took to accept a notification.",
				Buckets: prometheus.ExponentialBuckets(0.001, 3, 10),
			}, []string{"receiver"}),
			endToEnd: prometheus.NewHistogram(prometheus.HistogramOpts{
				Namespace: "presswatch", Subsystem: "alerts", Name: "fetch_to_notified_seconds",
				Help:    "Time from an article being fetched to its alert leaving for the last receiver.",
				Buckets: prometheus.ExponentialBuckets(0.05, 2, 14),
			}),
		},
	}
	for _, c := range []prometheus.Collector{s.m.raised, s.m.notifications, s.m.notifyLatency, s.m.endToEnd} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register alerts metrics: %w", err)
		}
	}
	return s, nil
}

// Run consumes article.classified until ctx is cancelled.
func (s *Service) Run(ctx context.Context) error {
	return s.bus.Consume(ctx, bus.AlertsConsumer(), s.handle)
}

func (s *Service) handle(ctx context.Context, msg jetstream.Msg) error {
	var a article.Article
	if err := json.Unmarshal(msg.Data(), &a); err != nil {
		return bus.Permanent(fmt.Errorf("decode article.classified: %w", err))
	}
	if !a.Flagged() {
		return nil
	}
	if a.ID == "" {
		return bus.Permanent(fmt.Errorf("flagged article without id (url %q)", a.URL))
	}
	al, err := s.raise(ctx, &a)
	if err != nil {
		return err
	}
	var retryErrs []error
	for _, r := range s.receivers {
		if err := s.deliver(ctx, al, r); err != nil {
			retryErrs = append(retryErrs, err)
		}
	}
	if len(retryErrs) > 0 {
		// Redelivery retries only the receivers that have not succeeded;
		// a receiver being down says nothing about the message, so it is
		// retried until the receiver is back rather than dead-lettered.
		return bus.Transient(errors.Join(retryErrs...))
	}
	if !a.Fetched.IsZero() {
		s.m.endToEnd.Observe(s.now().Sub(a.Fetched).Seconds())
	}
	return nil
}

// raise stores the alert once; a redelivered message finds it stored and
// carries on with delivery.
func (s *Service) raise(ctx context.Context, a *article.Article) (*Alert, error) {
	al := FromArticle(a, s.now().UTC())
	data, err := json.Marshal(al)
	if err != nil {
		return nil, bus.Permanent(fmt.Errorf("encode alert %s: %w", al.ID, err))
	}
	if _, err := s.alerts.Create(ctx, al.ID, data); err != nil {
		if !errors.Is(err, jetstream.ErrKeyExists) {
			return nil, fmt.Errorf("store alert %s: %w", al.ID, err)
		}
		existing, err := s.Get(ctx, al.ID)
		if err != nil {
			return nil, err
		}
		return existing, nil
	}
	s.m.raised.WithLabelValues(string(al.Severity)).Inc()
	s.log.Info("alert raised", "alert", al.ID, "severity", al.Severity, "title", al.Articles[0].Title, "rules", ruleIDs(al))
	return al, nil
}

func ruleIDs(al *Alert) string {
	ids := make([]string, len(al.Rules))
	for i, r := range al.Rules {
		ids[i] = r.ID
	}
	return strings.Join(ids, ",")
}

// deliver notifies r unless a previous attempt already succeeded. It
// returns an error only when a retry may help.
func (s *Service) deliver(ctx context.Context, al *Alert, r Receiver) error {
	key := al.ID + "." + r.Name
	if _, err := s.notified.Get(ctx, key); err == nil {
		return nil
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("check delivery %s: %w", key, err)
	}
	start := time.Now()
	n := &Notification{Key: al.ID, Kind: KindNew, Receiver: r.Name, Lang: "vi", Alerts: []*Alert{al}, Created: s.now().UTC()}
	err := r.Notifier.Notify(ctx, n)
	s.m.notifyLatency.WithLabelValues(r.Name).Observe(time.Since(start).Seconds())
	if err != nil {
		if retry, _ := notify.IsTemporary(err); retry {
			s.m.notifications.WithLabelValues(r.Name, "retry").Inc()
			return fmt.Errorf("receiver %s: %w", r.Name, err)
		}
		// Retrying cannot help (the receiver refused it): record the
		// failure so it is visible, and do not block the other receivers.
		s.m.notifications.WithLabelValues(r.Name, "failed").Inc()
		s.log.Error("notification refused", "alert", al.ID, "receiver", r.Name, "err", err)
		_, _ = s.notified.Put(ctx, key, []byte("failed: "+err.Error()))
		return nil
	}
	if _, err := s.notified.Put(ctx, key, []byte("sent "+s.now().UTC().Format(time.RFC3339))); err != nil {
		// The receiver has it; a retry would send it again, which the
		// idempotency key lets the receiver drop.
		s.log.Warn("record delivery failed", "alert", al.ID, "receiver", r.Name, "err", err)
	}
	s.m.notifications.WithLabelValues(r.Name, "sent").Inc()
	return nil
}

// Get returns one alert.
func (s *Service) Get(ctx context.Context, id string) (*Alert, error) {
	e, err := s.alerts.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get alert %s: %w", id, err)
	}
	var al Alert
	if err := json.Unmarshal(e.Value(), &al); err != nil {
		return nil, fmt.Errorf("decode alert %s: %w", id, err)
	}
	return &al, nil
}

// ListOptions filter List.
type ListOptions struct {
	Status   Status
	Severity article.Severity
	Limit    int
}

// List returns alerts newest first.
func (s *Service) List(ctx context.Context, o ListOptions) ([]*Alert, error) {
	return List(ctx, s.alerts, o)
}

// List reads alerts from the bucket; web processes without the alerts role
// call it directly.
func List(ctx context.Context, kv jetstream.KeyValue, o ListOptions) ([]*Alert, error) {
	lister, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	var out []*Alert
	for key := range lister.Keys() {
		e, err := kv.Get(ctx, key)
		if err != nil {
			if errors.Is(err, jetstream.ErrKeyNotFound) {
				continue
			}
			return nil, fmt.Errorf("get alert %s: %w", key, err)
		}
		var al Alert
		if err := json.Unmarshal(e.Value(), &al); err != nil {
			continue
		}
		if (o.Status != "" && al.Status != o.Status) || (o.Severity != "" && al.Severity != o.Severity) {
			continue
		}
		out = append(out, &al)
	}
	slices.SortFunc(out, func(a, b *Alert) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if o.Limit > 0 && len(out) > o.Limit {
		out = out[:o.Limit]
	}
	return out, nil
}
