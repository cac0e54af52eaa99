package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDataDir takes an exclusive lock on the data directory, so a second
// process on the same directory fails at once with a clear message rather
// than starting a second NATS server on the same store.
func lockDataDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, "presswatch.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data directory %s is in use by another presswatch process", dir)
		}
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	return f, nil
}
