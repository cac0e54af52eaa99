package alerts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// MigrateIncidents folds the article alerts of older versions, one per
// story and rule (group key "story:S|rule:R"), into incidents, one per
// story and department, and deletes them; it returns how many it folded.
// Every replica may run it at start at once: each incident remembers the
// alerts merged into it (MergedFrom) and merges with compare-and-set, so
// an old alert is folded once however many processes, or a crash between
// the merge and the delete, see it again.
func MigrateIncidents(ctx context.Context, kv jetstream.KeyValue) (int, error) {
	all, err := listJSON[Alert](ctx, kv, nil)
	if err != nil {
		return 0, fmt.Errorf("migrate alerts: %w", err)
	}
	// Oldest first, so the incident keeps the first alert's title and
	// lifecycle when there is nothing to choose between.
	slices.SortFunc(all, func(a, b *Alert) int { return a.Created.Compare(b.Created) })
	n := 0
	for _, old := range all {
		prefix, _, ok := strings.Cut(old.GroupKey, "|rule:")
		if !ok || old.Type != TypeArticle && old.Type != "" {
			continue
		}
		depts := old.Departments
		if len(depts) == 0 {
			depts = []string{""}
		}
		for _, d := range depts {
			key := prefix + "|dept:" + d
			if _, _, err := casUpdate(ctx, kv, alertID(key), func(in *Alert, exists bool) error {
				if exists && slices.Contains(in.MergedFrom, old.ID) {
					return errNoWrite
				}
				if !exists {
					*in = *migrated(old, key, d)
					return nil
				}
				in.merge(old)
				return nil
			}); err != nil {
				return n, fmt.Errorf("migrate alert %s: %w", old.ID, err)
			}
		}
		if err := kv.Delete(ctx, old.ID); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			return n, fmt.Errorf("migrate alert %s: delete: %w", old.ID, err)
		}
		n++
	}
	return n, nil
}

// migrated is old as the first alert of the incident at key.
func migrated(old *Alert, key, dept string) *Alert {
	in := *old
	in.ID, in.GroupKey, in.MergedFrom = alertID(key), key, []string{old.ID}
	in.Departments = nil
	if dept != "" {
		in.Departments = []string{dept}
	}
	in.Rules = slices.Clone(old.Rules)
	for i := range in.Rules {
		if in.Rules[i].Severity == "" {
			in.Rules[i].Severity = old.Severity
		}
		if in.Rules[i].Added.IsZero() {
			in.Rules[i].Added = old.Created
		}
	}
	in.Changes = old.ArticleCount + len(in.Rules)
	in.History = append(slices.Clone(old.History), Change{At: old.Updated, By: "presswatch", Action: "migrated", Note: "from alert " + old.ID})
	return &in
}

// merge folds the old per-rule alert o into the incident: its reasons,
// articles and severity join; the lifecycle stays the one furthest along
// while still open (an acknowledged alert stays acknowledged), else the
// incident's.
func (al *Alert) merge(o *Alert) {
	m := migrated(o, al.GroupKey, "")
	for _, r := range m.Rules {
		if !slices.ContainsFunc(al.Rules, func(x RuleRef) bool { return x.ID == r.ID }) {
			al.Rules = append(al.Rules, r)
		}
	}
	for _, a := range o.Articles {
		if !slices.ContainsFunc(al.Articles, func(x ArticleRef) bool { return x.ID == a.ID }) && len(al.Articles) < maxArticleRefs {
			al.Articles = append(al.Articles, a)
		}
		al.Sources = appendNew(al.Sources, a.Source)
	}
	al.ArticleCount = max(al.ArticleCount, o.ArticleCount, len(al.Articles))
	for _, l := range o.Labels {
		al.Labels = appendNew(al.Labels, l)
	}
	al.Severity = maxSeverity(al.Severity, o.Severity)
	if o.Created.Before(al.Created) {
		al.Created = o.Created
	}
	if o.Updated.After(al.Updated) {
		al.Updated = o.Updated
	}
	if statusRank(o.Status) > statusRank(al.Status) {
		al.Status, al.Assignee, al.Response, al.Dismissal = o.Status, o.Assignee, o.Response, o.Dismissal
		al.Acknowledged, al.Responded, al.Closed = o.Acknowledged, o.Responded, o.Closed
	}
	al.History = append(al.History, m.History...)
	slices.SortStableFunc(al.History, func(a, b Change) int { return a.At.Compare(b.At) })
	al.MergedFrom = append(al.MergedFrom, o.ID)
	al.Changes += m.Changes
}

// statusRank orders statuses for a merge: any open status outranks a
// finished one, and among open ones the furthest along wins.
func statusRank(s Status) int {
	return map[Status]int{StatusDismissed: 1, StatusClosed: 2, StatusNew: 3, StatusAcknowledged: 4, StatusAssigned: 5, StatusResponded: 6}[s]
}
