package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/presswatch/presswatch/internal/benchkit"
)

type corpusDoc struct {
	topic string
	title string
	paras []string
}

type corpus struct {
	docs   []corpusDoc
	topics []string         // sorted
	byTop  map[string][]int // topic → indexes into docs
}

// loadCorpus reads news_<topic>_<n>.txt files: "# key = value" headers,
// the title line, paragraphs.
func loadCorpus(dir string) (*corpus, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "news_*.txt"))
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", dir, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("corpus %s: no news_*.txt files (run from the repository root with ../shared beside it, or set -corpus)", dir)
	}
	sort.Strings(paths)
	c := &corpus{byTop: map[string][]int{}}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txt")
		parts := strings.Split(name, "_")
		if len(parts) != 3 {
			continue
		}
		f, err := benchkit.ReadCorpusFile(p)
		if err != nil {
			return nil, err
		}
		if f.Title == "" || len(f.Paras) == 0 {
			continue
		}
		d := corpusDoc{topic: parts[1], title: f.Title, paras: f.Paras}
		c.byTop[d.topic] = append(c.byTop[d.topic], len(c.docs))
		c.docs = append(c.docs, d)
	}
	for t := range c.byTop {
		c.topics = append(c.topics, t)
	}
	slices.Sort(c.topics)
	if len(c.docs) == 0 {
		return nil, fmt.Errorf("corpus %s: no articles", dir)
	}
	return c, nil
}
