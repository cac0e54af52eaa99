package article

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// trackingParams are query parameters that say how a reader arrived, not what
// they read. Dropping them makes the same article shared through a
// newsletter, Facebook or Zalo one URL and so one ID. Keys are compared in
// lower case; every key starting with "utm_" (Google Analytics campaign
// tags) is tracking too. The map is a read-only table.
var trackingParams = map[string]bool{
	"fbclid":  true, // Facebook click
	"gclid":   true, // Google Ads click
	"dclid":   true, // Google Display & Video click
	"msclkid": true, // Microsoft Advertising click
	"yclid":   true, // Yandex click
	"mc_cid":  true, // Mailchimp campaign
	"mc_eid":  true, // Mailchimp recipient
	"igshid":  true, // Instagram share
	"_ga":     true, // Google Analytics cross-domain client ID
	"_gl":     true, // Google Analytics cross-domain linker
	"zarsrc":  true, // Zalo share source
	"gidzl":   true, // Zalo click
	"ref_src": true, // X (Twitter) referral source
	"spm":     true, // Alibaba/Lazada "super position model" click path
}

const trackingPrefix = "utm_"

func isTracking(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, trackingPrefix) || trackingParams[k]
}

// Canonicalize returns the canonical form of an absolute http or https URL,
// the form the Article ID is computed from: scheme and host in lower case,
// internationalised host names in their ASCII (punycode) form, no trailing dot
// on the host, no default port, no fragment, no tracking parameters, the
// remaining query parameters sorted by key then value, "." and ".." path
// segments resolved and percent-encoding normalised. The path's case is kept:
// servers may treat it as significant. Canonicalize is idempotent.
//
// URLs with user information are refused so that credentials never end up in
// an ID or a log; the error quotes the input with them masked.
func Canonicalize(raw string) (string, error) {
	c, err := canonicalize(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("canonicalize %q: %w", redactUserinfo(raw), err)
	}
	return c, nil
}

// ID returns the Article ID of a canonical URL (see Canonicalize): the hex
// of the first 16 bytes of its SHA-256.
func ID(canonicalURL string) string {
	sum := sha256.Sum256([]byte(canonicalURL))
	return hex.EncodeToString(sum[:16])
}

// IDFromURL canonicalises raw and returns its Article ID and canonical form.
func IDFromURL(raw string) (id, canonical string, err error) {
	canonical, err = Canonicalize(raw)
	if err != nil {
		return "", "", err
	}
	return ID(canonical), canonical, nil
}

func canonicalize(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("empty URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// The url.Error would repeat the input, credentials included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("parse: %w", err)
	}
	switch {
	case u.Scheme == "":
		return "", errors.New("not an absolute URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("scheme %q is not http or https", u.Scheme)
	case u.Opaque != "":
		return "", errors.New("no host (missing // after the scheme)")
	case u.User != nil:
		return "", errors.New("user information in URL (credentials must not become IDs)")
	}
	host, err := canonicalHost(u.Hostname())
	if err != nil {
		return "", err
	}
	port, err := canonicalPort(u.Scheme, u.Port())
	if err != nil {
		return "", err
	}
	// RawPath, when set, is the path exactly as written; otherwise the path
	// as written was already its default encoding, which EscapedPath returns.
	// Working from the written form keeps %2F and friends distinct from /.
	p := u.RawPath
	if p == "" {
		p = u.EscapedPath()
	}
	p, err = canonicalPath(p)
	if err != nil {
		return "", err
	}
	q := canonicalQuery(u.RawQuery)

	var b strings.Builder
	b.Grow(len(u.Scheme) + 3 + len(host) + 6 + len(p) + 1 + len(q))
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(host)
	if port != "" {
		b.WriteByte(':')
		b.WriteString(port)
	}
	b.WriteString(p)
	if q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}

// canonicalHost lower-cases h, converts an internationalised name to
// punycode, drops one trailing dot and checks what is left is a plausible
// host name or IP literal.
func canonicalHost(h string) (string, error) {
	if h == "" {
		return "", errors.New("empty host")
	}
	if strings.Contains(h, ":") {
		a, err := netip.ParseAddr(h)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", fmt.Errorf("invalid IPv6 host %q", h)
		}
		return "[" + a.String() + "]", nil
	}
	if isASCII(h) {
		// ASCII names skip IDNA: its strict rules would refuse real-world
		// hosts with underscores, and lower-casing is all they need.
		h = strings.ToLower(h)
	} else {
		a, err := idna.Lookup.ToASCII(h)
		if err != nil {
			return "", fmt.Errorf("host %q: %w", h, err)
		}
		h = a
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" {
		return "", errors.New("empty host")
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" {
			return "", fmt.Errorf("host %q has an empty label", h)
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("host %q has invalid character %q", h, c)
			}
		}
	}
	return h, nil
}

func canonicalPort(scheme, port string) (string, error) {
	if port == "" {
		return "", nil
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return "", fmt.Errorf("invalid port %q", port)
	}
	if scheme == "http" && n == 80 || scheme == "https" && n == 443 {
		return "", nil
	}
	return strconv.FormatUint(n, 10), nil
}

// canonicalPath normalises the percent-encoding of the written path p (an
// escape of an unreserved character is decoded, other escapes get upper-case
// hex, characters that may not appear in a path are escaped) and then
// removes dot segments, as RFC 3986 sections 6.2.2.2 and 5.2.4 describe.
func canonicalPath(p string) (string, error) {
	var b strings.Builder
	b.Grow(len(p) + 1)
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return "", fmt.Errorf("invalid escape in path %q", p)
			}
			v := unhex(p[i+1])<<4 | unhex(p[i+2])
			i += 2
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				writeEscaped(&b, v)
			}
		case isUnreserved(c) || strings.IndexByte("!$&'()*+,;=:@/", c) >= 0:
			b.WriteByte(c)
		default:
			writeEscaped(&b, c)
		}
	}
	return removeDotSegments(b.String()), nil
}

// removeDotSegments resolves "." and ".." in an absolute path. Unlike
// path.Clean it keeps empty segments and a trailing slash, which servers may
// treat as significant.
func removeDotSegments(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.Contains(p, ".") {
		return p
	}
	segs := strings.Split(p, "/")[1:] // p starts with "/"
	out := make([]string, 0, len(segs))
	trailing := false
	for _, s := range segs {
		trailing = false
		switch s {
		case ".":
			trailing = true
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			trailing = true
		default:
			out = append(out, s)
		}
	}
	r := "/" + strings.Join(out, "/")
	if trailing && !strings.HasSuffix(r, "/") {
		r += "/"
	}
	return r
}

// canonicalQuery drops tracking parameters from the raw query q and sorts the
// rest by key, then value, encoding them as url.Values does. Repeated keys and
// empty values are kept ("a" becomes "a="). Decoding is lenient: a '%' that
// starts no valid escape stands for itself, as browsers send it, so
// "?off=50%" is kept (as "off=50%25") rather than refused.
func canonicalQuery(q string) string {
	if q == "" {
		return ""
	}
	type param struct{ k, v string }
	var params []param
	for part := range strings.SplitSeq(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k = unescapeQuery(k)
		if isTracking(k) {
			continue
		}
		params = append(params, param{k, unescapeQuery(v)})
	}
	slices.SortStableFunc(params, func(a, b param) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.v))
	}
	return b.String()
}

func unescapeQuery(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// redactUserinfo masks whatever precedes '@' in the authority of raw so that
// error messages do not carry passwords.
func redactUserinfo(raw string) string {
	i := strings.Index(raw, "//")
	if i < 0 {
		return raw
	}
	start := i + 2
	end := len(raw)
	if j := strings.IndexAny(raw[start:], "/?#"); j >= 0 {
		end = start + j
	}
	at := strings.LastIndexByte(raw[start:end], '@')
	if at < 0 {
		return raw
	}
	return raw[:start] + "xxxxx" + raw[start+at:]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func writeEscaped(b *strings.Builder, c byte) {
	const hexDigits = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&15])
}

// IsWebURL reports whether s is an absolute http or https URL with a host:
// what a link must be to be fetched, posted to or shown clickable.
func IsWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
