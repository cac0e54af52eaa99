// Package schedule builds, archives and e-mails reports at the times the
// configuration sets (cron). Several processes may run schedules at once:
// each run is claimed in the report_runs bucket, so one of them does it.
package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/robfig/cron/v3"

	"github.com/presswatch/presswatch/alerts/notify/email"
	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/archive"
	"github.com/presswatch/presswatch/report/render"
)

// Mailer sends one message (email.Notifier): an error a retry may cure is
// a notify.TemporaryError, but the schedule retries any error, since a
// report missed is worse than a second attempt.
type Mailer interface {
	Send(ctx context.Context, m email.Message) error
}

// Job is one configured schedule.
type Job struct {
	Name   string
	Spec   cron.Schedule
	To     []string
	Lang   string
	Mailer Mailer
}

// Options of a Scheduler.
type Options struct {
	Jobs      []Job
	Publisher archive.Publisher
	// Runs is the report_runs bucket.
	Runs     jetstream.KeyValue
	Location *time.Location
	// Attempts and Backoff bound the e-mail's retries (default 5 and 1m,
	// doubling).
	Attempts int
	Backoff  time.Duration
	// CatchUp is how late a missed run is still made when the process
	// starts (default 24h): a server down at 07:00 on Monday sends the
	// report when it is back.
	CatchUp time.Duration
	Log     *slog.Logger
	Now     func() time.Time
}

// Scheduler runs the jobs.
type Scheduler struct{ o Options }

// New checks o and fills defaults.
func New(o Options) (*Scheduler, error) {
	if o.Runs == nil || o.Publisher.Builder == nil {
		return nil, errors.New("report schedule: needs the report_runs bucket and a publisher")
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Attempts <= 0 {
		o.Attempts = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Minute
	}
	if o.CatchUp <= 0 {
		o.CatchUp = 24 * time.Hour
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Scheduler{o: o}, nil
}

// Run makes each job's runs until ctx ends, beginning with a run missed
// within CatchUp.
func (s *Scheduler) Run(ctx context.Context) error {
	tasks := make([]Task, 0, len(s.o.Jobs))
	for _, j := range s.o.Jobs {
		tasks = append(tasks, Task{Name: j.Name, Spec: j.Spec, Do: func(ctx context.Context, at time.Time) error { return s.Fire(ctx, j, at) }})
	}
	Loop(ctx, tasks, LoopOptions{Location: s.o.Location, CatchUp: s.o.CatchUp, Now: s.o.Now, Log: s.o.Log})
	return nil
}

// Task is work done at the times of a cron schedule: a scheduled report,
// the saved searches' daily digest. Do must be safe to call for a time
// already done (another process, or an earlier start, may have done it):
// the loop makes a run missed while the process was down when it starts.
type Task struct {
	Name string
	Spec cron.Schedule
	Do   func(ctx context.Context, at time.Time) error
}

// LoopOptions of Loop; zero values take Scheduler's defaults.
type LoopOptions struct {
	Location *time.Location
	CatchUp  time.Duration
	Now      func() time.Time
	Log      *slog.Logger
}

// Loop runs each task at its times until ctx ends, beginning with a run
// missed within CatchUp. An error is logged; the next time comes anyway.
func Loop(ctx context.Context, tasks []Task, o LoopOptions) {
	if len(tasks) == 0 {
		return
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.CatchUp <= 0 {
		o.CatchUp = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	fire := func(t Task, at time.Time) {
		if err := t.Do(ctx, at); err != nil && ctx.Err() == nil {
			o.Log.Error("scheduled task", "task", t.Name, "at", at, "err", err)
		}
	}
	now := o.Now().In(o.Location)
	for _, t := range tasks {
		if at, ok := previous(t.Spec, now, o.CatchUp); ok {
			fire(t, at)
		}
	}
	for {
		now = o.Now().In(o.Location)
		next, due := nextDue(tasks, now)
		timer := time.NewTimer(next.Sub(now))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		for _, t := range due {
			fire(t, next)
		}
	}
}

// nextDue is the next time any task fires, and the tasks firing then.
func nextDue(tasks []Task, now time.Time) (time.Time, []Task) {
	var next time.Time
	var due []Task
	for _, t := range tasks {
		at := t.Spec.Next(now)
		switch {
		case next.IsZero() || at.Before(next):
			next, due = at, []Task{t}
		case at.Equal(next):
			due = append(due, t)
		}
	}
	return next, due
}

// previous is the job's last time at or before now, if within window.
func previous(spec cron.Schedule, now time.Time, window time.Duration) (time.Time, bool) {
	var last time.Time
	for t := spec.Next(now.Add(-window)); !t.IsZero() && !t.After(now); t = spec.Next(t) {
		last = t
	}
	return last, !last.IsZero()
}

// Run is the record of one run in the report_runs bucket.
type Run struct {
	Schedule string    `json:"schedule"`
	Period   string    `json:"period"`
	Started  time.Time `json:"started"`
	// Status: building, archived (e-mail not yet sent), sent, failed
	// (not built) or unsent (archived, every e-mail attempt failed).
	Status   string          `json:"status"`
	Attempts int             `json:"attempts,omitempty"`
	Error    string          `json:"error,omitempty"`
	Files    []archive.Entry `json:"files,omitempty"`
}

// ErrClaimed is returned when another process (or an earlier start) made
// the run already.
var ErrClaimed = errors.New("run made already")

// Fire makes j's run at at: it reports on the whole week before at,
// archives every format, then sends the PDF, retrying the e-mail.
func (s *Scheduler) Fire(ctx context.Context, j Job, at time.Time) error {
	p := report.LastWeek(at, s.o.Location)
	key := j.Name + "." + p.Name()
	run := Run{Schedule: j.Name, Period: p.Name(), Started: s.o.Now(), Status: "building"}
	rev, err := s.o.Runs.Create(ctx, key, mustJSON(run))
	if errors.Is(err, jetstream.ErrKeyExists) {
		return nil // another process has it
	}
	if err != nil {
		return fmt.Errorf("claim run %s: %w", key, err)
	}
	save := func() {
		// Recorded even when ctx ends: the record is what shows the run.
		if r, err := s.o.Runs.Update(context.WithoutCancel(ctx), key, mustJSON(run), rev); err == nil {
			rev = r
		} else {
			s.o.Log.Error("scheduled report: record the run", "run", key, "err", err)
		}
	}
	pub, err := s.o.Publisher.Publish(ctx, p, j.Lang, "schedule:"+j.Name)
	if err != nil {
		run.Status, run.Error = "failed", err.Error()
		save()
		return fmt.Errorf("run %s: %w", key, err)
	}
	run.Status, run.Files = "archived", pub.Entries
	save()
	s.o.Log.Info("scheduled report archived", "run", key, "files", len(pub.Entries))
	n, err := report.NewNames(j.Lang, nil)
	if err != nil {
		return err
	}
	msg := email.Message{
		Key:     "report." + key,
		Subject: n.T("title") + " " + n.PeriodText(p),
		Text:    fmt.Sprintf("%s\n%s: %s\n\n%s: %d\n", n.T("title"), n.T("period"), n.PeriodText(p), n.T("row.total"), pub.Report.Volume.Total),
		To:      j.To,
		Attachments: []email.Attachment{{
			Name: render.FileName(p, render.PDF), ContentType: render.PDF.ContentType(), Data: pub.Files[render.PDF],
		}},
	}
	wait := s.o.Backoff
	for run.Attempts < s.o.Attempts {
		run.Attempts++
		if err = j.Mailer.Send(ctx, msg); err == nil {
			run.Status, run.Error = "sent", ""
			save()
			s.o.Log.Info("scheduled report sent", "run", key, "to", len(j.To), "attempts", run.Attempts)
			return nil
		}
		run.Error = err.Error()
		save()
		s.o.Log.Warn("scheduled report: e-mail failed, will retry", "run", key, "attempt", run.Attempts, "err", err)
		if run.Attempts == s.o.Attempts {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	run.Status = "unsent"
	save()
	return fmt.Errorf("run %s: archived, but the e-mail failed %d times: %w", key, run.Attempts, err)
}

// Runs lists the recorded runs.
func Runs(ctx context.Context, kv jetstream.KeyValue) ([]Run, error) {
	keys, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	var out []Run
	for k := range keys.Keys() {
		e, err := kv.Get(ctx, k)
		if err != nil {
			continue
		}
		var r Run
		if json.Unmarshal(e.Value(), &r) == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // a Run always marshals
	}
	return b
}
