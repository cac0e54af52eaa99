// Command presswatch-bench-report measures building the weekly report: it
// makes (or reuses) a data directory whose index holds -n articles, -week
// of them in the reported week and the rest over the eleven months before,
// then builds the report -runs times and renders every format, printing
// the median build time and the process's memory before and after.
//
// The data directory has presswatch's layout (index/, nats/), so
// `presswatch serve` can open it afterwards and `presswatch report` can
// ask it for the same week.
//
//	go run ./cmd/presswatch-bench-report -n 200000 -dir /tmp/pw-report-bench
//
// It is a benchmark, not a test: numbers depend on the machine and its load.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/render"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "presswatch-bench-report:", err)
		os.Exit(1)
	}
}

type config struct {
	n, week, runs, batch int
	dir, out             string
	weekStart            time.Time
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("presswatch-bench-report", flag.ContinueOnError)
	var c config
	var start string
	fs.IntVar(&c.n, "n", 100000, "articles in the index")
	fs.IntVar(&c.week, "week", 20000, "articles in the reported week")
	fs.IntVar(&c.runs, "runs", 5, "report builds to time")
	fs.IntVar(&c.batch, "batch", 2000, "articles per indexing batch")
	fs.StringVar(&c.dir, "dir", "", "data directory (kept; reused when its index holds articles)")
	fs.StringVar(&c.out, "out", "", "write the rendered files here")
	fs.StringVar(&start, "week-start", "", "Monday of the reported week (default: last week's)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return err
	}
	p := report.LastWeek(time.Now(), loc)
	if start != "" {
		d, err := time.ParseInLocation(time.DateOnly, start, loc)
		if err != nil {
			return err
		}
		p = report.Period{From: d, To: d.AddDate(0, 0, 7)}
	}
	c.weekStart = p.From
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "pw-report-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(c.dir)
	}
	idx, err := indexer.Open(filepath.Join(c.dir, "index"))
	if err != nil {
		return err
	}
	defer idx.Close()
	ctx := context.Background()
	b, err := bus.Open(ctx, bus.Options{StoreDir: filepath.Join(c.dir, "nats"), Name: "bench-report", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer b.Close()
	if have, _ := idx.Count(); have == 0 {
		if err := fill(c, idx, out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(out, "reusing %s: %d articles\n", c.dir, have)
	}
	return measure(ctx, c, p, idx, b, out)
}

// fill indexes the articles.
func fill(c config, idx *indexer.Index, out io.Writer) error {
	start := time.Now()
	labels := []string{"disaster", "health", "land", "environment", "accident", "scam", "service"}
	tiers := article.Tiers()
	yearStart := c.weekStart.AddDate(0, -11, 0)
	var batch []*article.Article
	archive := max(c.n-c.week, 1)
	span := c.weekStart.Sub(yearStart)
	for k := range c.n {
		// The archive first, then the week, each in order of publication,
		// as a live feed arrives: a batch touches one or two monthly
		// partitions, not all twelve (filling 1,000,000 articles in random
		// date order took hours).
		i := (k + c.week) % c.n
		r := rand.New(rand.NewPCG(7, uint64(i)))
		var at time.Time
		if i < c.week {
			at = c.weekStart.Add(time.Duration(float64(i) / float64(c.week) * float64(7*24*time.Hour)))
		} else {
			at = yearStart.Add(time.Duration(float64(i-c.week) / float64(archive) * float64(span)))
		}
		at = at.Add(time.Duration(r.Int64N(int64(time.Minute))))
		src := r.IntN(60)
		a := &article.Article{
			ID: fmt.Sprintf("%032x", i), URL: fmt.Sprintf("https://src%02d.example.vn/bai-%d.htm", src, i),
			SourceID: fmt.Sprintf("src-%02d", src), Tier: tiers[src%len(tiers)], Lang: []string{"vi", "vi", "vi", "vi", "en", "fr", "lo", "th"}[r.IntN(8)],
			Title:     fmt.Sprintf("Tin số %d về %s ở Mường Chà", i, labels[r.IntN(len(labels))]),
			Text:      strings.Repeat("Tỉnh Điện Biên triển khai chuyển đổi số, đổi mới sáng tạo. Mưa lớn gây sạt lở đất ở Tuần Giáo. ", 8+r.IntN(8)),
			Published: at, Fetched: at, Sentiment: r.NormFloat64() * 0.35,
			StoryID: fmt.Sprintf("st-%d", r.IntN(max(c.n/3, 1))),
		}
		if r.IntN(10) == 0 {
			a.Labels = []string{labels[r.IntN(len(labels))], "sensitive"}
		}
		batch = append(batch, a)
		if len(batch) == c.batch || k == c.n-1 {
			if err := idx.IndexBatch(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
		if (k+1)%50000 == 0 {
			fmt.Fprintf(out, "indexed %d in %s\n", k+1, time.Since(start).Round(time.Second))
		}
	}
	fmt.Fprintf(out, "indexed %d articles (%d in the week of %s) in %s\n", c.n, c.week, c.weekStart.Format(time.DateOnly), time.Since(start).Round(time.Second))
	return nil
}

func measure(ctx context.Context, c config, p report.Period, idx *indexer.Index, b *bus.Bus, out io.Writer) error {
	st, err := alerts.NewStore(b, prometheus.NewRegistry(), nil)
	if err != nil {
		return err
	}
	policies := []report.Topic{
		{ID: "nq57", Name: "NQ 57", Query: `"Nghị quyết 57" OR "chuyển đổi số" OR "đổi mới sáng tạo"`},
		{ID: "nq59", Name: "NQ 59", Query: `"Nghị quyết 59" OR "hội nhập quốc tế"`},
		{ID: "nq66", Name: "NQ 66", Query: `"Nghị quyết 66" OR "thi hành pháp luật"`},
		{ID: "nq68", Name: "NQ 68", Query: `"Nghị quyết 68" OR "kinh tế tư nhân"`},
	}
	var places []report.Topic
	for _, pl := range []string{"Điện Biên Phủ", "Mường Lay", "Mường Chà", "Tuần Giáo", "Mường Nhé", "Điện Biên Đông", "Mường Ảng", "Nậm Pồ", "Tủa Chùa"} {
		places = append(places, report.Topic{ID: pl, Name: pl, Query: `"` + pl + `"`})
	}
	bld, err := report.NewBuilder(idx, st, story.CaseList{KV: b.KV(bus.BucketCases)}, report.Options{
		Location: p.From.Location(), Policies: policies, Places: places, Now: func() time.Time { return p.To.Add(time.Hour) },
	})
	if err != nil {
		return err
	}
	runtime.GC()
	before := rss()
	var times []time.Duration
	var r *report.Report
	for range c.runs {
		t0 := time.Now()
		if r, err = bld.Build(ctx, p); err != nil {
			return err
		}
		times = append(times, time.Since(t0))
	}
	slices.Sort(times)
	after := rss()
	fmt.Fprintf(out, "report %s: %d articles (previous %d), %d stories, %d outlets\n", p.Name(), r.Volume.Total, r.Volume.Previous, len(r.Stories), len(r.ByOutlet))
	fmt.Fprintf(out, "build: median %s, min %s, max %s over %d runs\n", times[len(times)/2].Round(time.Millisecond), times[0].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond), len(times))
	n, err := report.NewNames("vi", nil)
	if err != nil {
		return err
	}
	for _, f := range render.Formats() {
		var buf bytes.Buffer
		t0 := time.Now()
		if err := render.Write(&buf, f, r, n); err != nil {
			return err
		}
		fmt.Fprintf(out, "render %-4s %8d bytes in %s\n", f, buf.Len(), time.Since(t0).Round(time.Millisecond))
		if c.out != "" {
			if err := os.WriteFile(filepath.Join(c.out, render.FileName(p, f)), buf.Bytes(), 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(out, "memory: RSS %d MB before the builds, %d MB after; peak RSS of the process %d MB\n", before.rss>>20, after.rss>>20, after.hwm>>20)
	return nil
}

type mem struct{ rss, hwm uint64 }

// rss reads the process's resident and peak resident memory (Linux).
func rss() mem {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return mem{}
	}
	defer f.Close()
	var m mem
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb uint64
		if n, _ := fmt.Sscanf(sc.Text(), "VmRSS: %d kB", &kb); n == 1 {
			m.rss = kb << 10
		}
		if n, _ := fmt.Sscanf(sc.Text(), "VmHWM: %d kB", &kb); n == 1 {
			m.hwm = kb << 10
		}
	}
	return m
}
