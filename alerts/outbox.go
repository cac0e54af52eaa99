package alerts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/alerts/notify"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/internal/retry"
)

// DeadLetter is a notification that failed for good: refused by the
// receiver, or still failing after the last retry.
type DeadLetter struct {
	Key          string        `json:"key"` // receiver + "." + notification key
	Receiver     string        `json:"receiver"`
	Notification *Notification `json:"notification"`
	Error        string        `json:"error"`
	Attempts     int           `json:"attempts"`
	At           time.Time     `json:"at"`
}

func consumerName(receiver string) string { return "alerts-outbox-" + receiver }

// sendLoop sends one receiver's notifications with its own workers, so a
// slow or dead receiver holds up nobody else. While the cluster cannot
// serve the outbox (a node lost, leaders being elected) it backs off with
// jitter and warns once per interval rather than asking in a tight loop.
func (s *Service) sendLoop(ctx context.Context, name string) error {
	rc := s.recv[name]
	log := s.log.With("receiver", name)
	pace := retry.NewPacer(100*time.Millisecond, 10*time.Second, 10*time.Second)
	var cons jetstream.Consumer
	for cons == nil {
		var err error
		cons, err = s.js.CreateOrUpdateConsumer(ctx, bus.StreamOutbox, jetstream.ConsumerConfig{
			Durable:       consumerName(name),
			FilterSubject: bus.SubjectOutboxPrefix + name,
			AckPolicy:     jetstream.AckExplicitPolicy,
			// Longer than one attempt, so a message is redelivered only
			// when the process holding it died.
			AckWait:       2*s.o.Retry.Timeout + 2*time.Second,
			MaxDeliver:    -1,
			MaxAckPending: 4 * rc.Workers,
		})
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("outbox consumer for %s: %w", name, err)
			}
			pace.Failed(ctx, log, "outbox consumer could not be declared; retrying", err)
		}
	}
	for ctx.Err() == nil {
		asked := time.Now()
		batch, err := cons.Fetch(rc.Workers, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			if ctx.Err() == nil {
				pace.Failed(ctx, log, "outbox fetch failed", err)
			}
			continue
		}
		var wg sync.WaitGroup
		n := 0
		for m := range batch.Messages() {
			n++
			// A send in hand finishes even when shutting down, within the
			// attempt timeout.
			wg.Go(func() { s.send(context.WithoutCancel(ctx), rc, m) })
		}
		wg.Wait()
		if berr := batch.Error(); berr != nil && n == 0 && time.Since(asked) < 500*time.Millisecond && !errors.Is(berr, nats.ErrTimeout) && !errors.Is(berr, context.DeadlineExceeded) {
			// "no responders" comes back at once: wait before asking
			// again. A fetch that waited its second is no spin.
			if ctx.Err() == nil {
				pace.Failed(ctx, log, "outbox fetch ended with error", berr)
			}
			continue
		}
		pace.OK()
	}
	return nil
}

func (s *Service) send(ctx context.Context, rc *Receiver, m jetstream.Msg) {
	var env envelope
	if err := json.Unmarshal(m.Data(), &env); err != nil || env.Notification == nil {
		s.log.Error("undecodable outbox message dropped", "receiver", rc.Name, "err", err)
		_ = m.Term()
		return
	}
	n := env.Notification
	log := s.log.With("receiver", rc.Name, "notification", n.Key, "kind", n.Kind)
	sentKey := rc.Name + "." + n.Key
	if _, err := s.notified.Get(ctx, sentKey); err == nil {
		s.m.notifications.WithLabelValues(rc.Name, string(n.Kind), "duplicate").Inc()
		_ = m.Ack()
		return
	}
	attempt := 1
	if md, err := m.Metadata(); err == nil {
		attempt = int(md.NumDelivered)
	}
	start := time.Now()
	tctx, cancel := context.WithTimeout(ctx, s.o.Retry.Timeout)
	err := rc.Notifier.Notify(tctx, n)
	cancel()
	s.m.notifyLatency.WithLabelValues(rc.Name).Observe(time.Since(start).Seconds())
	if err == nil {
		if _, perr := s.notified.Put(ctx, sentKey, []byte("sent "+s.now().UTC().Format(time.RFC3339))); perr != nil {
			// The receiver has it; a redelivery would send it again with
			// the same key, which receivers with idempotency drop.
			log.Warn("record delivery failed", "err", perr)
		}
		if err := m.Ack(); err != nil {
			log.Warn("outbox ack failed", "err", err)
		}
		s.m.notifications.WithLabelValues(rc.Name, string(n.Kind), "sent").Inc()
		if !env.Fetched.IsZero() {
			s.m.endToEnd.Observe(s.now().Sub(env.Fetched).Seconds())
		}
		log.Info("notification sent", "to", len(n.To), "alerts", len(n.Alerts))
		return
	}
	retry, after := notify.IsTemporary(err)
	if retry && attempt < s.o.Retry.Attempts {
		delay := s.backoff(attempt)
		if after > 0 {
			delay = min(after, time.Hour) // the receiver said when
		}
		s.m.notifications.WithLabelValues(rc.Name, string(n.Kind), "retry").Inc()
		log.Warn("notification failed; will retry", "attempt", attempt, "in", delay, "err", err)
		if nerr := m.NakWithDelay(delay); nerr != nil {
			log.Warn("outbox nak failed", "err", nerr)
		}
		return
	}
	result := "failed"
	if retry {
		result = "dead"
	}
	s.m.notifications.WithLabelValues(rc.Name, string(n.Kind), result).Inc()
	log.Error("notification dead-lettered", "attempts", attempt, "err", err)
	dl := DeadLetter{Key: sentKey, Receiver: rc.Name, Notification: n, Error: err.Error(), Attempts: attempt, At: s.now().UTC()}
	data, _ := json.Marshal(dl)
	if _, perr := s.dead.Put(ctx, sentKey, data); perr != nil {
		// Keep it in the outbox rather than lose it.
		log.Error("dead-letter write failed; will retry", "err", perr)
		_ = m.NakWithDelay(s.o.Retry.Base)
		return
	}
	_ = m.Ack()
}

func (s *Service) backoff(attempt int) time.Duration {
	d := s.o.Retry.Base << min(attempt-1, 20)
	return min(d, s.o.Retry.Max)
}

// DeadLetters lists notifications that failed for good, newest first.
func (s *Store) DeadLetters(ctx context.Context) ([]*DeadLetter, error) {
	out, err := listJSON[DeadLetter](ctx, s.deadLetter, nil)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *DeadLetter) int { return b.At.Compare(a.At) })
	return out, nil
}

// Replay puts dead letters back in the outbox (all of them when keys is
// empty) with their original notification key, and returns the keys
// replayed. An unknown key is ErrNotFound.
func (s *Store) Replay(ctx context.Context, keys []string) ([]string, error) {
	if len(keys) == 0 {
		all, err := s.DeadLetters(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range all {
			keys = append(keys, d.Key)
		}
	}
	var done []string
	for _, k := range keys {
		if !validKey(k) {
			return done, fmt.Errorf("dead letter %q: %w", k, ErrNotFound)
		}
		var d DeadLetter
		err := getJSON(ctx, s.deadLetter, k, &d)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return done, fmt.Errorf("dead letter %q: %w", k, ErrNotFound)
		}
		if err != nil {
			return done, err
		}
		// A fresh message ID: the stream still remembers the original.
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		if err := publishEnvelope(ctx, s.js, envelope{Notification: d.Notification}, k+".replay."+hex.EncodeToString(b)); err != nil {
			return done, err
		}
		if err := s.deadLetter.Delete(ctx, k); err != nil {
			return done, fmt.Errorf("remove replayed dead letter %s: %w", k, err)
		}
		done = append(done, k)
	}
	return done, nil
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
