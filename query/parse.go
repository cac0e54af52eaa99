package query

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/presswatch/presswatch/textnorm"
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

// parseNear parses one operand, or two joined by NEAR/n or ONEAR/n.
func (p *parser) parseNear(sc scope) (Node, int, error) {
	left, lcol, err := p.parseUnary(sc)
	if err != nil {
		return nil, 0, err
	}
	t := p.peek()
	if tokOp(t) != opNear {
		return left, lcol, nil
	}
	p.next()
	n, ordered, name, err := nearOp(t)
	if err != nil {
		return nil, 0, err
	}
	if !startsOperand(p.peek()) {
		return nil, 0, p.expectedAfter(name)
	}
	right, rcol, err := p.parseUnary(sc)
	if err != nil {
		return nil, 0, err
	}
	if err := checkNearOperand(left, lcol, name); err != nil {
		return nil, 0, err
	}
	if err := checkNearOperand(right, rcol, name); err != nil {
		return nil, 0, err
	}
	if t2 := p.peek(); tokOp(t2) == opNear {
		return nil, 0, errf(t2.col, "NEAR and ONEAR cannot be chained: write (a NEAR/n b) AND (b NEAR/n c)")
	}
	return &Near{Left: left, Right: right, N: n, Ordered: ordered}, lcol, nil
}

// nearOp reads n from NEAR/n or ONEAR/n and returns the canonical spelling
// for messages.
func nearOp(t token) (n int, ordered bool, name string, err error) {
	kw := "NEAR"
	if isNearWord(t.text, "ONEAR") {
		kw, ordered = "ONEAR", true
	}
	rest := t.text[len(kw):]
	if len(rest) < 2 || !allDigits(rest[1:]) {
		return 0, false, "", errf(t.col, "%s needs a number: %s/5", kw, kw)
	}
	digits := strings.TrimLeft(rest[1:], "0")
	if len(digits) > 3 {
		// Too large for the limit whatever it is, and Atoi could overflow.
		n = MaxNear + 1
	} else if digits != "" {
		n, _ = strconv.Atoi(digits)
	}
	if n < 1 || n > MaxNear {
		return 0, false, "", errf(t.col, "%s/%s: n must be from 1 to %d", kw, rest[1:], MaxNear)
	}
	return n, ordered, kw + "/" + strconv.Itoa(n), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkNearOperand enforces that proximity operands have word positions:
// text terms, phrases, prefixes and lists, or an OR of them (any
// alternative counts).
func checkNearOperand(n Node, col int, name string) error {
	const allowed = "must be a term, phrase, prefix, list or an OR group of them"
	switch n := n.(type) {
	case *Term:
		if IsKeywordField(n.Field) {
			return errf(n.Col, "%s operand %s, not %s: (a keyword field has no word positions)", name, allowed, n.Field)
		}
	case *ListRef:
		if IsKeywordField(n.Field) {
			return errf(n.Col, "%s operand %s, not %s: (a keyword field has no word positions)", name, allowed, n.Field)
		}
	case *Or:
		for _, c := range n.Children {
			if err := checkNearOperand(c, col, name); err != nil {
				return err
			}
		}
	case *And:
		return errf(col, "%s operand %s, not AND", name, allowed)
	case *Not:
		return errf(col, "%s operand %s, not NOT: write NOT (a %s b)", name, allowed, name)
	case *Near:
		return errf(col, "%s operand %s, not another NEAR", name, allowed)
	}
	return nil
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

// splitField splits a field prefix (ASCII letters and a colon) off w.
func splitField(w string) (field, rest string, ok bool) {
	i := strings.IndexByte(w, ':')
	if i <= 0 {
		return "", "", false
	}
	for j := 0; j < i; j++ {
		if c := w[j]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return "", "", false
		}
	}
	return w[:i], w[i+1:], true
}

// word parses a word token: an optional field prefix, then an operand.
func (p *parser) word(t token, sc scope) (Node, error) {
	w, col := t.text, t.col
	if !sc.keyword {
		if f, rest, ok := splitField(w); ok {
			name := strings.ToLower(f)
			if !IsTextField(name) && !IsKeywordField(name) {
				return nil, errf(col, "unknown field %q (known: %s)", f+":", knownFields)
			}
			if sc.field != "" && sc.field != name {
				return nil, errf(col, "%s: inside %s:( … )", name, sc.field)
			}
			sc = scope{field: name, keyword: IsKeywordField(name)}
			restCol := col + utf8.RuneCountInString(f) + 1
			if rest == "" {
				nt := p.peek()
				switch {
				case nt.glued && nt.kind == tLParen:
					p.next()
					n, _, err := p.parseGroup(nt, sc)
					return n, err
				case nt.glued && nt.kind == tPhrase:
					p.next()
					return p.phrase(nt, sc, markNone, col)
				}
				return nil, errf(restCol, "expected a term after %s:", name)
			}
			return p.operand(rest, restCol, sc, col)
		}
	}
	return p.operand(w, col, sc, col)
}

// operand parses the part of a word after any field prefix: =, @, a
// trailing *, and the term itself. wcol is the column of w, leafCol that of
// the whole leaf.
func (p *parser) operand(w string, wcol int, sc scope, leafCol int) (Node, error) {
	m, w, wcol, err := p.markPrefix(w, wcol, sc)
	if err != nil {
		return nil, err
	}
	if m != markNone && w == "" {
		if nt := p.peek(); nt.glued && nt.kind == tPhrase {
			p.next()
			return p.phrase(nt, sc, m, leafCol)
		}
	}
	// A quote or ( right after a word is most likely a typo; reading it as
	// an implicit AND would hide it.
	if nt := p.peek(); nt.glued && nt.kind == tPhrase {
		return nil, errf(nt.col, `missing space before "`)
	} else if nt.glued && nt.kind == tLParen {
		return nil, errf(nt.col, "missing space before (")
	}
	if w[0] == '@' {
		return p.list(w[1:], wcol, sc, leafCol)
	}
	if !sc.keyword {
		switch {
		case w == "&&":
			return nil, errf(wcol, "&& is not an operator: write AND")
		case w == "||":
			return nil, errf(wcol, "|| is not an operator: write OR")
		case len(w) > 1 && w[0] == '-':
			return nil, errf(wcol, "a leading - is not an operator: write NOT %s", w[1:])
		}
	}
	prefix := strings.HasSuffix(w, "*")
	if prefix {
		w = w[:len(w)-1]
	}
	if i := strings.IndexByte(w, '*'); i >= 0 {
		return nil, errf(wcol+utf8.RuneCountInString(w[:i]), "* is only allowed at the end of a word")
	}
	return p.term(w, wcol, leafCol, sc, m, prefix, false)
}

// mark is a leaf's matching prefix: = (exact as written) or ~ (folded).
type mark uint8

const (
	markNone mark = iota
	markExact
	markFold
)

// markPrefix splits a leading = or ~ off w and checks what follows it.
// It returns w and its column after the prefix.
func (p *parser) markPrefix(w string, wcol int, sc scope) (mark, string, int, error) {
	if w == "" || (w[0] != '=' && w[0] != '~') {
		return markNone, w, wcol, nil
	}
	sym := w[:1]
	m := markExact
	if sym == "~" {
		m = markFold
		if sc.keyword {
			return 0, "", 0, errf(wcol, "~ cannot be used with %s: (its values are compared without marks already)", sc.field)
		}
	}
	w, wcol = w[1:], wcol+1
	if w == "" {
		if nt := p.peek(); nt.glued && nt.kind == tPhrase {
			return m, "", wcol, nil
		}
		return 0, "", 0, errf(wcol, "expected a term or phrase after %s", sym)
	}
	switch w[0] {
	case '=', '~':
		if m == markExact && w[0] == '=' && sc.keyword {
			// A keyword value may itself start with =: source:==x.
			break
		}
		return 0, "", 0, errf(wcol-1, "%s%c: use one of = (exact as written) and ~ (ignore marks), once", sym, w[0])
	case '@':
		return 0, "", 0, errf(wcol-1, "%s cannot be used with a list", sym)
	}
	if f, _, ok := splitField(w); ok && !sc.keyword {
		name := strings.ToLower(f)
		if IsTextField(name) || IsKeywordField(name) {
			return 0, "", 0, errf(wcol-1, "write the field before %s: %s:%s…", sym, name, sym)
		}
		return 0, "", 0, errf(wcol, "unknown field %q (known: %s)", f+":", knownFields)
	}
	return m, w, wcol, nil
}

// phrase parses a quoted phrase token (or quoted keyword value).
func (p *parser) phrase(t token, sc scope, m mark, leafCol int) (Node, error) {
	if i := strings.IndexByte(t.text, '*'); i >= 0 {
		return nil, errf(t.col+1+utf8.RuneCountInString(t.text[:i]), "* inside a phrase is not supported")
	}
	if nt := p.peek(); nt.glued {
		switch {
		case nt.kind == tWord && strings.HasPrefix(nt.text, "*"):
			return nil, errf(nt.col, "* inside a phrase is not supported")
		case nt.kind == tWord || nt.kind == tPhrase:
			return nil, errf(nt.col, `missing space after "`)
		}
	}
	return p.term(t.text, t.col, leafCol, sc, m, false, true)
}

// term builds a literal leaf from raw.
func (p *parser) term(raw string, wcol, leafCol int, sc scope, m mark, prefix, quoted bool) (*Term, error) {
	exact := m == markExact
	t := &Term{Field: sc.field, Exact: exact, Fold: m == markFold, Prefix: prefix, Raw: raw, Col: leafCol}
	written := raw
	if prefix {
		written += "*"
	}
	if sc.keyword {
		if raw == "" {
			return nil, errf(wcol, "empty value after %s:", sc.field)
		}
		if prefix && utf8.RuneCountInString(raw) < MinPrefix {
			return nil, errf(wcol, "prefix %q is too short: at least %d letters before *", written, MinPrefix)
		}
		t.Tokens = []string{KeywordForm(raw, exact)}
	} else {
		toks := textnorm.Tokenize(raw)
		switch {
		case len(toks) == 0 && quoted:
			return nil, errf(wcol, "empty phrase")
		case len(toks) == 0:
			return nil, errf(wcol, "%q contains no letters or digits", written)
		case prefix && len(toks) > 1:
			return nil, errf(wcol, "prefix %q must be a single word", written)
		case prefix && utf8.RuneCountInString(toks[0].Text) < MinPrefix:
			return nil, errf(wcol, "prefix %q is too short: at least %d letters before *", written, MinPrefix)
		}
		t.Phrase = quoted || len(toks) > 1
		setTextForms(t, toks)
	}
	if err := p.count(leafCol); err != nil {
		return nil, err
	}
	return t, nil
}

func (p *parser) count(col int) error {
	p.leaves++
	if p.leaves > MaxTerms {
		return errf(col, "too many terms: at most %d, list entries included", MaxTerms)
	}
	return nil
}

// list resolves @name into a ListRef of plain terms.
func (p *parser) list(name string, wcol int, sc scope, leafCol int) (Node, error) {
	if name == "" {
		return nil, errf(wcol, "expected a list name after @")
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' && r != '.' {
			return nil, errf(wcol, "bad list name %q: use letters, digits, _, - and .", "@"+name)
		}
	}
	var (
		entries []string
		ok      bool
	)
	if p.opts.Lists != nil {
		entries, ok = p.opts.Lists(name)
	}
	if !ok {
		return nil, errf(wcol, "unknown list @%s", name)
	}
	l := &ListRef{Field: sc.field, Name: name, Col: leafCol}
	for _, e := range entries {
		t := &Term{Field: sc.field, Raw: e, Col: leafCol}
		if sc.keyword {
			if e == "" {
				continue
			}
			t.Tokens = []string{KeywordForm(e, false)}
		} else {
			toks := textnorm.Tokenize(e)
			if len(toks) == 0 {
				// An entry of punctuation alone can match nothing; skipping
				// it keeps one bad entry from refusing every rule using the
				// list.
				continue
			}
			t.Phrase = len(toks) > 1
			setTextForms(t, toks)
		}
		if err := p.count(leafCol); err != nil {
			return nil, err
		}
		l.Terms = append(l.Terms, t)
	}
	return l, nil
}

// ExactForm returns s as exact (=) mode compares it: textnorm.Normalize
// (valid UTF-8, NFC, tone on the first vowel of oa/oe/uy) then lower-cased.
// Text fields apply it to each token; keyword fields to the whole value.
func ExactForm(s string) string {
	return strings.ToLower(textnorm.Normalize(s))
}

// KeywordForm returns a keyword value (or keyword term) as it is compared:
// textnorm.Fold of the whole value, or ExactForm when exact.
func KeywordForm(v string, exact bool) string {
	if exact {
		return ExactForm(v)
	}
	return textnorm.Fold(v)
}

// tokenForms returns the comparison forms of the tokens of s.
func tokenForms(s string, toks []textnorm.Token, exact bool) []string {
	out := make([]string, len(toks))
	for i, tk := range toks {
		if exact {
			out[i] = ExactForm(s[tk.Start:tk.End])
		} else {
			out[i] = tk.Text
		}
	}
	return out
}

// setTextForms fills the comparison forms of the text leaf t, whose Raw
// splits into toks: Tokens (exact forms when the leaf is compared with its
// marks), the folded forms, and the stems of the folded forms.
func setTextForms(t *Term, toks []textnorm.Token) {
	t.forms = true
	t.marked = !t.Exact && !t.Fold && anyMarked(t.Raw, toks)
	byMarks := t.Exact || t.marked
	t.Tokens = tokenForms(t.Raw, toks, byMarks)
	folded := tokenForms(t.Raw, toks, false)
	if byMarks {
		t.fold = folded
	}
	if !t.Exact && !t.Prefix {
		for i, l := range textnorm.StemLangs {
			// Kept only where stemming changes a token: most rule words
			// are Vietnamese, and 10,000 rules would otherwise hold two
			// more copies of every token.
			if st := stemAll(l, folded); !slices.Equal(st, folded) {
				if t.stems == nil {
					t.stems = new([len(textnorm.StemLangs)][]string)
				}
				t.stems[i] = st
			}
		}
	}
}

func anyMarked(raw string, toks []textnorm.Token) bool {
	for _, tk := range toks {
		if textnorm.Marked(raw[tk.Start:tk.End]) {
			return true
		}
	}
	return false
}

func stemAll(l textnorm.StemLang, folded []string) []string {
	out := make([]string, len(folded))
	for i, f := range folded {
		out[i] = textnorm.Stem(l, f)
	}
	return out
}
