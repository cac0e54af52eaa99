package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsersAddThenList(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var out, errb bytes.Buffer
	err := runUsersIn(ctx, []string{"add", "--data", dir, "--name", "quantri", "--role", "admin"}, strings.NewReader("mat-khau-rat-dai\n"), &out, &errb)
	if err != nil || !strings.Contains(out.String(), "user quantri added with role admin") {
		t.Fatalf("add: %v %q %q", err, out.String(), errb.String())
	}
	// The password never shows in what the command prints.
	if strings.Contains(out.String()+errb.String(), "mat-khau-rat-dai") {
		t.Error("password printed")
	}
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("mat-khau-khac-nua\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := runUsersIn(ctx, []string{"add", "--data", dir, "--name", "quantri", "--role", "viewer", "--password-file", pw}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second add: %v", err)
	}
	for _, c := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"add", "--data", dir, "--name", "x", "--role", "root"}, "mat-khau-rat-dai\n", "--role"},
		{[]string{"add", "--data", dir, "--name", "X Y", "--role", "viewer"}, "mat-khau-rat-dai\n", "--name"},
		{[]string{"add", "--data", dir, "--name", "x", "--role", "viewer"}, "ngan\n", "at least 10"},
		{[]string{"add", "--data", dir, "--name", "x", "--role", "viewer"}, "", "no password"},
	} {
		if err := runUsersIn(ctx, c.args, strings.NewReader(c.stdin), &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	out.Reset()
	if err := runUsersIn(ctx, []string{"list", "--data", dir}, nil, &out, &bytes.Buffer{}); err != nil || out.String() != "quantri\tadmin\n" {
		t.Errorf("list: %q %v", out.String(), err)
	}
}
