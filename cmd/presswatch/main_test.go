package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeRejectsUnknownKeyWithFileAndLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("listen: 127.0.0.1:0\ncrawler:\n  concurrency: 2\n  colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"serve", "--config", bad}, &out, &errb)
	if err == nil || err.Error() != bad+`:4: unknown key "colour"` {
		t.Fatalf("err = %v", err)
	}
}

func TestServeRejectsBadFlag(t *testing.T) {
	err := run(context.Background(), []string{"serve", "--roles", "crawler,teleporter", "--data", t.TempDir()}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "teleporter") {
		t.Fatalf("err = %v", err)
	}
}

func TestUnknownCommandAndVersion(t *testing.T) {
	if err := run(context.Background(), []string{"frobnicate"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `"frobnicate"`) {
		t.Errorf("unknown command: %v", err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &out, &bytes.Buffer{}); err != nil || !strings.HasPrefix(out.String(), "presswatch ") {
		t.Errorf("version: %q %v", out.String(), err)
	}
}
