package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/presswatch/presswatch/web/auth"
)

// FirstRun is what a fresh installation tells whoever started it: where
// the UI is and how to sign in the first time.
type FirstRun struct {
	URL string
	// User and PasswordFile are set when this start created the first
	// account; the password is only in that file (never in a log).
	User, PasswordFile string
}

// adminPasswordFile is where the first admin's password is left, beside
// the data it guards, readable by the service's user only.
const adminPasswordFile = "initial-admin-password"

// FirstRun says where the UI is and, when there are no accounts at all,
// creates an admin with a random password so that a first `presswatch
// serve` can be signed in to: the password goes to a file only its owner
// can read, never to a log. Call it once the app has started.
func (a *App) FirstRun(ctx context.Context) (FirstRun, error) {
	fr := FirstRun{URL: a.URL()}
	if a.accounts == nil || !a.cfg.HasRole(RoleWeb) {
		return fr, nil
	}
	var err error
	fr.User, fr.PasswordFile, err = a.bootstrapAdmin(ctx)
	return fr, err
}

func (a *App) bootstrapAdmin(ctx context.Context) (user, file string, err error) {
	users, err := a.accounts.Users.List(ctx)
	if err != nil || len(users) > 0 {
		return "", "", err
	}
	raw := make([]byte, 15)
	if _, err := rand.Read(raw); err != nil {
		return "", "", err
	}
	password := base64.RawURLEncoding.EncodeToString(raw)
	file = filepath.Join(a.cfg.DataDir, adminPasswordFile)
	if err := os.WriteFile(file, []byte(password+"\n"), 0o600); err != nil {
		return "", "", fmt.Errorf("first admin: %w", err)
	}
	if _, err := a.accounts.Users.Add(ctx, "admin", auth.RoleAdmin, password); err != nil {
		_ = os.Remove(file)
		if errors.Is(err, auth.ErrUserExists) {
			return "", "", nil // another process made it first
		}
		return "", "", fmt.Errorf("first admin: %w", err)
	}
	a.log.Info("no accounts yet: created the first admin", "user", "admin", "password_file", file)
	return "admin", file, nil
}

// URL is the web UI's address as a browser on this machine reaches it.
func (a *App) URL() string {
	host, port, err := net.SplitHostPort(a.Addr())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
