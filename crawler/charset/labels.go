package charset

import (
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// Names returned for the wide Unicode encodings. The WHATWG index knows
// UTF-16 but not UTF-32, so these are handled here.
const (
	nameUTF8    = "utf-8"
	nameUTF16BE = "utf-16be"
	nameUTF16LE = "utf-16le"
	nameUTF32BE = "utf-32be"
	nameUTF32LE = "utf-32le"
)

// Wide encodings that ignore a BOM: callers strip the BOM themselves, so a
// U+FEFF that follows it is text.
var (
	utf16BE = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	utf16LE = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	utf32BE = utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)
	utf32LE = utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)
)

// localLabels are labels golang.org/x/text does not resolve: the Vietnamese
// legacy encodings and UTF-32. Lower-case keys.
var localLabels = map[string]string{
	"viscii":          "viscii",
	"csviscii":        "viscii",
	"x-viet-viscii":   "viscii",
	"viscii1.1-1":     "viscii",
	"tcvn":            "tcvn3",
	"tcvn3":           "tcvn3",
	"tcvn-3":          "tcvn3",
	"tcvn5712":        "tcvn3",
	"tcvn-5712":       "tcvn3",
	"tcvn5712-1":      "tcvn3",
	"tcvn5712-1:1993": "tcvn3",
	"x-viet-tcvn":     "tcvn3",
	"x-viet-tcvn5712": "tcvn3",
	"vn3":             "tcvn3",
	"abc":             "tcvn3",
	"utf-32":          nameUTF32BE, // RFC: without a BOM, big-endian
	"utf32":           nameUTF32BE,
	"ucs-4":           nameUTF32BE,
	"iso-10646-ucs-4": nameUTF32BE,
	"utf-32be":        nameUTF32BE,
	"utf-32le":        nameUTF32LE,
	"utf-16be":        nameUTF16BE,
	"utf-16le":        nameUTF16LE,
}

// byName returns the encoding for one of the names this package returns
// for encodings outside the WHATWG index.
func byName(name string) encoding.Encoding {
	switch name {
	case "viscii":
		return VISCII
	case "tcvn3":
		return TCVN3
	case nameUTF16BE:
		return utf16BE
	case nameUTF16LE:
		return utf16LE
	case nameUTF32BE:
		return utf32BE
	case nameUTF32LE:
		return utf32LE
	case nameUTF8:
		return encoding.Nop
	}
	return nil
}

// Lookup resolves a charset label (from a header, a meta tag or an XML
// prolog) to an encoding and the canonical lower-case name this package
// reports for it. It knows the WHATWG labels, the IANA registry, VISCII,
// TCVN3 and UTF-32. ok is false for labels it cannot decode, including the
// WHATWG "replacement" labels (ISO-2022-KR, HZ…), which would turn the whole
// document into one U+FFFD: callers sniff instead.
//
// Following WHATWG, iso-8859-1 and us-ascii resolve to windows-1252, which
// agrees with them on every byte they define; UTF-16 without an endianness
// resolves to little-endian (callers override it from the byte pattern).
func Lookup(label string) (enc encoding.Encoding, name string, ok bool) {
	l := strings.ToLower(strings.Trim(label, " \t\r\n\f\"'"))
	if l == "" {
		return nil, "", false
	}
	if n, found := localLabels[l]; found {
		return byName(n), n, true
	}
	if e, err := htmlindex.Get(l); err == nil && e != nil && e != encoding.Replacement {
		n, err := htmlindex.Name(e)
		if err != nil {
			return nil, "", false
		}
		n = strings.ToLower(n)
		if w := byName(n); w != nil {
			// Use this package's BOM-ignoring wide decoders.
			e = w
		}
		if n == nameUTF8 {
			e = encoding.Nop
		}
		return e, n, true
	}
	if e, err := ianaindex.IANA.Encoding(l); err == nil && e != nil && e != encoding.Replacement {
		n, err := ianaindex.IANA.Name(e)
		if err != nil {
			return nil, "", false
		}
		return e, strings.ToLower(n), true
	}
	return nil, "", false
}

// asciiCompatible reports whether ASCII text is the same bytes in the
// named encoding, which is what lets a declaration inside the document be
// read before the encoding is known.
func asciiCompatible(name string) bool {
	switch name {
	case nameUTF16BE, nameUTF16LE, nameUTF32BE, nameUTF32LE:
		return false
	}
	return true
}

func isWide(name string) bool { return !asciiCompatible(name) }
