package readadvice

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// mapping is one line of /proc/self/maps naming a file under the
// directory.
type mapping struct {
	region
	path string
}

func (a *Adviser) apply(choose func(path string) Advice) (int, error) {
	maps, err := a.mappings()
	if err != nil {
		return 0, err
	}
	return a.advise(maps, choose)
}

// advise gives maps, read from the process's map a moment ago, their
// advice.
func (a *Adviser) advise(maps []mapping, choose func(path string) Advice) (int, error) {
	seen := make(map[region]Advice, len(maps))
	advised := 0
	var errs []error
	for _, m := range maps {
		want := choose(m.path)
		if had, ok := a.given[m.region]; ok && had == want {
			seen[m.region] = want
			continue
		}
		if err := madvise(m.start, m.end-m.start, want); err != nil {
			if !errors.Is(err, unix.ENOMEM) {
				errs = append(errs, fmt.Errorf("advise %s: %w", m.path, err))
			}
			// ENOMEM: the file was unmapped since the map was read (a
			// merge retired the segment), which is no fault.
			continue
		}
		seen[m.region] = want
		advised++
	}
	// Forget mappings that are gone, so the record stays as small as the
	// map.
	a.given = seen
	if len(errs) > 0 {
		return advised, errs[0]
	}
	return advised, nil
}

func madvise(start, length uintptr, advice Advice) error {
	flag := unix.MADV_NORMAL
	if advice == Random {
		flag = unix.MADV_RANDOM
	}
	// A raw call: the region is the kernel's record of Bleve's mapping,
	// not a Go slice this package owns.
	if _, _, errno := unix.Syscall(unix.SYS_MADVISE, start, length, uintptr(flag)); errno != 0 {
		return errno
	}
	return nil
}

// mappings reads the process's map for the files under the directory.
func (a *Adviser) mappings() ([]mapping, error) {
	data, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return nil, fmt.Errorf("read the process's memory map: %w", err)
	}
	prefix := a.dir + string(os.PathSeparator)
	var out []mapping
	for line := range strings.Lines(string(data)) {
		m, ok := parseMapsLine(strings.TrimSuffix(line, "\n"))
		if ok && strings.HasPrefix(m.path, prefix) {
			out = append(out, m)
		}
	}
	return out, nil
}

// parseMapsLine reads "start-end perms offset dev inode path" (proc(5));
// the path is the rest of the line and may hold spaces. Lines without a
// file (anonymous memory, [heap]) are not wanted.
func parseMapsLine(line string) (mapping, bool) {
	var m mapping
	rest := line
	var fields [5]string
	for i := range fields {
		rest = strings.TrimLeft(rest, " ")
		end := strings.IndexByte(rest, ' ')
		if end < 0 {
			return m, false
		}
		fields[i], rest = rest[:end], rest[end:]
	}
	m.path = strings.TrimLeft(rest, " ")
	if !strings.HasPrefix(m.path, "/") {
		return m, false
	}
	lo, hi, ok := strings.Cut(fields[0], "-")
	if !ok {
		return m, false
	}
	start, err1 := strconv.ParseUint(lo, 16, 64)
	end, err2 := strconv.ParseUint(hi, 16, 64)
	inode, err3 := strconv.ParseUint(fields[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || end <= start {
		return m, false
	}
	m.region = region{start: uintptr(start), end: uintptr(end), dev: fields[3], inode: inode}
	return m, true
}

// Given reads, for each file under the directory mapped by this process,
// the advice the kernel holds for it (from /proc/self/smaps: "rr" among
// a mapping's VmFlags is random reads). A file mapped more than once is
// Random if any of its mappings is.
func (a *Adviser) Given() (map[string]Advice, error) {
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return nil, fmt.Errorf("read the process's memory map: %w", err)
	}
	prefix := a.dir + string(os.PathSeparator)
	out := map[string]Advice{}
	var current string
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSuffix(line, "\n")
		if m, ok := parseMapsLine(line); ok {
			current = ""
			if strings.HasPrefix(m.path, prefix) {
				current = m.path
				if _, ok := out[current]; !ok {
					out[current] = Normal
				}
			}
			continue
		}
		flags, ok := strings.CutPrefix(line, "VmFlags:")
		if ok && current != "" && strings.Contains(" "+flags+" ", " rr ") {
			out[current] = Random
		}
	}
	return out, nil
}
