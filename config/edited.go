package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// FieldError is one problem with a source entered in the web UI: the
// field (a key of the sources file: "url", "include[1]") and what is
// wrong, in the words Validate uses for the file.
type FieldError struct {
	Field, Msg string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// CheckSource validates one source exactly as the sources file's entries
// are validated, so that a source entered in the UI is held to the same
// standard.
func CheckSource(s Source) []FieldError {
	ch := &checker{}
	validateSource(ch, "source", s)
	out := make([]FieldError, 0, len(ch.errs))
	for _, err := range ch.errs {
		var e *Error
		if errors.As(err, &e) {
			out = append(out, FieldError{Field: strings.TrimPrefix(e.Key, "source."), Msg: e.Msg})
		}
	}
	return out
}

// SourceKinds and SourceTiers are the values a source's kind and tier
// may take, for the UI's choices.
func SourceKinds() []string { return sourceKinds() }

// SourceTiers lists the tiers a source may have.
func SourceTiers() []string { return sourceTiers() }

// RulesDir says where the rules are read from: the classifier.rules_dir
// directory, or, when it is left at its default and does not exist (a
// first run without configuration), "" for the built-in rule pack. A
// directory named in the file or the environment that does not exist is
// an error naming the key, where it was set, and the path.
func (c Config) RulesDir() (string, error) {
	dir := c.Classifier.RulesDir
	info, err := os.Stat(dir)
	switch {
	case err == nil && info.IsDir():
		return dir, nil
	case err == nil:
		return "", c.origins.errorAt("classifier.rules_dir", "%s is not a directory", dir)
	case !errors.Is(err, fs.ErrNotExist):
		return "", c.origins.errorAt("classifier.rules_dir", "rules directory %s: %v", dir, err)
	case c.origins.has("classifier.rules_dir"):
		return "", c.origins.errorAt("classifier.rules_dir", "rules directory %s does not exist", dir)
	}
	return "", nil
}

// has reports whether key itself (not an enclosing block) was set.
func (o *origins) has(key string) bool {
	if o == nil {
		return false
	}
	_, ok := o.m[key]
	return ok
}

// RulesFrom names where the rules come from (RulesDir's result), for logs.
func RulesFrom(dir string) string {
	if dir == "" {
		return "built-in rule pack"
	}
	return fmt.Sprintf("directory %s", dir)
}
