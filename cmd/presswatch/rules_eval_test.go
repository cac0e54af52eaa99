package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRulesEvalOnTheBuiltInPackAndSet(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"rules", "eval", "-min-precision", "0.95", "-min-recall", "0.95"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"labelled items", "disaster.flood", "signal:response", "overall", "near-miss", "denial"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRulesEvalFailsBelowTheFloorAndNamesTheMisses(t *testing.T) {
	set := t.TempDir()
	items := "items:\n" +
		"  - {id: a, kind: true, text: \"Lũ quét ở Mường Chà\", must: [disaster.flood]}\n" +
		"  - {id: b, kind: near-miss, text: \"Đấu giá lô đất ở Mường Chà\"}\n" +
		"  - {id: c, kind: true, text: \"Người dân Mường Chà lo lắng\", must: [disaster.landslide]}\n"
	if err := os.WriteFile(filepath.Join(set, "s.yaml"), []byte(items), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"rules", "eval", "-set", set, "-misses", "-min-recall", "0.9"}, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "recall 0.500") {
		t.Errorf("below the floor: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "s.yaml:4: c [true]: missed disaster.landslide") {
		t.Errorf("misses not listed:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"rules", "eval", "-set", set, "-json"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Report struct {
			Items   int
			Overall struct{ TP, FP, FN int }
		} `json:"report"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Report.Items != 3 || got.Report.Overall.TP != 1 || got.Report.Overall.FN != 1 || got.Report.Overall.FP != 0 {
		t.Errorf("JSON %+v (%v):\n%s", got, err, out.String())
	}
}
