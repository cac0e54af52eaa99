package classifier

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/query"
)

// TestPresearchNeverDropsAMatch: the presearcher only skips rules that
// cannot match, so the rule set finds exactly what evaluating every rule
// finds.
func TestPresearchNeverDropsAMatch(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 5))
	words := []string{"lũ", "quét", "sạt", "lở", "Mường", "Chà", "hòa", "bình", "thủy", "điện", "dân", "nhà", "cháy", "rừng", "ngộ", "độc"}
	leaf := func() string {
		w := words[rnd.IntN(len(words))]
		switch rnd.IntN(6) {
		case 0:
			return `"` + w + " " + words[rnd.IntN(len(words))] + `"`
		case 1:
			if r := []rune(w); len(r) >= 3 {
				return string(r[:3]) + "*"
			}
		case 2:
			return "NOT " + w
		case 3:
			return "=" + w
		}
		return w
	}
	var b strings.Builder
	b.WriteString("rules:\n")
	n := 0
	for i := range 300 {
		q := leaf()
		switch rnd.IntN(4) {
		case 0:
			q += " " + leaf()
		case 1:
			q += " OR " + leaf()
		case 2:
			q = leaf() + fmt.Sprintf(" NEAR/%d ", 1+rnd.IntN(3)) + words[rnd.IntN(len(words))]
		}
		if _, err := query.Parse(q, query.Options{}); err != nil {
			continue
		}
		fmt.Fprintf(&b, "  - id: r%d\n    query: '%s'\n", i, strings.ReplaceAll(q, "'", "''"))
		n++
	}
	rs, err := Compile(map[string][]byte{"gen.yaml": []byte(b.String())})
	if err != nil {
		t.Fatal(err)
	}
	matched := 0
	for d := range 200 {
		var tw []string
		for range 2 + rnd.IntN(20) {
			tw = append(tw, words[rnd.IntN(len(words))])
		}
		a := &article.Article{ID: fmt.Sprint(d), Title: tw[0], Text: strings.Join(tw[1:], " ")}
		got := map[string]bool{}
		for _, m := range rs.Match(a) {
			got[m.RuleID] = true
		}
		doc := &query.Document{Text: map[string]string{query.FieldTitle: a.Title, query.FieldText: a.Text, query.FieldAuthor: ""}}
		for _, cr := range rs.rules {
			want := query.Eval(cr.node, doc)
			if want != got[cr.rule.ID] {
				t.Fatalf("rule %s (%s) on %q: presearched %v, evaluated %v", cr.rule.ID, cr.rule.Query, a.Title+" | "+a.Text, got[cr.rule.ID], want)
			}
			if want {
				matched++
			}
		}
	}
	if n < 200 || matched < 100 {
		t.Errorf("%d rules, %d matches: the generator is too narrow", n, matched)
	}
}
