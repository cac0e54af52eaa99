package query_test

import (
	"fmt"

	"github.com/presswatch/presswatch/query"
)

// One parser serves search and rules; Eval is the in-memory matcher the
// classifier runs, and the reference the search back end must agree with.
func ExampleEval() {
	lists := map[string][]string{"province": {"Điện Biên", "Mường Chà"}}
	q, err := query.Parse(`title:("lu quet" OR "sat lo") AND @province NOT lang:en`, query.Options{
		Lists: func(name string) ([]string, bool) { l, ok := lists[name]; return l, ok },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	doc := &query.Document{
		Text:     map[string]string{"title": "Lũ quét ở Mường Chà", "text": "Mưa lớn kéo dài từ đêm qua."},
		Keywords: map[string][]string{"lang": {"vi"}},
	}
	fmt.Println(query.Eval(q, doc))
	// Output: true
}

// Errors name the column where the query went wrong.
func ExampleParse_error() {
	_, err := query.Parse(`lu quet AND`, query.Options{})
	fmt.Println(err)
	// Output: col 12: expected a term after AND
}
