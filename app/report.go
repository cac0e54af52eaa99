package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/presswatch/presswatch/alerts/notify/email"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/archive"
	"github.com/presswatch/presswatch/report/render"
	"github.com/presswatch/presswatch/report/schedule"
	"github.com/presswatch/presswatch/textnorm"
	"github.com/presswatch/presswatch/web"
	"github.com/presswatch/presswatch/web/ui"
)

// reportZone is report.timezone, else alerts.timezone, else the default.
func reportZone(cfg config.Config) (*time.Location, error) {
	name := cfg.Report.Timezone
	if name == "" {
		name = cfg.Alerts.Timezone
	}
	if name == "" {
		name = config.DefaultTimezone
	}
	return time.LoadLocation(name)
}

// reportOptions turns the report section into the builder's options.
// Places default to the rules' "province" list, one entry per place
// (an unaccented spelling of a listed name is the same place).
func (a *App) reportOptions() (report.Options, error) {
	rc := a.cfg.Report
	loc, err := reportZone(a.cfg)
	if err != nil {
		return report.Options{}, fmt.Errorf("report.timezone: %w", err)
	}
	o := report.Options{
		Location: loc, Departments: departmentNames(a.cfg.Alerts).In("vi"), Target: rc.ResponseTarget.D(),
		Stories: rc.TopStories, Outlets: rc.TopOutlets, Foreign: rc.ForeignLangs,
	}
	for _, p := range rc.Policies {
		o.Policies = append(o.Policies, report.Topic{ID: p.ID, Name: p.Name, Query: p.Query})
	}
	places := rc.Places
	if len(places) == 0 {
		places, _ = a.lists("province")
	}
	seen := map[string]bool{}
	for _, p := range places {
		key := textnorm.Fold(p)
		if seen[key] {
			continue
		}
		seen[key] = true
		o.Places = append(o.Places, report.Topic{ID: p, Name: p, Query: `"` + p + `"`})
	}
	return o, nil
}

func (a *App) reportPublisher() (archive.Publisher, error) {
	o, err := a.reportOptions()
	if err != nil {
		return archive.Publisher{}, err
	}
	// This process's index, or any indexer's over NATS.
	var idx report.Index = indexer.Remote{NC: a.bus.Conn()}
	if a.index != nil {
		idx = a.index
	}
	b, err := report.NewBuilder(idx, a.alertStore, story.CaseList{KV: a.bus.KV(bus.BucketCases)}, o)
	if err != nil {
		return archive.Publisher{}, err
	}
	return archive.Publisher{Builder: b, Archive: archive.Archive{OBS: a.bus.Objects(bus.ObjectReports)}, Departments: departmentNames(a.cfg.Alerts)}, nil
}

// reportScheduler runs report.schedules with the SMTP account of each
// schedule's receiver.
func (a *App) reportScheduler(pub archive.Publisher) (*schedule.Scheduler, error) {
	var jobs []schedule.Job
	for i, s := range a.cfg.Report.Schedules {
		spec, err := config.CronParser().Parse(s.Cron)
		if err != nil {
			return nil, fmt.Errorf("report.schedules[%d].cron: %w", i, err)
		}
		j := slices.IndexFunc(a.cfg.Alerts.Receivers, func(r config.Receiver) bool { return r.Name == s.Receiver })
		if j < 0 {
			return nil, fmt.Errorf("report.schedules[%d].receiver: no receiver %q", i, s.Receiver)
		}
		n, err := notifier(a.cfg.Alerts.Receivers[j], a.log)
		if err != nil {
			return nil, fmt.Errorf("report.schedules[%d].receiver %s: %w", i, s.Receiver, err)
		}
		mailer, ok := n.(*email.Notifier)
		if !ok {
			return nil, fmt.Errorf("report.schedules[%d].receiver: %s is not an email receiver", i, s.Receiver)
		}
		lang := s.Lang
		if lang == "" {
			lang = a.cfg.Report.Lang
		}
		jobs = append(jobs, schedule.Job{Name: s.Name, Spec: spec, To: s.To, Lang: lang, Mailer: mailer})
	}
	return schedule.New(schedule.Options{
		Jobs: jobs, Publisher: pub, Runs: a.bus.KV(bus.BucketReportRuns), Location: pub.Builder.Location(), Log: a.log.With("component", "report-schedule"),
	})
}

// reportDesk serves the reports API and page.
type reportDesk struct {
	pub  archive.Publisher
	lang string
}

func (d reportDesk) period(req web.ReportRequest) (report.Period, error) {
	b := d.pub.Builder
	p, err := report.ParsePeriod(req.From, req.To, b.Now(), b.Location())
	if err != nil {
		return report.Period{}, web.BadInput(err)
	}
	return p, nil
}

func (d reportDesk) langOf(req web.ReportRequest) string {
	if req.Lang == "" {
		return d.lang
	}
	return req.Lang
}

// userError marks what the caller can fix (HTTP 400).
func userError(err error) error {
	if errors.Is(err, report.ErrNoData) || errors.Is(err, report.ErrEmptyPeriod) || errors.Is(err, report.ErrFuturePeriod) || errors.Is(err, indexer.ErrBadQuery) {
		return web.BadInput(err)
	}
	return err
}

func (d reportDesk) Render(ctx context.Context, req web.ReportRequest) (*web.ReportFile, error) {
	f, err := render.ParseFormat(req.Format)
	if err != nil {
		return nil, web.BadInput(err)
	}
	p, err := d.period(req)
	if err != nil {
		return nil, err
	}
	r, err := d.pub.Builder.Build(ctx, p)
	if err != nil {
		return nil, userError(err)
	}
	n, err := report.NewNames(d.langOf(req), d.pub.Departments.In(d.langOf(req)))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := render.Write(&buf, f, r, n); err != nil {
		return nil, err
	}
	return &web.ReportFile{Name: render.FileName(p, f), ContentType: f.ContentType(), Data: buf.Bytes()}, nil
}

func (d reportDesk) Publish(ctx context.Context, req web.ReportRequest, by string) (any, error) {
	p, err := d.period(req)
	if err != nil {
		return nil, err
	}
	pub, err := d.pub.Publish(ctx, p, d.langOf(req), by)
	if err != nil {
		return nil, userError(err)
	}
	return map[string]any{"period": p, "files": pub.Entries}, nil
}

func (d reportDesk) Archived(ctx context.Context) ([]web.ReportEntry, error) {
	list, err := d.pub.Archive.List(ctx)
	out := []web.ReportEntry{}
	for _, e := range list {
		out = append(out, web.ReportEntry{Name: e.Name, File: e.File, From: e.From, To: e.To, Lang: e.Lang, Format: string(e.Format), Size: e.Size, Created: e.Created, By: e.By})
	}
	return out, err
}

func (d reportDesk) File(ctx context.Context, name string) (*web.ReportFile, error) {
	e, data, err := d.pub.Archive.Get(ctx, name)
	if errors.Is(err, archive.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", web.ErrNotFound, err)
	}
	if err != nil {
		return nil, err
	}
	return &web.ReportFile{Name: e.File, ContentType: e.Format.ContentType(), Data: data}, nil
}

// reportDesk is the reports API's desk, nil without the web role.
func (a *App) reportDesk() web.ReportDesk {
	if a.reports == nil {
		return nil
	}
	return reportDesk{pub: *a.reports, lang: a.cfg.Report.Lang}
}

// tallier is the search backend's tally, when it has one.
func tallier(s web.Searcher) ui.Tallier {
	if t, ok := s.(ui.Tallier); ok {
		return t
	}
	return nil
}
