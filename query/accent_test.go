package query

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/textnorm"
)

// TestMarksCarryMeaning pins the near-misses that folding every word used
// to match: a word typed with marks finds that word only, except in text
// written without marks.
func TestMarksCarryMeaning(t *testing.T) {
	tests := []struct {
		q, text string
		want    bool
	}{
		{`"lở đất"`, "Mưa lớn gây lở đất ở Mường Chà.", true},
		{`"lở đất"`, "Dự án chia lô đất nền ở ngoại ô.", false},
		{`"Điện Biên"`, "Diễn biến phức tạp của thời tiết.", false},
		{`"Điện Biên"`, "Tỉnh Điện Biên có mưa lớn.", true},
		{`"Điện Biên"`, "Tinh Dien Bien co mua lon, lu quet o Muong Cha.", true}, // toneless text folds
		{`"Điện Biên"`, "Tinh dien bien phuc tap cua thoi tiet.", true},          // there even diễn biến folds: nothing tells them apart
		{`lũ`, "Nước lũ dâng cao.", true},
		{`lũ`, "Cái lu đựng nước mưa bị vỡ.", false},
		{`lũ`, "Cái lú đựng nước.", false},
		{`"ngộ độc"`, "Hàng chục người bị ngộ độc thực phẩm.", true},
		{`"ngộ độc"`, "Trồng ngô độc canh làm đất bạc màu.", false},
		{`"mưa đá"`, "Mưa đá làm hỏng hoa màu.", true},
		{`"mưa đá"`, "Người dân đi mua đá về ướp cá.", false},
		{`khiếu*`, "Công dân khiếu nại kéo dài.", true},
		{`khiếu*`, "Những điệu nhảy khiêu gợi.", false},
		{`khieu*`, "Những điệu nhảy khiêu gợi.", true}, // typed without marks: every form
		{`lu`, "Nước lũ dâng cao.", true},
		{`"lu quet"`, "Trận lũ quét ở Mường Chà.", true},
		{`"lũ quét" "Mường Chà"`, "Lu quet o Muong Cha lam sap 5 nha.", true},
		{`=lũ`, "Lu quet o Muong Cha lam sap 5 nha.", false}, // = is exact even in toneless text
		{`=lũ`, "Trận lũ quét.", true},
		{`=lu`, "Cái lu đựng nước.", true},
		{`=lu`, "Nước lũ dâng cao.", false},
		{`~lũ`, "Cái lu đựng nước.", true}, // ~ folds as before
		{`~"lở đất"`, "Dự án chia lô đất nền.", true},
		{`hoà`, "Hòa giải thành.", true},              // tone placement does not matter
		{`thuỷ`, "Thủy điện xả lũ.", true},            // nor here
		{`HÒA`, "hòa giải thành.", true},              // nor case
		{`"hòa bình"`, "Ho\u0300a Bi\u0300nh.", true}, // nor NFD
		{`@province`, "Diễn biến phức tạp của thời tiết.", false},
		{`@province`, "Tinh Dien Bien co mua lon.", true},
		{`@plain`, "Diễn biến phức tạp.", true}, // an unmarked entry finds every form
		{`khiếu* NEAR/3 đông`, "Khiếu nại đông người.", true},
	}
	lists := func(name string) ([]string, bool) {
		switch name {
		case "province":
			return []string{"Điện Biên", "Mường Chà"}, true
		case "plain":
			return []string{"dien bien"}, true
		}
		return nil, false
	}
	for _, tc := range tests {
		if got := evalText(t, tc.q, Options{Lists: lists}, tc.text, "vi"); got != tc.want {
			t.Errorf("%s on %q = %v, want %v", tc.q, tc.text, got, tc.want)
		}
	}
}

// TestPhrasesStopAtSentences: phrases and NEAR pair words of one sentence.
func TestPhrasesStopAtSentences(t *testing.T) {
	tests := []struct {
		q, text string
		want    bool
	}{
		{`"nước thải"`, "Dịch bệnh lan ra cả nước. Thái Lan đóng cửa khẩu.", false},
		{`"nước thải"`, "Nhà máy xả nước thải ra sông.", true},
		{`"nuoc thai"`, "Dịch bệnh lan ra cả nước. Thái Lan đóng cửa khẩu.", false},
		{`"nước thải"`, "Cả nước!\nThái Lan", false},
		{`"nước thải"`, "cả nước; Thái Lan", false},
		{`"nước thải"`, "cả nước\nThái Lan", false},
		{`"nước thải"`, "cả nước? Thái Lan", false},
		{`"nước thải"`, "cả nước… Thái Lan", false},
		{`"nước thải"`, "cả nước, thải ra", true}, // a comma is no sentence end
		{`"TP HCM"`, "Người dân TP. HCM đổ xô đi mua.", true},
		{`"TP HCM"`, "Người dân TP.HCM đổ xô đi mua.", true},
		{`"Tp Điện Biên Phủ"`, "Tại Tp. Điện Biên Phủ hôm qua.", true},
		{`"3 5 triệu"`, "Thiệt hại 3.5 triệu đồng.", true}, // a decimal
		{`"1 000 người"`, "Khoảng 1.000 người sơ tán.", true},
		{`"v v và"`, "Cây cối, nhà cửa v.v. và đường sá.", true}, // lower case after the stop
		{`"Nam Người"`, "Ở Việt Nam. Người dân", false},
		{`"U S officials"`, "U.S. officials said", true}, // initials
		{`nước NEAR/3 thải`, "Dịch lan ra cả nước. Thái Lan đóng cửa.", false},
		{`nước NEAR/4 thải`, "Xả nước chưa qua xử lý, thải ra sông.", true},
		{`"lũ quét"`, "Trận lũ quét. Lũ quét lần hai.", true},
	}
	for _, tc := range tests {
		if got := evalText(t, tc.q, Options{}, tc.text, ""); got != tc.want {
			t.Errorf("%s on %q = %v, want %v", tc.q, tc.text, got, tc.want)
		}
	}
}

// TestStemming: English and French words match their inflections in
// articles of that language, and only there.
func TestStemming(t *testing.T) {
	tests := []struct {
		q, lang, text string
		want          bool
	}{
		{`flood`, "en", "Floods cut roads in the north.", true},
		{`floods`, "en", "The flood cut roads.", true},
		{`"forest fire"`, "en", "Forest fires burned for days.", true},
		{`"forest fire"`, "en-GB", "Forest fires burned for days.", true},
		{`rumeur`, "fr", "Les rumeurs circulent sur les réseaux.", true},
		{`"intoxication alimentaire"`, "fr", "Des intoxications alimentaires à l'école.", true},
		{`"intoxications alimentaires"`, "FR", "Une intoxication alimentaire grave.", true},
		{`flood`, "vi", "Floods cut roads.", false}, // no stemming outside en and fr
		{`flood`, "", "Floods cut roads.", false},
		{`crue`, "fr", "Un acte cruel.", false}, // the prefix crue* matched this
		{`flood`, "en", "Floodlights lit the stadium.", false},
		{`scam`, "en", "Scampi on the menu.", false},
		{`scam`, "en", "Phone scams are rising.", true},
		{`=floods`, "en", "The flood cut roads.", false}, // = compares as written
		{`flood*`, "en", "Floodlights lit the stadium.", true},
		{`runn*`, "en", "Running water.", true}, // prefixes compare unstemmed words
		{`"Điện Biên"`, "en", "Floods in Dien Bien province.", true},
		{`"Điện Biên"`, "fr", "Des crues à Diên Biên.", true}, // marks fold in English and French
	}
	for _, tc := range tests {
		if got := evalText(t, tc.q, Options{}, tc.text, tc.lang); got != tc.want {
			t.Errorf("%s on %s %q = %v, want %v", tc.q, tc.lang, tc.text, got, tc.want)
		}
	}
}

// evalText evaluates q on a document whose text is text, in language lang.
func evalText(t *testing.T, q string, o Options, text, lang string) bool {
	t.Helper()
	n, err := Parse(q, o)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	return Eval(n, &Document{Text: map[string]string{FieldText: text}, Keywords: map[string][]string{FieldLang: {lang}}})
}

func TestMarkPrefixErrors(t *testing.T) {
	tests := []struct {
		q   string
		col int
		msg string
	}{
		{`=`, 2, "expected a term or phrase after ="},
		{`~`, 2, "expected a term or phrase after ~"},
		{`lũ ~ quét`, 5, "expected a term or phrase after ~"},
		{`~=lũ`, 1, "~="},
		{`=~lũ`, 1, "=~"},
		{`~~lũ`, 1, "~~"},
		{`==lũ`, 1, "=="},
		{`~@province`, 1, "~ cannot be used with a list"},
		{`~title:lũ`, 1, "write the field before ~"},
		{`label:~x`, 7, "~ cannot be used with label:"},
		{`title:~`, 8, "expected a term or phrase after ~"},
		{`~lũ*x`, 4, "* is only allowed at the end"},
		{`~lu*`, 2, "too short"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.q, testOpts)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want a syntax error", tc.q, err)
			continue
		}
		if pe.Col != tc.col || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("Parse(%q) = %v, want col %d: …%s…", tc.q, err, tc.col, tc.msg)
		}
	}
}

// TestCorpusDienBien runs the province's name over the Dân Trí corpus, which
// holds "diễn biến" ("developments") in about 200 articles and Điện Biên in
// few: typed with marks, the name must match none of the articles that
// hold only "diễn biến", and must still find each of them once written
// without marks (a toneless copy).
func TestCorpusDienBien(t *testing.T) {
	files, _ := filepath.Glob("../../shared/testdata/corpus/vi-dantri/*.txt")
	if len(files) == 0 {
		t.Skip("../shared/testdata/corpus/vi-dantri is absent")
	}
	name, err := Parse(`"Điện Biên"`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	exact, _ := Parse(`="Điện Biên"`, Options{})
	folded, _ := Parse(`"dien bien"`, Options{})
	collisions, toneless, genuine := 0, 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		d := &Document{Text: map[string]string{FieldText: text}, Keywords: map[string][]string{FieldLang: {"vi"}}}
		if Eval(exact, d) {
			genuine++
			if !Eval(name, d) {
				t.Errorf("%s: holds Điện Biên, which \"Điện Biên\" does not match", f)
			}
			continue
		}
		if !Eval(folded, d) {
			continue
		}
		// Folded, the article has dien bien; written with marks it has
		// only other words (diễn biến).
		collisions++
		if Eval(name, d) {
			t.Errorf("%s: \"Điện Biên\" matches an article without Điện Biên", f)
		}
		plain := &Document{Text: map[string]string{FieldText: textnorm.Fold(text)}}
		if !Eval(name, plain) {
			t.Errorf("%s: the toneless copy is not matched", f)
		}
		toneless++
	}
	if collisions < 150 {
		t.Errorf("only %d articles fold to dien bien without holding Điện Biên: the corpus changed and the test no longer covers the collision", collisions)
	}
	t.Logf("%d articles hold Điện Biên, %d only fold to it; %d toneless copies matched", genuine, collisions, toneless)
}
