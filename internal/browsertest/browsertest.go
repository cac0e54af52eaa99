// Package browsertest finds the Chromium that browser tests drive and the
// directory their screenshots go to.
package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Chromium returns the path of a Chromium-like browser, or "" when none is
// installed (the tests then skip).
func Chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Artifacts is where screenshots go: $PRESSWATCH_ARTIFACTS/browser, else
// a temporary directory named in the log.
func Artifacts(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PRESSWATCH_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	dir = filepath.Join(dir, "browser")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}
