package query

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/presswatch/presswatch/textnorm"
)

// Document is what Eval and Explain match.
//
// A Document tokenises each text field once, on first use, and keeps the
// result: after the first Eval or Explain, do not change Text and do not copy
// the Document (use a pointer). Eval and Explain may run concurrently on one
// Document.
type Document struct {
	// Text holds the text fields by name: title, text and author (the
	// byline). Other names are ignored.
	Text map[string]string
	// Keywords holds the keyword fields by name: source, site, lang, tier
	// and label. A field may have several values (labels).
	Keywords map[string][]string

	once sync.Once
	ix   *docIndex
}

// The text fields, in the order hits are reported.
const (
	fTitle = iota
	fText
	fAuthor
	numTextFields
)

func textFieldName(f int) string {
	switch f {
	case fTitle:
		return FieldTitle
	case fText:
		return FieldText
	}
	return FieldAuthor
}

// fieldMask is the set of text fields a leaf scoped to field may match:
// unscoped leaves match the title or the text, never the author.
func fieldMask(field string) uint8 {
	switch field {
	case "":
		return 1<<fTitle | 1<<fText
	case FieldTitle:
		return 1 << fTitle
	case FieldText:
		return 1 << fText
	case FieldAuthor:
		return 1 << fAuthor
	}
	return 0
}

type docIndex struct {
	d      *Document
	fields [numTextFields]fieldIndex
}

func (d *Document) index() *docIndex {
	d.once.Do(func() {
		ix := &docIndex{d: d}
		lang := textnorm.StemNone
		if l := d.Keywords[FieldLang]; len(l) > 0 {
			lang = textnorm.StemLangOf(l[0])
		}
		for f := range ix.fields {
			ix.fields[f].text = d.Text[textFieldName(f)]
			ix.fields[f].lang = lang
		}
		d.ix = ix
	})
	return d.ix
}

// indexAfter is how many lookups a field serves by scanning before it
// builds a sorted index: a handful of terms is cheaper to scan for than to
// sort for, while a classifier evaluating many rules on one article gains
// from the index.
const indexAfter = 8

// fieldIndex holds one text field's tokens, built lazily and once.
//
// Exact forms are not stored. A leaf compared by its marks must match
// folded as well (see the package documentation), so it looks for
// candidates among the folded tokens and computes the exact form of those
// candidates alone, instead of normalising every token of every document.
type fieldIndex struct {
	text string
	// lang is the document's stemmed language: words of a stemmed
	// language are compared by their stems (StemNone: by their forms).
	lang textnorm.StemLang

	once   sync.Once
	toks   []textnorm.Token
	folded []string
	// stems are the stems of folded in lang (nil for StemNone).
	stems []string
	// sent numbers the sentence of each token (textnorm.Sentences). It
	// and toneless are computed on first use: most rules never reach a
	// phrase candidate or a marked leaf in a given article, and a pass
	// over every token of every field is what matching many rules on one
	// article can least afford.
	sentOnce sync.Once
	sent     []int32
	// toneless: the field is written without marks (textnorm.Toneless),
	// so marked leaves fold here.
	toneOnce sync.Once
	toneless bool

	lookups  atomic.Int64
	sortOnce sync.Once
	// sorted lists token positions ordered by primary form (stem or
	// folded), then position, so that a token or a prefix is a
	// contiguous range found by binary search.
	sorted []int32
}

func (fi *fieldIndex) load() {
	fi.once.Do(func() {
		fi.toks = textnorm.Tokenize(fi.text)
		fi.folded = make([]string, len(fi.toks))
		for i, tk := range fi.toks {
			fi.folded[i] = tk.Text
		}
		if fi.lang != textnorm.StemNone {
			fi.stems = make([]string, len(fi.folded))
			for i, f := range fi.folded {
				fi.stems[i] = textnorm.Stem(fi.lang, f)
			}
		}
	})
}

// sentences returns the sentence number of each token; call load first.
func (fi *fieldIndex) sentences() []int32 {
	fi.sentOnce.Do(func() {
		fi.sent = textnorm.Sentences(make([]int32, 0, len(fi.toks)), fi.text, fi.toks)
	})
	return fi.sent
}

// isToneless reports whether the field is written without marks; call
// load first.
func (fi *fieldIndex) isToneless() bool {
	fi.toneOnce.Do(func() { fi.toneless = textnorm.Toneless(fi.text, fi.toks) })
	return fi.toneless
}

// primary is what the sorted index orders: the stems in a stemmed
// language, else the folded tokens.
func (fi *fieldIndex) primary() []string {
	if fi.stems != nil {
		return fi.stems
	}
	return fi.folded
}

// exactAt returns ExactForm of token i.
func (fi *fieldIndex) exactAt(i int) string {
	run := fi.text[fi.toks[i].Start:fi.toks[i].End]
	if isASCII(run) {
		// Folding an ASCII run only lower-cases it, as ExactForm would.
		return fi.folded[i]
	}
	return ExactForm(run)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// sortedIndex returns the sorted index once the field has served
// indexAfter lookups, and nil before.
func (fi *fieldIndex) sortedIndex() []int32 {
	forms := fi.primary()
	if len(forms) < 4*indexAfter || fi.lookups.Add(1) <= indexAfter {
		return nil
	}
	fi.sortOnce.Do(func() {
		idx := make([]int32, len(forms))
		for i := range idx {
			idx[i] = int32(i)
		}
		slices.SortFunc(idx, func(a, b int32) int {
			if c := strings.Compare(forms[a], forms[b]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		fi.sorted = idx
	})
	return fi.sorted
}

func foldAll(toks []string) []string {
	out := make([]string, len(toks))
	for i, s := range toks {
		out[i] = textnorm.Fold(s)
	}
	return out
}

// leafPlan is how a text leaf is compared in one field: keys against
// forms (folded tokens or stems), and, when byMarks, Tokens against the
// exact forms too.
type leafPlan struct {
	forms   []string
	keys    []string
	byMarks bool
	prefix  bool
	primary bool // forms is the field's primary form (sorted index)
}

// plan decides how t is compared in the field; see the package
// documentation, Matching.
func (fi *fieldIndex) plan(t *Term) leafPlan {
	p := leafPlan{forms: fi.folded, keys: t.Folded(), prefix: t.Prefix, primary: fi.stems == nil}
	switch {
	case t.Exact:
		p.byMarks = true
	case fi.lang != textnorm.StemNone:
		// Stemmed languages are written without Vietnamese marks: a
		// marked leaf folds there, and words compare by stem.
		if !t.Prefix {
			p.forms, p.keys, p.primary = fi.stems, t.Stems(fi.lang), true
		}
	case t.Marked():
		p.byMarks = !fi.isToneless()
	}
	return p
}

// matchAt reports whether t occurs at position p of the field, as plan
// lp says. A prefix applies to the last token (Parse only makes one-token
// prefixes). A phrase lies within one sentence.
func (fi *fieldIndex) matchAt(p int, t *Term, lp *leafPlan) bool {
	last := len(lp.keys) - 1
	for j, key := range lp.keys {
		if !tokenMatch(lp.forms[p+j], key, lp.prefix && j == last) {
			return false
		}
	}
	if last > 0 {
		if sent := fi.sentences(); sent[p] != sent[p+last] {
			return false
		}
	}
	if lp.byMarks {
		for j, tok := range t.Tokens {
			if !tokenMatch(fi.exactAt(p+j), tok, lp.prefix && j == last) {
				return false
			}
		}
	}
	return true
}

func tokenMatch(w, key string, prefix bool) bool {
	if prefix {
		return strings.HasPrefix(w, key)
	}
	return w == key
}

// each calls fn with the first and last token positions of every
// occurrence of the text term t in the field, until fn returns false.
func (fi *fieldIndex) each(t *Term, fn func(start, end int) bool) {
	fi.load()
	lp := fi.plan(t)
	forms, keys := lp.forms, lp.keys
	k := len(keys)
	if k == 0 || k > len(forms) {
		return
	}
	first, firstIsPrefix := keys[0], t.Prefix && k == 1
	if idx := fi.sortedIndex(); idx != nil && lp.primary {
		i, _ := slices.BinarySearchFunc(idx, first, func(p int32, s string) int {
			return strings.Compare(forms[p], s)
		})
		for ; i < len(idx) && tokenMatch(forms[idx[i]], first, firstIsPrefix); i++ {
			p := int(idx[i])
			if p+k <= len(forms) && fi.matchAt(p, t, &lp) && !fn(p, p+k-1) {
				return
			}
		}
		return
	}
	for p := 0; p+k <= len(forms); p++ {
		if tokenMatch(forms[p], first, firstIsPrefix) && fi.matchAt(p, t, &lp) && !fn(p, p+k-1) {
			return
		}
	}
}

// Eval reports whether d matches n. It is the reference semantics of the
// query language (see the package documentation); other back ends must
// agree with it. A nil node or document matches nothing.
func Eval(n Node, d *Document) bool {
	if n == nil || d == nil {
		return false
	}
	return d.index().eval(n)
}

func (ix *docIndex) eval(n Node) bool {
	switch n := n.(type) {
	case *Term:
		return ix.termMatch(n)
	case *ListRef:
		for _, t := range n.Terms {
			if ix.termMatch(t) {
				return true
			}
		}
		return false
	case *And:
		for _, c := range n.Children {
			if !ix.eval(c) {
				return false
			}
		}
		return true
	case *Or:
		for _, c := range n.Children {
			if ix.eval(c) {
				return true
			}
		}
		return false
	case *Not:
		return !ix.eval(n.Child)
	case *Near:
		return ix.near(n, nil)
	}
	return false
}

func (ix *docIndex) termMatch(t *Term) bool {
	if t == nil {
		return false
	}
	if IsKeywordField(t.Field) {
		return keywordMatch(t, ix.d.Keywords[t.Field])
	}
	mask := fieldMask(t.Field)
	for f := range ix.fields {
		if mask&(1<<f) == 0 {
			continue
		}
		found := false
		ix.fields[f].each(t, func(int, int) bool {
			found = true
			return false
		})
		if found {
			return true
		}
	}
	return false
}

func keywordMatch(t *Term, values []string) bool {
	if len(t.Tokens) == 0 {
		return false
	}
	want := t.Tokens[0]
	for _, v := range values {
		k := KeywordForm(v, t.Exact)
		if k == want || t.Prefix && strings.HasPrefix(k, want) {
			return true
		}
	}
	return false
}

// occ is one occurrence of a NEAR operand: token positions [start, end].
type occ struct {
	start, end int32
	t          *Term
	list       string
}

// collect appends the occurrences in field f of the proximity operand n (a
// text term, a list or an OR of them).
func (ix *docIndex) collect(n Node, f int, dst []occ) []occ {
	add := func(t *Term, list string) {
		if t == nil || fieldMask(t.Field)&(1<<f) == 0 {
			return
		}
		ix.fields[f].each(t, func(s, e int) bool {
			dst = append(dst, occ{start: int32(s), end: int32(e), t: t, list: list})
			return true
		})
	}
	switch n := n.(type) {
	case *Term:
		add(n, "")
	case *ListRef:
		for _, t := range n.Terms {
			add(t, n.Name)
		}
	case *Or:
		for _, c := range n.Children {
			dst = ix.collect(c, f, dst)
		}
	}
	return dst
}

// near reports whether n matches. With emit nil it stops at the first
// qualifying pair; otherwise it calls emit for every pair.
func (ix *docIndex) near(n *Near, emit func(f int, a, b occ)) bool {
	found := false
	dist := int32(n.N)
	var as, bs []occ
	for f := range ix.fields {
		if as = ix.collect(n.Left, f, as[:0]); len(as) == 0 {
			continue
		}
		if bs = ix.collect(n.Right, f, bs[:0]); len(bs) == 0 {
			continue
		}
		slices.SortFunc(bs, func(x, y occ) int { return cmp.Compare(x.start, y.start) })
		sent := ix.fields[f].sentences()
		maxLen := int32(0)
		for _, b := range bs {
			maxLen = max(maxLen, b.end-b.start+1)
		}
		for _, a := range as {
			// Only b starting in [lo, hi] can qualify: after a, at most
			// dist tokens between; before a (unordered), b ends at most
			// dist tokens before a starts and is at most maxLen long.
			lo, hi := a.start-dist-maxLen, a.end+1+dist
			if n.Ordered {
				lo = a.end + 1
			}
			i, _ := slices.BinarySearchFunc(bs, lo, func(b occ, lo int32) int { return cmp.Compare(b.start, lo) })
			for ; i < len(bs) && bs[i].start <= hi; i++ {
				if !nearPair(a, bs[i], dist, n.Ordered) || sent[a.start] != sent[bs[i].start] {
					continue
				}
				if emit == nil {
					return true
				}
				found = true
				emit(f, a, bs[i])
			}
		}
	}
	return found
}

// nearPair is the NEAR rule: a and b do not share a token and at most dist
// tokens lie between them; when ordered, a comes first.
func nearPair(a, b occ, dist int32, ordered bool) bool {
	switch {
	case b.start > a.end:
		return b.start-a.end-1 <= dist
	case !ordered && b.end < a.start:
		return a.start-b.end-1 <= dist
	}
	return false
}
