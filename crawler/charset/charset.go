// Package charset turns bytes from the web into clean UTF-8 text.
//
// Pages and feeds arrive in whatever encoding their server and authoring
// tool chose, often declared wrongly or not at all. DecodeHTML and
// DecodeXML find the encoding the way browsers and feed readers do, decode
// to UTF-8 and never fail on a bad or unknown label: a label that cannot be
// used is skipped and the next source of evidence is tried, down to a
// windows-1252 default that decodes every byte.
//
// # Order of evidence
//
//  1. A byte order mark (UTF-8, UTF-16, UTF-32).
//  2. A UTF-16/UTF-32 byte pattern (NUL bytes at regular positions): such a
//     body cannot be in an ASCII-compatible encoding whatever a header says.
//  3. The Content-Type header's charset parameter.
//  4. The document's own declaration: <meta charset> or <meta http-equiv
//     content-type> anywhere in the first 64 KiB for HTML (browsers stop at
//     1024 bytes, but real pages put it later), encoding="…" in the XML
//     prolog for XML.
//  5. Sniffing: valid (or almost all valid) UTF-8; Vietnamese legacy
//     encodings (windows-1258, VISCII, TCVN3) recognised by the shape of
//     the syllables they decode to; Thai (windows-874), recognised by the
//     shape of its text; then chardet's guess (for CJK and Cyrillic); then
//     windows-1252. None of these is declared often, but chardet knows
//     neither Vietnamese nor Thai, the two languages the province reads
//     most after English.
//
// A declared (3, 4) ASCII-compatible encoding other than UTF-8 is overridden
// when the body is valid UTF-8 and contains non-ASCII sequences: legacy
// 8-bit text is practically never valid UTF-8 by accident, while servers
// and templates that declare ISO-8859-1 around UTF-8 content are common.
// A declared UTF-8 whose bytes contain no valid multi-byte sequence at all
// but do contain invalid bytes is treated as undeclared and sniffed.
//
// # Output
//
// Decoded output is valid UTF-8 (each undecodable byte becomes U+FFFD) in
// Unicode NFC, which composes the separate tone marks windows-1258 and
// TCVN3 use. DecodeXML also removes characters XML 1.0 forbids and junk
// before the XML declaration (PHP warnings), either of which would
// otherwise make a parser reject the whole feed. Neither changes tone
// placement: that is Clean's job, applied to extracted text fields rather
// than to markup.
package charset

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
	"golang.org/x/text/unicode/norm"
)

// prescanLimit bounds how much of a document is searched for an in-document
// declaration and used for sniffing.
const prescanLimit = 64 << 10

// docKind selects the in-document declaration to look for.
type docKind int

const (
	kindText docKind = iota
	kindHTML
	kindXML
)

// DecodeHTML converts an HTML document to UTF-8. contentType is the HTTP
// Content-Type header value, possibly empty. It returns the decoded text and
// the name of the charset used (lower case, e.g. "utf-8", "windows-1258",
// "viscii"). The error is non-nil only if the chosen decoder fails, which
// the decoders in use do not do on any input.
func DecodeHTML(body []byte, contentType string) (text string, charset string, err error) {
	out, name, err := decode(body, contentType, kindHTML)
	if err != nil {
		return "", name, fmt.Errorf("decode HTML as %s: %w", name, err)
	}
	return string(out), name, nil
}

// DecodeXML converts a feed or sitemap to UTF-8 bytes, as DecodeHTML does
// for pages but reading the XML prolog's encoding="…" instead of meta tags.
// The prolog of the result declares version 1.0 and UTF-8, so an XML parser
// neither decodes the text a second time nor rejects a "1.1" it does not
// support; characters XML 1.0 forbids (C0 controls other than tab, newline
// and carriage return, U+FFFE, U+FFFF) are removed. The result may share
// memory with body when body needed no change.
func DecodeXML(body []byte, contentType string) ([]byte, string, error) {
	out, name, err := decode(body, contentType, kindXML)
	if err != nil {
		return nil, name, fmt.Errorf("decode XML as %s: %w", name, err)
	}
	return rewriteProlog(out), name, nil
}

// DecodeText converts a document with no in-document declaration (plain
// text, JSON) to UTF-8: BOM, header charset, then sniffing.
func DecodeText(body []byte, contentType string) (string, string, error) {
	out, name, err := decode(body, contentType, kindText)
	if err != nil {
		return "", name, fmt.Errorf("decode text as %s: %w", name, err)
	}
	return string(out), name, nil
}

// Detect reports the charset DecodeHTML (html true) or DecodeXML would use
// for body, without decoding it.
func Detect(body []byte, contentType string, isHTML bool) string {
	kind := kindXML
	if isHTML {
		kind = kindHTML
	}
	_, name, _ := detect(body, contentType, kind)
	return name
}

func decode(body []byte, contentType string, kind docKind) ([]byte, string, error) {
	enc, name, skip := detect(body, contentType, kind)
	body = body[skip:]
	var out []byte
	if name == nameUTF8 {
		out = body
	} else {
		var err error
		out, err = enc.NewDecoder().Bytes(body)
		if err != nil {
			return nil, name, err
		}
	}
	out = sanitize(out, kind == kindXML)
	return norm.NFC.Bytes(out), name, nil
}

// detect chooses the encoding of body. skip is the length of a byte order
// mark to drop before decoding.
func detect(body []byte, contentType string, kind docKind) (enc encoding.Encoding, name string, skip int) {
	if name, n := bomEncoding(body); name != "" {
		return byName(name), name, n
	}
	wide := wideEncoding(body)
	if wide != "" {
		return byName(wide), wide, 0
	}
	if e, n, ok := Lookup(headerCharset(contentType)); ok {
		if e, n, ok := checkDeclared(body, e, n); ok {
			return e, n, 0
		}
	}
	var label string
	switch kind {
	case kindHTML:
		label = metaCharset(body)
	case kindXML:
		label = prologEncoding(body)
	}
	if e, n, ok := Lookup(label); ok {
		if kind == kindHTML && isWide(n) {
			// An HTML declaration readable as ASCII cannot be right about
			// UTF-16; browsers take it to mean UTF-8.
			e, n = encoding.Nop, nameUTF8
		}
		if e, n, ok := checkDeclared(body, e, n); ok {
			return e, n, 0
		}
	}
	name = sniff(body, kind)
	if e := byName(name); e != nil {
		return e, name, 0
	}
	e, n, ok := Lookup(name)
	if !ok {
		// Cannot happen for names sniff returns; decode every byte anyway.
		e, n, _ = Lookup("windows-1252")
	}
	return e, n, 0
}

// checkDeclared applies the corrections described in the package comment
// to a declared encoding. ok false means: ignore the declaration.
func checkDeclared(body []byte, e encoding.Encoding, name string) (encoding.Encoding, string, bool) {
	if isWide(name) {
		// No BOM and no wide byte pattern (detect checked both), so the
		// body is not UTF-16/32, whatever was declared.
		return nil, "", false
	}
	st := utf8Stats(body)
	if name == nameUTF8 {
		if st.multi == 0 && st.invalid > 0 {
			return nil, "", false
		}
		return e, name, true
	}
	if st.multi > 0 && st.invalid == 0 {
		return encoding.Nop, nameUTF8, true
	}
	return e, name, true
}

// bomEncoding recognises a byte order mark. UTF-32LE's BOM starts with
// UTF-16LE's, so it is tested first.
func bomEncoding(b []byte) (string, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return nameUTF8, 3
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return nameUTF32BE, 4
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return nameUTF32LE, 4
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return nameUTF16BE, 2
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return nameUTF16LE, 2
	}
	return "", 0
}

// wideEncoding recognises UTF-16 and UTF-32 without a BOM from where the
// NUL bytes fall in the first KiB. Text in ASCII-compatible encodings has
// no NULs; in UTF-32 the high bytes of every character are NUL; in UTF-16
// every ASCII character (markup, spaces, digits) has a NUL on the same
// side, while letters of other scripts may have none.
func wideEncoding(b []byte) string {
	n := min(len(b), 1024) &^ 3
	if n < 4 {
		return ""
	}
	var z [4]int
	for i := range n {
		if b[i] == 0 {
			z[i&3]++
		}
	}
	quarter := n / 4
	mostly := func(c int) bool { return c*10 >= quarter*8 } // ≥ 80 % NUL
	switch {
	case mostly(z[0]) && mostly(z[1]):
		return nameUTF32BE
	case mostly(z[2]) && mostly(z[3]):
		return nameUTF32LE
	}
	even, odd := z[0]+z[2], z[1]+z[3]
	if even+odd < max(4, n/50) {
		return ""
	}
	switch {
	case odd*10 <= even:
		return nameUTF16BE
	case even*10 <= odd:
		return nameUTF16LE
	}
	return ""
}

// headerCharset extracts the charset parameter from a Content-Type value.
// It is lenient where mime.ParseMediaType is strict, because real headers
// carry spaces around "=", single quotes and trailing semicolons.
func headerCharset(contentType string) string {
	return paramCharset(contentType)
}

var charsetParam = regexp.MustCompile(`(?i)(?:^|[;\s])charset\s*=\s*["']?([^"';,\s]+)`)

func paramCharset(s string) string {
	m := charsetParam.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

// metaCharset finds the first <meta charset> or <meta http-equiv=
// "content-type" content="…charset=…"> in the first prescanLimit bytes,
// with a real tokenizer so that declarations inside comments and scripts
// are not taken.
func metaCharset(body []byte) string {
	z := html.NewTokenizer(bytes.NewReader(body[:min(len(body), prescanLimit)]))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "meta" || !hasAttr {
				continue
			}
			var charset, content string
			var pragma bool
			for {
				k, v, more := z.TagAttr()
				switch string(k) {
				case "charset":
					charset = string(v)
				case "content":
					content = string(v)
				case "http-equiv":
					pragma = strings.EqualFold(strings.TrimSpace(string(v)), "content-type")
				}
				if !more {
					break
				}
			}
			if charset = strings.TrimSpace(charset); charset != "" {
				return charset
			}
			if pragma {
				if c := paramCharset(content); c != "" {
					return c
				}
			}
		}
	}
}

// declLimit bounds where an XML declaration is looked for. It belongs at
// the very start, but servers prepend junk (PHP warnings, blank lines,
// a stray BOM-less byte order of output) before it.
const declLimit = 4 << 10

var (
	declRE     = regexp.MustCompile(`<\?xml\s[^>]*?\?>`)
	encodingRE = regexp.MustCompile(`\sencoding\s*=\s*["']\s*([^"'\s]*)\s*["']`)
	// rootRE finds the start of a feed or sitemap root element: text
	// before an XML declaration that contains one is the document, not
	// junk to drop.
	rootRE = regexp.MustCompile(`(?i)<(rss|feed|rdf:rdf|urlset|sitemapindex)[\s>/]`)
)

// xmlDecl locates the document's XML declaration: at the start, or after
// leading junk that holds no root element. ok is false if there is none.
func xmlDecl(b []byte) (start, end int, ok bool) {
	loc := declRE.FindIndex(b[:min(len(b), declLimit)])
	if loc == nil {
		return 0, 0, false
	}
	if junk := b[:loc[0]]; len(bytes.TrimSpace(junk)) > 0 && rootRE.Match(junk) {
		return 0, 0, false
	}
	return loc[0], loc[1], true
}

// prologEncoding returns the encoding named in the XML declaration.
func prologEncoding(body []byte) string {
	start, end, ok := xmlDecl(body)
	if !ok {
		return ""
	}
	m := encodingRE.FindSubmatch(body[start:end])
	if m == nil {
		return ""
	}
	return string(m[1])
}

// rewriteProlog replaces the XML declaration with one that declares what
// the bytes now are, and drops any junk before it, which no XML parser
// accepts.
func rewriteProlog(b []byte) []byte {
	_, end, ok := xmlDecl(b)
	if !ok {
		return b
	}
	const decl = `<?xml version="1.0" encoding="UTF-8"?>`
	out := make([]byte, 0, len(b)-end+len(decl))
	out = append(out, decl...)
	return append(out, b[end:]...)
}

// stats describes how a byte string fares as UTF-8.
type stats struct {
	multi   int // valid multi-byte sequences
	invalid int // bytes that start no valid sequence
}

// utf8Stats counts over the first prescanLimit bytes. An incomplete
// sequence cut by the end of that window (or of a truncated body) is not
// counted as invalid.
func utf8Stats(b []byte) stats {
	var st stats
	b = b[:min(len(b), prescanLimit)]
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:]) {
				break
			}
			st.invalid++
		} else {
			st.multi++
		}
		i += size
	}
	return st
}

// sanitize makes b valid UTF-8, replacing each invalid byte with U+FFFD.
// For XML it also drops the characters XML 1.0 does not allow. It returns
// b itself when nothing changes.
func sanitize(b []byte, xml bool) []byte {
	clean := func(r rune, size int) bool {
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if xml && ((r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF) {
			return false
		}
		return true
	}
	i := 0
	for i < len(b) {
		if b[i] >= 0x20 && b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if !clean(r, size) {
			break
		}
		i += size
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, i, len(b)+len(b)/8)
	copy(out, b[:i])
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = utf8.AppendRune(out, utf8.RuneError)
		case clean(r, size):
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}
