package retryafter

import (
	"net/http"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	const limit = 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"99999999999", limit},
		{"99999999999999999999", 0}, // beyond int64: unreadable, not a wrapped negative
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{now.Add(400 * 24 * time.Hour).Format(http.TimeFormat), limit},
		{"Sat, 01 Mar 2025 10:00:30 GMT", 30 * time.Second},
		{"Saturday, 01-Mar-25 10:00:30 GMT", 30 * time.Second}, // RFC 850
		{"Sat Mar  1 10:00:30 2025", 30 * time.Second},         // asctime
	}
	for _, tt := range tests {
		if got := Parse(tt.in, now, limit); got != tt.want {
			t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
