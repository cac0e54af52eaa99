package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/presswatch/presswatch/alerts/notify/email"
	"github.com/presswatch/presswatch/alerts/notify/telegram"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/report/schedule"
	"github.com/presswatch/presswatch/savedsearch"
	"github.com/presswatch/presswatch/web"
)

// savedDesk is the web role's saved searches (savedsearch.Desk, which
// the API and pages use) and the daily task that sends their digests.
type savedDesk struct {
	*savedsearch.Desk
	spec schedule.Task
	loc  *time.Location
	a    *App
}

// textSender is a chat receiver that can send a digest's plain text.
type textSender interface {
	SendText(ctx context.Context, text string) error
}

// newSavedDesk builds the store, the digest and its daily task from
// saved_searches.
func (a *App) newSavedDesk() (*savedDesk, error) {
	sc := a.cfg.SavedSearches
	tz := sc.Timezone
	if tz == "" {
		tz = a.cfg.Alerts.Timezone
	}
	if tz == "" {
		tz = config.DefaultTimezone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("saved_searches.timezone: %w", err)
	}
	cronSpec, err := sc.DigestCron()
	if err != nil {
		return nil, fmt.Errorf("saved_searches.digest_time: %w", err)
	}
	spec, err := config.CronParser().Parse(cronSpec)
	if err != nil {
		return nil, fmt.Errorf("saved_searches.digest_time: %w", err)
	}
	valid := func(q string) error {
		_, err := query.Parse(q, query.Options{Lists: a.lists})
		return err
	}
	d := &savedDesk{Desk: &savedsearch.Desk{Store: savedsearch.New(a.bus.KV(bus.BucketSavedSearches), valid, nil)}, loc: loc, a: a}
	senders := map[string]any{}
	for _, r := range sc.DigestReceivers(a.cfg.Alerts) {
		n, err := notifier(r, a.log)
		if err != nil {
			return nil, fmt.Errorf("saved_searches receiver %s: %w", r.Name, err)
		}
		senders[r.Name] = n
		d.Offered = append(d.Offered, savedsearch.Receiver{Name: r.Name, Email: r.Email != nil})
	}
	// This process's index, or any indexer's over NATS.
	var search savedsearch.Searcher = indexer.Remote{NC: a.bus.Conn()}
	if a.index != nil {
		search = a.index
	}
	d.Digest, err = savedsearch.NewDigester(savedsearch.DigestOptions{
		Store:    d.Store,
		Request:  func(s savedsearch.Search) (indexer.SearchRequest, error) { return web.ParseSearchRequest(s.Params()) },
		Search:   search,
		Deliver:  func(ctx context.Context, dg savedsearch.Digest) error { return d.deliver(ctx, senders, dg) },
		Lookback: sc.Lookback.D(),
		Log:      a.log.With("component", "saved-search-digest"),
	})
	if err != nil {
		return nil, err
	}
	d.spec = schedule.Task{Name: "saved-search-digest", Spec: spec, Do: func(ctx context.Context, at time.Time) error {
		_, err := d.Digest.Run(ctx, at)
		return err
	}}
	return d, nil
}

// deliver sends one digest through its subscription's receiver.
func (d *savedDesk) deliver(ctx context.Context, senders map[string]any, dg savedsearch.Digest) error {
	sub := dg.Search.Subscription
	// In the owner's language now, else as when the search was saved.
	lang := dg.Search.Lang
	if acc := d.a.accounts; acc != nil {
		if u, err := acc.Users.Get(ctx, dg.Search.Owner); err == nil && u.Lang != "" {
			lang = u.Lang
		}
	}
	if names, err := d.a.sourceNames(ctx); err == nil {
		dg.SourceNames = names
	}
	subject, text := savedsearch.Render(dg, lang, d.a.cfg.Alerts.BaseURL, d.loc)
	switch n := senders[sub.Receiver].(type) {
	case *email.Notifier:
		return n.Send(ctx, email.Message{
			Key: "saved." + dg.Search.ID + "." + strconv.FormatInt(dg.At.Unix(), 10), Subject: subject, Text: text, To: []string{sub.To},
		})
	case textSender:
		return n.SendText(ctx, subject+"\n\n"+text)
	}
	return fmt.Errorf("receiver %q is not offered for digests (saved_searches.receivers)", sub.Receiver)
}

// run sends the digests at saved_searches.digest_time each day.
func (d *savedDesk) run(ctx context.Context) error {
	schedule.Loop(ctx, []schedule.Task{d.spec}, schedule.LoopOptions{Location: d.loc, Log: d.a.log.With("component", "saved-search-digest")})
	return nil
}

// savedSearches is the saved-search desk for the API and pages, nil
// without the web role.
func (a *App) savedSearches() web.SavedSearches {
	if a.saved == nil {
		return nil
	}
	return a.saved
}

// Ensure the telegram receiver can send a digest.
var _ textSender = (*telegram.Notifier)(nil)
