package query

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/presswatch/presswatch/textnorm"
)

// Field names a query can scope to. Title, text and author are text fields
// (tokenised, with word positions); the others are keyword fields, whose
// values are compared whole.
const (
	FieldTitle  = "title"
	FieldText   = "text"
	FieldAuthor = "author"
	FieldSource = "source"
	FieldSite   = "site"
	FieldLang   = "lang"
	FieldTier   = "tier"
	FieldLabel  = "label"
)

// knownFields is the list shown when a query names an unknown field.
const knownFields = "title, text, author, source, site, lang, tier, label"

// IsTextField reports whether name is a field whose text is tokenised and
// has word positions (title, text, author).
func IsTextField(name string) bool {
	switch name {
	case FieldTitle, FieldText, FieldAuthor:
		return true
	}
	return false
}

// IsKeywordField reports whether name is a field whose values are compared
// whole (source, site, lang, tier, label).
func IsKeywordField(name string) bool {
	switch name {
	case FieldSource, FieldSite, FieldLang, FieldTier, FieldLabel:
		return true
	}
	return false
}

// Node is a node of a parsed query. The concrete types are *Term, *ListRef,
// *And, *Or, *Not and *Near.
type Node interface {
	// String renders the node in canonical query syntax; parsing it again
	// (with the same lists) gives a node Equal to this one.
	String() string
	node()
}

// Term is a literal leaf: a word, a phrase or a prefix, in one field or (when
// Field is "") in the title or the text.
type Term struct {
	// Field is the scope: "" (title or text), a text field or a keyword
	// field.
	Field string
	// Exact is set by the = prefix: the word as written, marks included,
	// in every text (see the package documentation).
	Exact bool
	// Fold is set by the ~ prefix: marks are ignored, as for a word
	// written without them.
	Fold bool
	// Prefix is set by a trailing *: the (single) token of Tokens is a
	// prefix of the document token. Prefix terms never have several tokens.
	Prefix bool
	// Phrase reports that the term was quoted or that its text has several
	// tokens; either way a text term matches Tokens as consecutive tokens.
	// Keyword terms never set it: their value is compared whole.
	Phrase bool
	// Raw is the text as written, without field, = or ~, quotes or the
	// trailing *; for a list entry, the entry.
	Raw string
	// Tokens is what is compared. For text fields: the tokens of Raw as
	// textnorm.Tokenize splits it, in ExactForm when the leaf is Exact or
	// Marked, else folded (textnorm.Fold). For keyword fields: one
	// element, the whole Raw folded or, when Exact, in ExactForm.
	Tokens []string
	// Col is the 1-based column (in characters) where the leaf starts in
	// the query, its field prefix included; for a list entry, the list's.
	Col int

	// Set by Parse and read-only; for a hand-built Term, Eval derives
	// them from Raw and the flags instead (textForms).
	//
	// marked: a text leaf without = or ~ whose Raw carries a Vietnamese
	// mark (textnorm.Marked). fold holds, for exact and marked text
	// leaves, the folded tokens of Raw. stems holds, for text leaves
	// that are neither exact nor prefixes, the stems of the folded
	// tokens in each of textnorm.StemLangs, nil where they equal them.
	forms  bool // the fields below are set
	marked bool
	fold   []string
	stems  *[len(textnorm.StemLangs)][]string // nil when no stem differs
}

// Marked reports whether the text leaf t is compared by its marks: it was
// written with Vietnamese marks and without = or ~. Such a leaf matches
// the same words with the same marks, and folds only in text written
// without marks (textnorm.Toneless).
func (t *Term) Marked() bool {
	if t.forms {
		return t.marked
	}
	return !t.Exact && !t.Fold && !IsKeywordField(t.Field) && textnorm.Marked(t.Raw)
}

// Folded returns the folded tokens of the text leaf t: Tokens itself
// when it is neither Exact nor Marked.
func (t *Term) Folded() []string {
	switch {
	case !t.Exact && !t.Marked():
		return t.Tokens
	case t.forms:
		return t.fold
	}
	return foldAll(t.Tokens)
}

// Stems returns the stems of Folded in language l; for StemNone, Folded.
func (t *Term) Stems(l textnorm.StemLang) []string {
	for i, sl := range textnorm.StemLangs {
		if sl == l {
			switch {
			case t.forms && t.stems != nil && t.stems[i] != nil:
				return t.stems[i]
			case t.forms && !t.Exact && !t.Prefix:
				return t.Folded() // Parse keeps only stems that differ
			}
			return stemAll(l, t.Folded())
		}
	}
	return t.Folded()
}

// ListRef is @name: any entry of a named list. Its Terms are the entries,
// each a plain word or phrase in the ListRef's field.
type ListRef struct {
	Field, Name string
	Terms       []*Term
	Col         int
}

// And matches when every child matches. Parse flattens nested Ands.
type And struct{ Children []Node }

// Or matches when any child matches. Parse flattens nested Ors.
type Or struct{ Children []Node }

// Not matches when Child does not.
type Not struct{ Child Node }

// Near matches when an occurrence of Left and one of Right lie in the same
// text field with at most N tokens between them; Ordered requires Left
// first. See the package documentation for the exact rule.
type Near struct {
	Left, Right Node
	N           int
	Ordered     bool
}

func (*Term) node()    {}
func (*ListRef) node() {}
func (*And) node()     {}
func (*Or) node()      {}
func (*Not) node()     {}
func (*Near) node()    {}

// Precedence levels for rendering, loosest first; they mirror the parser.
const (
	precOr = iota + 1
	precAnd
	precNear
	precNot
	precLeaf
)

func prec(n Node) int {
	switch n.(type) {
	case *Or:
		return precOr
	case *And:
		return precAnd
	case *Near:
		return precNear
	case *Not:
		return precNot
	}
	return precLeaf
}

// render writes n, in parentheses when it binds more loosely than min (or,
// for a nested And in And or Or in Or, as loosely: Parse would flatten them,
// so parentheses are what keeps such hand-built trees distinct).
func render(b *strings.Builder, n Node, min int) {
	if n == nil {
		b.WriteString("()")
		return
	}
	if prec(n) < min {
		b.WriteByte('(')
		b.WriteString(n.String())
		b.WriteByte(')')
		return
	}
	b.WriteString(n.String())
}

func (t *Term) String() string {
	var b strings.Builder
	if t.Field != "" {
		b.WriteString(t.Field)
		b.WriteByte(':')
	}
	switch {
	case t.Exact:
		b.WriteByte('=')
	case t.Fold:
		b.WriteByte('~')
	}
	switch {
	case IsKeywordField(t.Field):
		if keywordNeedsQuotes(t.Raw) {
			b.WriteString(`"` + t.Raw + `"`)
		} else {
			b.WriteString(t.Raw)
		}
	case t.Phrase:
		b.WriteString(`"` + t.Raw + `"`)
	default:
		b.WriteString(t.Raw)
	}
	if t.Prefix {
		b.WriteByte('*')
	}
	return b.String()
}

// keywordNeedsQuotes reports whether a keyword value must be quoted to be
// read back as the same value after a field prefix.
func keywordNeedsQuotes(v string) bool {
	if v == "" || v[0] == '=' || v[0] == '@' || v[0] == '~' {
		return true
	}
	for _, r := range v {
		if unicode.IsSpace(r) || r == '(' || r == ')' {
			return true
		}
	}
	return false
}

func (l *ListRef) String() string {
	if l.Field != "" {
		return l.Field + ":@" + l.Name
	}
	return "@" + l.Name
}

func (a *And) String() string { return join(a.Children, " AND ", precAnd+1) }

func (o *Or) String() string { return join(o.Children, " OR ", precOr+1) }

func join(children []Node, sep string, min int) string {
	if len(children) == 0 {
		return "()"
	}
	var b strings.Builder
	for i, c := range children {
		if i > 0 {
			b.WriteString(sep)
		}
		render(&b, c, min)
	}
	return b.String()
}

func (n *Not) String() string {
	var b strings.Builder
	b.WriteString("NOT ")
	render(&b, n.Child, precNot)
	return b.String()
}

func (n *Near) String() string {
	var b strings.Builder
	render(&b, n.Left, precLeaf)
	if n.Ordered {
		b.WriteString(" ONEAR/")
	} else {
		b.WriteString(" NEAR/")
	}
	b.WriteString(strconv.Itoa(n.N))
	b.WriteByte(' ')
	render(&b, n.Right, precLeaf)
	return b.String()
}

// Equal reports whether a and b are the same query, ignoring the columns
// they were parsed at.
func Equal(a, b Node) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case *Term:
		b, ok := b.(*Term)
		return ok && termEqual(a, b)
	case *ListRef:
		b, ok := b.(*ListRef)
		if !ok || a.Field != b.Field || a.Name != b.Name || len(a.Terms) != len(b.Terms) {
			return false
		}
		for i := range a.Terms {
			if !termEqual(a.Terms[i], b.Terms[i]) {
				return false
			}
		}
		return true
	case *And:
		b, ok := b.(*And)
		return ok && childrenEqual(a.Children, b.Children)
	case *Or:
		b, ok := b.(*Or)
		return ok && childrenEqual(a.Children, b.Children)
	case *Not:
		b, ok := b.(*Not)
		return ok && Equal(a.Child, b.Child)
	case *Near:
		b, ok := b.(*Near)
		return ok && a.N == b.N && a.Ordered == b.Ordered &&
			Equal(a.Left, b.Left) && Equal(a.Right, b.Right)
	}
	return false
}

func termEqual(a, b *Term) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Field != b.Field || a.Exact != b.Exact || a.Fold != b.Fold || a.Prefix != b.Prefix ||
		a.Phrase != b.Phrase || a.Raw != b.Raw || len(a.Tokens) != len(b.Tokens) {
		return false
	}
	for i := range a.Tokens {
		if a.Tokens[i] != b.Tokens[i] {
			return false
		}
	}
	return true
}

func childrenEqual(a, b []Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Terms returns the positive literal leaves of n, in query order: every Term,
// and every entry of every ListRef, that is not under a Not. A document can
// match n only if it contains one of them, unless n matches documents by
// what they lack (NOT x alone, or x OR NOT y), in which case a presearcher
// must treat n as always a candidate; Terms alone cannot tell, so callers
// should check with HasPositiveRequirement. Keyword-field leaves
// (label:sensitive) are included: a presearcher that only sees text tokens
// must look them up in the document's keywords, or treat a query whose
// positive leaves include one as a candidate.
func Terms(n Node) []*Term {
	var out []*Term
	var walk func(Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case *Term:
			out = append(out, n)
		case *ListRef:
			out = append(out, n.Terms...)
		case *And:
			for _, c := range n.Children {
				walk(c)
			}
		case *Or:
			for _, c := range n.Children {
				walk(c)
			}
		case *Near:
			walk(n.Left)
			walk(n.Right)
		}
	}
	walk(n)
	return out
}

// HasPositiveRequirement reports whether every document n matches contains
// at least one of Terms(n). It is false for queries that can match by
// absence, such as NOT x or x OR NOT y; a presearcher must evaluate those on
// every document.
func HasPositiveRequirement(n Node) bool {
	switch n := n.(type) {
	case *Term, *ListRef:
		// An empty list matches nothing, so the implication holds for it too.
		return true
	case *And:
		for _, c := range n.Children {
			if HasPositiveRequirement(c) {
				return true
			}
		}
		return false
	case *Or:
		if len(n.Children) == 0 {
			return true // matches nothing, so the implication holds
		}
		for _, c := range n.Children {
			if !HasPositiveRequirement(c) {
				return false
			}
		}
		return true
	case *Near:
		return true
	}
	return false
}
