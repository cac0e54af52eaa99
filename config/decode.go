package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The decoder walks the yaml.v3 node tree against the Go type itself
// rather than calling Node.Decode with KnownFields: yaml.v3 stops at the
// first problem and its messages carry neither the file nor the key path.
// The walk knows the line of every key and value, so it can report every
// unknown key and bad value at once, and remember where each value came
// from for Validate.

// maxNodes bounds the work of one decode. Aliases make a small file expand
// into a large tree ("billion laughs"); yaml.v3 guards its own decoder
// against that, and this walk needs the same guard.
const maxNodes = 1 << 20

// decoder decodes one file.
type decoder struct {
	file    string
	origins *origins
	errs    *errList
	nodes   int
}

// parseYAML parses data as a single YAML document. It returns nil for a
// file that holds no document at all (empty, or only comments).
func parseYAML(file string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(file, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return &doc, nil
	case err != nil:
		return nil, syntaxError(file, err)
	default:
		return nil, &Error{File: file, Line: extra.Line, Msg: "a second YAML document: the file must hold exactly one"}
	}
}

// syntaxError names the file. yaml.v3's message keeps its own "line N"
// rather than becoming FILE:LINE: for parser errors yaml.v3 reports the
// line where the enclosing construct began, less one, and an editor
// jumping there would land on the wrong line.
func syntaxError(file string, err error) error {
	return &Error{File: file, Err: err}
}

// document decodes a parsed file into the struct out points to. A missing
// or null document leaves out as it is (the defaults).
func (d *decoder) document(doc *yaml.Node, out any) {
	if doc == nil {
		return
	}
	n := doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	n = d.deref(n)
	if n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, "", "expected a mapping of settings, got %s", describe(n))
		return
	}
	d.mapping(n, reflect.ValueOf(out).Elem(), "")
}

func (d *decoder) fail(n *yaml.Node, key, format string, args ...any) {
	d.errs.add(&Error{File: d.file, Line: n.Line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// spend counts a node against maxNodes and reports whether to go on.
func (d *decoder) spend(n *yaml.Node) bool {
	d.nodes++
	if d.nodes == maxNodes {
		d.fail(n, "", "document too large or too deeply aliased (more than %d nodes)", maxNodes)
	}
	return d.nodes < maxNodes
}

// deref follows aliases to the node they name.
func (d *decoder) deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what a node is, for "expected X, got Y".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := []rune(n.Value)
		if len(v) > 40 {
			return strconv.Quote(string(v[:40]) + "...")
		}
		return strconv.Quote(n.Value)
	}
	return "an empty document"
}

// yamlFields maps the YAML keys of struct type t to field indexes.
func yamlFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		if name, ok := yamlName(t.Field(i)); ok {
			m[name] = i
		}
	}
	return m
}

// yamlName is the key of a struct field as yaml.v3 would name it.
func yamlName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch name {
	case "-":
		return "", false
	case "":
		return strings.ToLower(f.Name), true
	}
	return name, true
}

// mapping decodes a YAML mapping into struct v. Merge keys (<<: *base) are
// applied first so that the keys written beside them win, as YAML says.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, key string) {
	if !d.spend(n) {
		return
	}
	fields := yamlFields(v.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := d.deref(n.Content[i]); k != nil && k.ShortTag() == "!!merge" {
			d.merge(n.Content[i+1], v, key)
		}
	}
	seen := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := d.deref(n.Content[i]), n.Content[i+1]
		if k == nil || !d.spend(k) {
			return
		}
		if k.ShortTag() == "!!merge" {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.fail(n.Content[i], key, "a key must be a plain name, got %s", describe(k))
			continue
		}
		name := k.Value
		child := joinKey(key, name)
		if first, dup := seen[name]; dup {
			d.fail(n.Content[i], child, "duplicate key (first set at line %d)", first)
			continue
		}
		seen[name] = n.Content[i].Line
		idx, ok := fields[name]
		if !ok {
			d.errs.add(&Error{File: d.file, Line: n.Content[i].Line, Msg: "unknown key " + strconv.Quote(name)})
			continue
		}
		d.origins.set(child, origin{file: d.file, line: n.Content[i].Line})
		d.value(val, v.Field(idx), child)
	}
}

// merge applies the value of a merge key: a mapping or a list of them, the
// earlier mappings in a list taking precedence over later ones.
func (d *decoder) merge(n *yaml.Node, v reflect.Value, key string) {
	m := d.deref(n)
	if m == nil {
		return
	}
	switch m.Kind {
	case yaml.MappingNode:
		d.mapping(m, v, key)
	case yaml.SequenceNode:
		for i := len(m.Content) - 1; i >= 0; i-- {
			item := d.deref(m.Content[i])
			if item == nil || item.Kind != yaml.MappingNode {
				d.fail(m.Content[i], key, "a merge (<<) list must hold mappings")
				continue
			}
			d.mapping(item, v, key)
		}
	default:
		d.fail(n, key, "a merge (<<) needs a mapping or a list of mappings, got %s", describe(m))
	}
}

// value decodes node n into v, whose key path is key.
func (d *decoder) value(n *yaml.Node, v reflect.Value, key string) {
	at := n
	n = d.deref(n)
	if n == nil || !d.spend(n) {
		return
	}
	if isNull(n) {
		d.null(v)
		return
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.fail(at, key, "expected a mapping, got %s", describe(n))
			return
		}
		d.mapping(n, v, key)
	case t.Kind() == reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		d.value(at, v.Elem(), key)
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(at, key, "expected a list, got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			ik := indexKey(key, i)
			d.origins.set(ik, origin{file: d.file, line: item.Line})
			d.value(item, s.Index(i), ik)
		}
		v.Set(s)
	default:
		if n.Kind != yaml.ScalarNode {
			d.fail(at, key, "expected %s, got %s", scalarName(t), describe(n))
			return
		}
		if err := setScalar(v, n.Value); err != nil {
			d.fail(at, key, "%s", err.Error())
		}
	}
}

// null applies an explicit null (a key with no value). A list becomes
// empty and an optional bool unset. A block such as "log:" under a
// receiver becomes present but empty, because writing the key says "this
// kind"; an empty LogReceiver has nothing else to say. Everything else
// keeps its default, as yaml.v3 does.
func (d *decoder) null(v reflect.Value) {
	switch v.Kind() {
	case reflect.Slice:
		v.Set(reflect.Zero(v.Type()))
	case reflect.Pointer:
		if v.Type().Elem().Kind() == reflect.Struct {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			return
		}
		v.Set(reflect.Zero(v.Type()))
	}
}

// scalarName names the kind of text a scalar field takes.
func scalarName(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[Duration]():
		return "a duration"
	case t == reflect.TypeFor[ByteSize]():
		return "a byte size"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	}
	return "a string"
}

// setScalar parses s into v. The YAML decoder and the environment share it,
// so a value means the same wherever it is written.
func setScalar(v reflect.Value, s string) error {
	t := v.Type()
	switch {
	case t == reflect.TypeFor[Duration]():
		dur, err := ParseDuration(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(dur))
		return nil
	case t == reflect.TypeFor[ByteSize]():
		b, err := ParseByteSize(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(b))
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		// Base 10 only: base 0 would read "010" as octal 8.
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || v.OverflowInt(i) {
			return fmt.Errorf("invalid integer %q", s)
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil || v.OverflowUint(u) {
			return fmt.Errorf("invalid integer %q", s)
		}
		v.SetUint(u)
	case reflect.Bool:
		b, err := parseBool(s)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := setScalar(p.Elem(), s); err != nil {
			return err
		}
		v.Set(p)
	default:
		return fmt.Errorf("cannot set a %s from text", t)
	}
	return nil
}

// parseBool accepts the YAML 1.1 spellings too (yes/no, on/off), which
// operators still write and yaml.v3 accepts for bool fields.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean %q (want true or false)", s)
}
