// Package sentiment scores Vietnamese and English text for sentiment with a
// lexicon that officers can read and correct: every point of the score comes
// from a listed term found in the text, and each one is reported with its
// offsets, its weight and the negator or intensifier that changed it.
//
// # Matching
//
// Text is split into sentences (Sentences) and words (textnorm.Tokenize).
// Lexicon entries are matched on folded words, so text typed without tone
// marks still scores, and the longest entry wins ("thiệt hại nặng nề" before
// "thiệt hại"; "không khí", air, before the negator "không"). Folding merges
// words that differ only in tone marks (chậm trễ "late" and chăm trẻ "child
// care" both fold to "cham tre"), so in a sentence that is written with tone
// marks (a quarter or more of its words carry them) an entry must also match
// the marks; only sentences typed without them fall back to folded matching.
// An entry written "=term" always needs the marks: "chả" (not) folds to
// "cha" (father).
//
// A negator flips the sign of the next term when at most three words lie
// between them and no clause punctuation does (, ; : ( ) – —). Negating a
// positive term keeps 80% of its strength ("không an toàn", unsafe); negating
// a negative one keeps 50%, because reporting that harm did not happen
// ("không có thiệt hại", no damage) reassures but is not good news in itself.
// A second negator within reach of the first cancels it. An intensifier
// right before a term multiplies its weight ("rất nghiêm trọng").
//
// # Score
//
// The score of a text is
//
//	Value = tanh(2 · Sum / √max(Tokens, 10))
//
// where Sum adds the weights of all evidence and Tokens counts the words
// scored. Dividing by the square root of the length lets a long article need
// proportionally more evidence than a headline to reach the same score,
// without letting the ordinary sprinkling of loaded words in a long text
// drown out a clear signal (a count that grows like √N is what chance alone
// produces); the floor of 10 keeps a three-word phrase from scoring as
// strongly as a whole paragraph; tanh bounds the result to (−1, 1) while
// keeping small sums nearly linear. Sum and Tokens are returned with Value
// so the number can be checked by hand.
package sentiment

import (
	"bufio"
	"embed"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/presswatch/presswatch/textnorm"
)

//go:embed lexicon/vi.tsv lexicon/en.tsv
var lexiconFiles embed.FS

// maxTermWords bounds an entry's length: longer entries are almost surely a
// pasted sentence, and the bound keeps the trie walk short.
const maxTermWords = 8

// maxMultiplier bounds an intensifier: beyond 3 one word would outweigh the
// rest of a paragraph.
const maxMultiplier = 3

// Lexicon holds the sentiment lexicons of one or more languages. It is
// immutable once built and safe for concurrent use.
type Lexicon struct {
	langs map[string]*table
	// scratch recycles the token and word-number slices between calls: a
	// 3 KB article needs about 30 KB of them, and allocating that afresh
	// each time cost a tenth of the scoring time in GC work.
	scratch sync.Pool // of *scratch
}

// Size counts the entries of one language's lexicon.
type Size struct {
	Terms, Negators, Intensifiers int
}

// ParseError locates a problem in a lexicon file.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// New returns the lexicons embedded in the package: Vietnamese ("vi") and
// English ("en"). An error names the file and line at fault.
func New() (*Lexicon, error) {
	l := &Lexicon{langs: make(map[string]*table, 2)}
	for _, lang := range []string{"vi", "en"} {
		name := "lexicon/" + lang + ".tsv"
		f, err := lexiconFiles.Open(name)
		if err != nil {
			return nil, fmt.Errorf("sentiment: open embedded lexicon: %w", err)
		}
		t, err := parseTable(lang, f, name)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("sentiment: embedded lexicon: %w", err)
		}
		l.langs[lang] = t
	}
	return l, nil
}

// Parse reads a lexicon for one language in the format of the embedded files
// (see lexicon/README.md); name is used in errors, which are *ParseError
// values giving name:line. Combine the result with the embedded lexicons
// with With.
func Parse(lang string, r io.Reader, name string) (*Lexicon, error) {
	t, err := parseTable(lang, r, name)
	if err != nil {
		return nil, err
	}
	return &Lexicon{langs: map[string]*table{t.lang: t}}, nil
}

// With returns a lexicon holding the languages of l and of other; where both
// have a language, other's replaces l's. Neither l nor other changes.
func (l *Lexicon) With(other *Lexicon) *Lexicon {
	out := &Lexicon{langs: make(map[string]*table, len(l.langs)+len(other.langs))}
	for k, v := range l.langs {
		out.langs[k] = v
	}
	for k, v := range other.langs {
		out.langs[k] = v
	}
	return out
}

// Size reports how many entries the lexicon has for lang.
func (l *Lexicon) Size(lang string) Size {
	if t := l.langs[langKey(lang)]; t != nil {
		return t.size
	}
	return Size{}
}

// table picks the lexicon for a text in lang. Vietnamese text gets the
// Vietnamese lexicon; a language without its own lexicon falls back to
// English, the other language the province's coverage mostly uses, so
// French, Lao or Thai text scores near zero rather than being matched
// against Vietnamese syllables.
func (l *Lexicon) table(lang string) *table {
	if t := l.langs[langKey(lang)]; t != nil {
		return t
	}
	return l.langs["en"]
}

// langKey reduces a language tag to its primary subtag: "vi-VN" → "vi".
func langKey(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return lang
}

type kind uint8

const (
	kindTerm kind = iota
	kindNegator
	kindIntensifier
)

func (k kind) String() string {
	switch k {
	case kindNegator:
		return "negator"
	case kindIntensifier:
		return "intensifier"
	}
	return "term"
}

// entry is one line of a lexicon file.
type entry struct {
	text  string   // as written, without "=", in NFC
	toned []string // its words, lower-cased with their tone marks
	kind  kind
	value float64 // score of a term, multiplier of an intensifier
	exact bool    // "=term": tone marks must always match
	line  int
}

// table is one language's lexicon as a trie over folded words. Each word the
// lexicon uses gets a small number, so a word of the text is hashed once,
// to find its number; the root's children are then an array lookup and
// deeper steps a lookup by two integers.
type table struct {
	lang    string
	vocab   map[string]int32 // folded word → word number
	root    []int32          // per word number: the root's child, 0 if none
	edges   map[uint64]int32 // node<<32 | word number → child, below the root
	entryOf []int32          // per node: index into entries, or -1
	entries []entry
	maxLen  int
	size    Size
}

func newTable(lang string) *table {
	return &table{
		lang:    lang,
		vocab:   make(map[string]int32),
		edges:   make(map[uint64]int32),
		entryOf: []int32{-1}, // node 0, the root
	}
}

// child returns the node reached from node by word number w, or 0.
func (t *table) child(node, w int32) int32 {
	if node == 0 {
		return t.root[w]
	}
	return t.edges[uint64(node)<<32|uint64(w)]
}

// insert adds e under its folded words. It refuses an entry whose folded
// words are already taken: without tone marks the two could not be told
// apart, so the lexicon author must choose.
func (t *table) insert(words []string, e entry) error {
	node := int32(0)
	for _, word := range words {
		w, ok := t.vocab[word]
		if !ok {
			w = int32(len(t.root))
			t.vocab[word] = w
			t.root = append(t.root, 0)
		}
		next := t.child(node, w)
		if next == 0 {
			next = int32(len(t.entryOf))
			t.entryOf = append(t.entryOf, -1)
			if node == 0 {
				t.root[w] = next
			} else {
				t.edges[uint64(node)<<32|uint64(w)] = next
			}
		}
		node = next
	}
	if i := t.entryOf[node]; i >= 0 {
		prev := t.entries[i]
		if prev.text == e.text {
			return fmt.Errorf("%q repeats line %d", e.text, prev.line)
		}
		return fmt.Errorf("%q folds to the same words as %q on line %d; without tone marks they cannot be told apart", e.text, prev.text, prev.line)
	}
	t.entryOf[node] = int32(len(t.entries))
	t.entries = append(t.entries, e)
	t.maxLen = max(t.maxLen, len(words))
	switch e.kind {
	case kindNegator:
		t.size.Negators++
	case kindIntensifier:
		t.size.Intensifiers++
	default:
		t.size.Terms++
	}
	return nil
}

func parseTable(lang string, r io.Reader, name string) (*table, error) {
	key := langKey(lang)
	if key == "" || strings.IndexFunc(key, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return nil, &ParseError{File: name, Err: fmt.Errorf("language %q is not a language code such as vi or en", lang)}
	}
	t := newTable(key)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	section := kindTerm
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.HasPrefix(trimmed, "[") {
			k, err := parseSection(trimmed)
			if err != nil {
				return nil, &ParseError{File: name, Line: n, Err: err}
			}
			section = k
			continue
		}
		e, words, err := parseLine(line, section)
		if err != nil {
			return nil, &ParseError{File: name, Line: n, Err: err}
		}
		e.line = n
		if err := t.insert(words, e); err != nil {
			return nil, &ParseError{File: name, Line: n, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: name, Line: n + 1, Err: fmt.Errorf("read: %w", err)}
	}
	if len(t.entries) == 0 {
		return nil, &ParseError{File: name, Err: errors.New("no entries")}
	}
	return t, nil
}

func parseSection(s string) (kind, error) {
	switch s {
	case "[terms]":
		return kindTerm, nil
	case "[negators]":
		return kindNegator, nil
	case "[intensifiers]":
		return kindIntensifier, nil
	}
	return 0, fmt.Errorf("unknown section %s (want [terms], [negators] or [intensifiers])", s)
}

// parseLine reads "term<TAB>score", "negator" or "intensifier<TAB>multiplier"
// and returns the entry with its folded words.
func parseLine(line string, k kind) (entry, []string, error) {
	if !utf8.ValidString(line) {
		return entry{}, nil, errors.New("not valid UTF-8")
	}
	fields := strings.Split(line, "\t")
	want := 2
	if k == kindNegator {
		want = 1
	}
	if len(fields) != want {
		if k == kindNegator {
			return entry{}, nil, fmt.Errorf("a negator line holds only the negator, found %d tab-separated fields", len(fields))
		}
		return entry{}, nil, fmt.Errorf("want %s<TAB>number, found %d tab-separated fields", k, len(fields))
	}
	e := entry{kind: k}
	text := strings.TrimSpace(fields[0])
	if rest, ok := strings.CutPrefix(text, "="); ok {
		e.exact = true
		text = strings.TrimSpace(rest)
	}
	text = textnorm.Normalize(text)
	toks := textnorm.Tokenize(text)
	switch {
	case len(toks) == 0:
		return entry{}, nil, fmt.Errorf("%s %q has no words", k, fields[0])
	case len(toks) > maxTermWords:
		return entry{}, nil, fmt.Errorf("%s %q has %d words, more than %d", k, text, len(toks), maxTermWords)
	}
	e.text = text
	words := make([]string, len(toks))
	e.toned = make([]string, len(toks))
	for i, tk := range toks {
		words[i] = tk.Text
		e.toned[i] = strings.ToLower(text[tk.Start:tk.End])
	}
	if k == kindNegator {
		return e, words, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(fields[1]), 64)
	if err != nil {
		return entry{}, nil, fmt.Errorf("%s %q: %w", k, text, err)
	}
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return entry{}, nil, fmt.Errorf("%s %q: %v is not a finite number", k, text, v)
	case k == kindTerm && (v < -1 || v > 1):
		return entry{}, nil, fmt.Errorf("term %q: score %v is outside [-1, 1]", text, v)
	case k == kindIntensifier && (v <= 0 || v > maxMultiplier):
		return entry{}, nil, fmt.Errorf("intensifier %q: multiplier %v is outside (0, %d]", text, v, maxMultiplier)
	}
	e.value = v
	return e, words, nil
}
