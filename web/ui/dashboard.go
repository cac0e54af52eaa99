package ui

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
)

// Count is one labelled number.
type Count struct {
	Key   string
	Count int
}

type dashboardData struct {
	Total        uint64
	PerDay       Chart
	Labels       Chart
	Sources      []indexer.FacetCount
	OpenByDept   []Count
	OpenTotal    int
	From, To     string
	SearchFailed bool
	// Median time to acknowledge and to respond over the alerts of the
	// period that got there, and how many did.
	TTA, TTR   time.Duration
	NAck, NRsp int
	// Stories are the week's alerted stories that spread furthest.
	Stories []storyRow
	// Trends are the charts; Periods the choices of days.
	Trends  *trends
	Periods []int
	Days    int
}

type storyRow struct {
	ID, Title       string
	Articles, Sites int
	Severity        string
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func (u *UI) dashboard(w http.ResponseWriter, r *http.Request) {
	now := u.d.Now()
	days := 30
	if n, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && slices.Contains(dashboardPeriods(), n) {
		days = n
	}
	per := lastDays(now, days)
	from := per.From
	d := &dashboardData{From: from.Format(time.DateOnly), To: per.Last().Format(time.DateOnly), Periods: dashboardPeriods(), Days: days}
	p := u.page(r, "dashboard", d)
	p.Title = p.T("dashboard.title")
	if u.d.Search != nil {
		u.fillArticleTiles(r.Context(), d, from, per.To)
	}
	// Two lists, each filtered before any limit: every open alert,
	// however old, and every alert of the period.
	open, err := u.listAlerts(r.Context(), alerts.ListOptions{Statuses: openStatuses})
	if err != nil {
		u.log.Error("dashboard alerts", "err", err)
	}
	list, err := u.listAlerts(r.Context(), alerts.ListOptions{Since: from})
	if err != nil {
		u.log.Error("dashboard alerts", "err", err)
	}
	d.fillResponseTimes(list)
	d.fillOpenByDept(open)
	d.fillStories(list, now.AddDate(0, 0, -7))
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	if d.Trends, err = u.trendCharts(ctx, p, per, list, open); err != nil {
		u.log.Error("dashboard trends", "err", err)
	}
	u.render(w, http.StatusOK, "dashboard", p)
}

// fillArticleTiles counts the period's articles, per day, label and
// source, from one faceted search.
func (u *UI) fillArticleTiles(ctx context.Context, d *dashboardData, from, to time.Time) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := u.d.Search.Search(ctx, indexer.SearchRequest{From: from, To: to, Facets: true, Limit: 1, Sort: "newest"})
	if err != nil {
		u.log.Error("dashboard search", "err", err)
		d.SearchFailed = true
		return
	}
	d.Total = res.Total
	d.PerDay = barChart(res.PerDay, 600, 100)
	d.Labels = barChart(res.Facets["label"], 600, 100)
	d.Sources = res.Facets["source"]
}

// fillResponseTimes sets the median times to acknowledge and to respond
// over the period's alerts that got there.
func (d *dashboardData) fillResponseTimes(list []*alerts.Alert) {
	var tta, ttr []time.Duration
	for _, a := range list {
		if !a.Acknowledged.IsZero() {
			tta = append(tta, a.Acknowledged.Sub(a.Created))
		}
		if !a.Responded.IsZero() {
			ttr = append(ttr, a.Responded.Sub(a.Created))
		}
	}
	d.TTA, d.TTR, d.NAck, d.NRsp = median(tta), median(ttr), len(tta), len(ttr)
}

// fillOpenByDept counts the open alerts, in all and per department
// ("—" for none), most first.
func (d *dashboardData) fillOpenByDept(open []*alerts.Alert) {
	by := map[string]int{}
	for _, a := range open {
		d.OpenTotal++
		if len(a.Departments) == 0 {
			by["—"]++
		}
		for _, dep := range a.Departments {
			by[dep]++
		}
	}
	for k, n := range by {
		d.OpenByDept = append(d.OpenByDept, Count{k, n})
	}
	slices.SortFunc(d.OpenByDept, func(a, b Count) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Key, b.Key)
	})
}

// fillStories lists the ten alerted stories of the week that spread
// furthest: most sites, then most articles. A story that concerns several
// departments has an incident for each; it is listed once, by its most
// severe incident, so the list counts stories rather than departments.
func (d *dashboardData) fillStories(list []*alerts.Alert, week time.Time) {
	byStory := map[string]int{} // story -> index in d.Stories
	for _, a := range list {
		if a.Created.Before(week) || a.Type != alerts.TypeArticle {
			continue
		}
		n := max(a.ArticleCount, len(a.Articles))
		row := storyRow{ID: a.ID, Title: a.Title, Articles: n, Sites: len(a.Sources), Severity: string(a.Severity)}
		key := a.StoryID
		if key == "" {
			key = "alert:" + a.ID
		}
		i, seen := byStory[key]
		if !seen {
			byStory[key] = len(d.Stories)
			d.Stories = append(d.Stories, row)
			continue
		}
		prev := d.Stories[i]
		if a.Severity.Rank() <= article.Severity(prev.Severity).Rank() {
			row.ID, row.Title, row.Severity = prev.ID, prev.Title, prev.Severity
		}
		row.Articles, row.Sites = max(row.Articles, prev.Articles), max(row.Sites, prev.Sites)
		d.Stories[i] = row
	}
	slices.SortStableFunc(d.Stories, func(x, y storyRow) int {
		if x.Sites != y.Sites {
			return y.Sites - x.Sites
		}
		return y.Articles - x.Articles
	})
	d.Stories = d.Stories[:min(len(d.Stories), 10)]
}
