// Package textnorm prepares text, above all Vietnamese, for matching: it
// normalises spelling variants that mean the same word (Normalize), folds
// away case and diacritics for tone-insensitive search (Fold) and splits text
// into folded tokens that remember where they came from (Tokenize).
//
// # Tone placement
//
// Vietnamese writes the tone of the open syllables oa, oe and uy in two ways:
// on the first vowel (hòa, khỏe, thủy) or on the second (hoà, khoẻ, thuỷ).
// Both are correct and both appear in the press, often on the same page, so a
// search for one must find the other. presswatch's contracts call the first
// form the "new" style and Normalize rewrites the second into it. (Vietnamese
// style guides often name the two the other way round; what matters here is
// the spelling: hoà becomes hòa.)
//
// Only syllables where the two styles really differ are touched: one of the
// Vietnamese initial consonants (or none) followed by exactly oa, oe or uy and
// nothing else. With a final consonant or a third vowel (hoàng, toán,
// khuyến, thuyền, ngoài, khuỷu) both styles put the tone on the same letter,
// and after q the u belongs to the consonant (quý, quả), so those are left
// alone, as are words whose first letters are not a Vietnamese initial
// (Zoé, Chloé).
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns s with invalid UTF-8 repaired (each invalid byte becomes
// U+FFFD, as ranging over the string reports it), in Unicode NFC, and with the
// tone of open oa/oe/uy syllables on the first vowel (hoà → hòa, THUỶ → THỦY).
// Letter case, spacing and punctuation are kept. Normalize is idempotent.
func Normalize(s string) string {
	if !onlyNFCStarters(s) {
		s = norm.NFC.String(repairUTF8(s))
	}
	return moveTones(s)
}

// Fold returns the form of s used for tone- and case-insensitive matching:
// Normalize(s) lower-cased, with Vietnamese and other Latin diacritics removed
// (ă â ê ô ơ ư → a a e o o u, é → e, ü → u) and đ mapped to d. Letters of
// scripts without a Latin base (Thai, Lao, Chinese, Cyrillic, Greek) are only
// lower-cased; combining marks that NFC could not attach to a precomposed
// letter are kept as they are.
//
// Fold maps every rune of Normalize(s) to exactly one rune, for every script:
// lower-casing is Go's simple, rune-for-rune case mapping. So rune i of Fold(s)
// is the folded form of rune i of Normalize(s), which lets a match found in
// folded text be located in the normalised text.
func Fold(s string) string {
	// Fast path: text made only of NFC starters is already NFC, so it can be
	// folded rune by rune in one pass without the normaliser. Tone placement
	// does not survive folding, so Normalize's last step is skipped: the
	// result is the same as folding Normalize(s).
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isNFCStarter(r) {
			return foldNFC(s)
		}
		if foldRune(r) != r {
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
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isNFCStarter(r) {
			return foldNFC(s)
		}
		b.WriteRune(foldRune(r))
		i += size
	}
	return b.String()
}

// foldNFC is Fold for text that may need repair or composition.
func foldNFC(s string) string {
	s = norm.NFC.String(repairUTF8(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// onlyNFCStarters reports whether s is valid UTF-8 made only of runes that
// isNFCStarter accepts, and therefore already in NFC. It is much cheaper than
// the normaliser's own check for Vietnamese text.
func onlyNFCStarters(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isNFCStarter(r) {
			return false
		}
		i += size
	}
	return true
}

// isNFCStarter reports whether r is NFC on its own and cannot combine with
// any rune before it. A string of such runes is in NFC whatever their order.
// Invalid UTF-8 decodes to U+FFFD, which is outside the set, so the callers'
// slow paths also handle repair.
func isNFCStarter(r rune) bool {
	if r < utf8.RuneSelf {
		return true
	}
	return r < starterLimit && nfcStarters[r>>6]&(1<<(r&63)) != 0
}

// starterLimit covers Latin, Vietnamese, Greek, Cyrillic, Thai, Lao and
// general punctuation (quotes, dashes, ellipsis); rarer runes take the
// normaliser's path.
const starterLimit = 0x2100

// nfcStarters is a bitset of the runes below starterLimit that isNFCStarter
// accepts, derived from the normaliser's own tables.
var nfcStarters = buildStarters()

func buildStarters() *[starterLimit / 64]uint64 {
	var set [starterLimit / 64]uint64
	for r := rune(0); r < starterLimit; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		if norm.NFC.IsNormalString(s) && norm.NFC.PropertiesString(s).BoundaryBefore() {
			set[r>>6] |= 1 << (r & 63)
		}
	}
	return &set
}

// repairUTF8 replaces each invalid byte with U+FFFD. strings.ToValidUTF8
// would merge a run of invalid bytes into one replacement; per byte keeps
// rune counts equal to what a range loop over the original reports.
func repairUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// foldRune is Fold for one rune of NFC text.
func foldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r < latinEnd:
		return latinFold[r-utf8.RuneSelf]
	case latinAddStart <= r && r < latinAddEnd:
		return latinAddFold[r-latinAddStart]
	}
	return unicode.ToLower(r)
}

// The Latin-1, Latin Extended-A/B and Latin Extended Additional blocks hold
// every precomposed Latin letter, Vietnamese included, so folding them is a
// table lookup instead of a decomposition per rune.
const (
	latinEnd      = 0x250
	latinAddStart = 0x1E00
	latinAddEnd   = 0x1F00
)

var (
	latinFold    = buildFoldTable(utf8.RuneSelf, latinEnd)
	latinAddFold = buildFoldTable(latinAddStart, latinAddEnd)
)

func buildFoldTable(from, to rune) []rune {
	t := make([]rune, to-from)
	for r := from; r < to; r++ {
		t[r-from] = foldSlow(r)
	}
	return t
}

// foldSlow lower-cases r and, when its canonical decomposition starts with a
// Latin letter, keeps only that letter.
func foldSlow(r rune) rune {
	l := unicode.ToLower(r)
	if l == 'đ' {
		// đ has no decomposition, but Vietnamese readers search for it as d.
		return 'd'
	}
	d := norm.NFD.String(string(l))
	base, n := utf8.DecodeRuneInString(d)
	if n < len(d) && unicode.Is(unicode.Latin, base) {
		return base
	}
	return l
}

// moveTones rewrites each open oa/oe/uy syllable of the NFC text s that
// carries its tone on the second vowel so that the tone sits on the first.
func moveTones(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		// Every toned vowel is outside ASCII.
		return s
	}
	var (
		b      strings.Builder
		copied int // bytes of s already written to b
		start  = -1
	)
	for i = 0; i <= len(s); {
		r, size := rune(-1), 0
		if i < len(s) {
			r, size = decodeRune(s, i)
		}
		if r >= 0 && (isLetter(r) || isMark(r)) {
			if start < 0 {
				start = i
			}
			i += size
			continue
		}
		if start >= 0 {
			if vi, v, base, ok := oldStyleSyllable(s[start:i]); ok {
				if copied == 0 {
					b.Grow(len(s) + 8)
				}
				b.WriteString(s[copied : start+vi])
				b.WriteRune(v)
				b.WriteRune(base)
				copied = i
			}
			start = -1
		}
		if r < 0 {
			break
		}
		i += size
	}
	if copied == 0 {
		return s
	}
	b.WriteString(s[copied:])
	return b.String()
}

// oldStyleSyllable reports whether syl is an initial consonant (or none)
// followed by exactly o+a, o+e or u+y with the tone on the second vowel. If
// so, the new-style spelling is syl[:vi] followed by v (the first vowel, now
// carrying the tone) and base (the second, now plain).
func oldStyleSyllable(syl string) (vi int, v, base rune, ok bool) {
	// The shortest candidate is "oà" (3 bytes), the longest "nghoạ" (7).
	if len(syl) < 3 || len(syl) > 7 {
		return 0, 0, 0, false
	}
	last, size := utf8.DecodeLastRuneInString(syl)
	if size >= len(syl) {
		return 0, 0, 0, false
	}
	vi = len(syl) - size - 1
	c := syl[vi]
	if c != 'o' && c != 'O' && c != 'u' && c != 'U' {
		return 0, 0, 0, false
	}
	base, tone := splitTone(last)
	if tone == 0 {
		return 0, 0, 0, false
	}
	switch base {
	case 'a', 'A', 'e', 'E':
		ok = c == 'o' || c == 'O'
	case 'y', 'Y':
		ok = c == 'u' || c == 'U'
	}
	if !ok || !isInitial(syl[:vi]) {
		return 0, 0, 0, false
	}
	return vi, withTone(rune(c), tone), base, true
}

// toneRows list, for each vowel that takes part in oa/oe/uy, the plain letter
// followed by its forms with huyền, sắc, hỏi, ngã and nặng.
var toneRows = [...]string{
	"aàáảãạ", "AÀÁẢÃẠ",
	"eèéẻẽẹ", "EÈÉẺẼẸ",
	"yỳýỷỹỵ", "YỲÝỶỸỴ",
	"oòóỏõọ", "OÒÓỎÕỌ",
	"uùúủũụ", "UÙÚỦŨỤ",
}

// splitTone returns the plain letter and tone (1–5) of a toned a/e/y, or tone
// 0 when r is not one.
func splitTone(r rune) (rune, int) {
	if r < 0xC0 {
		return r, 0
	}
	for _, row := range toneRows[:6] {
		var base rune
		i := 0
		for _, c := range row {
			if i == 0 {
				base = c
			} else if c == r {
				return base, i
			}
			i++
		}
	}
	return r, 0
}

// withTone returns o/O/u/U carrying tone (1–5).
func withTone(v rune, tone int) rune {
	for _, row := range toneRows[6:] {
		i := 0
		var base rune
		for _, c := range row {
			if i == 0 {
				base = c
			}
			if base == v && i == tone {
				return c
			}
			i++
		}
	}
	return v
}

// isInitial reports whether p, in any case, is a Vietnamese initial consonant
// or empty. q is absent on purpose: in qu+y the u is part of the consonant.
func isInitial(p string) bool {
	if len(p) > 3 {
		return false
	}
	var buf [3]byte
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == 0x90 && i > 0 && p[i-1] == 0xC4:
			c = 0x91 // second byte of Đ → of đ
		}
		buf[i] = c
	}
	switch string(buf[:len(p)]) {
	case "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l",
		"m", "n", "ng", "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th",
		"tr", "v", "x":
		return true
	}
	return false
}

// appendFold appends Fold(run) to dst; run is valid UTF-8.
func appendFold(dst []byte, run string) []byte {
	mark := len(dst)
	for i := 0; i < len(run); {
		if c := run[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(run[i:])
		if !isNFCStarter(r) {
			// Composition may change runes already folded: start again.
			dst = dst[:mark]
			for _, r := range norm.NFC.String(run) {
				dst = utf8.AppendRune(dst, foldRune(r))
			}
			return dst
		}
		dst = utf8.AppendRune(dst, foldRune(r))
		i += size
	}
	return dst
}
