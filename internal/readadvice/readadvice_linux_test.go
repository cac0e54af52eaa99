package readadvice

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// mapFile writes a file of n pages under dir and maps it, as Bleve maps a
// segment.
func mapFile(t *testing.T, dir, name string, pages int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, make([]byte, pages*os.Getpagesize()), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mm, err := unix.Mmap(int(f.Fd()), 0, pages*os.Getpagesize(), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Munmap(mm) })
	return path
}

func TestApplyAdvisesTheChosenFilesOnly(t *testing.T) {
	dir := t.TempDir()
	cold := mapFile(t, dir, "cold.zap", 4)
	hot := mapFile(t, dir, "hot.zap", 4)
	outside := mapFile(t, t.TempDir(), "other.zap", 4)

	a, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	choose := func(want Advice) func(string) Advice {
		return func(path string) Advice {
			if path == outside {
				t.Errorf("asked about %s, outside %s", path, dir)
			}
			if filepath.Base(path) == "cold.zap" {
				return want
			}
			return Normal
		}
	}
	n, err := a.Apply(choose(Random))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("first Apply advised %d mappings, want 2", n)
	}
	given := mustGiven(t, a)
	if given[cold] != Random || given[hot] != Normal {
		t.Fatalf("advice held by the kernel: %v; want %s random and %s normal", given, cold, hot)
	}
	if _, ok := given[outside]; ok {
		t.Errorf("Given lists %s, outside %s", outside, dir)
	}

	if n, err := a.Apply(choose(Random)); err != nil || n != 0 {
		t.Errorf("Apply with nothing changed advised %d mappings (err %v), want 0", n, err)
	}

	// Taking the advice back (as before a compaction reads the file
	// through) clears it in the kernel.
	if n, err := a.Apply(choose(Normal)); err != nil || n != 1 {
		t.Errorf("Apply after a change advised %d mappings (err %v), want 1", n, err)
	}
	if given := mustGiven(t, a); given[cold] != Normal {
		t.Errorf("advice for %s after taking it back: %s, want normal", cold, given[cold])
	}
}

func TestApplyForgetsUnmappedFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "seg.zap")
	if err := os.WriteFile(path, make([]byte, os.Getpagesize()), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	random := func(string) Advice { return Random }
	for round := range 3 {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		mm, err := unix.Mmap(int(f.Fd()), 0, os.Getpagesize(), unix.PROT_READ, unix.MAP_SHARED)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n, err := a.Apply(random); err != nil || n != 1 {
			t.Errorf("round %d: a new mapping advised %d times (err %v), want once", round, n, err)
		}
		if given := mustGiven(t, a); given[path] != Random {
			t.Errorf("round %d: %s is %s, want random", round, path, given[path])
		}
		if err := unix.Munmap(mm); err != nil {
			t.Fatal(err)
		}
		if n, err := a.Apply(random); err != nil || n != 0 || len(a.given) != 0 {
			t.Errorf("round %d: after unmapping, Apply advised %d (err %v) and remembers %d mappings, want 0 and 0", round, n, err, len(a.given))
		}
	}
}

// A segment a merge retired between reading the map and advising it is
// skipped without an error: the next call no longer sees it.
func TestAdviseSkipsAMappingGoneMeanwhile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "seg.zap")
	if err := os.WriteFile(path, make([]byte, 4*os.Getpagesize()), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mm, err := unix.Mmap(int(f.Fd()), 0, 4*os.Getpagesize(), unix.PROT_READ, unix.MAP_SHARED)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	maps, err := a.mappings()
	if err != nil || len(maps) != 1 {
		t.Fatalf("mappings under %s: %v, %v; want the one file", dir, maps, err)
	}
	if err := unix.Munmap(mm); err != nil {
		t.Fatal(err)
	}
	if n, err := a.advise(maps, func(string) Advice { return Random }); n != 0 || err != nil {
		t.Errorf("advising an unmapped segment: %d advised, error %v; want 0 and none", n, err)
	}
}

func mustGiven(t *testing.T, a *Adviser) map[string]Advice {
	t.Helper()
	given, err := a.Given()
	if err != nil {
		t.Fatal(err)
	}
	return given
}

func FuzzParseMapsLine(f *testing.F) {
	f.Add("7f1c2a000000-7f1c2a400000 r--s 00000000 fd:01 1234567 /var/lib/presswatch/index/2026-01/store/0000000000a5.zap")
	f.Add("7ffd1c3e2000-7ffd1c403000 rw-p 00000000 00:00 0                          [stack]")
	f.Add("55d0c0a00000-55d0c0a21000 rw-p 00000000 00:00 0 ")
	f.Add("7f00-7e00 r--s 0 fd:01 12 /a b (deleted)")
	f.Fuzz(func(t *testing.T, line string) {
		m, ok := parseMapsLine(line)
		if !ok {
			return
		}
		if m.end <= m.start || len(m.path) == 0 || m.path[0] != '/' {
			t.Errorf("parsed %q into %+v", line, m)
		}
	})
}
