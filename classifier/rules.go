// Package classifier flags articles that concern the province with rules an
// officer can read: named term lists and keyword rules, matched
// tone-insensitively on the normalised, folded token stream. Each match
// says which rule fired and where.
package classifier

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// Rule is one entry of a rules file.
type Rule struct {
	ID    string            `yaml:"id"`
	Title map[string]string `yaml:"title"`
	// Keywords: the rule matches when any of them occurs (a word or a
	// phrase, or @list for every term of a named list).
	Keywords []string `yaml:"keywords"`
	// Require: when set, at least one of these must occur too (typically
	// @province, so that a flood elsewhere is not an alert here).
	Require    []string         `yaml:"require"`
	Labels     []string         `yaml:"labels"`
	Severity   article.Severity `yaml:"severity"`
	Department string           `yaml:"department"`
	Enabled    *bool            `yaml:"enabled"`
	// Query is the rule in the query language (docs/QUERY.md); a rule has
	// either a query or keywords.
	Query string `yaml:"query"`
	// Scope limits the rule to some sources, tiers or languages.
	Scope Scope `yaml:"scope"`
	// Examples are texts the rule must and must not match, checked by
	// presswatch rules check.
	Examples Examples `yaml:"examples"`
	// Rebuttal links the official information answering a known false
	// claim the rule describes (the registry of false claims).
	Rebuttal string `yaml:"rebuttal"`

	file string
	line int
	// queryAt locates the query's characters in the file.
	queryAt scalarPos
}

// Scope limits where a rule applies; empty lists mean everywhere.
type Scope struct {
	Sources []string `yaml:"sources"`
	Tiers   []string `yaml:"tiers"`
	Langs   []string `yaml:"langs"`
}

// Examples are a rule's test texts.
type Examples struct {
	Match   []string `yaml:"match"`
	NoMatch []string `yaml:"no_match"`
}

// File is the content of one rules file.
type File struct {
	Lists   map[string][]string `yaml:"lists"`
	Rules   []Rule              `yaml:"rules"`
	Signals *SignalConfig       `yaml:"signals"`

	signalsLine int
	// listLines: the line of each list's name and of each of its entries.
	listLines map[string][]int
}

// Position locates a problem in a rules file.
type Position struct {
	File      string
	Line, Col int
}

func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is a problem in a rules file, with its position.
type Error struct {
	Pos Position
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// LoadDir reads every *.yaml and *.yml file in dir of fsys and compiles
// them into one rule set. All problems are reported together.
func LoadDir(fsys fs.FS, dir string) (*Ruleset, error) {
	files, err := ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	return Compile(files)
}

// ReadDir reads every *.yaml and *.yml file in dir of fsys, keyed by
// path, for Compile.
func ReadDir(fsys fs.FS, dir string) (map[string][]byte, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read rules directory %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if ext := path.Ext(e.Name()); ext == ".yaml" || ext == ".yml" {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	files := make(map[string][]byte, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, path.Join(dir, n))
		if err != nil {
			return nil, fmt.Errorf("read rules file %s: %w", n, err)
		}
		files[path.Join(dir, n)] = b
	}
	return files, nil
}

// Compile builds a rule set from file contents keyed by file name.
func Compile(files map[string][]byte) (*Ruleset, error) { return CompileWithEdits(files, nil) }

// CompileWithEdits builds a rule set from the files with the rules edited
// in the web UI laid over them: an edit replaces the file rule of the
// same ID (or adds a rule), a deletion removes it.
func CompileWithEdits(files map[string][]byte, edits []Edit) (*Ruleset, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)

	var errs []error
	lists := map[string][]string{}
	listPos := map[string]Position{}
	entryLines := map[string][]int{}
	var rules []Rule
	var signals *SignalConfig
	var signalsPos Position
	for _, name := range names {
		data := files[name]
		f, ferrs := parseFile(name, data)
		errs = append(errs, ferrs...)
		for ln, terms := range f.Lists {
			if prev, dup := listPos[ln]; dup {
				errs = append(errs, &Error{Pos: Position{File: name}, Msg: fmt.Sprintf("list %q is defined again (first in %s)", ln, prev)})
				continue
			}
			pos := Position{File: name}
			if l := f.listLines[ln]; len(l) > 0 { // not for lists merged in by YAML aliases
				pos.Line = l[0]
			}
			listPos[ln] = pos
			lists[ln] = terms
			entryLines[ln] = f.listLines[ln]
		}
		rules = append(rules, f.Rules...)
		if f.Signals != nil {
			pos := Position{File: name, Line: f.signalsLine}
			if signals != nil {
				errs = append(errs, &Error{Pos: pos, Msg: fmt.Sprintf("signals are defined again (first in %s)", signalsPos)})
				continue
			}
			signals, signalsPos = f.Signals, pos
		}
	}
	rules, eerrs := applyEdits(rules, edits)
	errs = append(errs, eerrs...)
	sig, serrs := compileSignals(signals, signalsPos, lists)
	errs = append(errs, serrs...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	rs, err := compileRules(rules, lists)
	if err != nil {
		return nil, err
	}
	rs.lists, rs.signals = lists, sig
	rs.listPos, rs.listEntryLines = listPos, entryLines
	rs.Version = Version(files, edits)
	return rs, nil
}

// Version is the Ruleset.Version of the rule set compiled from files and
// edits, computed without compiling it: the start of Digest, short enough
// for people and logs to name a rule set by.
func Version(files map[string][]byte, edits []Edit) string {
	d := Digest(files, edits)
	return hex.EncodeToString(d[:])[:12]
}

// Digest is a SHA-256 of the files in order of name and of the edits in
// order of ID, the order they apply in: what a caller that compiles again
// only on a change compares.
func Digest(files map[string][]byte, edits []Edit) [sha256.Size]byte {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(files[name]))
		h.Write(files[name])
	}
	for _, e := range sortedEdits(edits) {
		fmt.Fprintf(h, "edit\x00%s\x00%t\x00%d\x00", e.ID, e.Deleted, len(e.YAML))
		h.Write([]byte(e.YAML))
	}
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// parseFile decodes one file strictly, giving line and column for every
// problem.
func parseFile(name string, data []byte) (File, []error) {
	var f File
	if len(bytes.TrimSpace(data)) == 0 {
		return f, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return f, []error{&Error{Pos: Position{File: name}, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			out := make([]error, 0, len(te.Errors))
			for _, m := range te.Errors {
				out = append(out, &Error{Pos: Position{File: name, Line: yamlErrLine(m)}, Msg: stripYAMLLine(m)})
			}
			return File{}, out
		}
		return File{}, []error{&Error{Pos: Position{File: name}, Msg: err.Error()}}
	}
	// Attach positions to rules from the node tree.
	if len(root.Content) == 1 {
		doc := root.Content[0]
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "signals" {
				f.signalsLine = doc.Content[i].Line
				f.Signals.locate(data, doc.Content[i+1])
			}
			if doc.Content[i].Value == "lists" && doc.Content[i+1].Kind == yaml.MappingNode {
				f.listLines = map[string][]int{}
				ln := doc.Content[i+1].Content
				for k := 0; k+1 < len(ln); k += 2 {
					lines := []int{ln[k].Line}
					for _, e := range ln[k+1].Content {
						lines = append(lines, e.Line)
					}
					f.listLines[ln[k].Value] = lines
				}
			}
			if doc.Content[i].Value == "rules" && doc.Content[i+1].Kind == yaml.SequenceNode {
				for j, rn := range doc.Content[i+1].Content {
					if j >= len(f.Rules) {
						break
					}
					f.Rules[j].file, f.Rules[j].line = name, rn.Line
					for k := 0; k+1 < len(rn.Content); k += 2 {
						if rn.Content[k].Value == "query" {
							f.Rules[j].queryAt = locateScalar(data, rn.Content[k+1])
						}
					}
				}
			}
		}
	}
	return f, nil
}

var yamlLineRe = regexp.MustCompile(`^line (\d+): `)

func yamlErrLine(m string) int {
	if sm := yamlLineRe.FindStringSubmatch(m); sm != nil {
		var n int
		fmt.Sscanf(sm[1], "%d", &n)
		return n
	}
	return 0
}

var unknownFieldRe = regexp.MustCompile(`^field (\S+) not found in type \S+$`)

// stripYAMLLine rewrites yaml.v3's messages in the words an officer
// editing the file would use.
func stripYAMLLine(m string) string {
	m = yamlLineRe.ReplaceAllString(m, "")
	if sm := unknownFieldRe.FindStringSubmatch(m); sm != nil {
		return fmt.Sprintf("unknown field %q", sm[1])
	}
	return m
}

func compileRules(rules []Rule, lists map[string][]string) (*Ruleset, error) {
	var errs []error
	seen := map[string]Position{}
	rs := &Ruleset{}
	for _, r := range rules {
		pos := Position{File: r.file, Line: r.line}
		bad := func(format string, a ...any) { errs = append(errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, a...)}) }
		switch {
		case r.ID == "":
			bad("rule has no id")
		case !idPattern.MatchString(r.ID):
			bad("rule id %q: use lower-case letters, digits, '.', '_' and '-'", r.ID)
		}
		if prev, dup := seen[r.ID]; dup && r.ID != "" {
			bad("duplicate rule id %q (first at %s)", r.ID, prev)
		} else {
			seen[r.ID] = pos
		}
		if !r.Severity.Valid() {
			bad("rule %s: unknown severity %q (want info, low, medium, high or critical)", r.ID, r.Severity)
		}
		switch {
		case r.Query == "" && len(r.Keywords) == 0:
			bad("rule %s: no query (or keywords)", r.ID)
			continue
		case r.Query != "" && (len(r.Keywords) > 0 || len(r.Require) > 0):
			bad("rule %s: give either query or keywords/require, not both", r.ID)
		}
		if r.Enabled != nil && !*r.Enabled {
			continue
		}
		src, err := ruleQuery(r)
		if err != nil {
			bad("rule %s: %v", r.ID, err)
			continue
		}
		node, err := query.Parse(src, query.Options{Lists: func(name string) ([]string, bool) {
			l, ok := lists[name]
			return l, ok
		}})
		if err != nil {
			var qe *query.Error
			if errors.As(err, &qe) && qe.Col > 0 && r.Query != "" && r.queryAt.known() {
				line, col := r.queryAt.at(qe.Col)
				errs = append(errs, &Error{Pos: Position{File: r.file, Line: line, Col: col},
					Msg: fmt.Sprintf("rule %s: query: %s", r.ID, qe.Msg)})
			} else {
				bad("rule %s: query: %v", r.ID, err)
			}
			continue
		}
		rs.rules = append(rs.rules, compiledRule{rule: r, node: node})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	ordered, err := orderByLabels(rs.rules)
	if err != nil {
		return nil, err
	}
	rs.rules = ordered
	rs.index()
	return rs, nil
}

// ruleQuery is the rule's query: its own, or one built from keywords and
// require (any keyword, as a phrase, and any required term).
func ruleQuery(r Rule) (string, error) {
	if r.Query != "" {
		return r.Query, nil
	}
	any, err := alternatives(r.Keywords)
	if err != nil {
		return "", err
	}
	if len(r.Require) == 0 {
		return any, nil
	}
	req, err := alternatives(r.Require)
	if err != nil {
		return "", err
	}
	return "(" + any + ") AND (" + req + ")", nil
}

func alternatives(terms []string) (string, error) {
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		if name, isList := strings.CutPrefix(t, "@"); isList {
			parts = append(parts, "@"+name)
			continue
		}
		if strings.ContainsAny(t, `"“”`) {
			return "", fmt.Errorf("keyword %q: quotes are not allowed in keywords (use query: for query syntax)", t)
		}
		if len(textnorm.Tokenize(t)) == 0 {
			return "", fmt.Errorf("keyword %q has no letters or digits", t)
		}
		parts = append(parts, `"`+t+`"`)
	}
	return strings.Join(parts, " OR "), nil
}
