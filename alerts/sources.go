package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/classifier/spike"
	"github.com/presswatch/presswatch/sourcehealth"
)

// spikeAlert is the alert of a coverage spike: one per spike event.
func spikeAlert(ev spike.Event, now time.Time) *Alert {
	key := "spike:" + ev.ID()
	sev := article.SeverityMedium
	if ev.Ratio >= 5 {
		sev = article.SeverityHigh
	}
	al := &Alert{
		ID: alertID(key), GroupKey: key, Type: TypeSpike, Status: StatusNew, Severity: sev,
		Title:   fmt.Sprintf("Đột biến tin: %s — %d bài trong 1 %s (gấp %.1f lần bình thường)", ev.Key, ev.Count, windowVi(ev.Window), ev.Ratio),
		Detail:  fmt.Sprintf("%d articles in the %s to %s, %.1f× the baseline of %.1f; terms: %s", ev.Count, ev.Window, ev.At.UTC().Format(time.RFC3339), ev.Ratio, ev.Baseline, strings.Join(ev.Terms, ", ")),
		Sources: ev.Sources, Created: now, Updated: now,
		History: []Change{{At: now, By: "presswatch", Action: "raised", To: StatusNew}},
	}
	kind, val, _ := strings.Cut(ev.Key, ":")
	switch kind {
	case "rule":
		al.Rules = []RuleRef{{ID: val, Title: val, Terms: ev.Terms}}
	case "label":
		al.Labels = []string{val}
	case "story":
		al.StoryID = val
	}
	return al
}

func windowVi(w string) string {
	if w == "day" {
		return "ngày"
	}
	return "giờ"
}

func (s *Service) handleSpike(ctx context.Context, msg jetstream.Msg) error {
	var ev spike.Event
	if err := json.Unmarshal(msg.Data(), &ev); err != nil || ev.Key == "" {
		return bus.Permanent(fmt.Errorf("decode spike.detected: %v", err))
	}
	return s.raise(ctx, spikeAlert(ev, s.now().UTC()))
}

// raise stores an alert that does not grow (spikes, sources) once and
// routes it; raising it again only re-routes, which changes nothing.
func (s *Service) raise(ctx context.Context, fresh *Alert) error {
	created := false
	al, _, err := casUpdate(ctx, s.alerts, fresh.ID, func(al *Alert, exists bool) error {
		if exists {
			return errNoWrite
		}
		*al, created = *fresh, true
		return nil
	})
	if err != nil {
		return fmt.Errorf("alert %s: %w", fresh.ID, err)
	}
	if created {
		s.m.raised.WithLabelValues(al.Type, string(al.Severity)).Inc()
		s.log.Info("alert raised", "alert", al.ID, "type", al.Type, "severity", al.Severity, "title", al.Title)
	}
	return s.dispatch(ctx, al, time.Time{})
}

// sourceAlerts are the alerts a source's health calls for: paused after
// repeated failures, silent for longer than silentAfter, or extraction
// suddenly yielding far less text (the site's layout changed). Each
// episode is its own alert: the key holds when it began.
func sourceAlerts(h *sourcehealth.Health, silentAfter time.Duration, now time.Time) []*Alert {
	var out []*Alert
	mk := func(cond string, since time.Time, sev article.Severity, title, detail string) {
		key := "source:" + h.SourceID + "|" + cond + "|" + since.UTC().Format(time.RFC3339)
		out = append(out, &Alert{
			ID: alertID(key), GroupKey: key, Type: TypeSource, Status: StatusNew, Severity: sev,
			Title: title, Detail: detail, Sources: []string{h.SourceID}, Labels: []string{"source-" + cond},
			Created: now, Updated: now,
			History: []Change{{At: now, By: "presswatch", Action: "raised", To: StatusNew}},
		})
	}
	if h.Paused {
		mk("paused", h.PausedAt, article.SeverityHigh, "Nguồn "+h.SourceID+" đã tạm dừng sau nhiều lần lỗi",
			"paused: "+h.PausedReason+"; last error: "+h.LastError)
	} else if silentAfter > 0 && !h.LastSuccess.IsZero() && now.Sub(h.LastSuccess) >= silentAfter {
		hours := int(now.Sub(h.LastSuccess).Hours())
		mk("silent", h.LastSuccess, article.SeverityMedium, fmt.Sprintf("Nguồn %s im lặng %d giờ", h.SourceID, hours),
			fmt.Sprintf("no successful poll since %s; last error: %s", h.LastSuccess.UTC().Format(time.RFC3339), h.LastError))
	}
	if h.LayoutSuspect() {
		day := now.UTC().Truncate(24 * time.Hour)
		mk("extraction", day, article.SeverityMedium, "Nguồn "+h.SourceID+": trích xuất nội dung có thể đã hỏng",
			fmt.Sprintf("recent text length %.0f against an average of %.0f: the site's layout may have changed", h.RecentTextLen, h.AvgTextLen))
	}
	return out
}

// CheckSources raises alerts for sources in trouble (see sourceAlerts).
func (s *Service) CheckSources(ctx context.Context) error {
	all, err := sourcehealth.Store{KV: s.health}.List(ctx)
	if err != nil {
		return err
	}
	var watched map[string]bool
	if s.o.WatchedSources != nil {
		ids, err := s.o.WatchedSources()
		if err != nil {
			return fmt.Errorf("sources: %w", err)
		}
		watched = make(map[string]bool, len(ids))
		for _, id := range ids {
			watched[id] = true
		}
	}
	now := s.now().UTC()
	for _, h := range all {
		if watched != nil && !watched[h.SourceID] {
			continue // removed from the configuration or disabled
		}
		for _, al := range sourceAlerts(h, s.o.SourceSilentAfter, now) {
			if err := s.raise(ctx, al); err != nil {
				return err
			}
		}
	}
	return nil
}
