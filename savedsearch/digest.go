package savedsearch

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

	"github.com/presswatch/presswatch/indexer"
)

// Searcher runs a search (the local index, or an indexer over NATS).
type Searcher interface {
	Search(ctx context.Context, req indexer.SearchRequest) (*indexer.SearchResult, error)
}

// Digest is one message: a search's new matches.
type Digest struct {
	Search Search
	// At is the digest's time: matches published up to it.
	At   time.Time
	Hits []indexer.Hit
	// SourceNames names the hits' sources by ID, so the message shows
	// "Báo Điện Biên Phủ", not its ID (set by whoever delivers it).
	SourceNames map[string]string
}

// Deliver sends a digest to its subscription's receiver. An error means
// it was not sent; the next run tries again.
type Deliver func(ctx context.Context, d Digest) error

// DigestOptions configure a Digester.
type DigestOptions struct {
	Store *Store
	// Request turns a search into the index's request (the search page's
	// parameters, parsed as the search API parses them).
	Request func(Search) (indexer.SearchRequest, error)
	Search  Searcher
	Deliver Deliver
	// Lookback is how long before the last digest an article published
	// then but indexed since is still reported (default 3 days).
	Lookback time.Duration
	// Max bounds the articles in one digest (default 50): the rest wait
	// for the next one.
	Max int
	// Lease is how long a claimed send may take before the claim is
	// taken for a crash (default 10 minutes).
	Lease time.Duration
	Log   *slog.Logger
	Now   func() time.Time
}

// Digester sends the daily digests of subscribed searches, each article
// once: what a digest sent is recorded under the search's digest key, and
// a send is claimed there first, so that of several processes (or a
// restart that makes a missed run) one sends.
type Digester struct{ o DigestOptions }

// NewDigester checks o and fills defaults.
func NewDigester(o DigestOptions) (*Digester, error) {
	if o.Store == nil || o.Request == nil || o.Search == nil || o.Deliver == nil {
		return nil, errors.New("saved search digest: needs a store, a request builder, a searcher and a deliverer")
	}
	if o.Lookback <= 0 {
		o.Lookback = 3 * 24 * time.Hour
	}
	if o.Max <= 0 {
		o.Max = 50
	}
	if o.Lease <= 0 {
		o.Lease = 10 * time.Minute
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Digester{o: o}, nil
}

// State is what a search's digests have done, under "digest.<id>".
type State struct {
	// Through is the time of the last digest run: articles published
	// before it were looked at.
	Through time.Time `json:"through"`
	// Sent are the articles sent (ID → published), kept while they can
	// still come back in a search (Lookback before Through).
	Sent map[string]time.Time `json:"sent,omitempty"`
	// Pending is a send in progress: claimed before the message goes
	// out, cleared once it has.
	Pending *Pending `json:"pending,omitempty"`
}

// Pending is a claimed send.
type Pending struct {
	At      time.Time            `json:"at"`
	IDs     map[string]time.Time `json:"ids"`
	Claimed time.Time            `json:"claimed"`
}

func digestKey(id string) string { return "digest." + id }

// Run sends the digest of every subscribed search as of at, and returns
// how many digests went out. One search's failure does not stop the
// others; the errors are joined.
func (d *Digester) Run(ctx context.Context, at time.Time) (int, error) {
	all, err := d.o.Store.List(ctx, "")
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, s := range all {
		if s.Subscription == nil {
			continue
		}
		ok, err := d.One(ctx, s, at)
		if err != nil {
			errs = append(errs, fmt.Errorf("saved search %s of %s: %w", s.ID, s.Owner, err))
			continue
		}
		if ok {
			sent++
		}
	}
	return sent, errors.Join(errs...)
}

// One sends s's digest as of at, if it has new matches; it reports
// whether a digest went out.
func (d *Digester) One(ctx context.Context, s Search, at time.Time) (bool, error) {
	if s.Subscription == nil {
		return false, nil
	}
	st, rev, err := d.state(ctx, s)
	if err != nil {
		return false, err
	}
	if p := st.Pending; p != nil {
		if d.o.Now().Sub(p.Claimed) < d.o.Lease {
			return false, nil // another process is sending it
		}
		// A process stopped between claiming and recording. The message
		// may have gone out: its articles count as sent, so none goes
		// twice.
		d.o.Log.Warn("saved search digest: a claimed send was never recorded; its articles are taken as sent", "search", s.ID, "claimed", p.Claimed, "articles", len(p.IDs))
		for id, pub := range p.IDs {
			st.Sent[id] = pub
		}
		st.Through, st.Pending = later(st.Through, p.At), nil
	}
	if !at.After(st.Through) {
		return false, nil // done already (a catch-up run after a restart)
	}
	hits, err := d.newHits(ctx, s, st, at)
	if err != nil {
		return false, err
	}
	if len(hits) == 0 {
		st.Through = at
		d.prune(&st)
		_, err := d.put(ctx, s.ID, st, rev)
		return false, err
	}
	claim := State{Through: st.Through, Sent: st.Sent, Pending: &Pending{At: at, IDs: map[string]time.Time{}, Claimed: d.o.Now().UTC()}}
	for _, h := range hits {
		claim.Pending.IDs[h.ID] = h.Published
	}
	rev, err = d.put(ctx, s.ID, claim, rev)
	if errors.Is(err, ErrConflict) {
		return false, nil // another process claimed it first
	}
	if err != nil {
		return false, err
	}
	if err := d.o.Deliver(ctx, Digest{Search: s, At: at, Hits: hits}); err != nil {
		// Not sent: release the claim so the next run tries again.
		if _, uerr := d.put(context.WithoutCancel(ctx), s.ID, st, rev); uerr != nil {
			d.o.Log.Error("saved search digest: release the claim", "search", s.ID, "err", uerr)
		}
		return false, fmt.Errorf("deliver: %w", err)
	}
	for id, pub := range claim.Pending.IDs {
		st.Sent[id] = pub
	}
	st.Through, st.Pending = at, nil
	d.prune(&st)
	if _, err := d.put(context.WithoutCancel(ctx), s.ID, st, rev); err != nil {
		// Sent, but not recorded: the claim stays, and its articles are
		// taken as sent once the lease runs out.
		return true, fmt.Errorf("record the digest sent: %w", err)
	}
	d.o.Log.Info("saved search digest sent", "search", s.ID, "owner", s.Owner, "articles", len(hits))
	return true, nil
}

// newHits are the matches published from the window's start to at that
// no digest sent, newest first.
func (d *Digester) newHits(ctx context.Context, s Search, st State, at time.Time) ([]indexer.Hit, error) {
	req, err := d.o.Request(s)
	if err != nil {
		return nil, err
	}
	req.From = later(s.Subscription.Since, st.Through.Add(-d.o.Lookback))
	req.To = at
	req.Sort = "newest"
	req.Limit = 200
	req.Facets, req.Cursor, req.Offset = false, "", 0
	// Page on, newest first, past the articles already sent, until the
	// digest is full or the window ends.
	var out []indexer.Hit
	for {
		res, err := d.o.Search.Search(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", s.Query, err)
		}
		for _, h := range res.Hits {
			if _, done := st.Sent[h.ID]; !done && len(out) < d.o.Max {
				out = append(out, h)
			}
		}
		if len(out) == d.o.Max || res.NextCursor == "" || len(res.Hits) == 0 {
			return out, nil
		}
		req.Cursor = res.NextCursor
	}
}

// prune forgets sent articles published before any later search looks.
func (d *Digester) prune(st *State) {
	cut := st.Through.Add(-d.o.Lookback - 24*time.Hour)
	for id, pub := range st.Sent {
		if pub.Before(cut) {
			delete(st.Sent, id)
		}
	}
}

// state reads s's digest state; a search without one starts at its
// subscription.
func (d *Digester) state(ctx context.Context, s Search) (State, uint64, error) {
	e, err := d.o.Store.kv.Get(ctx, digestKey(s.ID))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return State{Through: s.Subscription.Since, Sent: map[string]time.Time{}}, 0, nil
	}
	if err != nil {
		return State{}, 0, fmt.Errorf("digest state of %s: %w", s.ID, err)
	}
	var st State
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		return State{}, 0, fmt.Errorf("decode digest state of %s: %w", s.ID, err)
	}
	if st.Sent == nil {
		st.Sent = map[string]time.Time{}
	}
	// A subscription renewed to a new receiver starts afresh.
	st.Through = later(st.Through, s.Subscription.Since)
	return st, e.Revision(), nil
}

// put writes the state if it is still at rev (0: not there yet).
func (d *Digester) put(ctx context.Context, id string, st State, rev uint64) (uint64, error) {
	var err error
	var next uint64
	if rev == 0 {
		next, err = d.o.Store.kv.Create(ctx, digestKey(id), mustJSON(st))
	} else {
		next, err = d.o.Store.kv.Update(ctx, digestKey(id), mustJSON(st), rev)
	}
	if isConflict(err) {
		return 0, ErrConflict
	}
	if err != nil {
		return 0, fmt.Errorf("digest state of %s: %w", id, err)
	}
	return next, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// SortedHits is a digest's articles newest first (as the search gave
// them), for renderers.
func (dg Digest) SortedHits() []indexer.Hit {
	out := slices.Clone(dg.Hits)
	slices.SortStableFunc(out, func(a, b indexer.Hit) int { return b.Published.Compare(a.Published) })
	return out
}

// Title is a hit's title on one line.
func Title(h indexer.Hit) string {
	t := strings.Join(strings.Fields(h.Title), " ")
	if t == "" {
		return h.URL
	}
	return t
}
