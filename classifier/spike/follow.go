package spike

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
)

// Bus is what Follow needs from the message bus.
type Bus interface {
	JetStream() jetstream.JetStream
	KV(bucket string) jetstream.KeyValue
	Publish(ctx context.Context, subject, msgID string, data []byte) error
}

// FollowOptions tune Follow.
type FollowOptions struct {
	// Lookback is how far back the replay starts (15 days and an hour:
	// the day window's two-week baseline and the day itself).
	Lookback time.Duration
	// Stale: an event whose window ended longer ago than this is only
	// remembered, not published (6h). It keeps a replay from announcing
	// old surges again once their record in the spikes bucket expired.
	Stale time.Duration
	Now   func() time.Time
	Log   *slog.Logger
	// Registerer receives the spike metrics; nil registers nowhere.
	Registerer prometheus.Registerer
}

func (o *FollowOptions) setDefaults() {
	if o.Lookback <= 0 {
		o.Lookback = keepHours*time.Hour + time.Hour
	}
	if o.Stale <= 0 {
		o.Stale = 6 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
}

// Follower feeds a Detector from the stream of classified articles and
// publishes the spikes it finds.
//
// Every classifier process runs one. Each reads the whole stream (not a
// share of it), starting Lookback ago, so its counts are those of all
// processes together and a restart rebuilds them. The detector counts by
// the articles' classification times, which the stream carries, so every
// follower finds the same spike on the same article; the first to create
// the event's key in the spikes bucket publishes it, the others skip it.
type Follower struct {
	b      Bus
	d      *Detector
	o      FollowOptions
	seq    atomic.Uint64
	events *prometheus.CounterVec
}

// NewFollower returns a follower for d.
func NewFollower(b Bus, d *Detector, o FollowOptions) (*Follower, error) {
	o.setDefaults()
	events, err := newEventsMetric(o.Registerer)
	if err != nil {
		return nil, err
	}
	return &Follower{b: b, d: d, o: o, events: events}, nil
}

// Seq is the stream sequence of the last message observed, so that a
// caller (a test, a health check) can tell how far the follower has read.
func (f *Follower) Seq() uint64 { return f.seq.Load() }

// Run replays the recent stream and then follows it until ctx ends. When
// reading fails it starts over after a pause: articles already counted
// are not counted again, and events already published are not published
// again.
func (f *Follower) Run(ctx context.Context) error {
	for {
		err := f.follow(ctx)
		if ctx.Err() != nil {
			return nil
		}
		f.o.Log.Error("spike detector stopped reading; starting over", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(5 * time.Second):
		}
	}
}

func (f *Follower) follow(ctx context.Context) error {
	stream, err := f.b.JetStream().Stream(ctx, bus.StreamClassified)
	if err != nil {
		return fmt.Errorf("spikes: stream %s: %w", bus.StreamClassified, err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("spikes: stream %s: %w", bus.StreamClassified, err)
	}
	// The counts are complete from the replay's start, or from the
	// stream's first message when it is younger; an empty stream means
	// nothing was classified before now.
	now := f.o.Now()
	start := now.Add(-f.o.Lookback)
	switch first := info.State.FirstTime; {
	case info.State.Msgs == 0:
		start = now
	case first.After(start):
		start = first
	}
	f.d.Cover(start)
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{bus.SubjectClassified},
		DeliverPolicy:  jetstream.DeliverByStartTimePolicy,
		OptStartTime:   &start,
	})
	if err != nil {
		return fmt.Errorf("spikes: follow %s: %w", bus.StreamClassified, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("spikes: follow %s: %w", bus.StreamClassified, err)
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	defer it.Stop()
	f.o.Log.Info("spike detector replaying", "since", start.UTC().Format(time.RFC3339), "messages", info.State.Msgs)
	for {
		msg, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("spikes: read %s: %w", bus.StreamClassified, err)
		}
		f.observe(ctx, msg)
	}
}

func (f *Follower) observe(ctx context.Context, msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err == nil {
		defer f.seq.Store(md.Sequence.Stream)
	}
	var a article.Article
	if err := json.Unmarshal(msg.Data(), &a); err != nil {
		return // the indexer and alerts dead-letter it; nothing to count
	}
	if !a.Flagged() {
		return
	}
	at := a.Classified
	if at.IsZero() && md != nil {
		at = md.Timestamp
	}
	for _, ev := range f.d.Observe(&a, at) {
		if f.o.Now().Sub(ev.At) > f.o.Stale {
			continue
		}
		if err := f.emit(ctx, ev); err != nil {
			f.o.Log.Error("publish spike", "key", ev.Key, "window", ev.Window, "err", err)
		}
	}
}

// emit publishes ev unless another process already did. The key is
// created before the publish: if the publish fails the key is removed so
// that another process, or this one after a restart, can try again; a crash between the two loses
// the event rather than sending it twice.
func (f *Follower) emit(ctx context.Context, ev Event) error {
	data, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode spike: %w", err)
	}
	kv := f.b.KV(bus.BucketSpikes)
	key := base64.RawURLEncoding.EncodeToString([]byte(ev.ID()))
	if _, err := kv.Create(ctx, key, data); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return nil
		}
		return fmt.Errorf("record spike %s: %w", ev.ID(), err)
	}
	if err := f.b.Publish(ctx, bus.SubjectSpike, ev.ID(), data); err != nil {
		if derr := kv.Delete(ctx, key); derr != nil {
			err = errors.Join(err, derr)
		}
		return err
	}
	f.o.Log.Warn("coverage spike", "key", ev.Key, "window", ev.Window, "count", ev.Count, "baseline", ev.Baseline, "terms", ev.Terms, "sources", ev.Sources)
	f.events.WithLabelValues(ev.Window).Inc()
	return nil
}
