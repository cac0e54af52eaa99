// Command presswatch-bench runs the whole pipeline in-process against local
// news servers and reports throughput, latency percentiles and memory,
// next to a fetch-only baseline measured in the same run.
//
// The pages are the Dân Trí articles of ../shared/testdata/corpus/vi-dantri
// rendered as HTML behind RSS feeds (GPL text: read at run time, never
// copied into the repository).
package main

import (
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/feed"
	"github.com/presswatch/presswatch/internal/benchkit"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "presswatch-bench:", err)
		os.Exit(1)
	}
}

type doc struct {
	slug, title string
	paras       []string
	date        time.Time
	// raw is a real page served as it is (scrapinghub), instead of one
	// rendered from title and paragraphs.
	raw []byte
}

func run() error {
	corpus := flag.String("corpus", benchkit.DefaultCorpus, "directory of vi-dantri articles")
	pages := flag.String("pages", "../shared/testdata/extraction/scrapinghub/html", "directory of real article pages (*.html.gz) served as they are, mixed in")
	n := flag.Int("n", 2000, "articles to push through the pipeline")
	feeds := flag.Int("feeds", 20, "feeds the articles are spread over")
	conc := flag.Int("concurrency", 8, "crawler page concurrency (and baseline fetchers)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the pipeline run to this file")
	flag.Parse()

	real, err := loadPages(*pages)
	if err != nil {
		return err
	}
	docs, err := loadCorpus(*corpus, *n-len(real))
	if err != nil {
		return err
	}
	docs = append(real, docs...)
	itemsPerSec, err := feedRate(docs, *feeds)
	if err != nil {
		return err
	}
	srv, base, err := serveCorpus(docs, *feeds)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Printf("presswatch-bench: %d articles (%d real pages, %d rendered from vi-dantri) over %d feeds, crawler concurrency %d, GOMAXPROCS %d\n",
		len(docs), len(real), len(docs)-len(real), *feeds, *conc, runtime.GOMAXPROCS(0))

	// Baseline: fetch every page with plain HTTP GETs, nothing else.
	bStart := time.Now()
	if err := fetchAll(base, docs, *conc); err != nil {
		return err
	}
	baseline := time.Since(bStart)

	dir, err := os.MkdirTemp("", "presswatch-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg, err := pipelineConfig(dir, base, *feeds, *conc)
	if err != nil {
		return err
	}
	p, err := runPipeline(cfg, len(docs), *cpuProfile)
	if err != nil {
		return err
	}
	p.itemsPerSec, p.baseline = itemsPerSec, baseline
	p.print(len(docs))
	return nil
}

// pipelineConfig runs every role in one process on the local feeds.
func pipelineConfig(dir, base string, feeds, conc int) (config.Config, error) {
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Listen = "127.0.0.1:0"
	cfg.Roles = []string{"crawler", "classifier", "indexer", "alerts"}
	rules, _ := filepath.Abs("examples/rules")
	cfg.Classifier.RulesDir = rules
	cfg.Crawler.Concurrency = conc
	// Every local feed and page is on 127.0.0.1, one "host" to the
	// politeness rules: let the crawler use it at full speed.
	cfg.Crawler.PerHostConcurrency = conc
	cfg.Crawler.MinHostDelay = 0
	cfg.Crawler.MaxItemAge = config.Duration(100 * 365 * 24 * time.Hour)
	cfg.Crawler.AllowPrivateHosts = []string{"127.0.0.1"}
	for i := range feeds {
		cfg.Crawler.Sources = append(cfg.Crawler.Sources, config.Source{
			ID: fmt.Sprintf("feed-%02d", i), Kind: "feed", URL: fmt.Sprintf("%s/feed/%d.xml", base, i),
			Tier: "central", Lang: "vi", Interval: config.Duration(time.Hour),
		})
	}
	cfg.Alerts.Receivers = nil
	return cfg, cfg.Validate()
}

// pipelineRun is what one run measured.
type pipelineRun struct {
	itemsPerSec float64       // feed parsing alone
	baseline    time.Duration // plain GETs of every page
	elapsed     time.Duration // start until every article is indexed
	lat, cls    *dto.Histogram
}

// runPipeline starts the app and waits until it has indexed n articles.
func runPipeline(cfg config.Config, n int, cpuProfile string) (*pipelineRun, error) {
	a := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	if err := a.Start(context.Background()); err != nil {
		return nil, err
	}
	var indexed float64
	deadline := start.Add(10 * time.Minute)
	for indexed < float64(n) {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("only %v of %d indexed after 10 minutes", indexed, n)
		}
		time.Sleep(100 * time.Millisecond)
		indexed = counter(a, "presswatch_indexer_articles_total")
	}
	p := &pipelineRun{elapsed: time.Since(start)}
	sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p.lat = histogram(a, "presswatch_indexer_fetch_to_searchable_seconds")
	p.cls = histogram(a, "presswatch_classifier_duration_seconds")
	if err := a.Stop(sctx); err != nil {
		return nil, err
	}
	return p, nil
}

// print reports the run for n articles.
func (p *pipelineRun) print(n int) {
	fmt.Printf("\n%-44s %12s\n", "measure", "value")
	fmt.Printf("%-44s %12.0f\n", "feed parsing (crawler/feed), items/s", p.itemsPerSec)
	fmt.Printf("%-44s %12.0f\n", "baseline: plain GET of every page, pages/s", float64(n)/p.baseline.Seconds())
	fmt.Printf("%-44s %12.0f\n", "pipeline: fetch→extract→classify→index, art/s", float64(n)/p.elapsed.Seconds())
	fmt.Printf("%-44s %12.3f\n", "ratio pipeline/baseline", p.baseline.Seconds()/p.elapsed.Seconds())
	fmt.Printf("%-44s %12s\n", "fetch→searchable p50 (from histogram)", fmtQ(p.lat, 0.50))
	fmt.Printf("%-44s %12s\n", "fetch→searchable p90", fmtQ(p.lat, 0.90))
	fmt.Printf("%-44s %12s\n", "fetch→searchable p99", fmtQ(p.lat, 0.99))
	fmt.Printf("%-44s %12s\n", "classify+publish p50 per article", fmtQ(p.cls, 0.50))
	fmt.Printf("%-44s %12s\n", "classify+publish p99 per article", fmtQ(p.cls, 0.99))
	fmt.Printf("%-44s %9d MiB\n", "peak RSS (VmHWM, whole process)", max(benchkit.PeakRSS(), 0)>>20)
}

func loadCorpus(dir string, n int) ([]doc, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w (run from the repository root with ../shared beside it)", dir, err)
	}
	var docs []doc
	for _, e := range entries {
		if len(docs) == n {
			break
		}
		if !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		f, err := benchkit.ReadCorpusFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		d := doc{slug: strings.TrimSuffix(e.Name(), ".txt"), title: f.Title, paras: f.Paras, date: f.Date}
		if d.title != "" && len(d.paras) > 0 {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("corpus %s: no articles", dir)
	}
	// Fewer files than asked: reuse them under new slugs.
	for i := 0; len(docs) < n; i++ {
		d := docs[i]
		d.slug = fmt.Sprintf("%s-r%d", d.slug, i)
		docs = append(docs, d)
	}
	return docs, nil
}

var pageTmpl = template.Must(template.New("p").Parse(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{.title}}</title></head>
<body><header><nav><a href="/">Trang chủ</a> <a href="/xa-hoi">Xã hội</a> <a href="/kinh-doanh">Kinh doanh</a> <a href="/the-thao">Thể thao</a></nav></header>
<div class="ads">Quảng cáo</div><main><article><h1>{{.title}}</h1>{{range .paras}}<p>{{.}}</p>{{end}}</article></main>
<section id="comments"><p>Bình luận: hay quá!</p></section><footer>Liên hệ: toà soạn</footer></body></html>`))

func serveCorpus(docs []doc, feeds int) (*http.Server, string, error) {
	mux := http.NewServeMux()
	bySlug := make(map[string]doc, len(docs))
	for _, d := range docs {
		bySlug[d.slug] = d
	}
	mux.HandleFunc("/a/{slug}", func(w http.ResponseWriter, r *http.Request) {
		d, ok := bySlug[r.PathValue("slug")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if d.raw != nil {
			// Real pages carry their own charset declarations.
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write(d.raw)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = pageTmpl.Execute(w, map[string]any{"title": d.title, "paras": d.paras})
	})
	mux.HandleFunc("/feed/{n}", func(w http.ResponseWriter, r *http.Request) {
		var k int
		if _, err := fmt.Sscanf(r.PathValue("n"), "%d.xml", &k); err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write(feedXML(r.Host, docs, k, feeds))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}

// feedXML is feed k of n: every n-th article.
func feedXML(host string, docs []doc, k, n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>bench</title><link>http://` + host + `/</link><description>bench</description>`)
	for i := k; i < len(docs); i += n {
		d := docs[i]
		fmt.Fprintf(&b, "<item><title>%s</title><link>http://%s/a/%s</link><pubDate>%s</pubDate></item>",
			template.HTMLEscapeString(d.title), host, d.slug, d.date.Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// feedRate measures crawler/feed on the bench's own feeds.
func feedRate(docs []doc, feeds int) (float64, error) {
	bodies := make([][]byte, feeds)
	for k := range feeds {
		bodies[k] = feedXML("127.0.0.1:1", docs, k, feeds)
	}
	items, start := 0, time.Now()
	for time.Since(start) < 2*time.Second {
		for _, b := range bodies {
			f, err := feed.Parse(b, "application/rss+xml", feed.Options{})
			if err != nil {
				return 0, fmt.Errorf("bench feed: %w", err)
			}
			items += len(f.Items)
		}
	}
	return float64(items) / time.Since(start).Seconds(), nil
}

// loadPages reads real article pages; a missing directory means none.
func loadPages(dir string) ([]doc, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("pages %s: %w", dir, err)
	}
	var out []doc
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".html.gz") {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("page %s: %w", e.Name(), err)
		}
		raw, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", e.Name(), err)
		}
		slug := strings.TrimSuffix(e.Name(), ".html.gz")
		out = append(out, doc{slug: slug, title: "page " + slug[:12], raw: raw, date: time.Now()})
	}
	return out, nil
}

func fetchAll(base string, docs []doc, conc int) error {
	jobs := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range conc {
		wg.Go(func() {
			for slug := range jobs {
				resp, err := http.Get(base + "/a/" + slug)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		})
	}
	for _, d := range docs {
		jobs <- d.slug
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

func family(a *app.App, name string) *dto.MetricFamily {
	mfs, err := a.Registry().Gather()
	if err != nil {
		return nil
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf
		}
	}
	return nil
}

func counter(a *app.App, name string) float64 {
	var sum float64
	if mf := family(a, name); mf != nil {
		for _, m := range mf.GetMetric() {
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

func histogram(a *app.App, name string) *dto.Histogram {
	mf := family(a, name)
	if mf == nil || len(mf.GetMetric()) == 0 {
		return nil
	}
	return mf.GetMetric()[0].GetHistogram()
}

// quantile interpolates within cumulative buckets, as PromQL's
// histogram_quantile does.
func quantile(h *dto.Histogram, q float64) float64 {
	if h == nil || h.GetSampleCount() == 0 {
		return 0
	}
	bs := h.GetBucket()
	sort.Slice(bs, func(i, j int) bool { return bs[i].GetUpperBound() < bs[j].GetUpperBound() })
	rank := q * float64(h.GetSampleCount())
	prevBound, prevCount := 0.0, 0.0
	for _, b := range bs {
		c := float64(b.GetCumulativeCount())
		if c >= rank {
			if c == prevCount {
				return b.GetUpperBound()
			}
			return prevBound + (b.GetUpperBound()-prevBound)*(rank-prevCount)/(c-prevCount)
		}
		prevBound, prevCount = b.GetUpperBound(), c
	}
	return prevBound
}

func fmtQ(h *dto.Histogram, q float64) string {
	return time.Duration(quantile(h, q) * float64(time.Second)).Round(10 * time.Microsecond).String()
}
