package charset

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// singleByte is an 8-bit encoding given by a 256-entry table, for the
// Vietnamese encodings golang.org/x/text does not provide. Its tables are
// built once and never changed.
type singleByte struct {
	name   string
	decode [256]rune
	encode map[rune]byte
}

// Vietnamese legacy encodings. Immutable after package initialisation.
var (
	// VISCII is VISCII 1.1 (RFC 1456).
	VISCII encoding.Encoding = newSingleByte("viscii", visciiHigh, visciiLow[:])
	// TCVN3 is TCVN 5712:1993 (VN3 "ABC", decoded with the VN1 superset).
	TCVN3 encoding.Encoding = newSingleByte("tcvn3", tcvn3High, tcvn3Low[:])
)

func newSingleByte(name string, high [128]rune, low []struct {
	b byte
	r rune
}) *singleByte {
	e := &singleByte{name: name, encode: make(map[rune]byte, 256)}
	for i := range 128 {
		e.decode[i] = rune(i)
	}
	for _, l := range low {
		e.decode[l.b] = l.r
	}
	for i, r := range high {
		e.decode[128+i] = r
	}
	for b, r := range e.decode {
		e.encode[r] = byte(b)
	}
	return e
}

func (e *singleByte) String() string { return e.name }

func (e *singleByte) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: sbDecoder{e}}
}

func (e *singleByte) NewEncoder() *encoding.Encoder {
	return &encoding.Encoder{Transformer: sbEncoder{e}}
}

type sbDecoder struct{ e *singleByte }

func (sbDecoder) Reset() {}

func (d sbDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		r := d.e.decode[src[nSrc]]
		if r < utf8.RuneSelf {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = byte(r)
			nDst++
			nSrc++
			continue
		}
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc++
	}
	return nDst, nSrc, nil
}

type sbEncoder struct{ e *singleByte }

func (sbEncoder) Reset() {}

// Transform encodes UTF-8. Like the x/text encoders it fails on a rune the
// table cannot represent, with an error encoding.ReplaceUnsupported and
// encoding.HTMLEscapeUnsupported recognise (they test its type, so it is
// returned unwrapped). Input should be NFC: the tables hold precomposed
// letters.
func (c sbEncoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		r, size := rune(src[nSrc]), 1
		if r >= utf8.RuneSelf {
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			r, size = utf8.DecodeRune(src[nSrc:])
		}
		b, ok := c.e.encode[r]
		if !ok || (r == utf8.RuneError && size == 1) {
			return nDst, nSrc, unsupportedRuneError{name: c.e.name, r: r}
		}
		if nDst >= len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		dst[nDst] = b
		nDst++
		nSrc += size
	}
	return nDst, nSrc, nil
}

// unsupportedRuneError reports a rune an encoding cannot represent.
type unsupportedRuneError struct {
	name string
	r    rune
}

func (e unsupportedRuneError) Error() string {
	return fmt.Sprintf("encode %s: rune %U not representable", e.name, e.r)
}

// Replacement is the byte encoding.ReplaceUnsupported writes instead.
func (unsupportedRuneError) Replacement() byte { return '?' }
