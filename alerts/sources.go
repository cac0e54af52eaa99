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
	"github.com/presswatch/presswatch/names"
	"github.com/presswatch/presswatch/sourcehealth"
)

// spikeAlert is the alert of a coverage spike: one per spike event,
// worded in Vietnamese and in English, naming a label by its name.
func spikeAlert(ev spike.Event, now time.Time) *Alert {
	key := "spike:" + ev.ID()
	sev := article.SeverityMedium
	if ev.Ratio >= 5 {
		sev = article.SeverityHigh
	}
	kind, val, _ := strings.Cut(ev.Key, ":")
	whatVi, whatEn := ev.Key, ev.Key
	title := ev.Title
	if title == "" {
		title = val
	}
	switch kind {
	case "rule":
		whatVi, whatEn = "quy tắc «"+title+"»", "rule “"+title+"”"
	case "label":
		whatVi, whatEn = "nhãn «"+names.Label(val, "vi")+"»", "label “"+names.Label(val, "en")+"”"
	case "story":
		whatVi, whatEn = "một sự việc", "one story"
	}
	winVi, winEn := "giờ", "hour"
	if ev.Window == "day" {
		winVi, winEn = "ngày", "day"
	}
	at := ev.At.In(ictZone).Format("15:04 02/01/2006")
	terms := strings.Join(ev.Terms, ", ")
	al := &Alert{
		ID: alertID(key), GroupKey: key, Type: TypeSpike, Status: StatusNew, Severity: sev,
		Title:    fmt.Sprintf("Đột biến tin: %s — %d bài trong 1 %s (gấp %.1f lần bình thường)", whatVi, ev.Count, winVi, ev.Ratio),
		TitleEn:  fmt.Sprintf("Coverage spike: %s — %d articles in one %s (%.1f× the usual)", whatEn, ev.Count, winEn, ev.Ratio),
		Detail:   fmt.Sprintf("%d bài trong 1 %s tính đến %s, gấp %.1f lần mức nền %.1f; từ khoá: %s", ev.Count, winVi, at, ev.Ratio, ev.Baseline, terms),
		DetailEn: fmt.Sprintf("%d articles in the %s to %s, %.1f× the baseline of %.1f; terms: %s", ev.Count, ev.Window, at, ev.Ratio, ev.Baseline, terms),
		Sources:  ev.Sources, Created: now, Updated: now,
		History: []Change{{At: now, By: "presswatch", Action: "raised", To: StatusNew}},
	}
	switch kind {
	case "rule":
		al.Rules = []RuleRef{{ID: val, Title: title, Terms: ev.Terms}}
	case "label":
		al.Labels = []string{val}
	case "story":
		al.StoryID = val
	}
	return al
}

// ictZone is the province's clock for the times alerts state.
var ictZone = time.FixedZone("ICT", 7*3600)

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
// episode is its own alert: the key holds when it began. name is the
// source's configured name (its ID when it has none).
func sourceAlerts(h *sourcehealth.Health, name string, silentAfter time.Duration, now time.Time) []*Alert {
	var out []*Alert
	type words struct{ title, detail string }
	mk := func(cond string, since time.Time, sev article.Severity, vi, en words) {
		key := "source:" + h.SourceID + "|" + cond + "|" + since.UTC().Format(time.RFC3339)
		out = append(out, &Alert{
			ID: alertID(key), GroupKey: key, Type: TypeSource, Status: StatusNew, Severity: sev,
			Title: vi.title, Detail: vi.detail, TitleEn: en.title, DetailEn: en.detail,
			Sources: []string{h.SourceID}, Labels: []string{"source-" + cond},
			Created: now, Updated: now,
			History: []Change{{At: now, By: "presswatch", Action: "raised", To: StatusNew}},
		})
	}
	if name == "" {
		name = h.SourceID
	}
	local := func(t time.Time) string { return t.In(ictZone).Format("15:04 02/01/2006") }
	if h.Paused {
		mk("paused", h.PausedAt, article.SeverityHigh,
			words{"Nguồn " + name + " đã tạm dừng sau nhiều lần lỗi", "tạm dừng: " + h.PausedReason + "; lỗi gần nhất: " + h.LastError},
			words{"Source " + name + " paused after repeated failures", "paused: " + h.PausedReason + "; last error: " + h.LastError})
	} else if silentAfter > 0 && !h.LastSuccess.IsZero() && now.Sub(h.LastSuccess) >= silentAfter {
		hours := int(now.Sub(h.LastSuccess).Hours())
		mk("silent", h.LastSuccess, article.SeverityMedium,
			words{fmt.Sprintf("Nguồn %s im lặng %d giờ", name, hours), fmt.Sprintf("không lấy được tin mới từ %s; lỗi gần nhất: %s", local(h.LastSuccess), h.LastError)},
			words{fmt.Sprintf("Source %s silent for %d hours", name, hours), fmt.Sprintf("no successful poll since %s; last error: %s", local(h.LastSuccess), h.LastError)})
	}
	if h.LayoutSuspect() {
		day := now.UTC().Truncate(24 * time.Hour)
		mk("extraction", day, article.SeverityMedium,
			words{"Nguồn " + name + ": trích xuất nội dung có thể đã hỏng", fmt.Sprintf("độ dài bài gần đây %.0f ký tự so với trung bình %.0f: bố cục trang có thể đã đổi", h.RecentTextLen, h.AvgTextLen)},
			words{"Source " + name + ": content extraction may be broken", fmt.Sprintf("recent text length %.0f against an average of %.0f: the site's layout may have changed", h.RecentTextLen, h.AvgTextLen)})
	}
	return out
}

// CheckSources raises alerts for sources in trouble (see sourceAlerts).
func (s *Service) CheckSources(ctx context.Context) error {
	all, err := sourcehealth.Store{KV: s.health}.List(ctx)
	if err != nil {
		return err
	}
	srcNames := s.sourceNames(ctx)
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
		for _, al := range sourceAlerts(h, srcNames[h.SourceID], s.o.SourceSilentAfter, now) {
			if err := s.raise(ctx, al); err != nil {
				return err
			}
		}
	}
	return nil
}

// sourceNames are the configured sources' names by ID (none without
// Options.SourceNames; a failed lookup is logged and names nothing).
func (s *Service) sourceNames(ctx context.Context) map[string]string {
	if s.o.SourceNames == nil {
		return nil
	}
	m, err := s.o.SourceNames(ctx)
	if err != nil {
		s.log.Warn("source names: messages show source IDs", "err", err)
	}
	return m
}

// nameSources records in n the names of al's outlets that have one.
func nameSources(n *Notification, al *Alert, names map[string]string) {
	add := func(id string) {
		if name := names[id]; name != "" {
			if n.SourceNames == nil {
				n.SourceNames = map[string]string{}
			}
			n.SourceNames[id] = name
		}
	}
	for _, id := range al.Sources {
		add(id)
	}
	for _, ar := range al.Articles {
		add(ar.Source)
	}
}
