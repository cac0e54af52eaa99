package indexer

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/presswatch/presswatch/textnorm"
)

// SearchRequest is a search over the index. Q is a list of words and
// "quoted phrases" that must all occur (tone-insensitively) in the title
// or text; empty Q lists the newest articles.
type SearchRequest struct {
	Q      string
	Limit  int
	Offset int
}

// Hit is one article in a result, in the API's shape.
type Hit struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Source    string    `json:"source"`
	Lang      string    `json:"lang"`
	Published time.Time `json:"published"`
	Labels    []string  `json:"labels"`
	Severity  string    `json:"severity,omitempty"`
	// Snippet is HTML: escaped text with matched words in <mark>.
	Snippet string `json:"snippet"`
}

// SearchResult is the answer to a SearchRequest.
type SearchResult struct {
	Total  uint64 `json:"total"`
	Hits   []Hit  `json:"hits"`
	TookMS int64  `json:"took_ms"`
}

// ErrBadQuery marks errors in the query itself (HTTP 400).
var ErrBadQuery = errors.New("bad query")

// MaxLimit bounds one page of results.
const MaxLimit = 1000

const maxQueryTerms = 64

// Search runs req within ctx's deadline.
func (x *Index) Search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	start := time.Now()
	if req.Limit <= 0 {
		req.Limit = 20
	}
	if req.Limit > MaxLimit {
		req.Limit = MaxLimit
	}
	if req.Offset < 0 {
		req.Offset = 0
	}
	terms, err := parseTerms(req.Q)
	if err != nil {
		return nil, err
	}
	var q query.Query
	if len(terms) == 0 {
		q = bleve.NewMatchAllQuery()
	} else {
		conj := make([]query.Query, 0, len(terms))
		for _, t := range terms {
			conj = append(conj, t.query())
		}
		q = bleve.NewConjunctionQuery(conj...)
	}
	sr := bleve.NewSearchRequestOptions(q, req.Limit, req.Offset, false)
	sr.Fields = []string{fieldURL, fieldTitle, fieldText, fieldSource, fieldLang, fieldPublished, fieldLabels, fieldSeverity}
	if len(terms) == 0 {
		sr.SortBy([]string{"-" + fieldPublished, "_id"})
	} else {
		sr.SortBy([]string{"-_score", "-" + fieldPublished, "_id"})
	}
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("search %q: timed out: %w", req.Q, ctx.Err())
		}
		return nil, fmt.Errorf("search %q: %w", req.Q, err)
	}
	out := &SearchResult{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits))}
	want := map[string]bool{}
	for _, t := range terms {
		for _, tok := range t.tokens {
			want[tok] = true
		}
	}
	for _, h := range res.Hits {
		hit := Hit{
			ID:       h.ID,
			URL:      str(h.Fields[fieldURL]),
			Title:    str(h.Fields[fieldTitle]),
			Source:   str(h.Fields[fieldSource]),
			Lang:     str(h.Fields[fieldLang]),
			Labels:   strs(h.Fields[fieldLabels]),
			Severity: str(h.Fields[fieldSeverity]),
		}
		if p, err := time.Parse(time.RFC3339, str(h.Fields[fieldPublished])); err == nil {
			hit.Published = p
		}
		hit.Snippet = snippet(str(h.Fields[fieldText]), want, 240)
		out.Hits = append(out.Hits, hit)
	}
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs reads a stored multi-value field, which Bleve returns as a string
// when it holds one value.
func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}

// queryTerm is a word or phrase of the query, folded into tokens.
type queryTerm struct {
	tokens []string
}

func (t queryTerm) query() query.Query {
	text := strings.Join(t.tokens, " ")
	var fields []query.Query
	for _, f := range []string{fieldTitleFolded, fieldTextFolded} {
		if len(t.tokens) == 1 {
			m := bleve.NewMatchQuery(text)
			m.SetField(f)
			fields = append(fields, m)
			continue
		}
		p := bleve.NewMatchPhraseQuery(text)
		p.SetField(f)
		fields = append(fields, p)
	}
	return bleve.NewDisjunctionQuery(fields...)
}

// parseTerms splits q into words and "phrases". A word that tokenizes into
// several tokens (COVID-19) is searched as a phrase of them.
func parseTerms(q string) ([]queryTerm, error) {
	var out []queryTerm
	rest := strings.TrimSpace(q)
	for rest != "" {
		var raw string
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("%w: col %d: unterminated phrase", ErrBadQuery, len(q)-len(rest)+1)
			}
			raw, rest = rest[1:end+1], rest[end+2:]
		} else {
			end := strings.IndexAny(rest, " \t\n\"")
			if end < 0 {
				end = len(rest)
			}
			raw, rest = rest[:end], rest[end:]
		}
		rest = strings.TrimSpace(rest)
		toks := textnorm.Tokenize(raw)
		if len(toks) == 0 {
			continue
		}
		t := queryTerm{tokens: make([]string, len(toks))}
		for i, tk := range toks {
			t.tokens[i] = tk.Text
		}
		out = append(out, t)
		if len(out) > maxQueryTerms {
			return nil, fmt.Errorf("%w: more than %d terms", ErrBadQuery, maxQueryTerms)
		}
	}
	return out, nil
}

// snippet cuts about n bytes of text around the first matched token and
// marks every matched token; the result is safe HTML.
func snippet(text string, want map[string]bool, n int) string {
	toks := textnorm.Tokenize(text)
	first := -1
	for i, tk := range toks {
		if want[tk.Text] {
			first = i
			break
		}
	}
	from, to := 0, len(text)
	if first >= 0 {
		from = max(0, toks[first].Start-n/3)
	}
	if to-from > n {
		to = from + n
	}
	from, to = wordStart(text, from), wordEnd(text, to)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, tk := range toks {
		// tk.Start < pos: pairs of Thai or CJK characters overlap; the
		// previous mark already covers this one's start.
		if tk.Start < from || tk.End > to || tk.Start < pos || !want[tk.Text] {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:tk.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[tk.Start:tk.End]))
		b.WriteString("</mark>")
		pos = tk.End
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// wordStart moves i back to the start of a word (and a rune).
func wordStart(s string, i int) int {
	if i <= 0 {
		return 0
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	for j := i; j > 0 && i-j < 40; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if r == ' ' || r == '\n' {
			return j
		}
		j -= size
	}
	return i
}

// wordEnd moves i forward to the end of a word (and a rune).
func wordEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	for j := i; j < len(s) && j-i < 40; {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == ' ' || r == '\n' {
			return j
		}
		j += size
	}
	return i
}
