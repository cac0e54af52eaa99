package crawler

import (
	"context"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/sourcehealth"
)

func TestPauseSourceByHandThenResume(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	kv := b.KV(bus.BucketSourceHealth)
	ctx := context.Background()
	if err := PauseSource(ctx, kv, "bao-la", "quantri", "nguồn đang bảo trì"); err != nil {
		t.Fatal(err)
	}
	h, err := sourcehealth.Store{KV: kv}.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := h["bao-la"]
	if got == nil || !got.Paused || !strings.Contains(got.PausedReason, "quantri") || !strings.Contains(got.PausedReason, "bảo trì") {
		t.Fatalf("after pause: %+v", got)
	}
	if err := ResumeSource(ctx, kv, "bao-la"); err != nil {
		t.Fatal(err)
	}
	h, _ = sourcehealth.Store{KV: kv}.List(ctx)
	if h["bao-la"].Paused {
		t.Error("still paused after resume")
	}
}
