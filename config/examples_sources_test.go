package config

import (
	"path/filepath"
	"testing"
)

func TestExampleSourcesFileLoads(t *testing.T) {
	c := Default()
	c.Crawler.SourcesFile = filepath.Join("..", "examples", "sources.yaml")
	srcs, err := Sources(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) < 5 {
		t.Fatalf("only %d sources", len(srcs))
	}
	tiers := map[string]bool{}
	for _, s := range srcs {
		tiers[s.Tier] = true
	}
	for _, want := range []string{"central", "foreign"} {
		if !tiers[want] {
			t.Errorf("no %s source in the example", want)
		}
	}
}
