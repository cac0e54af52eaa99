package article

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestCanonicalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"already canonical", "https://example.com/a/b?x=1", "https://example.com/a/b?x=1"},
		{"surrounding space", "  https://example.com/a \n", "https://example.com/a"},

		// Tracking parameters.
		{"utm_*", "https://vnexpress.net/tin.html?utm_source=fb&utm_medium=social&utm_campaign=x&utm_whatever=1", "https://vnexpress.net/tin.html"},
		{"utm case-insensitive", "https://example.com/?UTM_Source=a&id=3", "https://example.com/?id=3"},
		{"click ids", "https://example.com/a?fbclid=F&gclid=G&dclid=D&msclkid=M&yclid=Y&id=7", "https://example.com/a?id=7"},
		{"mail and social", "https://example.com/a?mc_cid=1&mc_eid=2&igshid=3&_ga=4&_gl=5&ref_src=6&spm=7&p=2", "https://example.com/a?p=2"},
		{"Zalo", "https://baomoi.com/tin.epi?zarsrc=30&gidzl=abc&utm_source=zalo", "https://baomoi.com/tin.epi"},
		{"similar names kept", "https://example.com/?utm=1&gclid_x=2&xspm=3", "https://example.com/?gclid_x=2&utm=1&xspm=3"},

		// Scheme and host case; path case kept.
		{"case", "HTTPS://VnExpress.NET/Thoi-Su/ABC.html", "https://vnexpress.net/Thoi-Su/ABC.html"},

		// Ports.
		{"default http port", "http://example.com:80/a", "http://example.com/a"},
		{"default https port", "https://example.com:443/a", "https://example.com/a"},
		{"https port on http", "http://example.com:443/a", "http://example.com:443/a"},
		{"http port on https", "https://example.com:80/a", "https://example.com:80/a"},
		{"non-default port", "http://example.com:8080/a", "http://example.com:8080/a"},
		{"leading zeros", "http://example.com:0080/a", "http://example.com/a"},
		{"empty port", "http://example.com:/a", "http://example.com/a"},

		// Fragments.
		{"fragment", "https://example.com/a#comments", "https://example.com/a"},
		{"empty fragment", "https://example.com/a?b=1#", "https://example.com/a?b=1"},

		// Internationalised hosts.
		{"IDN", "http://Bücher.example/", "http://xn--bcher-kva.example/"},
		{"IDN punycode", "http://xn--bcher-kva.example/", "http://xn--bcher-kva.example/"},
		{"IDN punycode upper", "http://XN--BCHER-KVA.example/", "http://xn--bcher-kva.example/"},
		{"Vietnamese IDN", "https://báo.vn/tin", "https://xn--bo-mia.vn/tin"},
		{"IDN percent-encoded", "http://b%C3%BCcher.example/", "http://xn--bcher-kva.example/"},
		{"IPv6", "http://[2001:DB8::0001]:8080/a", "http://[2001:db8::1]:8080/a"},
		{"IPv4", "http://192.168.1.10/a", "http://192.168.1.10/a"},
		{"underscore host", "https://my_site.example.com/", "https://my_site.example.com/"},

		// Query parameters.
		{"order", "https://example.com/s?q=lu&page=2&a=1", "https://example.com/s?a=1&page=2&q=lu"},
		{"repeated keys sorted by value", "https://example.com/s?tag=b&x=1&tag=a&tag=c", "https://example.com/s?tag=a&tag=b&tag=c&x=1"},
		{"repeated identical kept", "https://example.com/s?t=1&t=1", "https://example.com/s?t=1&t=1"},
		{"empty value kept", "https://example.com/s?a=&b=1", "https://example.com/s?a=&b=1"},
		{"key without =", "https://example.com/s?amp", "https://example.com/s?amp="},
		{"empty query", "https://example.com/s?", "https://example.com/s"},
		{"only tracking", "https://example.com/s?utm_source=x", "https://example.com/s"},
		{"empty pairs dropped", "https://example.com/s?&a=1&&b=2&", "https://example.com/s?a=1&b=2"},
		{"query encoding", "https://example.com/s?q=l%C5%A9+l%E1%BB%A5t&r=a%2fb&s=%7e", "https://example.com/s?q=l%C5%A9+l%E1%BB%A5t&r=a%2Fb&s=~"},
		{"query raw unicode", "https://example.com/s?q=lũ lụt", "https://example.com/s?q=l%C5%A9+l%E1%BB%A5t"},
		{"stray percent", "https://example.com/s?off=50%", "https://example.com/s?off=50%25"},

		// Host forms.
		{"trailing dot", "https://example.com./a", "https://example.com/a"},
		{"trailing dot and port", "https://Example.COM.:443/", "https://example.com/"},

		// Paths.
		{"empty path", "https://example.com", "https://example.com/"},
		{"empty path with query", "https://example.com?a=1", "https://example.com/?a=1"},
		{"dot segments", "https://example.com/a/./b/../c", "https://example.com/a/c"},
		{"dot dot above root", "https://example.com/../../a", "https://example.com/a"},
		{"trailing dot dot", "https://example.com/a/b/..", "https://example.com/a/"},
		{"trailing dot", "https://example.com/a/.", "https://example.com/a/"},
		{"encoded dot segments", "https://example.com/a/%2e%2E/b", "https://example.com/b"},
		{"double slash kept", "https://example.com/a//b/", "https://example.com/a//b/"},
		{"dots inside names kept", "https://example.com/a.b/..c/tin.html", "https://example.com/a.b/..c/tin.html"},
		{"decode unreserved", "https://example.com/%7Euser/%41%62c-%5F", "https://example.com/~user/Abc-_"},
		{"upper-case hex", "https://example.com/a%2fb%3f", "https://example.com/a%2Fb%3F"},
		{"escape non-ASCII", "https://example.com/đường-lũ", "https://example.com/%C4%91%C6%B0%E1%BB%9Dng-l%C5%A9"},
		{"escaped non-ASCII kept", "https://example.com/%c4%91", "https://example.com/%C4%91"},
		{"space", "https://example.com/a b", "https://example.com/a%20b"},
		{"sub-delims kept", "https://example.com/a;b=c,d:e@f!$&'()*+", "https://example.com/a;b=c,d:e@f!$&'()*+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonicalize(tt.in)
			if err != nil {
				t.Fatalf("Canonicalize(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Canonicalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			again, err := Canonicalize(got)
			if err != nil || again != got {
				t.Errorf("not idempotent: Canonicalize(%q) = %q, %v", got, again, err)
			}
		})
	}
}

func TestCanonicalizeSameID(t *testing.T) {
	groups := [][]string{
		{
			"https://dantri.com.vn/xa-hoi/lu-quet.htm",
			"HTTPS://DANTRI.com.vn:443/xa-hoi/lu-quet.htm#top",
			"https://dantri.com.vn./xa-hoi/./lu-quet.htm?utm_source=zalo&zarsrc=1",
			"https://dantri.com.vn/xa-hoi/x/../lu-quet.htm?fbclid=abc",
		},
		{"http://Bücher.example/", "http://xn--bcher-kva.example/", "http://BÜCHER.example:80/"},
		{"https://example.com/s?b=2&a=1", "https://example.com/s?a=1&b=2&gclid=x"},
	}
	for _, g := range groups {
		var first string
		for i, raw := range g {
			id, _, err := IDFromURL(raw)
			if err != nil {
				t.Fatalf("IDFromURL(%q): %v", raw, err)
			}
			if i == 0 {
				first = id
			} else if id != first {
				t.Errorf("IDFromURL(%q) = %s, want %s as for %q", raw, id, first, g[0])
			}
		}
	}
}

func TestCanonicalizeErrors(t *testing.T) {
	tests := []struct {
		name, in string
		// wantMsg is a substring of the error message.
		wantMsg string
	}{
		{"ftp", "ftp://x", `canonicalize "ftp://x": scheme "ftp" is not http or https`},
		{"relative", "/tin/lu-quet.htm", "not an absolute URL"},
		{"protocol-relative", "//example.com/a", "not an absolute URL"},
		{"mailto", "mailto:toasoan@example.vn", `scheme "mailto"`},
		{"javascript", "javascript:alert(1)", `scheme "javascript"`},
		{"empty", "", "empty URL"},
		{"blank", "   ", "empty URL"},
		{"userinfo", "http://user:pass@example.com/", "user information"},
		{"user only", "https://user@example.com/", "user information"},
		{"empty userinfo", "https://@example.com/", "user information"},
		{"empty host", "http:///a", "empty host"},
		{"port without host", "http://:80/a", "empty host"},
		{"only a dot", "http://./a", "empty host"},
		{"empty label", "http://a..b/", "empty label"},
		{"opaque", "http:example.com/a", "no host"},
		{"bad host character", "http://ex!ample.com/", "invalid character"},
		{"bad IDN", "http://xn--bücher.example/", "host"},
		{"IPv6 zone", "http://[fe80::1%25eth0]/", "IPv6"},
		{"port too large", "http://example.com:70000/", "invalid port"},
		{"bad path escape", "http://example.com/a%zz", "invalid URL escape"},
		{"control character", "http://example.com/a\x7f", "invalid control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonicalize(tt.in)
			if err == nil {
				t.Fatalf("Canonicalize(%q) = %q, want error", tt.in, got)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Canonicalize(%q) error %q, want it to contain %q", tt.in, err, tt.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), "canonicalize ") {
				t.Errorf("error %q does not name the operation", err)
			}
		})
	}
}

func TestCanonicalizeErrorHidesCredentials(t *testing.T) {
	for _, raw := range []string{
		"http://user:s3cret@example.com/",
		"http://user:s3cret@example.com/a%zz",
		"https://s3cret@bad host/",
	} {
		_, err := Canonicalize(raw)
		if err == nil {
			t.Fatalf("Canonicalize(%q) succeeded, want error", raw)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error for %q reveals the credentials: %v", raw, err)
		}
	}
}

func TestID(t *testing.T) {
	// The contract, computed independently: hex of the first 16 bytes of the
	// SHA-256 of the canonical URL.
	sum := sha256.Sum256([]byte("https://example.com/"))
	want := hex.EncodeToString(sum[:16])

	if got := ID("https://example.com/"); got != want {
		t.Errorf("ID = %s, want %s", got, want)
	}
	id, canonical, err := IDFromURL("HTTPS://Example.com:443#top")
	if err != nil {
		t.Fatal(err)
	}
	if canonical != "https://example.com/" || id != want {
		t.Errorf("IDFromURL = %s, %s; want %s, https://example.com/", id, canonical, want)
	}
	if len(id) != 32 || strings.ToLower(id) != id {
		t.Errorf("ID %q is not 32 lower-case hex characters", id)
	}
	if ID("https://example.com/a") == want {
		t.Error("different URLs share an ID")
	}
	if _, _, err := IDFromURL("ftp://example.com/"); err == nil {
		t.Error("IDFromURL accepted an ftp URL")
	}
}

func TestIsWebURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://dienbien.gov.vn/thong-cao": true, "http://127.0.0.1:8080/x": true,
		"javascript:alert(1)": false, "data:text/html,x": false, "/relative": false,
		"https:///no-host": false, "mailto:a@b.vn": false, "": false, "https://%zz": false,
	} {
		if got := IsWebURL(s); got != want {
			t.Errorf("IsWebURL(%q) = %v, want %v", s, got, want)
		}
	}
}
