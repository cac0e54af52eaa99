package query

import (
	"fmt"
	"strings"
)

// Limits that bound the cost of parsing and evaluating one query. Each is
// an error, not a silent truncation, so an officer learns why a rule was
// refused.
const (
	// MaxQueryBytes bounds the query text.
	MaxQueryBytes = 4096
	// MaxDepth bounds nesting: each ( and each NOT counts one level.
	MaxDepth = 32
	// MaxTerms bounds the literal leaves, list entries included.
	MaxTerms = 1024
	// MaxNear is the largest n of NEAR/n and ONEAR/n.
	MaxNear = 100
	// MinPrefix is the fewest characters a prefix may have before its *,
	// because shorter prefixes match most of the vocabulary.
	MinPrefix = 3
)

// Options configure Parse.
type Options struct {
	// Lists resolves @name to the list's entries, each a word or phrase in
	// plain text (not query syntax). A nil Lists knows no list.
	Lists func(name string) ([]string, bool)
}

// Error is a query syntax error. Col is the 1-based column, counted in
// characters, where the problem is; 0 when it concerns the whole query.
type Error struct {
	Col int
	Msg string
}

func (e *Error) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("col %d: %s", e.Col, e.Msg)
	}
	return e.Msg
}

func errf(col int, format string, args ...any) error {
	return &Error{Col: col, Msg: fmt.Sprintf(format, args...)}
}

// Parse parses q. Errors are *Error.
func Parse(q string, o Options) (Node, error) {
	return parse(q, o, MaxQueryBytes)
}

// parse is Parse with the length limit as a parameter. The canonical form
// of a query can be longer than the query (explicit AND, a field on every
// leaf of a scoped group), so tests that re-parse String output of queries
// near the limit lift it; every other limit holds for the canonical form
// whenever it holds for the input.
func parse(q string, o Options, maxBytes int) (Node, error) {
	if len(q) > maxBytes {
		return nil, &Error{Msg: fmt.Sprintf("query too long: %d bytes, at most %d", len(q), maxBytes)}
	}
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	if len(toks) == 1 {
		return nil, &Error{Msg: "empty query"}
	}
	p := &parser{toks: toks, opts: o}
	n, _, err := p.parseOr(scope{})
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, errf(t.col, "unbalanced )")
		}
		// The grammar leaves nothing else behind; kept so a future change
		// cannot silently drop the rest of a query.
		return nil, errf(t.col, "unexpected %q", t.text)
	}
	return n, nil
}

// scope is the field a part of the query is restricted to.
type scope struct {
	field   string // "" for title or text
	keyword bool   // field is a keyword field: words are whole values
}

type parser struct {
	toks   []token
	pos    int
	opts   Options
	depth  int
	leaves int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

type op uint8

const (
	opNone op = iota
	opAnd
	opOr
	opNot
	opNear
)

func tokOp(t token) op {
	if t.kind != tWord {
		return opNone
	}
	w := t.text
	switch {
	case strings.EqualFold(w, "AND"):
		return opAnd
	case strings.EqualFold(w, "OR"):
		return opOr
	case strings.EqualFold(w, "NOT"):
		return opNot
	case isNearWord(w, "NEAR"), isNearWord(w, "ONEAR"):
		return opNear
	}
	return opNone
}

// isNearWord reports whether w is kw or starts with kw/ (any case), so that
// a mistyped NEAR/x is reported rather than searched as a word.
func isNearWord(w, kw string) bool {
	return len(w) >= len(kw) && strings.EqualFold(w[:len(kw)], kw) &&
		(len(w) == len(kw) || w[len(kw)] == '/')
}

func startsOperand(t token) bool {
	switch t.kind {
	case tPhrase, tLParen:
		return true
	case tWord:
		o := tokOp(t)
		return o == opNone || o == opNot
	}
	return false
}

func (p *parser) expectedAfter(what string) error {
	return errf(p.peek().col, "expected a term after %s", what)
}

func (p *parser) enter(col int) error {
	p.depth++
	if p.depth > MaxDepth {
		return errf(col, "nesting deeper than %d", MaxDepth)
	}
	return nil
}

// parseOr parses operands joined by OR. Every parse function returns the
// node and the column where it starts, for errors about whole operands.
func (p *parser) parseOr(sc scope) (Node, int, error) {
	first, col, err := p.parseAnd(sc)
	if err != nil {
		return nil, 0, err
	}
	var kids []Node
	for tokOp(p.peek()) == opOr {
		p.next()
		if !startsOperand(p.peek()) {
			return nil, 0, p.expectedAfter("OR")
		}
		n, _, err := p.parseAnd(sc)
		if err != nil {
			return nil, 0, err
		}
		if kids == nil {
			kids = appendFlat(nil, first, true)
		}
		kids = appendFlat(kids, n, true)
	}
	if kids == nil {
		return first, col, nil
	}
	return &Or{Children: kids}, col, nil
}

// parseAnd parses operands joined by AND or by nothing (implicit AND).
func (p *parser) parseAnd(sc scope) (Node, int, error) {
	first, col, err := p.parseNear(sc)
	if err != nil {
		return nil, 0, err
	}
	var kids []Node
	for {
		t := p.peek()
		if tokOp(t) == opAnd {
			p.next()
			if !startsOperand(p.peek()) {
				return nil, 0, p.expectedAfter("AND")
			}
		} else if !startsOperand(t) {
			break
		}
		n, _, err := p.parseNear(sc)
		if err != nil {
			return nil, 0, err
		}
		if kids == nil {
			kids = appendFlat(nil, first, false)
		}
		kids = appendFlat(kids, n, false)
	}
	if kids == nil {
		return first, col, nil
	}
	return &And{Children: kids}, col, nil
}

// appendFlat appends n, or n's children when n is of the kind being built
// (an Or when or is set, else an And), so that (a AND b) AND c is one And.
func appendFlat(kids []Node, n Node, or bool) []Node {
	switch n := n.(type) {
	case *And:
		if !or {
			return append(kids, n.Children...)
		}
	case *Or:
		if or {
			return append(kids, n.Children...)
		}
	}
	return append(kids, n)
}

func (p *parser) parseUnary(sc scope) (Node, int, error) {
	t := p.peek()
	if tokOp(t) != opNot {
		return p.parsePrimary(sc)
	}
	p.next()
	if err := p.enter(t.col); err != nil {
		return nil, 0, err
	}
	if !startsOperand(p.peek()) {
		return nil, 0, p.expectedAfter("NOT")
	}
	child, _, err := p.parseUnary(sc)
	if err != nil {
		return nil, 0, err
	}
	p.depth--
	return &Not{Child: child}, t.col, nil
}

func (p *parser) parsePrimary(sc scope) (Node, int, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		return p.parseGroup(t, sc)
	case tRParen:
		return nil, 0, errf(t.col, "unbalanced )")
	case tPhrase:
		n, err := p.phrase(t, sc, markNone, t.col)
		return n, t.col, err
	case tWord:
		switch tokOp(t) {
		case opAnd, opOr, opNear:
			return nil, 0, errf(t.col, "expected a term before %s", strings.ToUpper(t.text))
		}
		n, err := p.word(t, sc)
		return n, t.col, err
	}
	return nil, 0, errf(t.col, "expected a term")
}

// parseGroup parses what follows the ( token open, up to its ).
func (p *parser) parseGroup(open token, sc scope) (Node, int, error) {
	if err := p.enter(open.col); err != nil {
		return nil, 0, err
	}
	if p.peek().kind == tRParen {
		return nil, 0, errf(open.col, "empty parentheses")
	}
	n, _, err := p.parseOr(sc)
	if err != nil {
		return nil, 0, err
	}
	if p.peek().kind != tRParen {
		return nil, 0, errf(open.col, "unbalanced (")
	}
	p.next()
	p.depth--
	return n, open.col, nil
}

func (p *parser) count(col int) error {
	p.leaves++
	if p.leaves > MaxTerms {
		return errf(col, "too many terms: at most %d, list entries included", MaxTerms)
	}
	return nil
}
