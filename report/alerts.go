package report

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/indexer"
)

// fromAlerts fills the sections the alert store tells: sensitive issues
// and response times, official responses, spikes.
func (b *Builder) fromAlerts(ctx context.Context, r *Report) error {
	all, err := b.alerts.List(ctx, alerts.ListOptions{Since: r.Previous.From})
	if err != nil {
		return err
	}
	in := func(t time.Time, p Period) bool { return !t.Before(p.From) && t.Before(p.To) }
	var cur, prev []*alerts.Alert
	for _, al := range all {
		switch {
		case al.Type == alerts.TypeSpike && in(al.Created, r.Period):
			r.Spikes = append(r.Spikes, Spike{Title: al.Title, Detail: al.Detail, At: al.Created.In(b.o.Location)})
		case al.Type != alerts.TypeArticle:
		case in(al.Created, r.Period):
			cur = append(cur, al)
		case in(al.Created, r.Previous):
			prev = append(prev, al)
		}
		if al.Response != nil && in(al.Response.At, r.Period) {
			r.Responses = append(r.Responses, Response{
				Alert: al.ID, Title: al.Title, Department: first(al.Departments), Link: al.Response.Link,
				By: al.Response.By, At: al.Response.At.In(b.o.Location), After: al.Response.At.Sub(al.Created),
			})
		}
	}
	slices.SortFunc(r.Spikes, func(a, b Spike) int { return a.At.Compare(b.At) })
	slices.SortFunc(r.Responses, func(a, b Response) int { return a.At.Compare(b.At) })
	s := &r.Sensitive
	s.Total, s.Previous, s.Target = len(cur), len(prev), b.o.Target
	topics, prevTopics := map[string]uint64{}, map[string]uint64{}
	for _, al := range cur {
		for _, l := range al.Labels {
			topics[l]++
		}
	}
	for _, al := range prev {
		for _, l := range al.Labels {
			prevTopics[l]++
		}
	}
	s.ByTopic = rows(topics, prevTopics, 0)
	s.Overall = b.kpi("", cur, prev, r.Period.To)
	depts := map[string]bool{}
	for _, al := range cur {
		depts[deptOf(al)] = true
	}
	for _, d := range slices.Sorted(maps.Keys(depts)) {
		s.ByDepartment = append(s.ByDepartment, b.kpi(d, cur, prev, r.Period.To))
	}
	slices.SortStableFunc(s.ByDepartment, func(a, b KPI) int { return cmp.Compare(b.Alerts, a.Alerts) })
	return nil
}

// noDepartment keys the alerts routed to no department.
const noDepartment = "none"

func deptOf(al *alerts.Alert) string {
	if d := first(al.Departments); d != "" {
		return d
	}
	return noDepartment
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// kpi measures the alerts of one department (all when dept is ""), as
// things stood at end: what happened later is not this period's.
func (b *Builder) kpi(dept string, cur, prev []*alerts.Alert, end time.Time) KPI {
	k := KPI{Key: dept, Name: b.o.Departments[dept]}
	if dept == "" {
		k.Key = "all"
	}
	var acks, resps []time.Duration
	for _, al := range cur {
		if dept != "" && deptOf(al) != dept {
			continue
		}
		k.Alerts++
		if !al.Acknowledged.IsZero() && al.Acknowledged.Before(end) {
			acks = append(acks, al.Acknowledged.Sub(al.Created))
		}
		if !al.Responded.IsZero() && al.Responded.Before(end) {
			d := al.Responded.Sub(al.Created)
			resps = append(resps, d)
			if d <= b.o.Target {
				k.WithinTarget++
			}
		}
		if statusAt(al, end).Open() {
			k.Open++
		}
	}
	for _, al := range prev {
		if dept == "" || deptOf(al) == dept {
			k.Previous++
		}
	}
	k.MedianAck, k.MedianRespond = median(acks), median(resps)
	return k
}

// statusAt is the alert's status at t, from its history.
func statusAt(al *alerts.Alert, t time.Time) alerts.Status {
	st := alerts.StatusNew
	for _, c := range al.History {
		if !c.At.Before(t) {
			break
		}
		if c.To != "" {
			st = c.To
		}
	}
	return st
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	if len(ds)%2 == 1 {
		return ds[len(ds)/2]
	}
	return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
}

// maxCopies bounds the copies of misleading articles read in a period.
const maxCopies = 500

// misleading lists the cases with their copies published in the period,
// and the cases marked in it.
func (b *Builder) misleading(ctx context.Context, r *Report) error {
	if b.cases == nil {
		return nil
	}
	cases, err := b.cases.Cases(ctx)
	if err != nil {
		return err
	}
	res, err := b.idx.Search(ctx, indexer.SearchRequest{From: r.Period.From, To: r.Period.To, Labels: []string{"misleading"}, Sort: "newest", Limit: maxCopies})
	if err != nil {
		return err
	}
	copies := map[string]*Case{}
	for _, h := range res.Hits {
		v, err := b.idx.Get(ctx, h.ID)
		if err != nil {
			return err
		}
		for _, m := range v.Matches {
			if m.CaseID == "" {
				continue
			}
			c := copies[m.CaseID]
			if c == nil {
				c = &Case{}
				copies[m.CaseID] = c
			}
			c.Copies++
			if !slices.Contains(c.Outlets, v.Source) {
				c.Outlets = append(c.Outlets, v.Source)
			}
		}
	}
	for _, c := range cases {
		got := copies[c.ID]
		marked := !c.MarkedAt.Before(r.Period.From) && c.MarkedAt.Before(r.Period.To)
		if got == nil && !marked {
			continue
		}
		row := Case{ID: c.ID, Title: c.Title, URL: c.URL, Rebuttal: c.RebuttalURL, MarkedAt: c.MarkedAt.In(b.o.Location)}
		if got != nil {
			row.Copies, row.Outlets = got.Copies, got.Outlets
			slices.Sort(row.Outlets)
		}
		r.Misleading = append(r.Misleading, row)
	}
	slices.SortStableFunc(r.Misleading, func(a, b Case) int { return cmp.Compare(b.Copies, a.Copies) })
	return nil
}
