// Package slugcheck finds identifiers shown to people where a name
// exists: tests hand it a page or a message and the slugs that have
// names (department and source IDs, label slugs), and it reports each
// one it finds as visible text.
package slugcheck

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// hidden are the parts of a page that are not prose: code (rule IDs and
// queries are shown as code on purpose), text areas and scripts.
var hidden = regexp.MustCompile(`(?is)<(code|textarea|script|style)\b.*?</(code|textarea|script|style)>`)

var tag = regexp.MustCompile(`(?s)<[^>]*>`)

// pieceSep splits visible text into the pieces a slug would stand alone
// in: list items, "a, b", "Nguồn: x", "(x)", "x · y", "— x".
var pieceSep = regexp.MustCompile(`[\n\r\t,:;()·—–|«»“”"\[\]]+`)

// InHTML is every slug of slugs that shows as visible text of page
// (attributes and links do not count: a URL may carry the ID).
func InHTML(page string, slugs []string) []string {
	page = hidden.ReplaceAllString(page, " ")
	page = tag.ReplaceAllString(page, "\n")
	return InText(html.UnescapeString(page), slugs)
}

// InText is every slug of slugs that stands alone in plain text (a
// message body or subject), once each, in the order of slugs.
func InText(text string, slugs []string) []string {
	seen := map[string]bool{}
	for _, p := range pieceSep.Split(text, -1) {
		p = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(p), ".…"))
		for _, w := range []string{p, firstWord(p)} {
			if slices.Contains(slugs, w) {
				seen[w] = true
			}
		}
	}
	var out []string
	for _, s := range slugs {
		if seen[s] {
			out = append(out, s)
		}
	}
	return out
}

// firstWord catches a slug followed by a count ("so-y-te 4").
func firstWord(p string) string {
	w, _, _ := strings.Cut(p, " ")
	return w
}

// Page fails t when a page fetched for what (a language and a path)
// did not answer 200 or shows one of slugs; it reports whether the page
// answered.
func Page(t testing.TB, what string, code int, body string, slugs []string) bool {
	t.Helper()
	if code != http.StatusOK {
		t.Errorf("%s: HTTP %d", what, code)
		return false
	}
	if found := InHTML(body, slugs); len(found) > 0 {
		t.Errorf("%s shows %v where names exist", what, found)
	}
	return true
}
