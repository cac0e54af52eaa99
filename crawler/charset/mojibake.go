package charset

import (
	"strings"
	"unicode/utf8"
)

// windows1252High maps the 27 characters windows-1252 puts in 0x80–0x9F
// back to their bytes.
var windows1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// latin1Byte returns the byte r came from if UTF-8 text was misread as
// windows-1252 or ISO-8859-1 (whose C1 controls stand for the bytes
// windows-1252 leaves undefined).
func latin1Byte(r rune) (byte, bool) {
	if r < 0x100 {
		return byte(r), true
	}
	b, ok := windows1252High[r]
	return b, ok
}

// fixMojibake undoes UTF-8 text that was decoded as windows-1252 or
// ISO-8859-1 somewhere upstream ("Viá»‡t Nam" → "Việt Nam", "â€¦" → "…"),
// which happens when a site's database or template double-encodes.
//
// Each maximal run of characters that have a windows-1252/Latin-1 byte is
// turned back into those bytes; if the bytes are valid UTF-8 with enough
// multi-byte sequences, the run is replaced by their UTF-8 decoding. Enough
// means one sequence of three or four bytes, or two of two bytes: genuine
// text makes a two-byte sequence by accident only where a capital such as Ã
// or Ô stands right before a symbol such as ” (all-caps "NGÃ”"), and almost
// never twice in one run, since Vietnamese letters outside Latin-1 break
// the runs. Runs with a byte that is not valid UTF-8 ("café" in real
// Latin-1) are left alone.
func fixMojibake(s string) string {
	if !mayBeMojibake(s) {
		return s
	}
	var b strings.Builder
	var run []byte
	runStart := -1
	flush := func(end int) {
		if runStart < 0 {
			return
		}
		if fixed, ok := decodeRun(run); ok {
			b.WriteString(fixed)
		} else {
			b.WriteString(s[runStart:end])
		}
		run, runStart = run[:0], -1
	}
	for i, r := range s {
		c, ok := latin1Byte(r)
		if !ok {
			flush(i)
			b.WriteRune(r)
			continue
		}
		if runStart < 0 {
			runStart = i
		}
		run = append(run, c)
	}
	flush(len(s))
	return b.String()
}

// mayBeMojibake is a cheap test for a lead byte's character (Â–ô) followed
// by a continuation byte's character: without one there is nothing to fix.
func mayBeMojibake(s string) bool {
	prevLead := false
	for _, r := range s {
		c, ok := latin1Byte(r)
		if prevLead && ok && c >= 0x80 && c <= 0xBF {
			return true
		}
		prevLead = ok && c >= 0xC2 && c <= 0xF4
	}
	return false
}

// decodeRun decodes the bytes of one run as UTF-8 if that is convincing.
func decodeRun(run []byte) (string, bool) {
	two, long := 0, 0
	for i := 0; i < len(run); {
		if run[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(run[i:])
		if r == utf8.RuneError && size <= 1 {
			return "", false
		}
		if size == 2 {
			two++
		} else {
			long++
		}
		i += size
	}
	if long == 0 && two < 2 {
		return "", false
	}
	return string(run), true
}
