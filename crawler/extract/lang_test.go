package extract

import (
	"strings"
	"testing"
)

// Short texts written for these tests: one or two sentences of news, the
// length of a title or a lead.
var langSamples = map[string]string{
	"vi": "Mưa lớn kéo dài khiến nhiều tuyến đường bị ngập sâu, hàng trăm người dân phải sơ tán.",
	"en": "Heavy rain flooded several roads overnight and hundreds of residents were evacuated.",
	"fr": "De fortes pluies ont inondé plusieurs routes pendant la nuit et des centaines d'habitants ont été évacués.",
	"th": "ฝนตกหนักทำให้ถนนหลายสายถูกน้ำท่วม ประชาชนหลายร้อยคนต้องอพยพ",
	"lo": "ຝົນຕົກໜັກເຮັດໃຫ້ຖະໜົນຫຼາຍສາຍຖືກນ້ຳຖ້ວມ ປະຊາຊົນຫຼາຍຮ້ອຍຄົນຕ້ອງອົບພະຍົບ",
	"km": "ភ្លៀងធ្លាក់ខ្លាំងបណ្តាលឱ្យផ្លូវជាច្រើនលិចទឹក ប្រជាជនរាប់រយនាក់ត្រូវជម្លៀស",
	"zh": "暴雨导致多条道路被淹，数百名居民被迫撤离。",
}

func TestDetectLanguage(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text, want string
	}{
		{"vietnamese", langSamples["vi"], "vi"},
		{"vietnamese without diacritics in most words", "Quang Tri: mua lon, nhieu tuyen duong bi ngap sau, nguoi dân phải sơ tán", "vi"},
		{"english", langSamples["en"], "en"},
		{"french", langSamples["fr"], "fr"},
		{"thai", langSamples["th"], "th"},
		{"lao", langSamples["lo"], "lo"},
		{"khmer", langSamples["km"], "km"},
		{"chinese", langSamples["zh"], "zh"},
		{"vietnamese with an english name", "Tập đoàn Samsung Electronics công bố kết quả kinh doanh quý I tại Hà Nội", "vi"},
		{"long text", strings.Repeat(langSamples["fr"]+" ", 200), "fr"},
		{"empty", "", ""},
		{"digits and punctuation", "2024-05-17 08:30 — 312/1.100 (+7)", ""},
		{"too few letters", "Ok", ""},
		{"russian is not a candidate", "Сильные дожди затопили несколько дорог, сотни жителей эвакуированы.", ""},
		{"japanese is not a candidate", "大雨で道路が冠水し、数百人の住民が避難しました。", ""},
		{"korean is not a candidate", "폭우로 여러 도로가 침수되어 주민 수백 명이 대피했다.", ""},
		{"no script has a majority", "ฝนตก rain ຝົນ 雨 дождь", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.DetectLanguage(tt.text); got != tt.want {
				t.Errorf("DetectLanguage(%.40q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestDetectLanguageCandidateSets(t *testing.T) {
	tests := []struct {
		name      string
		languages []string
		text      string
		want      string
	}{
		// One Latin-script candidate left for lingua: Latin text is it.
		{"vi and th, vietnamese", []string{"vi", "th"}, langSamples["vi"], "vi"},
		{"vi and th, thai", []string{"vi", "th"}, langSamples["th"], "th"},
		{"vi and th, english is read as the only Latin candidate", []string{"vi", "th"}, langSamples["en"], "vi"},
		{"vi and th, lao is no candidate", []string{"vi", "th"}, langSamples["lo"], ""},
		{"only scripts, latin text", []string{"lo", "km"}, langSamples["en"], ""},
		{"only scripts, khmer", []string{"lo", "km"}, langSamples["km"], "km"},
		{"codes are case- and space-insensitive", []string{" VI", "En "}, langSamples["en"], "en"},
		{"russian when asked for", []string{"vi", "ru"}, "Сильные дожди затопили несколько дорог, сотни жителей эвакуированы.", "ru"},
		{"japanese when asked for", []string{"zh", "ja"}, "大雨で道路が冠水し、数百人の住民が避難しました。", "ja"},
		{"chinese beside japanese", []string{"zh", "ja"}, langSamples["zh"], "zh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(Options{Languages: tt.languages})
			if err != nil {
				t.Fatal(err)
			}
			if got := e.DetectLanguage(tt.text); got != tt.want {
				t.Errorf("DetectLanguage(%.40q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestNewRejectsUnknownLanguage(t *testing.T) {
	for _, langs := range [][]string{{"vi", "xx"}, {"vietnamese"}, {"vi", ""}} {
		if _, err := New(Options{Languages: langs}); err == nil {
			t.Errorf("New(%q) accepted", langs)
		}
	}
}
