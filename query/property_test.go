package query

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/internal/heavytest"
	"github.com/presswatch/presswatch/textnorm"
)

// The property test generates queries and documents from small
// vocabularies full of near-collisions (tones, old/new placement, đ/d, NFD,
// case) so that random combinations hit the interesting cases often.
var (
	propTextLeaves = []string{
		`lũ`, `lu`, `=lũ`, `=Lũ`, `quét`, `"lũ quét"`, `="lũ quét"`, `hòa`, `=hòa`, `=hoà`, `=hoa`,
		`hoa`, `"sạt lở"`, `đường`, `=duong`, `=đường`, `mườ*`, `=mườ*`, `=mươ*`, `hoà*`,
		`@disaster`, `@province`, `title:lũ`, `text:hoa`, `title:"Mường Chà"`, `author:hòa`,
		`title:@province`, `text:=hòa*`, `"và lũ"`, `COVID-19`,
		`~lũ`, `~"lũ quét"`, `~mườ*`, `"lở đất"`, `"lô đất"`, `lở`, `~lở`, `=lo`, `floods`,
		`"forest fires"`, `fire`, `~"Điện Biên"`, `"Điện Biên"`, `"dien bien"`, `"TP HCM"`,
	}
	propKeywordLeaves = []string{`label:sensitive`, `label:neg*`, `lang:vi`, `lang:=EN`}
	propWords         = []string{
		"lũ", "Lũ", "lu", "LU", "quét", "quet", "hòa", "hoà", "Hoa", "hóa", "ho\u0300a", "HOÀ",
		"sạt", "lở", "lo", "lô", "đất", "dat", "đường", "duong", "Đường", "Mường", "mương", "Chà", "cha", "và", "ở",
		"Điện", "Biên", "diễn", "biến", "flood", "floods", "fires", "forest", "COVID-19", "covid", "19",
		"TP", "HCM",
	}
	propSeps = []string{" ", " ", " ", ", ", ". ", " – ", "\n", "! ", "; ", ".", " 3.5 "}
)

type propGen struct{ r *rand.Rand }

func (g propGen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// nearOperand is a text leaf or an OR group of text leaves.
func (g propGen) nearOperand() string {
	if g.r.IntN(4) == 0 {
		return "(" + g.pick(propTextLeaves) + " OR " + g.pick(propTextLeaves) + ")"
	}
	return g.pick(propTextLeaves)
}

func (g propGen) near() string {
	op := "NEAR"
	if g.r.IntN(2) == 0 {
		op = "ONEAR"
	}
	return fmt.Sprintf("%s %s/%d %s", g.nearOperand(), op, 1+g.r.IntN(4), g.nearOperand())
}

// expr returns a random valid query; subexpressions are parenthesised, so
// validity does not depend on precedence, which the table tests cover.
func (g propGen) expr(depth int) string {
	if depth == 0 || g.r.IntN(4) == 0 {
		switch g.r.IntN(8) {
		case 0:
			return g.pick(propKeywordLeaves)
		case 1:
			return g.near()
		}
		return g.pick(propTextLeaves)
	}
	a, b := g.expr(depth-1), g.expr(depth-1)
	switch g.r.IntN(5) {
	case 0:
		return "(" + a + ") AND (" + b + ")"
	case 1:
		return "(" + a + ") OR (" + b + ")"
	case 2:
		return "NOT (" + a + ")"
	case 3:
		return "(" + a + ") (" + b + ")"
	}
	return g.near()
}

func (g propGen) text(maxWords int) string {
	n := g.r.IntN(maxWords + 1)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(g.pick(propSeps))
		}
		b.WriteString(g.pick(propWords))
	}
	return b.String()
}

func (g propGen) doc() docSpec {
	s := docSpec{title: g.text(6), text: g.text(60), author: g.text(3), kw: map[string][]string{}}
	// Some fields written without marks, so that marked terms fold there.
	if g.r.IntN(3) == 0 {
		s.title = textnorm.Fold(s.title)
	}
	if g.r.IntN(4) == 0 {
		s.text = textnorm.Fold(s.text)
	}
	if g.r.IntN(2) == 0 {
		s.kw[FieldLang] = []string{g.pick([]string{"vi", "en", "EN", "fr"})}
	}
	for _, l := range []string{"sensitive", "negative", "policy:land"} {
		if g.r.IntN(3) == 0 {
			s.kw[FieldLabel] = append(s.kw[FieldLabel], l)
		}
	}
	return s
}

// refDoc and refEval are a second, deliberately naive implementation of the
// semantics in doc.go: every position tried, every pair compared, nothing
// cached or indexed. Eval must agree with it.
type refDoc struct {
	spec     docSpec
	lang     textnorm.StemLang
	folded   map[string][]string
	exact    map[string][]string
	sentence map[string][]int
	toneless map[string]bool
}

func newRefDoc(s docSpec) *refDoc {
	r := &refDoc{spec: s, folded: map[string][]string{}, exact: map[string][]string{},
		sentence: map[string][]int{}, toneless: map[string]bool{}}
	if l := s.kw[FieldLang]; len(l) > 0 {
		r.lang = textnorm.StemLangOf(l[0])
	}
	for f, text := range map[string]string{FieldTitle: s.title, FieldText: s.text, FieldAuthor: s.author} {
		toks := textnorm.Tokenize(text)
		sent := 0
		for i, tk := range toks {
			if i > 0 && textnorm.SentenceBreak(text, toks[i-1], tk) {
				sent++
			}
			r.folded[f] = append(r.folded[f], tk.Text)
			r.exact[f] = append(r.exact[f], strings.ToLower(textnorm.Normalize(text[tk.Start:tk.End])))
			r.sentence[f] = append(r.sentence[f], sent)
		}
		r.toneless[f] = textnorm.Toneless(text, toks)
	}
	return r
}

func refFields(t *Term) []string {
	if t.Field == "" {
		return []string{FieldTitle, FieldText}
	}
	return []string{t.Field}
}

// refOccs returns the [start, end] spans of t in field f: every token
// compared in the way the leaf and the field call for, all in one
// sentence.
func (r *refDoc) refOccs(t *Term, f string) [][2]int {
	if !slices.Contains(refFields(t), f) {
		return nil
	}
	var folded, exact []string
	marked := false
	for _, tk := range textnorm.Tokenize(t.Raw) {
		run := t.Raw[tk.Start:tk.End]
		folded = append(folded, tk.Text)
		exact = append(exact, strings.ToLower(textnorm.Normalize(run)))
		marked = marked || !t.Exact && !t.Fold && textnorm.Marked(run)
	}
	same := func(doc, want string, last bool) bool {
		if t.Prefix && last {
			return strings.HasPrefix(doc, want)
		}
		return doc == want
	}
	var out [][2]int
	for p := 0; p+len(folded) <= len(r.folded[f]); p++ {
		ok := true
		for j := range folded {
			last := j == len(folded)-1
			switch {
			case t.Exact:
				ok = ok && same(r.exact[f][p+j], exact[j], last)
			case r.lang != textnorm.StemNone && !t.Prefix:
				ok = ok && textnorm.Stem(r.lang, r.folded[f][p+j]) == textnorm.Stem(r.lang, folded[j])
			case marked && r.lang == textnorm.StemNone && !r.toneless[f]:
				ok = ok && same(r.exact[f][p+j], exact[j], last)
			default:
				ok = ok && same(r.folded[f][p+j], folded[j], last)
			}
			ok = ok && r.sentence[f][p+j] == r.sentence[f][p]
		}
		if ok {
			out = append(out, [2]int{p, p + len(folded) - 1})
		}
	}
	return out
}

func (r *refDoc) refTerm(t *Term) bool {
	if IsKeywordField(t.Field) {
		for _, v := range r.spec.kw[t.Field] {
			form := textnorm.Fold(v)
			if t.Exact {
				form = strings.ToLower(textnorm.Normalize(v))
			}
			if form == t.Tokens[0] || t.Prefix && strings.HasPrefix(form, t.Tokens[0]) {
				return true
			}
		}
		return false
	}
	for _, f := range []string{FieldTitle, FieldText, FieldAuthor} {
		if len(r.refOccs(t, f)) > 0 {
			return true
		}
	}
	return false
}

func (r *refDoc) refNearOccs(n Node, f string) [][2]int {
	switch n := n.(type) {
	case *Term:
		return r.refOccs(n, f)
	case *ListRef:
		var out [][2]int
		for _, t := range n.Terms {
			out = append(out, r.refOccs(t, f)...)
		}
		return out
	case *Or:
		var out [][2]int
		for _, c := range n.Children {
			out = append(out, r.refNearOccs(c, f)...)
		}
		return out
	}
	return nil
}

func (r *refDoc) eval(n Node) bool {
	switch n := n.(type) {
	case *Term:
		return r.refTerm(n)
	case *ListRef:
		return slices.ContainsFunc(n.Terms, r.refTerm)
	case *And:
		for _, c := range n.Children {
			if !r.eval(c) {
				return false
			}
		}
		return true
	case *Or:
		return slices.ContainsFunc(n.Children, r.eval)
	case *Not:
		return !r.eval(n.Child)
	case *Near:
		for _, f := range []string{FieldTitle, FieldText, FieldAuthor} {
			for _, a := range r.refNearOccs(n.Left, f) {
				for _, b := range r.refNearOccs(n.Right, f) {
					between := -1
					if b[0] > a[1] {
						between = b[0] - a[1] - 1
					} else if !n.Ordered && b[1] < a[0] {
						between = a[0] - b[1] - 1
					}
					if between >= 0 && between <= n.N && r.sentence[f][a[0]] == r.sentence[f][b[0]] {
						return true
					}
				}
			}
		}
		return false
	}
	panic(fmt.Sprintf("refDoc.eval: %T", n))
}

func TestProperties(t *testing.T) {
	heavytest.WithoutRace(t)
	const (
		numDocs    = 40
		numQueries = 300
	)
	g := propGen{rand.New(rand.NewPCG(1, 2))}
	specs := make([]docSpec, numDocs)
	docs := make([]*Document, numDocs) // shared across queries: exercises the sorted index
	refs := make([]*refDoc, numDocs)
	for i := range specs {
		specs[i] = g.doc()
		docs[i] = specs[i].newDoc()
		refs[i] = newRefDoc(specs[i])
	}
	mustParse := func(q string) Node {
		t.Helper()
		n, err := Parse(q, testOpts)
		if err != nil {
			t.Fatalf("generated query %q does not parse: %v", q, err)
		}
		return n
	}
	matched := 0
	for range numQueries {
		qa, qb := g.expr(3), g.expr(2)
		a, b := mustParse(qa), mustParse(qb)
		a2 := mustParse(a.String())
		if !Equal(a, a2) {
			t.Fatalf("%q: String %q re-parses to a different tree", qa, a.String())
		}
		x, y := g.nearOperand(), g.nearOperand()
		k := 1 + g.r.IntN(5)
		pairs := []struct {
			name  string
			left  string
			right string
			imply bool // left implies right rather than equals it
		}{
			{"De Morgan OR", fmt.Sprintf("NOT ((%s) OR (%s))", qa, qb), fmt.Sprintf("NOT (%s) AND NOT (%s)", qa, qb), false},
			{"De Morgan AND", fmt.Sprintf("NOT ((%s) AND (%s))", qa, qb), fmt.Sprintf("NOT (%s) OR NOT (%s)", qa, qb), false},
			{"double negation", fmt.Sprintf("NOT NOT (%s)", qa), qa, false},
			{"implicit AND", fmt.Sprintf("(%s) (%s)", qa, qb), fmt.Sprintf("(%s) AND (%s)", qa, qb), false},
			{"NEAR symmetric", fmt.Sprintf("%s NEAR/%d %s", x, k, y), fmt.Sprintf("%s NEAR/%d %s", y, k, x), false},
			{"NEAR is ONEAR either way", fmt.Sprintf("%s NEAR/%d %s", x, k, y), fmt.Sprintf("(%s ONEAR/%d %s) OR (%s ONEAR/%d %s)", x, k, y, y, k, x), false},
			{"NEAR widens", fmt.Sprintf("%s NEAR/%d %s", x, k, y), fmt.Sprintf("%s NEAR/%d %s", x, k+1, y), true},
			{"NEAR needs both", fmt.Sprintf("%s NEAR/%d %s", x, k, y), fmt.Sprintf("(%s) AND (%s)", x, y), true},
		}
		for di, d := range docs {
			got := Eval(a, d)
			if want := refs[di].eval(a); got != want {
				t.Fatalf("Eval(%q) = %v, reference says %v on %+v", qa, got, want, specs[di])
			}
			if Eval(a2, d) != got {
				t.Fatalf("Eval(Parse(String(%q))) differs on %+v", qa, specs[di])
			}
			if got {
				matched++
			}
			checkExplain(t, a, d, got)
			if got, want := Eval(b, d), refs[di].eval(b); got != want {
				t.Fatalf("Eval(%q) = %v, reference says %v on %+v", qb, got, want, specs[di])
			}
			for _, p := range pairs {
				l, r := Eval(mustParse(p.left), d), Eval(mustParse(p.right), d)
				if p.imply && l && !r || !p.imply && l != r {
					t.Fatalf("%s: %q = %v but %q = %v on %+v", p.name, p.left, l, p.right, r, specs[di])
				}
			}
		}
	}
	// Guard against a generator whose queries never (or always) match,
	// which would make the checks above vacuous.
	if total := numQueries * numDocs; matched < total/20 || matched > total*19/20 {
		t.Errorf("%d of %d evaluations matched: the generator is too lopsided to test much", matched, total)
	}
}

// checkExplain verifies that Explain is nil exactly when Eval is false, and
// that every hit covers tokens that its term matches.
func checkExplain(t *testing.T, n Node, d *Document, matched bool) {
	t.Helper()
	hits := Explain(n, d)
	if (hits != nil) != matched {
		t.Fatalf("Explain(%s) nil = %v, Eval = %v", n, hits == nil, matched)
	}
	byString := map[string]*Term{}
	for _, term := range Terms(n) {
		byString[term.String()] = term
	}
	for _, h := range hits {
		term := byString[h.Term]
		if term == nil {
			t.Fatalf("Explain(%s): hit for %q, which is not a positive term", n, h.Term)
		}
		span := d.Text[h.Field][h.Start:h.End]
		toks := textnorm.Tokenize(span)
		if len(toks) != len(term.Tokens) {
			t.Fatalf("Explain(%s): hit %q for %s has %d tokens", n, span, h.Term, len(toks))
		}
		stemmed := len(d.Keywords[FieldLang]) > 0 && textnorm.StemLangOf(d.Keywords[FieldLang][0]) != textnorm.StemNone
		for i, tk := range toks {
			// Marked leaves fold in toneless text and stemmed languages
			// compare stems; every hit agrees at least folded, and
			// exact leaves exactly.
			form, want := tk.Text, term.Folded()[i]
			if term.Exact {
				form, want = ExactForm(span[tk.Start:tk.End]), term.Tokens[i]
			} else if stemmed && !term.Prefix {
				form, want = textnorm.Stem(textnorm.StemLangOf(d.Keywords[FieldLang][0]), form), term.Stems(textnorm.StemLangOf(d.Keywords[FieldLang][0]))[i]
			}
			if form != want && !(term.Prefix && strings.HasPrefix(form, want)) {
				t.Fatalf("Explain(%s): hit %q does not match %s", n, span, h.Term)
			}
		}
		if term.Field != "" && term.Field != h.Field || term.Field == "" && h.Field == FieldAuthor {
			t.Fatalf("Explain(%s): hit for %s in field %s", n, h.Term, h.Field)
		}
	}
}
