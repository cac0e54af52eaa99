package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// envSource is the File of errors about environment variables.
const envSource = "environment"

// maxErrors bounds how many problems one Load reports: enough to fix a file
// in one pass, while a pathological file cannot make an unbounded report.
const maxErrors = 100

// Error is one problem in the configuration. Load and Validate return
// several of them joined with errors.Join, one per line; errors.As finds
// the first.
//
// The text is "FILE:LINE: KEY: MESSAGE", leaving out the parts that are not
// known, e.g.
//
//	presswatch.yaml:7: unknown key "colour"
//	presswatch.yaml:12: crawler.fetch_timeout: invalid duration "3 parsecs"
//	environment: PRESSWATCH_INDEXER_BATCH_SIZE: invalid integer "ten"
type Error struct {
	File string // file name as given, or "environment"
	Line int    // 1-based; 0 when not known
	Var  string // environment variable the value came from, if any
	Key  string // key path such as crawler.sources[2].url
	Msg  string
	Err  error // underlying cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	add := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(s)
	}
	pos := e.File
	if e.Line > 0 {
		pos += ":" + strconv.Itoa(e.Line)
	}
	add(pos)
	add(e.Var)
	add(e.Key)
	add(e.Msg)
	if e.Err != nil {
		add(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// errList collects problems so that one run reports all of them. It drops
// repeats: a mistake inside an anchored block is met again at every alias
// of it.
type errList struct {
	errs    []error
	seen    map[string]bool
	dropped int
}

func (l *errList) add(err error) {
	text := err.Error()
	if l.seen[text] {
		return
	}
	if l.seen == nil {
		l.seen = make(map[string]bool)
	}
	l.seen[text] = true
	if len(l.errs) >= maxErrors {
		l.dropped++
		return
	}
	l.errs = append(l.errs, err)
}

func (l *errList) err() error {
	if l.dropped > 0 {
		return errors.Join(append(l.errs, fmt.Errorf("... and %d more problems", l.dropped))...)
	}
	return errors.Join(l.errs...)
}

// origin is where a value was set: a file and line, or an environment
// variable.
type origin struct {
	file string
	line int
	env  string
}

// origins maps key paths (crawler.sources[2].url) to where they were set.
// Config holds a pointer to it so that printing a Config with %+v shows an
// address rather than every line of the file. A nil *origins knows nothing.
type origins struct {
	m map[string]origin
}

func newOrigins() *origins { return &origins{m: make(map[string]origin)} }

func (o *origins) set(key string, org origin) { o.m[key] = org }

// at finds where key (or failing that, its nearest enclosing key) was set,
// so that a problem with a default inside a block written in the file
// still points into that block.
func (o *origins) at(key string) (origin, bool) {
	if o == nil {
		return origin{}, false
	}
	for key != "" {
		if org, ok := o.m[key]; ok {
			return org, true
		}
		key = parentKey(key)
	}
	return origin{}, false
}

// forget drops key and everything under it, before the environment
// replaces its value: the old lines no longer say where the value is from.
func (o *origins) forget(key string) {
	for k := range o.m {
		if k == key || strings.HasPrefix(k, key+".") || strings.HasPrefix(k, key+"[") {
			delete(o.m, k)
		}
	}
}

// errorAt builds an Error for key, positioned where key was set.
func (o *origins) errorAt(key, format string, args ...any) *Error {
	e := &Error{Key: key, Msg: fmt.Sprintf(format, args...)}
	if org, ok := o.at(key); ok {
		if org.env != "" {
			e.File, e.Var = envSource, org.env
		} else {
			e.File, e.Line = org.file, org.line
		}
	}
	return e
}

// parentKey strips the last element of a key path: a.b[2].c -> a.b[2] ->
// a.b -> a -> "".
func parentKey(key string) string {
	i := strings.LastIndexAny(key, ".[")
	if i < 0 {
		return ""
	}
	return key[:i]
}

func joinKey(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func indexKey(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}
