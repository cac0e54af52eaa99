package app

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"reflect"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/alerts/schedule"
	"github.com/presswatch/presswatch/alerts/silence"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
)

// alertOptions turns the alerts configuration into the engine's options.
// Config.Validate has checked every value; errors here name the key all
// the same, in case a caller skipped it.
func alertOptions(ac config.Alerts, receivers []alerts.Receiver) (alerts.Options, error) {
	o := alerts.Options{
		Receivers: receivers, BaseURL: ac.BaseURL, MuteHours: ac.ActionLinks.MuteHours,
		Escalation:        alerts.Escalation{After: ac.Escalation.After.D(), Receivers: ac.Escalation.Receivers},
		Retry:             alerts.Retry{Attempts: ac.Retry.Attempts, Base: ac.Retry.Backoff.D(), Max: ac.Retry.MaxBackoff.D(), Timeout: ac.Retry.Timeout.D()},
		SourceSilentAfter: ac.SourceSilentAfter.D(),
	}
	depts := make([]alerts.Department, 0, len(ac.Departments))
	for i, d := range ac.Departments {
		key := fmt.Sprintf("alerts.departments[%d]", i)
		loc, err := ac.Location(d.Timezone)
		if err != nil {
			return o, fmt.Errorf("%s.timezone: %w", key, err)
		}
		dep := alerts.Department{ID: d.ID, Name: d.Name, NameEn: d.NameEn, Chat: d.Chat, FocalPoints: contacts(d.FocalPoints), OnCall: contacts(d.OnCall)}
		if d.DutyHours.Start == "" && d.DutyHours.End == "" {
			// No duty hours: always on duty, so the focal points hear
			// about everything.
			dep.Duty = schedule.Window{Start: 0, End: 24 * 60, Loc: loc}
		} else if dep.Duty, err = window(d.DutyHours.Days, d.DutyHours.Start, d.DutyHours.End, loc); err != nil {
			return o, fmt.Errorf("%s.duty_hours: %w", key, err)
		}
		depts = append(depts, dep)
	}
	o.Directory = alerts.NewDirectory(depts)
	if ac.Route != nil {
		root, err := route.New(routeSpec(*ac.Route))
		if err != nil {
			return o, fmt.Errorf("alerts.%w", err)
		}
		o.Route = root
	}
	for i, s := range ac.Silences {
		sl := silence.Silence{ID: s.ID, Matchers: s.Matchers, CreatedBy: s.CreatedBy, Comment: s.Comment}
		var err error
		if s.Starts != "" {
			if sl.Starts, err = time.Parse(time.RFC3339, s.Starts); err != nil {
				return o, fmt.Errorf("alerts.silences[%d].starts: %w", i, err)
			}
		}
		if sl.Ends, err = time.Parse(time.RFC3339, s.Ends); err != nil {
			return o, fmt.Errorf("alerts.silences[%d].ends: %w", i, err)
		}
		if sl.ID == "" {
			sl.ID = fmt.Sprintf("config-%d", i)
		}
		o.Silences = append(o.Silences, sl)
	}
	return o, nil
}

// receiverPolicy applies a receiver's quiet hours and digest settings.
func receiverPolicy(ac config.Alerts, r config.Receiver, rc *alerts.Receiver) error {
	key := "alerts.receivers " + r.Name
	if q := r.QuietHours; q != nil {
		loc, err := ac.Location(q.Timezone)
		if err != nil {
			return fmt.Errorf("%s quiet_hours.timezone: %w", key, err)
		}
		w, err := window(q.Days, q.Start, q.End, loc)
		if err != nil {
			return fmt.Errorf("%s quiet_hours: %w", key, err)
		}
		rc.QuietHours = &w
	}
	if d := r.Digest; d != nil {
		loc, err := ac.Location("")
		if err != nil {
			return fmt.Errorf("alerts.timezone: %w", err)
		}
		every := time.Hour
		if d.Every == "daily" {
			every = 24 * time.Hour
		}
		rc.Digest = &alerts.Digest{Every: every, MaxSeverity: article.Severity(d.MaxSeverity), Loc: loc}
	}
	return nil
}

func window(days []string, start, end string, loc *time.Location) (schedule.Window, error) {
	w := schedule.Window{Loc: loc}
	var err error
	if w.Days, err = schedule.ParseDays(days); err != nil {
		return w, err
	}
	if w.Start, err = schedule.ParseClock(start); err != nil {
		return w, err
	}
	if w.End, err = schedule.ParseClock(end); err != nil {
		return w, err
	}
	return w, nil
}

func contacts(list []config.Contact) []alerts.Contact {
	out := make([]alerts.Contact, len(list))
	for i, c := range list {
		out[i] = alerts.Contact{Name: c.Name, Email: c.Email, Telegram: c.Telegram, Zalo: c.Zalo}
	}
	return out
}

func routeSpec(r config.AlertRoute) route.Spec {
	s := route.Spec{
		Matchers: r.Matchers, Receivers: r.Receivers, ToDepartment: r.ToDepartment, Continue: r.Continue, GroupBy: r.GroupBy,
		Timing: route.Timing{GroupWait: r.GroupWait.D(), GroupInterval: r.GroupInterval.D(), RepeatInterval: r.RepeatInterval.D()},
	}
	for _, c := range r.Routes {
		s.Routes = append(s.Routes, routeSpec(c))
	}
	return s
}

// receiverChannel is the contact channel a receiver kind delivers on, for
// routes that address departments: e-mail receivers take the contacts'
// e-mail addresses, Telegram receivers their chat IDs, Zalo receivers
// their user IDs. Webhooks and the log have fixed destinations.
func receiverChannel(r config.Receiver) string {
	switch {
	case r.Email != nil:
		return alerts.ChannelEmail
	case r.Telegram != nil:
		return alerts.ChannelTelegram
	case r.Zalo != nil:
		return alerts.ChannelZalo
	}
	return "" // log, webhook and Slack-compatible hooks have fixed destinations
}

// watchAlertsConfig reads the configuration file again when it changes and
// installs its routing tree, departments and escalation in the running
// alert service. A change is applied once the file reads the same at two
// checks in a row, as the rules and sources watchers do, so that a file
// caught half-written by an editor (which may still be valid YAML) is not
// installed. A file that does not load or validate is refused with its
// FILE:LINE errors, and the routing in force stays. Receivers, their quiet
// hours and digests, and silences from the file take a restart.
func (a *App) watchAlertsConfig(ctx context.Context, svc *alerts.Service, every time.Duration) {
	path := a.cfg.Path()
	if path == "" {
		return
	}
	watch := settled{active: fileSum(path)}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !watch.next(fileSum(path)) {
			continue
		}
		if err := a.reloadAlerts(path, svc); err != nil {
			a.log.Error("alert routing reload refused; the routing in force stays", "file", path, "err", err)
			continue
		}
		a.log.Info("alert routing reloaded", "file", path)
	}
}

// settled decides when a watched file's new content may be applied.
type settled struct {
	active, pending [sha256.Size]byte
}

// next takes the latest read's checksum and reports whether to apply it:
// it differs from the active content and the previous read saw the same.
// A refused file counts as applied, so that it is reported once, not at
// every check.
func (s *settled) next(sum [sha256.Size]byte) bool {
	if sum == s.active {
		s.pending = s.active
		return false
	}
	if sum != s.pending {
		s.pending = sum
		return false
	}
	s.active = sum
	return true
}

// fileSum is the checksum of path's content; an unreadable file sums as
// empty, and its reload reports why.
func fileSum(path string) [sha256.Size]byte {
	b, _ := os.ReadFile(path)
	return sha256.Sum256(b)
}

// reloadAlerts loads path and installs its routing in svc.
func (a *App) reloadAlerts(path string, svc *alerts.Service) error {
	cfg, err := config.Load(path, os.Environ())
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(cfg.Alerts.Receivers, a.cfg.Alerts.Receivers) {
		a.log.Warn("alerts.receivers changed: the new receivers take a restart; routing to the running ones is reloaded")
	}
	o, err := alertOptions(cfg.Alerts, nil)
	if err != nil {
		return err
	}
	return svc.Reroute(o.Route, o.Directory, o.Escalation)
}

// actionLinks makes the signer of one-tap links: with the configured
// secret, else with the key shared through NATS KV.
func actionLinks(ctx context.Context, c config.ActionLinks, b *bus.Bus) (*actionlink.Signer, error) {
	key := []byte(c.Secret.Reveal())
	if len(key) == 0 {
		var err error
		if key, err = actionlink.SharedKey(ctx, b.KV(bus.BucketAlertKeys)); err != nil {
			return nil, err
		}
	}
	s, err := actionlink.NewSigner(key, c.TTL.D())
	if err != nil {
		return nil, fmt.Errorf("alerts.action_links.secret: %w", err)
	}
	return s, nil
}
