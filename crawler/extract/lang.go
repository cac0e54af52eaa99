package extract

import (
	"fmt"
	"strings"
	"unicode"

	lingua "github.com/pemistahl/lingua-go"
)

// defaultLanguages is the candidate set used when Options.Languages is
// empty: Vietnamese, the foreign languages the province watches, and its
// neighbours' and China's languages.
var defaultLanguages = []string{"vi", "en", "fr", "lo", "th", "zh", "km"}

// script is a writing system, as far as language detection cares.
type script uint8

const (
	scriptOther script = iota
	scriptLatin
	scriptThai
	scriptLao
	scriptKhmer
	scriptHan
	scriptKana
	scriptHangul
	scriptCyrillic
	scriptArabic
	scriptGreek
	scriptDevanagari
	numScripts
)

// scriptLanguage names the one language each of these scripts is read as.
// Lao and Khmer are not in lingua at all, and for these scripts counting
// letters is both exact and far cheaper than n-gram models.
var scriptLanguage = map[script]string{
	scriptThai:   "th",
	scriptLao:    "lo",
	scriptKhmer:  "km",
	scriptHan:    "zh",
	scriptKana:   "ja",
	scriptHangul: "ko",
}

func scriptOf(r rune) script {
	switch {
	case r < 0x250: // ASCII, Latin-1, Latin Extended-A/B
		if unicode.IsLetter(r) {
			return scriptLatin
		}
		return scriptOther
	case unicode.Is(unicode.Latin, r):
		return scriptLatin // includes Vietnamese letters in Latin Extended Additional
	case unicode.Is(unicode.Thai, r):
		return scriptThai
	case unicode.Is(unicode.Lao, r):
		return scriptLao
	case unicode.Is(unicode.Khmer, r):
		return scriptKhmer
	case unicode.Is(unicode.Han, r):
		return scriptHan
	case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		return scriptKana
	case unicode.Is(unicode.Hangul, r):
		return scriptHangul
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic
	case unicode.Is(unicode.Greek, r):
		return scriptGreek
	case unicode.Is(unicode.Devanagari, r):
		return scriptDevanagari
	}
	return scriptOther
}

const (
	// detectSampleRunes is how much text language detection reads. lingua
	// costs about 1 ms per 500 letters of Latin script (less when its rules
	// recognise a language by its letters); a few sentences settle the
	// language of an article as well as the whole of it.
	detectSampleRunes = 400
	// minDetectLetters is the least text worth guessing from.
	minDetectLetters = 3
)

// detector tells the language of a text among a fixed set of candidates.
// It is immutable after newDetector and safe for concurrent use.
type detector struct {
	candidates map[string]bool
	// lingua decides among the candidates that no script identifies; nil
	// when fewer than two of them remain (lingua needs two).
	lingua lingua.LanguageDetector
	// linguaScripts are the scripts the lingua candidates are written in:
	// text in any other script is in none of them.
	linguaScripts [numScripts]bool
	// only is the single candidate left for lingua when there is one: text
	// in its script is taken to be in it.
	only string
}

// nonLatin is the script of the languages lingua knows that are not written
// in Latin letters (besides those scriptLanguage identifies).
var nonLatin = map[lingua.Language]script{
	lingua.Russian: scriptCyrillic, lingua.Ukrainian: scriptCyrillic, lingua.Bulgarian: scriptCyrillic,
	lingua.Serbian: scriptCyrillic, lingua.Macedonian: scriptCyrillic, lingua.Belarusian: scriptCyrillic,
	lingua.Kazakh: scriptCyrillic, lingua.Mongolian: scriptCyrillic, lingua.Arabic: scriptArabic,
	lingua.Persian: scriptArabic, lingua.Urdu: scriptArabic, lingua.Greek: scriptGreek,
	lingua.Hindi: scriptDevanagari, lingua.Marathi: scriptDevanagari,
	// Scripts counted together as "other": lingua tells these apart itself.
	lingua.Hebrew: scriptOther, lingua.Georgian: scriptOther, lingua.Armenian: scriptOther,
	lingua.Bengali: scriptOther, lingua.Gujarati: scriptOther, lingua.Punjabi: scriptOther,
	lingua.Tamil: scriptOther, lingua.Telugu: scriptOther,
}

// newDetector builds the detector for the given ISO 639-1 codes. Only the
// languages that need n-gram models get them, in lingua's low-accuracy mode
// (trigrams only), preloaded here so that memory is spent once, at start,
// rather than on the first page in each language. For vi, en and fr that
// is 11 MB of RSS at the peak while loading and 4 MB kept, against 95 MB
// with every n-gram size (measured on this project's machines).
func newDetector(codes []string) (*detector, error) {
	if len(codes) == 0 {
		codes = defaultLanguages
	}
	d := &detector{candidates: make(map[string]bool, len(codes))}
	var models []lingua.Language
	for _, c := range codes {
		code := strings.ToLower(strings.TrimSpace(c))
		if d.candidates[code] {
			continue
		}
		d.candidates[code] = true
		if isScriptLanguage(code) {
			continue
		}
		l := lingua.GetLanguageFromIsoCode639_1(lingua.GetIsoCode639_1FromValue(code))
		if l == lingua.Unknown {
			return nil, fmt.Errorf("extract: language %q: not an ISO 639-1 code that can be detected", c)
		}
		models = append(models, l)
		s, ok := nonLatin[l]
		if !ok {
			s = scriptLatin
		}
		d.linguaScripts[s] = true
	}
	switch len(models) {
	case 0:
	case 1:
		d.only = strings.ToLower(models[0].IsoCode639_1().String())
	default:
		d.lingua = lingua.NewLanguageDetectorBuilder().
			FromLanguages(models...).
			WithLowAccuracyMode().
			WithPreloadedLanguageModels().
			Build()
	}
	return d, nil
}

func isScriptLanguage(code string) bool {
	for _, l := range scriptLanguage {
		if l == code {
			return true
		}
	}
	return false
}

// detect returns the language of text among the candidates, or "" when it
// cannot tell.
func (d *detector) detect(text string) string {
	var counts [numScripts]int
	letters := 0
	end := len(text)
	for i, r := range text {
		if letters >= detectSampleRunes {
			end = i
			break
		}
		if !unicode.IsLetter(r) {
			continue
		}
		counts[scriptOf(r)]++
		letters++
	}
	if letters < minDetectLetters {
		return ""
	}
	// Japanese mixes kanji with kana; a fair share of kana means Japanese.
	if counts[scriptKana] > 0 && counts[scriptKana]*5 >= counts[scriptHan] {
		counts[scriptKana] += counts[scriptHan]
		counts[scriptHan] = 0
	}
	dominant := scriptOther
	for s := range numScripts {
		if counts[s] > counts[dominant] {
			dominant = s
		}
	}
	if counts[dominant]*2 < letters {
		return "" // no script has a majority: mixed or unusual text
	}
	if code, ok := scriptLanguage[dominant]; ok {
		if d.candidates[code] {
			return code
		}
		return ""
	}
	if !d.linguaScripts[dominant] {
		return ""
	}
	if d.lingua == nil {
		return d.only
	}
	l, ok := d.lingua.DetectLanguageOf(text[:end])
	if !ok {
		return ""
	}
	code := strings.ToLower(l.IsoCode639_1().String())
	if !d.candidates[code] {
		return ""
	}
	return code
}
