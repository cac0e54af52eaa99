package alerts

import (
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/classifier/spike"
	"github.com/presswatch/presswatch/sourcehealth"
)

// TestSpikeAndSourceAlertsSpeakBothLanguages: the alerts presswatch
// words itself name a label, a rule and a source by name, in Vietnamese for
// Vietnamese readers and in English for English ones.
func TestSpikeAndSourceAlertsSpeakBothLanguages(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	sp := spikeAlert(spike.Event{Key: "label:crisis", Window: "hour", Count: 40, Baseline: 4, Ratio: 10, Terms: []string{"lũ quét"}, At: now}, now)
	rule := spikeAlert(spike.Event{Key: "rule:disaster.flood", Title: "Lũ quét và sạt lở đất", Window: "hour", Count: 40, Baseline: 4, Ratio: 10, At: now}, now)
	src := sourceAlerts(&sourcehealth.Health{SourceID: "bao-dien-bien", Paused: true, PausedReason: "10 lỗi", PausedAt: now}, "Báo Điện Biên Phủ", time.Hour, now)
	if len(src) != 1 {
		t.Fatalf("%d source alerts, want 1", len(src))
	}
	for _, c := range []struct {
		a        *Alert
		vi, en   string // in the title
		viD, enD string // in the detail
	}{
		{sp, "nhãn «Khủng hoảng»", "label “Crisis”", "40 bài trong 1 giờ tính đến 16:00 07/12/2026", "40 articles in the hour to 16:00 07/12/2026"},
		{rule, "quy tắc «Lũ quét và sạt lở đất»", "rule “Lũ quét và sạt lở đất”", "40 bài", "40 articles"},
		{src[0], "Nguồn Báo Điện Biên Phủ đã tạm dừng", "Source Báo Điện Biên Phủ paused", "tạm dừng: 10 lỗi", "paused: 10 lỗi"},
	} {
		if !strings.Contains(c.a.TitleIn("vi"), c.vi) || !strings.Contains(c.a.TitleIn("en"), c.en) {
			t.Errorf("titles %q / %q, want %q / %q", c.a.TitleIn("vi"), c.a.TitleIn("en"), c.vi, c.en)
		}
		if !strings.Contains(c.a.DetailIn("vi"), c.viD) || !strings.Contains(c.a.DetailIn("en"), c.enD) {
			t.Errorf("details %q / %q, want %q / %q", c.a.DetailIn("vi"), c.a.DetailIn("en"), c.viD, c.enD)
		}
		for _, slug := range []string{"crisis", "bao-dien-bien", "disaster.flood"} {
			if strings.Contains(c.a.TitleIn("vi")+c.a.TitleIn("en"), slug) {
				t.Errorf("title shows %s: %q", slug, c.a.Title)
			}
		}
	}
}

// TestSpikeOfAnOlderVersionNamesTheRuleByID: an event stored before
// events carried the rule's title still words an alert, by the rule's ID.
func TestSpikeOfAnOlderVersionNamesTheRuleByID(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	a := spikeAlert(spike.Event{Key: "rule:disaster.flood", Window: "hour", Count: 40, Baseline: 4, Ratio: 10, At: now}, now)
	if !strings.Contains(a.Title, "quy tắc «disaster.flood»") || a.Rules[0].Title != "disaster.flood" {
		t.Errorf("title %q, rules %+v", a.Title, a.Rules)
	}
}
