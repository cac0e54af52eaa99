package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes content to name under dir, creating directories, and
// returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeConfig writes a config file named presswatch.yaml in a fresh
// directory and returns its path.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	return writeFile(t, t.TempDir(), "presswatch.yaml", content)
}

// errLines splits a joined error into its messages.
func errLines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

// checkErrLines fails unless err consists of exactly want, in order.
func checkErrLines(t *testing.T, err error, want []string) {
	t.Helper()
	got := errLines(err)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n  got:\n    %s\n  want:\n    %s", strings.Join(got, "\n    "), strings.Join(want, "\n    "))
	}
}

// firstError returns the first *Error in err.
func firstError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v holds no *config.Error", err)
	}
	return e
}
