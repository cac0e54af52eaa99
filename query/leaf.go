package query

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/presswatch/presswatch/textnorm"
)

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
