package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSources(t *testing.T) {
	const inline = `crawler:
  sources_file: sources.yaml
  sources:
    - {id: portal, kind: feed, url: "https://portal.example/rss", tier: official}
`
	tests := []struct {
		name    string
		config  string
		sources *string // contents of sources.yaml; nil: no such file
		wantIDs []string
		wantErr []string // FILE and SOURCES stand for the two files
	}{
		{
			name:    "no sources file",
			config:  "crawler:\n  sources:\n    - {id: a, kind: feed, url: \"https://a.example/rss\"}\n",
			wantIDs: []string{"a"},
		},
		{
			name:    "both",
			config:  inline,
			sources: ptr("sources:\n  - {id: vnexpress, kind: feed, url: \"https://vnexpress.net/rss/thoi-su.rss\"}\n  - {id: tuoitre, kind: feed, url: \"https://tuoitre.vn/rss/tin-moi-nhat.rss\", lang: vi}\n"),
			wantIDs: []string{"portal", "vnexpress", "tuoitre"},
		},
		{
			name:    "empty sources file",
			config:  inline,
			sources: ptr(""),
			wantIDs: []string{"portal"},
		},
		{
			name:    "missing sources file",
			config:  inline,
			wantErr: []string{"read sources: open DIR/sources.yaml: no such file or directory"},
		},
		{
			name:    "unknown keys",
			config:  inline,
			sources: ptr("sources:\n  - id: a\n    kind: feed\n    url: https://a.example/rss\n    colour: red\nfeeds: []\n"),
			wantErr: []string{
				`SOURCES:5: unknown key "colour"`,
				`SOURCES:6: unknown key "feeds"`,
			},
		},
		{
			name:    "bad value",
			config:  inline,
			sources: ptr("sources:\n  - id: a\n    interval: often\n"),
			wantErr: []string{`SOURCES:3: sources[0].interval: invalid duration "often"`},
		},
		{
			name:    "validation",
			config:  inline,
			sources: ptr("sources:\n  - id: a\n    kind: feed\n    url: https://a.example/rss\n  - id: b\n    kind: feed\n    url: feed.xml\n  - id: a\n    kind: feed\n    url: https://c.example/rss\n"),
			wantErr: []string{
				`SOURCES:7: sources[1].url: must be an absolute http(s) URL, got "feed.xml"`,
				`SOURCES:8: sources[2].id: duplicate id "a" (also sources[0])`,
			},
		},
		{
			name:    "duplicate across files",
			config:  inline,
			sources: ptr("sources:\n  - {id: portal, kind: feed, url: \"https://other.example/rss\"}\n"),
			wantErr: []string{`SOURCES:2: sources[0].id: duplicate id "portal" (also crawler.sources[0] at FILE:4)`},
		},
		{
			name:    "syntax",
			config:  inline,
			sources: ptr("sources:\n  - id: [\n"),
			wantErr: []string{"SOURCES: yaml: line 2: did not find expected node content"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeFile(t, dir, "presswatch.yaml", tt.config)
			sourcesPath := filepath.Join(dir, "sources.yaml")
			if tt.sources != nil {
				writeFile(t, dir, "sources.yaml", *tt.sources)
			}
			c, err := Load(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Sources(c)
			var want []string
			for _, e := range tt.wantErr {
				want = append(want, strings.NewReplacer("SOURCES", sourcesPath, "FILE", path, "DIR", dir).Replace(e))
			}
			checkErrLines(t, err, want)
			var ids []string
			for _, s := range got {
				ids = append(ids, s.ID)
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("ids = %q, want %q", ids, tt.wantIDs)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// The crawler may append to what Sources returns; that must not change
// the Config it came from.
func TestSourcesReturnsACopy(t *testing.T) {
	c := Default()
	c.Crawler.Sources = make([]Source, 1, 4)
	c.Crawler.Sources[0] = goodSource("a")
	got, err := Sources(c)
	if err != nil {
		t.Fatal(err)
	}
	got[0].ID = "changed"
	if c.Crawler.Sources[0].ID != "a" {
		t.Error("Sources shares its result with the Config")
	}
}

func TestSourcesMissingFileIsNotExist(t *testing.T) {
	c := Default()
	c.Crawler.SourcesFile = filepath.Join(t.TempDir(), "none.yaml")
	if _, err := Sources(c); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Sources = %v, want fs.ErrNotExist", err)
	}
}
