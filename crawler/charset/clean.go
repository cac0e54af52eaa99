package charset

import (
	"strings"
	"unicode/utf8"

	"github.com/presswatch/presswatch/textnorm"
)

// c1Windows1252 maps the C1 controls U+0080–U+009F to the characters
// windows-1252 puts on the same bytes; 0 marks the five bytes it leaves
// undefined. C1 controls never belong in published text: they appear when
// windows-1252 text was converted to Unicode as if it were ISO-8859-1, and
// this undoes that ("don\u0092t" → "don’t").
var c1Windows1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// Clean prepares a text field for storage and matching:
//
//   - invalid UTF-8 is repaired (U+FFFD per bad byte);
//   - NUL and the other C0 controls except tab, newline and carriage
//     return are removed, as are DEL, U+FEFF (a byte order mark left inside
//     text) and the noncharacters U+FFFE and U+FFFF;
//   - UTF-8 text that was misread as windows-1252 upstream is restored (see
//     fixMojibake);
//   - C1 controls become the windows-1252 characters they stand for (see
//     c1Windows1252);
//   - textnorm.Normalize composes to NFC and unifies Vietnamese tone
//     placement (hoà → hòa).
//
// Clean is idempotent.
func Clean(s string) string {
	s = dropControls(s)
	for {
		fixed := fixMojibake(s)
		if fixed == s {
			break
		}
		s = fixed
	}
	return textnorm.Normalize(mapC1(s))
}

// dropControls repairs invalid UTF-8 and removes the characters Clean
// removes. It returns s itself when nothing changes.
func dropControls(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7F {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if size == 1 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r == 0x7F, r == 0xFEFF, r == 0xFFFE, r == 0xFFFF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mapC1 replaces C1 controls by the windows-1252 characters they stand for
// and drops the five that stand for nothing.
func mapC1(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 && r < 0xA0 }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= 0x80 && r < 0xA0 {
			if m := c1Windows1252[r-0x80]; m != 0 {
				return m
			}
			return -1
		}
		return r
	}, s)
}
