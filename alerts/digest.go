package alerts

import (
	"context"
	"strconv"
	"time"
)

// digestPeriodEnd is the end of the digest period holding now.
func digestPeriodEnd(d *Digest, now time.Time) time.Time {
	if d.Every >= 24*time.Hour {
		loc := d.Loc
		if loc == nil {
			loc = time.UTC
		}
		lt := now.In(loc)
		return time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, loc).UTC()
	}
	return now.Truncate(d.Every).Add(d.Every)
}

func (s *Service) addToDigest(ctx context.Context, rc *Receiver, ids []string, now time.Time) error {
	_, _, err := casUpdate(ctx, s.groups, recDigest+"."+rc.Name, func(r *record, exists bool) error {
		if !exists {
			*r = record{Kind: recDigest, Receiver: rc.Name}
		}
		n := len(r.Items)
		for _, id := range ids {
			r.Items = appendNew(r.Items, id)
		}
		if len(r.Items) == n {
			return errNoWrite
		}
		if r.Due.IsZero() && len(r.Outbox) == 0 {
			r.Due = digestPeriodEnd(rc.Digest, now)
		} else if len(r.Outbox) > 0 && r.After.IsZero() {
			r.After = digestPeriodEnd(rc.Digest, now)
		}
		return nil
	})
	return err
}

func (s *Service) flushDigest(r *record, now time.Time) error {
	rc := s.recv[r.Receiver]
	if rc == nil || len(r.Items) == 0 {
		r.Due = time.Time{}
		return nil
	}
	if rc.QuietHours != nil && rc.QuietHours.Contains(now) {
		s.m.suppressed.WithLabelValues("quiet_hours").Inc()
		r.Due = rc.QuietHours.NextEnd(now)
		return nil
	}
	r.Seq++
	r.Outbox = []pending{{Key: "digest/" + rc.Name + "/" + strconv.FormatInt(r.Due.Unix(), 10), Kind: KindDigest, Receiver: rc.Name, Alerts: r.Items, Created: now}}
	r.Items, r.After, r.Due = nil, time.Time{}, now
	return nil
}
