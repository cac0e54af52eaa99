package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/internal/benchkit"
)

type classResult struct {
	class    string
	n        int
	p50, p99 time.Duration
	max      time.Duration
	meanHits float64
	errors   int
	firstErr error
	// slowest are the queries by latency, slowest first.
	slowest []string
	// cpu is the process CPU time (user + system) per query: far less
	// sensitive than latency to other work on a shared machine, so it is
	// what compares two builds run one after the other.
	cpu time.Duration
}

type checkpointResult struct {
	articles int
	rate     float64
	// indexCPU is the process CPU time per 1,000 articles indexed, the
	// generator's share taken out.
	indexCPU   time.Duration
	classes    []classResult
	indexBytes int64
	peakRSS    int64
}

// measureCheckpoint runs every class with concurrent clients and reads the
// index size and peak memory.
func measureCheckpoint(c config, idx *indexer.Index, qs *querySampler, dir string, articles int, out io.Writer) (checkpointResult, error) {
	res := checkpointResult{articles: articles}
	fmt.Fprintf(out, "\nqueries at %s articles (%d clients, load average %s):\n", thousands(articles), c.clients, loadAverage())
	for ci, class := range c.classes {
		// Each checkpoint and class draws its own queries.
		r := rand.New(rand.NewPCG(c.seed^0x9e3779b97f4a7c15, uint64(articles)*16+uint64(ci)))
		texts := make([]string, c.perClass)
		for i := range texts {
			texts[i] = qs.queryText(class, r)
		}
		var from time.Time
		if class == "week" {
			// The last week before -until, as an officer's search of
			// recent coverage: the index reads only its month(s).
			from = c.until.AddDate(0, 0, -7)
		}
		cr := runClass(idx, class, texts, from, c.clients, c.timeout)
		res.classes = append(res.classes, cr)
		fmt.Fprintf(out, "  %-8s p50 %8s  p99 %8s  max %8s  CPU/query %8s  mean total hits %9.0f  errors %d\n",
			class, ms(cr.p50), ms(cr.p99), ms(cr.max), ms(cr.cpu), cr.meanHits, cr.errors)
		if cr.firstErr != nil {
			fmt.Fprintf(out, "           first error: %v\n", cr.firstErr)
		}
		for _, q := range cr.slowest[:min(c.slowest, len(cr.slowest))] {
			fmt.Fprintf(out, "           %s\n", q)
		}
	}
	size, err := diskUsage(dir)
	if err != nil {
		return res, err
	}
	res.indexBytes = size
	res.peakRSS = benchkit.PeakRSS()
	fmt.Fprintf(out, "  index on disk %s (%s per article), peak RSS %s, load average %s\n\n",
		bytesIEC(size), bytesIEC(size/int64(articles)), bytesIEC(res.peakRSS), loadAverage())
	return res, nil
}

// runClass sends texts from clients goroutines, each taking the next query
// as soon as its previous one returned.
func runClass(idx *indexer.Index, class string, texts []string, from time.Time, clients int, timeout time.Duration) classResult {
	lat := make([]time.Duration, len(texts))
	hits := make([]uint64, len(texts))
	errs := make([]error, len(texts))
	next := make(chan int)
	var wg sync.WaitGroup
	cpu0 := processCPU()
	for range clients {
		wg.Add(1)
		// Labelled so that -cpuprofile, read with pprof -tags, shows each
		// class's share.
		go pprof.Do(context.Background(), pprof.Labels("class", class), func(labelled context.Context) {
			defer wg.Done()
			for i := range next {
				ctx, cancel := context.WithTimeout(labelled, timeout)
				req := indexer.SearchRequest{Q: texts[i], Limit: 20, Facets: class == "faceted", From: from}
				start := time.Now()
				r, err := idx.Search(ctx, req)
				lat[i] = time.Since(start)
				cancel()
				if err != nil {
					errs[i] = err
					continue
				}
				hits[i] = r.Total
			}
		})
	}
	for i := range texts {
		next <- i
	}
	close(next)
	wg.Wait()

	cr := classResult{class: class, n: len(texts), cpu: (processCPU() - cpu0) / time.Duration(len(texts))}
	var ok []time.Duration
	var total float64
	for i, err := range errs {
		if err != nil {
			cr.errors++
			if cr.firstErr == nil {
				cr.firstErr = fmt.Errorf("%q: %w", texts[i], err)
			}
			continue
		}
		ok = append(ok, lat[i])
		total += float64(hits[i])
	}
	order := make([]int, len(texts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(lat[b], lat[a]) })
	for _, i := range order {
		cr.slowest = append(cr.slowest, fmt.Sprintf("%8s  total %6d  %s", ms(lat[i]), hits[i], texts[i]))
	}
	if len(ok) > 0 {
		slices.Sort(ok)
		cr.p50, cr.p99, cr.max = percentile(ok, 0.50), percentile(ok, 0.99), ok[len(ok)-1]
		cr.meanHits = total / float64(len(ok))
	}
	return cr
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
