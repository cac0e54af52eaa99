// Package benchkit holds what the benchmark commands share: reading the
// Dân Trí corpus they build their load from, and reading the process's
// peak memory for their reports.
//
// The corpus (../shared/testdata/corpus/vi-dantri) is GPL text: the
// commands read it at run time and never copy it into the repository.
package benchkit

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultCorpus is where the corpus lies when a command is run from the
// repository root with ../shared beside it.
const DefaultCorpus = "../shared/testdata/corpus/vi-dantri"

// CorpusFile is one article of the corpus.
type CorpusFile struct {
	Title string
	Paras []string
	// Date is the "# date = YYYYMMDD" header, zero when absent or bad.
	Date time.Time
}

// ReadCorpusFile reads a corpus file: "# key = value" header lines, the
// title line, then one paragraph a line; blank lines are skipped.
func ReadCorpusFile(path string) (CorpusFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return CorpusFile{}, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	var d CorpusFile
	sc := bufio.NewScanner(f)
	// Paragraphs are long lines; the default 64 KiB limit is not enough
	// for every file.
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "# date = "):
			d.Date, _ = time.Parse("20060102", strings.TrimPrefix(line, "# date = "))
		case strings.HasPrefix(line, "#"):
		case d.Title == "":
			d.Title = line
		default:
			d.Paras = append(d.Paras, line)
		}
	}
	if err := sc.Err(); err != nil {
		return CorpusFile{}, fmt.Errorf("corpus %s: %w", path, err)
	}
	return d, nil
}

// PeakRSS is the process's high-water resident set size (VmHWM in
// /proc/self/status, Linux), or -1 where it cannot be read.
func PeakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if v, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return v << 10
				}
			}
		}
	}
	return -1
}
