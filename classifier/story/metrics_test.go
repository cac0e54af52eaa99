package story

import (
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/presswatch/presswatch/bus/bustest"
)

func TestStatsAreExportedAsMetrics(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	stories, cases := testBuckets(t, js, "metrics", false)
	orig, cp, _, _, _ := misleadingDocs(t)
	clk := &testClock{t: orig.Published}
	c := openClusterer(t, stories, cases, clk)
	reg := prometheus.NewRegistry()
	if err := c.Register(reg); err != nil {
		t.Fatal(err)
	}
	assignAt(t, c, clk, orig)
	if _, err := c.MarkMisleading(testCtx(t), orig, "https://gov.example/bac-bo", "officer"); err != nil {
		t.Fatal(err)
	}
	assignAt(t, c, clk, cp)

	want := fmt.Sprintf(`# HELP presswatch_story_indexed_articles Articles in the in-memory story window of this process.
# TYPE presswatch_story_indexed_articles gauge
presswatch_story_indexed_articles %d
# HELP presswatch_story_misleading_cases Articles marked misleading, as this process last saw them.
# TYPE presswatch_story_misleading_cases gauge
presswatch_story_misleading_cases 1
`, 2)
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "presswatch_story_indexed_articles", "presswatch_story_misleading_cases"); err != nil {
		t.Error(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]float64{}
	for _, f := range families {
		m := f.GetMetric()[0]
		values[f.GetName()] = m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	if len(values) != 6 || values["presswatch_story_lookups_total"] < 2 {
		t.Errorf("story metrics %v: want six, with both assignments' lookups counted", values)
	}
	// A second registration is refused, not a panic.
	if err := c.Register(reg); err == nil {
		t.Error("registered twice")
	}
}
