package alerts

import (
	"encoding/json"
	"testing"
)

// Unsent is how a tool outside the package tells the engine has settled:
// it must see each kind of work left in a record, and nothing in a quiet one.
func TestUnsentSeesEveryKindOfWorkLeft(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		rec  record
		want bool
	}{
		{"quiet group", record{Kind: "group", ID: "g", Seq: 2}, false},
		{"news not yet told", record{Kind: "group", Dirty: true}, true},
		{"decided, not yet published", record{Kind: "group", Outbox: []pending{{}}}, true},
		{"digest with items", record{Kind: "digest", Items: []string{"a1"}}, true},
	} {
		b, err := json.Marshal(tt.rec)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Unsent(b); err != nil || got != tt.want {
			t.Errorf("%s: Unsent = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if _, err := Unsent([]byte("{")); err == nil {
		t.Error("a broken record gave no error")
	}
}
