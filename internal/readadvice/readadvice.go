// Package readadvice tells the kernel how the process reads the files it
// has mapped into memory from one directory tree.
//
// Bleve maps every index segment into memory and reads it through page
// faults. On each miss the kernel reads around the faulting page as much as
// the disk's read-ahead setting says, 8 MiB on some virtual disks. A search
// touches small pieces of many posting lists, so most of what is read
// around is never used; under a container's memory limit it pushes out the
// pages searches do use, and every query reads from disk again.
//
// Bleve does not hand out its mappings, so Adviser finds them in the
// process's own map (/proc/self/maps) by file name. Only Linux has this;
// elsewhere Apply does nothing.
package readadvice

import (
	"path/filepath"
	"sync"
)

// Advice is how a mapped file is read.
type Advice int

const (
	// Normal lets the kernel read ahead around each miss: for files read
	// from start to end, as a merge reads segments.
	Normal Advice = iota
	// Random reads only the page missed.
	Random
)

func (a Advice) String() string {
	if a == Random {
		return "random"
	}
	return "normal"
}

// Adviser gives the mappings of files under one directory the advice a
// caller chooses per file, remembering what it gave so that a mapping is
// advised once, and again only when the choice changes.
type Adviser struct {
	dir string // absolute, symbolic links resolved, as the map names files

	mu    sync.Mutex
	given map[region]Advice
}

// region is one mapping; a file mapped again at the same address has
// another inode or device, so it is advised anew.
type region struct {
	start, end uintptr
	dev        string
	inode      uint64
}

// New returns an Adviser for the files under dir.
func New(dir string) (*Adviser, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	return &Adviser{dir: abs, given: map[region]Advice{}}, nil
}

// Dir is the directory whose files are advised, as the process's map
// names it.
func (a *Adviser) Dir() string { return a.dir }

// Apply gives every current mapping of a file under the directory the
// advice choose returns for the file's path, and returns how many mappings
// it advised (those given the same advice before are left alone).
func (a *Adviser) Apply(choose func(path string) Advice) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.apply(choose)
}
