package notify

import (
	"errors"
	"slices"
	"testing"
)

func TestEachRecipient(t *testing.T) {
	missing := errors.New("no address")
	down := errors.New("down")
	cases := []struct {
		to       []string
		fallback string
		failAt   string
		want     error
		sent     []string
	}{
		{nil, "cfg", "", nil, []string{"cfg"}},
		{[]string{"a", "b"}, "cfg", "", nil, []string{"a", "b"}},
		{nil, "", "", missing, nil},
		{[]string{"a", "", "b"}, "cfg", "", missing, []string{"a"}},
		{[]string{"a", "b", "c"}, "", "b", down, []string{"a", "b"}},
	}
	for _, c := range cases {
		var sent []string
		err := EachRecipient(c.to, c.fallback, missing, func(addr string) error {
			sent = append(sent, addr)
			if addr == c.failAt {
				return down
			}
			return nil
		})
		if !errors.Is(err, c.want) && err != c.want || !slices.Equal(sent, c.sent) {
			t.Errorf("to %q fallback %q: err %v sent %q, want %v %q", c.to, c.fallback, err, sent, c.want, c.sent)
		}
	}
}
