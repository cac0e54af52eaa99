package indexer

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
)

// Rebuild builds a fresh index at dir from every article.classified
// message in the stream, then swaps it in for the old one: the way back
// from a corrupt index, a mapping change or a retention that was too
// short. It must run while no indexer has dir open. Later versions of an
// article overwrite earlier ones, as in the live index.
func Rebuild(ctx context.Context, js jetstream.JetStream, dir string, o Options, batch int, log *slog.Logger) (int, error) {
	if batch <= 0 {
		batch = 500
	}
	stream, err := js.Stream(ctx, bus.StreamClassified)
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	last := info.State.LastSeq
	tmp := dir + ".rebuild"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	idx, err := OpenWith(tmp, o)
	if err != nil {
		return 0, err
	}
	n, err := fill(ctx, stream, idx, last, batch, log)
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Everything the stream held is in: it may answer at once.
		err = markCaughtUp(tmp)
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return n, err
	}
	old := dir + ".old-" + strconv.FormatInt(time.Now().Unix(), 10)
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return n, fmt.Errorf("reindex: set the old index aside: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return n, fmt.Errorf("reindex: put the new index in place (the old one is at %s): %w", old, err)
	}
	if err := os.RemoveAll(old); err != nil {
		log.Warn("reindex: could not remove the old index", "dir", old, "err", err)
	}
	return n, nil
}

func fill(ctx context.Context, stream jetstream.Stream, idx *Index, last uint64, batch int, log *slog.Logger) (int, error) {
	if last == 0 {
		return 0, nil
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{bus.SubjectClassified}})
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	var (
		pending []*article.Article
		n       int
		skipped int
	)
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := idx.IndexBatch(pending); err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
		n += len(pending)
		pending = pending[:0]
		return nil
	}
	for {
		msgs, err := cons.Fetch(batch, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return n, fmt.Errorf("reindex: %w", err)
		}
		var seq uint64
		got := 0
		for m := range msgs.Messages() {
			got++
			if md, err := m.Metadata(); err == nil {
				seq = md.Sequence.Stream
			}
			var a article.Article
			if err := json.Unmarshal(m.Data(), &a); err != nil || a.ID == "" {
				skipped++ // the live writer dead-lettered it too
				continue
			}
			pending = append(pending, &a)
		}
		if err := flush(); err != nil {
			return n, err
		}
		if seq >= last || (got == 0 && ctx.Err() != nil) {
			break
		}
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		if got == 0 {
			// Messages up to last were removed by retention meanwhile.
			break
		}
	}
	if skipped > 0 {
		log.Warn("reindex skipped malformed messages", "count", skipped)
	}
	return n, nil
}
