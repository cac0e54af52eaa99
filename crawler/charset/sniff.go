package charset

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/saintfish/chardet"
	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// minChardetConfidence is the chardet confidence (1–100) below which its
// guess is not trusted over the windows-1252 default. Short texts give
// chardet little to go on and its low-confidence guesses for them are
// mostly wrong; windows-1252 at least decodes ASCII and Western text right.
const minChardetConfidence = 30

// sniff guesses the encoding of an undeclared body (ASCII-compatible: BOMs
// and wide encodings are recognised before). It returns a name Lookup or
// byName resolves.
func sniff(body []byte, kind docKind) string {
	b := body[:min(len(body), prescanLimit)]
	st := utf8Stats(b)
	// Pure ASCII and valid UTF-8 are UTF-8. So is text that is almost all
	// valid UTF-8 with a few stray bytes (at most one per 20 valid
	// sequences): decoding it as anything else would garble every letter
	// instead of a few. Legacy 8-bit text does form valid sequences by
	// accident (Vietnamese in VISCII often does), but far fewer than it
	// has invalid bytes.
	if st.invalid == 0 || st.invalid*20 <= st.multi {
		return nameUTF8
	}
	// The statistical tests look at text, not markup: a page's first
	// 64 KiB is mostly tags, styles and scripts.
	sample := b
	if kind != kindText {
		sample = markupText(b)
	}
	sample = sample[:min(len(sample), sampleLimit)]
	if v := sniffVietnamese(sample); v != "" {
		return v
	}
	// chardet does not know Thai: TIS-620 text gets a confident CJK or
	// Latin guess from it. The Thai test is strict enough (see sniffThai)
	// to go first.
	if sniffThai(sample) {
		return "windows-874"
	}
	if c := sniffChardet(sample); c != "" {
		return c
	}
	return "windows-1252"
}

// sampleLimit bounds the text the statistical tests read: a few hundred
// bytes of text already decide the Vietnamese test (tried on 2,653 news
// articles), a few KiB chardet's, and all of them cost time per byte.
const sampleLimit = 16 << 10

// sniffChardet asks chardet (ICU's detector) and returns a label Lookup
// resolves, or "" if the guess is weak or unusable.
func sniffChardet(b []byte) string {
	res, err := chardet.NewTextDetector().DetectBest(b)
	if err != nil || res == nil || res.Confidence < minChardetConfidence {
		return ""
	}
	label := res.Charset
	if strings.EqualFold(label, "GB-18030") {
		label = "gb18030"
	}
	if _, name, ok := Lookup(label); ok && asciiCompatible(name) && name != nameUTF8 {
		return name
	}
	return ""
}

// vietCandidate is a Vietnamese legacy encoding sniffVietnamese tries.
type vietCandidate struct {
	name string
	enc  encoding.Encoding
}

// vietCandidates in order of preference when scores tie: windows-1258 is
// by far the most common on the web.
var vietCandidates = [...]vietCandidate{
	{"windows-1258", charmap.Windows1258},
	{"viscii", VISCII},
	{"tcvn3", TCVN3},
}

// sniffVietnamese recognises undeclared Vietnamese text in windows-1258,
// VISCII or TCVN3, which chardet does not know. Each candidate decoding is
// split into words and a word with non-ASCII letters is judged as
// Vietnamese syllable or not (see judgeWord). Text in the right encoding
// is mostly syllables with letters only Vietnamese uses (ă ơ ư đ ĩ ũ and
// the letters of U+1EA0–U+1EF9); in the wrong one the same bytes make
// symbols, Latin-1 letters Vietnamese does not have, stray combining marks
// or impossible pile-ups of diacritics.
func sniffVietnamese(b []byte) string {
	best, bestScore := "", 0
	for _, c := range vietCandidates {
		out, err := c.enc.NewDecoder().Bytes(b)
		if err != nil {
			continue
		}
		var viet, neutral, bad int
		distinct := make(map[string]bool)
		for _, w := range strings.FieldsFunc(norm.NFC.String(string(out)), isWordBreak) {
			switch judgeWord(w) {
			case wordVietnamese:
				viet++
				distinct[w] = true
			case wordNeutral:
				neutral++
			case wordBad:
				bad++
			}
		}
		// Thresholds: a few different Vietnamese-only syllables (one
		// repeated symbol can make the same "syllable" many times),
		// dominating the broken words, and a good share of all accented
		// words (Latin-1 letters such as à é ô are neutral: French,
		// Portuguese and Vietnamese share them).
		if len(distinct) < 3 || viet < 3*bad || viet*100 < 35*(viet+neutral+bad) {
			continue
		}
		if score := viet - 2*bad; score > bestScore {
			best, bestScore = c.name, score
		}
	}
	return best
}

// isWordBreak splits text into words at ASCII spaces and punctuation and
// at Unicode spaces; non-ASCII symbols stay inside words, where they count
// against the candidate encoding that produced them.
func isWordBreak(r rune) bool {
	if r < utf8.RuneSelf {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}
	switch r {
	case '\u00A0', '\u2013', '\u2014', '\u2018', '\u2019', '\u201C', '\u201D', '\u2026', '\u00AB', '\u00BB':
		// Typographic punctuation legitimately around words.
		return true
	}
	return unicode.IsSpace(r)
}

type wordKind int

const (
	wordASCII      wordKind = iota // nothing to judge
	wordVietnamese                 // a plausible syllable with a Vietnamese-only letter
	wordNeutral                    // plausible, but its letters are Latin-1 too
	wordBad                        // not a Vietnamese syllable
)

// judgeWord classifies one word: bad unless it is a Vietnamese syllable
// (an optional initial consonant, one to three vowels, an optional final
// consonant; at most one tone mark; only letters of the Vietnamese
// alphabet), Vietnamese if it also has a letter Latin-1 lacks.
func judgeWord(w string) wordKind {
	var n, nonASCII, tones int
	specific := false
	var base [32]byte
	bl := base[:0]
	for _, r := range w {
		n++
		if r < utf8.RuneSelf {
			bl = append(bl, byte(unicode.ToLower(r)))
			continue
		}
		nonASCII++
		info, ok := vietLetters[r]
		if !ok {
			return wordBad
		}
		if r > 0xFF {
			specific = true
		}
		if info.tone {
			tones++
		}
		bl = utf8.AppendRune(bl, info.base)
	}
	switch {
	case nonASCII == 0 || n == 1:
		// A lone letter is no evidence: in VISCII and TCVN3 every byte
		// above 0x7F is a letter, so any stray symbol byte (a bullet, a
		// copyright sign) decodes to a one-letter "word".
		return wordASCII
	case tones > 1 || n > 7 || !syllable.Match(bl):
		return wordBad
	case specific:
		return wordVietnamese
	}
	return wordNeutral
}

// syllable matches an untoned, lower-case Vietnamese syllable: initial
// consonant, one of the vowel groups Vietnamese has, final consonant.
var syllable = regexp.MustCompile(`^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?` +
	`(iêu|oai|oao|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|yêu|` +
	`ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|ưa|ưi|ươ|ưu|uy|yê|` +
	`[aăâeêioôơuưy])` +
	`(ng|nh|ch|[cmnpt])?$`)

// vietLetter describes a precomposed Vietnamese letter.
type vietLetter struct {
	base rune // lower case, tone removed, shape kept: Ệ → ê
	tone bool // carries one of the five tone marks
}

// vietLetters maps the 134 precomposed Vietnamese letters, which are
// exactly the non-ASCII characters of VISCII. Built once, never changed.
var vietLetters = func() map[rune]vietLetter {
	m := make(map[rune]vietLetter, 134)
	for _, r := range VISCII.(*singleByte).decode {
		if r < utf8.RuneSelf {
			continue
		}
		var kept []rune
		tone := false
		for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
			if strings.ContainsRune(toneMarks, d) {
				tone = true
				continue
			}
			kept = append(kept, d)
		}
		base := []rune(norm.NFC.String(string(kept)))
		m[r] = vietLetter{base: base[0], tone: tone}
	}
	return m
}()

// toneMarks are the combining forms of the five Vietnamese tone marks.
const toneMarks = "\u0300\u0301\u0303\u0309\u0323"

// markupText returns the character data of an HTML or XML document: the
// text between tags, without scripts and styles. Pages carry far more
// markup and script than text, and chardet's statistics, computed over
// everything, are then too weak to tell Cyrillic or CJK encodings apart.
func markupText(b []byte) []byte {
	var out []byte
	z := html.NewTokenizer(bytes.NewReader(b))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken:
			if name, _ := z.TagName(); string(name) == "script" || string(name) == "style" {
				skip++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); (string(name) == "script" || string(name) == "style") && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				out = append(out, z.Raw()...)
				out = append(out, ' ')
			}
		}
	}
}

// sniffThai recognises undeclared Thai in TIS-620/windows-874, which
// chardet does not know and the province watches. Every byte from 0xA1 up
// is a Thai character there, so the test is the shape of the result:
//
//   - long runs of Thai (Thai puts no spaces between words), where Western
//     text gives isolated characters;
//   - vowel and tone marks only after a consonant or another mark, and
//     leading vowels (เ แ โ ใ ไ) only before a consonant, which Cyrillic
//     bytes break;
//   - the letter frequencies of Thai: its twenty commonest characters make
//     well over half of any Thai text, and none more than a fifth. CJK
//     double-byte text, whose bytes are all Thai characters too and whose
//     lead bytes often fall on consonants, fails this: its trail bytes are
//     spread evenly and a kana lead byte repeats on every other character.
func sniffThai(b []byte) bool {
	out, err := charmap.Windows874.NewDecoder().Bytes(b)
	if err != nil {
		return false
	}
	var thai, other, marks, misplaced, runs, common int
	var count [0x60]int
	prev := rune(0)
	for _, r := range string(out) {
		isThai := r >= 0x0E01 && r <= 0x0E5B
		switch {
		case isThai:
			thai++
			count[r-0x0E00]++
			if strings.ContainsRune(thaiCommon, r) {
				common++
			}
			if !(prev >= 0x0E01 && prev <= 0x0E5B) {
				runs++
			}
			if isThaiMark(r) {
				marks++
				if !isThaiConsonant(prev) && !isThaiMark(prev) {
					misplaced++
				}
			}
			if prev >= 0x0E40 && prev <= 0x0E44 && !isThaiConsonant(r) {
				marks++
				misplaced++
			}
		case r >= utf8.RuneSelf:
			other++
		}
		prev = r
	}
	if thai < 20 || other*20 > thai || misplaced*20 > marks || thai < 4*runs || common*100 < 55*thai {
		return false
	}
	for _, c := range count {
		if c*5 > thai {
			return false
		}
	}
	return true
}

// thaiCommon are the twenty most frequent characters of Thai text.
const thaiCommon = "านรอกเ่งมยัี้ดวตคสะแ"

func isThaiConsonant(r rune) bool { return r >= 0x0E01 && r <= 0x0E2E }

// isThaiMark reports whether r is a Thai vowel or tone mark written above
// or below the consonant before it.
func isThaiMark(r rune) bool {
	return r == 0x0E31 || (r >= 0x0E34 && r <= 0x0E3A) || (r >= 0x0E47 && r <= 0x0E4E)
}
