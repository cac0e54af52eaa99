package article

import (
	"strings"
	"testing"
)

func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{
		"https://example.com/",
		"HTTP://Example.COM:80/a/./b/../c?utm_source=x&b=2&a=1#frag",
		"http://Bücher.example./%7efoo/%2f?q=l%C5%A9+l%E1%BB%A5t&q=&x",
		"https://[2001:DB8::1]:443/a//b/..",
		"https://báo.vn/tin?off=50%&zarsrc=1",
		"http://user:pass@example.com/",
		"ftp://x", "mailto:a@b", "javascript:alert(1)", "/relative", "",
		"http://a..b/", "http://xn--bcher-kva.example/đường?a=%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := Canonicalize(raw)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "canonicalize ") {
				t.Fatalf("error %q does not name the operation", err)
			}
			return
		}
		again, err := Canonicalize(c)
		if err != nil {
			t.Fatalf("Canonicalize(%q) = %q, which is refused: %v", raw, c, err)
		}
		if again != c {
			t.Fatalf("not idempotent: %q → %q → %q", raw, c, again)
		}
		id := ID(c)
		if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
			t.Fatalf("ID(%q) = %q, want 32 lower-case hex characters", c, id)
		}
	})
}
