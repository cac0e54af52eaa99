package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/presswatch/presswatch/app"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/web/auth"
)

// runUsers manages web UI accounts: users add|list|passwd.
func runUsers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runUsersIn(ctx, args, os.Stdin, stdout, stderr)
}

func runUsersIn(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list" && args[0] != "passwd") {
		fmt.Fprintln(stderr, "usage: presswatch users add --name NAME --role viewer|officer|admin [--password-file FILE]\n       presswatch users passwd --name NAME [--password-file FILE]\n       presswatch users list\nThe password is read from the first line of standard input unless --password-file is given.")
		return errUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("users "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	load := storeFlags(fs)
	name := fs.String("name", "", "user name (lower-case letters, digits, . - _)")
	role := fs.String("role", "", "role: viewer, officer, lead or admin")
	pwFile := fs.String("password-file", "", "read the password from this file's first line instead of standard input")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	var password string
	if sub != "list" {
		if err := auth.CheckName(*name); err != nil {
			return fmt.Errorf("presswatch users %s: --name: %w", sub, err)
		}
		if sub == "add" {
			if err := auth.CheckRole(*role); err != nil {
				return fmt.Errorf("presswatch users add: --role: %w", err)
			}
		}
		if password, err = readPassword(*pwFile, stdin); err != nil {
			return fmt.Errorf("presswatch users %s: %w", sub, err)
		}
		if err := auth.CheckPassword(password); err != nil {
			return fmt.Errorf("presswatch users %s: %w", sub, err)
		}
	}
	log := newLogger(config.LogConfig{Level: "error"}, stderr)
	return app.WithAccounts(ctx, cfg, log, func(acc *auth.Accounts) error {
		switch sub {
		case "add":
			if _, err := acc.Users.Add(ctx, *name, *role, password); err != nil {
				return fmt.Errorf("presswatch users add: %w", err)
			}
			_ = acc.Audit.Record(ctx, auth.AuditEvent{Actor: "cli", Action: "user.add", Target: *name, Detail: "role " + *role})
			fmt.Fprintf(stdout, "user %s added with role %s\n", *name, *role)
		case "passwd":
			if err := acc.Users.SetPassword(ctx, *name, password); err != nil {
				return fmt.Errorf("presswatch users passwd: %w", err)
			}
			if err := acc.Sessions.DeleteUser(ctx, *name, ""); err != nil {
				return fmt.Errorf("presswatch users passwd: %w", err)
			}
			_ = acc.Audit.Record(ctx, auth.AuditEvent{Actor: "cli", Action: "user.passwd", Target: *name})
			fmt.Fprintf(stdout, "password of %s changed; its sessions are ended\n", *name)
		case "list":
			users, err := acc.Users.List(ctx)
			if err != nil {
				return fmt.Errorf("presswatch users list: %w", err)
			}
			for _, u := range users {
				state := ""
				if u.Disabled {
					state = " (disabled)"
				}
				fmt.Fprintf(stdout, "%s\t%s%s\n", u.Name, u.Role, state)
			}
		}
		return nil
	})
}

// readPassword reads the first line of the file, or of stdin.
func readPassword(file string, stdin io.Reader) (string, error) {
	r := stdin
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("--password-file: %w", err)
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(io.LimitReader(r, auth.MaxPasswordLen+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password given (pipe it on standard input or use --password-file)")
	}
	return line, nil
}
