package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

func printSummary(out io.Writer, c config, results []checkpointResult, ix *indexRun) {
	fmt.Fprintf(out, "summary (%d articles, batches of %d, %d clients, %d queries per class)\n\n", ix.done, c.batch, c.clients, c.perClass)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "articles\tindexed/s (cumulative)\tCPU/1k articles\t"
	for _, cl := range c.classes {
		header += cl + " p50\t" + cl + " p99\t" + cl + " CPU\t"
	}
	header += "bytes/article\tpeak RSS\t"
	fmt.Fprintln(tw, header)
	for _, r := range results {
		row := fmt.Sprintf("%s\t%.0f\t%.2f s\t", thousands(r.articles), r.rate, r.indexCPU.Seconds())
		for _, cr := range r.classes {
			row += ms(cr.p50) + "\t" + ms(cr.p99) + "\t" + ms(cr.cpu) + "\t"
		}
		row += fmt.Sprintf("%s\t%s\t", thousands(int(r.indexBytes/int64(r.articles))), bytesIEC(r.peakRSS))
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	fmt.Fprintln(out)
	if len(ix.segments) > 1 {
		fmt.Fprint(out, "indexing rate per segment (articles/s):")
		for _, s := range ix.segments {
			fmt.Fprintf(out, " %s–%s %.0f;", thousands(s.from), thousands(s.to), s.rate)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "indexing wall time %s (queries excluded), of which the generator ran %s concurrently on the other core\n",
		ix.busy.Round(time.Second), ix.genTime.Round(time.Second))
	if !slices.Contains(c.classes, "faceted") {
		fmt.Fprintln(out, "faceted class not run (-classes)")
	}
	fmt.Fprintln(out, "targets: ≥ 2,000 articles/s through 1M; AND and phrase p50 ≤ 10 ms, p99 ≤ 100 ms; OR and faceted p99 ≤ 300 ms")
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func bytesIEC(n int64) string {
	switch {
	case n < 0:
		return "n/a"
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
