package query

import (
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tWord tokKind = iota
	tPhrase
	tLParen
	tRParen
	tEOF
)

// token is one lexical unit. Words are split further by the parser, which
// knows whether a field prefix, = or @ is meaningful where the word stands.
type token struct {
	kind tokKind
	// text is the word, or the phrase between its quotes.
	text string
	// col is the 1-based column, in characters, of the first character (the
	// opening quote of a phrase); for tEOF, one past the last character.
	col int
	// glued reports that no blank separates the token from the previous
	// one, which is how title:"…", ="…" and title:( are recognised.
	glued bool
}

// isQuote accepts typographic quotes too, because officers paste queries
// from word processors that turn " into “ and ”.
func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }

// lex splits q into tokens in one pass. Columns count runes as a range loop
// does, so an invalid byte is one column.
func lex(q string) ([]token, error) {
	toks := make([]token, 0, len(q)/4+1)
	col, glued := 1, false
	for i := 0; i < len(q); {
		r, size := utf8.DecodeRuneInString(q[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
			col++
			glued = false
			continue
		case r == '(' || r == ')':
			k := tLParen
			if r == ')' {
				k = tRParen
			}
			toks = append(toks, token{kind: k, text: q[i : i+1], col: col, glued: glued})
			i++
			col++
		case isQuote(r):
			start := col
			j, n := i+size, 1
			closed := false
			for j < len(q) {
				r2, s2 := utf8.DecodeRuneInString(q[j:])
				n++
				if isQuote(r2) {
					toks = append(toks, token{kind: tPhrase, text: q[i+size : j], col: start, glued: glued})
					j += s2
					closed = true
					break
				}
				j += s2
			}
			if !closed {
				return nil, &Error{Col: start, Msg: "unterminated phrase"}
			}
			i = j
			col += n
		default:
			start, j, n := col, i, 0
			for j < len(q) {
				r2, s2 := utf8.DecodeRuneInString(q[j:])
				if unicode.IsSpace(r2) || r2 == '(' || r2 == ')' || isQuote(r2) {
					break
				}
				j += s2
				n++
			}
			toks = append(toks, token{kind: tWord, text: q[i:j], col: start, glued: glued})
			i = j
			col += n
		}
		glued = true
	}
	toks = append(toks, token{kind: tEOF, col: col, glued: glued})
	return toks, nil
}
