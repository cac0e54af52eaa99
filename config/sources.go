package config

import (
	"fmt"
	"os"
	"slices"
)

// sourcesFile is the shape of the file crawler.sources_file names.
type sourcesFile struct {
	Sources []Source `yaml:"sources"`
}

// Sources returns the sources to crawl: those written in the config
// (crawler.sources) followed by those in crawler.sources_file, read now.
// The crawler calls it at start and again on every reload, and keeps its
// old set when it fails. The file is decoded as strictly as the config
// (unknown keys are errors) and its sources are validated, each error
// naming the file and line; an id used twice, in either place, is an
// error. c is expected to have passed Validate.
func Sources(c Config) ([]Source, error) {
	out := slices.Clone(c.Crawler.Sources)
	file := c.Crawler.SourcesFile
	if file == "" {
		return out, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	doc, err := parseYAML(file, data)
	if err != nil {
		return nil, err
	}
	var (
		sf   sourcesFile
		errs errList
		o    = newOrigins()
	)
	d := decoder{file: file, origins: o, errs: &errs}
	d.document(doc, &sf)
	if err := errs.err(); err != nil {
		// As in Load: validating what did not decode would report each
		// mistake twice.
		return nil, err
	}

	ch := &checker{o: o}
	validateSources(ch, "sources", sf.Sources)
	inline := make(map[string]int, len(c.Crawler.Sources))
	for i, s := range c.Crawler.Sources {
		inline[s.ID] = i
	}
	for i, s := range sf.Sources {
		if j, dup := inline[s.ID]; dup {
			where := indexKey("crawler.sources", j)
			if org, ok := c.origins.at(where + ".id"); ok && org.file != "" {
				where = fmt.Sprintf("%s at %s:%d", where, org.file, org.line)
			}
			ch.fail(indexKey("sources", i)+".id", "duplicate id %q (also %s)", s.ID, where)
		}
	}
	if err := joinErrors(ch.errs); err != nil {
		return nil, err
	}
	return append(out, sf.Sources...), nil
}
