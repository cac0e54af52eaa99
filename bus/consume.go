package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/internal/retry"
)

// Headers set on dead-lettered messages.
const (
	HeaderOriginalSubject = "Presswatch-Original-Subject"
	HeaderOriginalStream  = "Presswatch-Original-Stream"
	HeaderOriginalSeq     = "Presswatch-Original-Sequence"
	HeaderError           = "Presswatch-Error"
	HeaderDeliveries      = "Presswatch-Deliveries"
)

// permanentError marks a failure that no retry can fix (a malformed
// message): it goes to the dead-letter stream at once.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so the consumer dead-letters the message at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// transientError marks a failure of a dependency (a receiver or the disk
// is down) rather than of the message: it is retried with backoff for as
// long as it takes and never dead-lettered, since the message is fine.
type transientError struct{ err error }

func (e transientError) Error() string { return e.err.Error() }
func (e transientError) Unwrap() error { return e.err }

// Transient wraps err so the message is retried without counting towards
// max_deliver.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return transientError{err}
}

// IsTransient reports whether err was marked with Transient.
func IsTransient(err error) bool {
	var t transientError
	return errors.As(err, &t)
}

// Handler processes one message; nil means done (the message is acked).
type Handler func(ctx context.Context, msg jetstream.Msg) error

// BatchHandler processes up to a batch of messages and returns one error
// per message (nil for success, in the same order). A batch handler acks
// nothing itself: the loop acks each success once the handler returned,
// i.e. after the batch's effect is durable.
type BatchHandler func(ctx context.Context, msgs []jetstream.Msg) []error

// ConsumeOptions tune a consumer loop.
type ConsumeOptions struct {
	// Batch is how many messages are fetched at once (default 1).
	Batch int
	// MaxWait is how long a fetch waits to fill a batch (default 1s).
	MaxWait time.Duration
}

// Consume runs h on each message of the durable consumer spec until ctx is
// cancelled. A message in hand when ctx is cancelled is still finished and
// acked, so a graceful stop loses and repeats nothing.
func (b *Bus) Consume(ctx context.Context, spec ConsumerSpec, h Handler) error {
	return b.ConsumeBatches(ctx, spec, ConsumeOptions{Batch: 1}, func(ctx context.Context, msgs []jetstream.Msg) []error {
		errs := make([]error, len(msgs))
		for i, m := range msgs {
			errs[i] = h(ctx, m)
		}
		return errs
	})
}

// ConsumeBatches runs h on batches from the durable consumer spec until ctx
// is cancelled; see BatchHandler for the ack contract. While the cluster
// cannot serve the consumer (starting, electing leaders, a node lost) the
// loop backs off with jitter and warns once per interval instead of
// spinning.
func (b *Bus) ConsumeBatches(ctx context.Context, spec ConsumerSpec, o ConsumeOptions, h BatchHandler) error {
	if o.Batch <= 0 {
		o.Batch = 1
	}
	if o.MaxWait <= 0 {
		o.MaxWait = time.Second
	}
	log := b.log.With("consumer", spec.Name)
	cons, err := b.declareConsumer(ctx, spec, log)
	if err != nil {
		return err
	}
	p := retry.NewPacer(b.opts.RetryMin, b.opts.RetryMax, b.opts.RetryLogEvery)
	for ctx.Err() == nil {
		asked := time.Now()
		// FetchMaxWait, not a context: the client then reads until the
		// server ends the request (or a second past its expiry), so what
		// the server sent in the request's last moments is still taken.
		// With a context the client stopped reading at its own deadline,
		// and a message that reached it later (a loaded machine, a route
		// to the consumer's leader) was delivered to nobody and came back
		// only after ack_wait. A stop therefore waits for the fetch in
		// hand, at most MaxWait and a second.
		batch, err := cons.Fetch(o.Batch, jetstream.FetchMaxWait(o.MaxWait))
		if err != nil {
			if ctx.Err() == nil {
				p.Failed(ctx, log, "fetch failed", err)
				cons = b.redeclare(ctx, spec, cons, p.Backoff.Failures())
			}
			continue
		}
		var msgs []jetstream.Msg
		for m := range batch.Messages() {
			msgs = append(msgs, m)
		}
		if berr := batch.Error(); berr != nil && !isFetchTimeout(berr) && len(msgs) == 0 && time.Since(asked) < o.MaxWait/2 {
			// "no responders" and the like come back at once: without
			// a wait this loop would ask thousands of times a second. A
			// fetch that ended with an error after waiting is no spin.
			if ctx.Err() == nil {
				p.Failed(ctx, log, "fetch ended with error", berr)
				cons = b.redeclare(ctx, spec, cons, p.Backoff.Failures())
			}
			continue
		}
		p.OK()
		if len(msgs) == 0 {
			continue
		}
		wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.AckWait)
		errs := b.runBatch(wctx, h, msgs)
		for i, m := range msgs {
			b.settle(wctx, spec, m, errs[i])
		}
		wcancel()
	}
	return nil
}

func isFetchTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.Is(err, nats.ErrTimeout)
}

// redeclare declares the consumer again after every few failed fetches in
// a row: a fetch for a consumer that is gone (its stream deleted and
// recreated, removed by an operator) only ever answers "no responders".
// It returns the consumer to use from now on.
func (b *Bus) redeclare(ctx context.Context, spec ConsumerSpec, cons jetstream.Consumer, failures int) jetstream.Consumer {
	if failures%4 != 0 {
		return cons
	}
	c, err := b.js.CreateOrUpdateConsumer(ctx, spec.Stream, consumerConfig(spec, b.opts))
	if err != nil {
		return cons
	}
	return c
}

// declareConsumer creates or updates spec's durable consumer, retrying
// while the cluster cannot (a cold start of every process at once) until
// ctx ends.
func (b *Bus) declareConsumer(ctx context.Context, spec ConsumerSpec, log *slog.Logger) (jetstream.Consumer, error) {
	p := retry.NewPacer(b.opts.RetryMin, b.opts.RetryMax, b.opts.RetryLogEvery)
	for {
		cons, err := b.js.CreateOrUpdateConsumer(ctx, spec.Stream, consumerConfig(spec, b.opts))
		if err == nil {
			return cons, nil
		}
		err = fmt.Errorf("declare consumer %s on %s: %w", spec.Name, spec.Stream, err)
		if ctx.Err() != nil {
			return nil, err
		}
		p.Failed(ctx, log, "declaring the consumer failed; retrying", err)
	}
}

// runBatch calls h and turns a panic into a permanent error for the whole
// batch, so one poison message cannot crash the process.
func (b *Bus) runBatch(ctx context.Context, h BatchHandler, msgs []jetstream.Msg) (errs []error) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("handler panicked", "panic", r, "stack", string(debug.Stack()))
			errs = make([]error, len(msgs))
			for i := range errs {
				errs[i] = Permanent(fmt.Errorf("handler panicked: %v", r))
			}
		}
	}()
	errs = h(ctx, msgs)
	if n := len(errs); n != len(msgs) {
		// A handler bug; retrying is the safe reading.
		errs = make([]error, len(msgs))
		for i := range errs {
			errs[i] = fmt.Errorf("handler returned %d results for %d messages", n, len(msgs))
		}
	}
	return errs
}

func (b *Bus) settle(ctx context.Context, spec ConsumerSpec, m jetstream.Msg, herr error) {
	log := b.log.With("consumer", spec.Name, "subject", m.Subject())
	if herr == nil {
		if err := m.Ack(); err != nil {
			log.Warn("ack failed; message will be redelivered", "err", err)
			return
		}
		b.metrics.acked.WithLabelValues(spec.Name).Inc()
		return
	}
	var delivered uint64 = 1
	if md, err := m.Metadata(); err == nil {
		delivered = md.NumDelivered
	}
	if IsTransient(herr) && !IsPermanent(herr) {
		log.Warn("dependency unavailable; will retry", "err", herr, "deliveries", delivered)
		b.metrics.retried.WithLabelValues(spec.Name).Inc()
		if err := m.NakWithDelay(backoff(delivered)); err != nil {
			log.Warn("nak failed", "err", err)
		}
		return
	}
	if IsPermanent(herr) || delivered >= uint64(b.opts.MaxDeliver) {
		if err := b.deadLetter(ctx, spec, m, herr, delivered); err != nil {
			// Leave it for redelivery rather than lose it.
			log.Error("dead-letter failed; will retry", "err", err, "cause", herr)
			_ = m.NakWithDelay(backoff(delivered))
			return
		}
		if err := m.Term(); err != nil {
			log.Warn("term failed", "err", err)
		}
		log.Error("message dead-lettered", "err", herr, "deliveries", delivered)
		b.metrics.deadLettered.WithLabelValues(spec.Name).Inc()
		return
	}
	log.Warn("message failed; will retry", "err", herr, "deliveries", delivered)
	b.metrics.retried.WithLabelValues(spec.Name).Inc()
	if err := m.NakWithDelay(backoff(delivered)); err != nil {
		log.Warn("nak failed", "err", err)
	}
}

func (b *Bus) deadLetter(ctx context.Context, spec ConsumerSpec, m jetstream.Msg, cause error, delivered uint64) error {
	out := nats.NewMsg(SubjectDeadLetterPrefix + spec.Name)
	out.Data = m.Data()
	out.Header.Set(HeaderOriginalSubject, m.Subject())
	out.Header.Set(HeaderError, truncate(cause.Error(), 1024))
	out.Header.Set(HeaderDeliveries, strconv.FormatUint(delivered, 10))
	if md, err := m.Metadata(); err == nil {
		out.Header.Set(HeaderOriginalStream, md.Stream)
		out.Header.Set(HeaderOriginalSeq, strconv.FormatUint(md.Sequence.Stream, 10))
		// Dead-lettering the same stream message twice (a crash between
		// publish and term) stores it once.
		out.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("%s:%s:%d", spec.Name, md.Stream, md.Sequence.Stream))
	}
	if _, err := b.js.PublishMsg(ctx, out); err != nil {
		return fmt.Errorf("publish to dead-letter stream: %w", err)
	}
	return nil
}

// backoff grows with each delivery, capped so a recovered dependency is
// retried within a minute, and jittered so the messages of one outage do
// not all come back in the same instant.
func backoff(delivered uint64) time.Duration {
	d := time.Second << min(delivered, 6)
	return retry.Jitter(min(d, time.Minute))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// DeadLetterCount reports how many messages wait in the dead-letter stream.
func (b *Bus) DeadLetterCount(ctx context.Context) (uint64, error) {
	s, err := b.js.Stream(ctx, StreamDeadLetter)
	if err != nil {
		return 0, fmt.Errorf("dead-letter stream: %w", err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("dead-letter stream info: %w", err)
	}
	return info.State.Msgs, nil
}
