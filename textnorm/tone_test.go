package textnorm

import "testing"

func TestMarked(t *testing.T) {
	for run, want := range map[string]bool{
		"lũ": true, "LŨ": true, "lu": false, "đi": true, "Đ": true, "ho\u0300a": true,
		"flood": false, "café": true, "Москва": false, "ภาษา": false, "COVID": false,
	} {
		if got := Marked(run); got != want {
			t.Errorf("Marked(%q) = %v, want %v", run, got, want)
		}
	}
}

func TestToneless(t *testing.T) {
	for s, want := range map[string]bool{
		"Lu quet o Muong Cha lam sap 5 nha":                   true,
		"Lũ quét ở Mường Chà làm sập 5 nhà":                   false,
		"Lu quet o Muong Cha, tinh Điện Biên lam sap nha dan": true, // one pasted word
		"Spiaggia di Guvano, Italia":                          true,
		"12/9/2024":                                           false, // no syllable
		"":                                                    false,
		"Man Utd, Man City, Chelsea và Arsenal đã rút lui": false,
	} {
		if got := Toneless(s, Tokenize(s)); got != want {
			t.Errorf("Toneless(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestSentenceBreak(t *testing.T) {
	tests := []struct {
		s    string
		want []int32
	}{
		{"cả nước. Thái Lan", []int32{0, 0, 1, 1}},
		{"TP. HCM mưa", []int32{0, 0, 0}},
		{"Việt Nam. Người", []int32{0, 0, 1}},
		{"3.5 triệu", []int32{0, 0, 0}},
		{"a; b! c? d\ne", []int32{0, 1, 2, 3, 4}},
		{"v.v. và", []int32{0, 0, 0}},
		{"xong… Rồi", []int32{0, 1}},
		{"nói: “Đi.” Sau", []int32{0, 0, 1}},
		{"ภาษาไทย. ภาษา", []int32{0, 0, 0, 0, 0, 0, 1, 1, 1}},
	}
	for _, tc := range tests {
		got := Sentences(nil, tc.s, Tokenize(tc.s))
		if len(got) != len(tc.want) {
			t.Errorf("Sentences(%q) = %v, want %v", tc.s, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Sentences(%q) = %v, want %v", tc.s, got, tc.want)
				break
			}
		}
	}
}

func TestStem(t *testing.T) {
	tests := []struct {
		l        StemLang
		a, b     string
		sameStem bool
	}{
		{StemEnglish, "flood", "floods", true},
		{StemEnglish, "fire", "fires", true},
		{StemEnglish, "flood", "floodlights", false},
		{StemEnglish, "scam", "scampi", false},
		{StemFrench, "rumeur", "rumeurs", true},
		{StemFrench, "intoxication", "intoxications", true},
		{StemFrench, "alimentaire", "alimentaires", true},
		{StemFrench, "crue", "cruel", false},
		{StemNone, "flood", "floods", false},
		{StemEnglish, "covid19", "covid19", true},
	}
	for _, tc := range tests {
		if got := Stem(tc.l, tc.a) == Stem(tc.l, tc.b); got != tc.sameStem {
			t.Errorf("Stem(%d, %q) = %q, Stem(%q) = %q", tc.l, tc.a, Stem(tc.l, tc.a), tc.b, Stem(tc.l, tc.b))
		}
	}
	for code, want := range map[string]StemLang{"en": StemEnglish, "EN-gb": StemEnglish, "fr_CA": StemFrench, "vi": StemNone, "": StemNone} {
		if got := StemLangOf(code); got != want {
			t.Errorf("StemLangOf(%q) = %d, want %d", code, got, want)
		}
	}
}
