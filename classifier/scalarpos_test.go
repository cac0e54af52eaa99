package classifier

import (
	"strings"
	"testing"
)

// A query error points at the character in the file, whatever the YAML
// style of the query: officers write long queries as folded blocks.
func TestQueryErrorsPointIntoMultiLineQueries(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"folded", "lists: {province: [Điện Biên]}\nrules:\n  - id: a\n    query: >-\n      (\"lũ quét\" OR \"sạt lở\")\n        AND @provinc\n", "r.yaml:6:13: rule a: query: unknown list @provinc"},
		{"literal", "rules:\n  - id: a\n    query: |\n      lũ OR\n      bão AND @x\n", "r.yaml:5:15: rule a: query: unknown list @x"},
		{"plain continued", "rules:\n  - id: a\n    query: lũ OR\n      mưa đá AND @x\n", "r.yaml:4:18: rule a: query: unknown list @x"},
		{"double quoted", "rules:\n  - id: a\n    query: \"lũ AND @x\"\n", "r.yaml:3:20: rule a: query: unknown list @x"},
		{"single line", "rules:\n  - id: a\n    query: lũ AND @x\n", "r.yaml:3:19: rule a: query: unknown list @x"},
	} {
		_, err := Compile(map[string][]byte{"r.yaml": []byte(tc.yaml)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
