//go:build !linux

package readadvice

// Only Linux lists a process's mappings; elsewhere the kernel's default
// read-ahead stays.
func (a *Adviser) apply(func(path string) Advice) (int, error) { return 0, nil }

// Given reports nothing: no advice is given off Linux.
func (a *Adviser) Given() (map[string]Advice, error) { return map[string]Advice{}, nil }
