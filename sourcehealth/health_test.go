package sourcehealth

import (
	"testing"
	"time"
)

func TestHealthLayoutSuspect(t *testing.T) {
	var h Health
	for range 30 {
		h.RecordText(3000)
	}
	if h.LayoutSuspect() {
		t.Fatal("steady lengths flagged")
	}
	for range 6 {
		h.RecordText(200)
	}
	if !h.LayoutSuspect() {
		t.Errorf("drop not flagged: avg %.0f recent %.0f", h.AvgTextLen, h.RecentTextLen)
	}
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	h.RecordNew(now.AddDate(0, 0, -20), 100)
	h.RecordNew(now.AddDate(0, 0, -1), 4)
	h.RecordNew(now, 6)
	if got := h.NewPerDay(); got != 5 {
		t.Errorf("new per day = %v, want 5 (old days pruned)", got)
	}
}
