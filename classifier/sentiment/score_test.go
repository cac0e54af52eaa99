package sentiment

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/textnorm"
	"golang.org/x/text/unicode/norm"
)

// sign returns -1, 0 or 1 for a score by Label.
func sign(s Score) int {
	switch s.Label() {
	case "positive":
		return 1
	case "negative":
		return -1
	}
	return 0
}

func TestScoreRules(t *testing.T) {
	l := newLexicon(t)
	for _, tc := range []struct {
		name, lang, text string
		want             int      // sign of Value: -1, 0, 1
		terms            []string // evidence terms, in order, when not nil
	}{
		{"positive term", "vi", "Khu vực này an toàn.", 1, []string{"an toàn"}},
		{"negated positive", "vi", "Khu vực này không an toàn.", -1, []string{"an toàn"}},
		{"negated negative", "vi", "Đợt mưa không gây thiệt hại.", 1, []string{"thiệt hại"}},
		{"negator reaches three words", "vi", "Chính quyền không để xảy ra thiệt hại.", 1, nil},
		{"negator does not reach four", "vi", "Không ai trong xóm nghĩ đến thiệt hại.", -1, nil},
		{"comma ends negation", "vi", "Chưa xong, nhưng an toàn.", 1, nil},
		{"double negation", "vi", "Khu vực không phải không an toàn.", 1, nil},
		{"không khí is not a negator", "vi", "Không khí ô nhiễm.", -1, []string{"ô nhiễm"}},
		{"không chỉ is not a negator", "vi", "Dự án không chỉ hiệu quả mà còn bền vững.", 1, []string{"hiệu quả", "bền vững"}},
		{"longest match", "vi", "Cơn bão gây thiệt hại nặng nề.", -1, []string{"cơn bão", "thiệt hại nặng nề"}},
		{"phrase with its own negator", "vi", "Nạn nhân không qua khỏi.", -1, []string{"nạn nhân", "không qua khỏi"}},
		{"neutral phrase blocks", "vi", "Em vừa tốt nghiệp, làm ở Ban An toàn giao thông.", 0, []string{}},
		{"toned collision not matched", "vi", "Trường tổ chức chăm trẻ chu đáo.", 1, []string{"chu đáo"}},
		{"toneless collision matched", "vi", "truong cham tre qua", -1, []string{"chậm trễ"}},
		{"exact negator needs tones", "vi", "cha me an toan", 1, nil},
		{"exact negator with tones", "vi", "Chả an toàn chút nào.", -1, nil},
		{"old tone placement", "vi", "Cuộc sống bà con khoẻ mạnh, hoà thuận.", 1, []string{"khỏe mạnh"}},
		{"upper case", "vi", "THIỆT HẠI NẶNG NỀ", -1, []string{"thiệt hại nặng nề"}},
		{"neutral", "vi", "Hội nghị diễn ra vào sáng thứ Hai tại trụ sở tỉnh.", 0, []string{}},
		{"en positive", "en", "The evacuation was safe.", 1, []string{"safe"}},
		{"en negated", "en", "The water is not safe to drink.", -1, []string{"safe"}},
		{"en contraction", "en", "The measures didn't help.", -1, []string{"help"}},
		{"en curly contraction", "en", "It wasn’t safe.", -1, nil},
		{"en no one injured", "en", "No one was injured.", 1, nil},
		{"en not only", "en", "It was not only safe but effective.", 1, []string{"safe", "effective"}},
		{"en longest", "en", "Fake news spread after the flash flood.", -1, []string{"fake news", "flash flood"}},
		{"en neutral name", "en", "The fire department met the press.", 0, []string{}},
		{"other language uses en", "fr", "Not safe.", -1, nil},
		{"language tag", "vi-VN", "Không an toàn.", -1, nil},
		{"empty", "vi", "", 0, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := l.Score(tc.lang, tc.text)
			if got := sign(s); got != tc.want {
				t.Errorf("Score(%q) = %+v, sign %d, want %d", tc.text, s, got, tc.want)
			}
			if tc.terms != nil {
				var got []string
				for _, e := range s.Terms {
					got = append(got, e.Term)
				}
				if !slices.Equal(got, tc.terms) && !(len(got) == 0 && len(tc.terms) == 0) {
					t.Errorf("Score(%q) terms %q, want %q", tc.text, got, tc.terms)
				}
			}
		})
	}
}

func TestIntensifiersAndNegation(t *testing.T) {
	l := newLexicon(t)
	// Each pair: the first scores strictly below the second.
	for _, tc := range []struct{ lang, lower, higher string }{
		{"vi", "rất nghiêm trọng", "nghiêm trọng"},
		{"vi", "cực kỳ nghiêm trọng", "rất nghiêm trọng"},
		{"vi", "nghiêm trọng", "hơi nghiêm trọng"},
		{"vi", "hơi nghiêm trọng", "khá an toàn"},
		{"vi", "khá an toàn", "an toàn"},
		{"vi", "an toàn", "rất an toàn"},
		{"vi", "không an toàn", "không nghiêm trọng"},
		{"vi", "không nghiêm trọng", "an toàn"},
		{"en", "extremely serious", "very serious"},
		{"en", "very serious", "serious"},
		{"en", "serious", "slightly serious"},
		{"en", "not safe", "safe"},
		{"en", "somewhat safe", "safe"},
	} {
		lo, hi := l.Score(tc.lang, tc.lower), l.Score(tc.lang, tc.higher)
		if !(lo.Value < hi.Value) {
			t.Errorf("%s: %q scores %.3f, not below %q at %.3f", tc.lang, tc.lower, lo.Value, tc.higher, hi.Value)
		}
	}
}

func TestEvidenceExplains(t *testing.T) {
	l := newLexicon(t)
	s := l.Score("vi", "Mưa lũ không gây thiệt hại về người nhưng làm hư hỏng rất nghiêm trọng đường sá.")
	want := []Evidence{
		{Term: "mưa lũ", Base: -0.5, Weight: -0.5},
		{Term: "thiệt hại về người", Base: -0.8, Weight: 0.4, Negator: "không"},
		{Term: "hư hỏng", Base: -0.5, Weight: -0.5},
		{Term: "nghiêm trọng", Base: -0.6, Weight: -0.9, Intensifier: "rất"},
	}
	if len(s.Terms) != len(want) {
		t.Fatalf("terms %+v, want %d", s.Terms, len(want))
	}
	sum := 0.0
	for i, e := range s.Terms {
		w := want[i]
		if e.Term != w.Term || e.Base != w.Base || math.Abs(e.Weight-w.Weight) > 1e-9 || e.Negator != w.Negator || e.Intensifier != w.Intensifier {
			t.Errorf("term %d = %+v, want %+v", i, e, w)
		}
		sum += e.Weight
	}
	if math.Abs(s.Sum-sum) > 1e-9 {
		t.Errorf("Sum %v, want the weights' sum %v", s.Sum, sum)
	}
	if want := math.Tanh(2 * s.Sum / math.Sqrt(float64(max(s.Tokens, 10)))); math.Abs(s.Value-want) > 1e-12 {
		t.Errorf("Value %v, want tanh(2·Sum/√max(Tokens, 10)) = %v", s.Value, want)
	}
	if s.Tokens != 17 {
		t.Errorf("Tokens %d, want 17", s.Tokens)
	}
}

// wordsOf returns the folded words of s.
func wordsOf(s string) []string {
	var out []string
	for _, tk := range textnorm.Tokenize(s) {
		out = append(out, tk.Text)
	}
	return out
}

func checkOffsets(t *testing.T, text string, s Score) {
	t.Helper()
	prev := 0
	for _, e := range s.Terms {
		if e.Start < prev || e.Start >= e.End || e.End > len(text) {
			t.Errorf("evidence %+v out of order or bounds in %d bytes", e, len(text))
			continue
		}
		prev = e.End
		if got, want := wordsOf(text[e.Start:e.End]), wordsOf(e.Term); !slices.Equal(got, want) {
			t.Errorf("text[%d:%d] = %q (words %q), want the words of %q", e.Start, e.End, text[e.Start:e.End], got, e.Term)
		}
	}
}

func TestEvidenceOffsets(t *testing.T) {
	l := newLexicon(t)
	texts := []struct{ lang, text string }{
		{"vi", "Bão lũ gây thiệt hại nặng nề; người dân bức xúc vì hỗ trợ chậm trễ."},
		{"vi", norm.NFD.String("Người dân rất phấn khởi vì được mùa, được giá.")},
		{"vi", "Sức khoẻ nạn nhân đã ổn định, mọi người đều khoẻ mạnh."},
		{"vi", "  \n\tTai nạn giao thông làm 2 người tử vong.\r\nKhông có thiệt hại khác."},
		{"vi", "THẢM HỌA! Lũ quét cuốn trôi nhà cửa…"},
		{"en", "Flash floods destroyed homes; officials say the situation is now stable."},
		{"en", "The scam didn't succeed – police acted quickly."},
	}
	for _, tc := range texts {
		s := l.Score(tc.lang, tc.text)
		if len(s.Terms) == 0 {
			t.Errorf("%q: no evidence", tc.text)
		}
		checkOffsets(t, tc.text, s)
	}
}

// TestTonelessLikeToned checks that text typed without tone marks finds the
// same terms, with the same weights, as the same text with them (entries
// marked "=" excepted, by design: see "exact negator needs tones").
func TestTonelessLikeToned(t *testing.T) {
	l := newLexicon(t)
	for _, text := range []string{
		"Mưa lũ gây thiệt hại nặng nề, nhiều tuyến đường bị sạt lở nghiêm trọng.",
		"Nhờ sơ tán kịp thời, không có thiệt hại về người.",
		"Người dân bức xúc vì công trình chậm tiến độ, gây ô nhiễm.",
		"Nước giếng không an toàn, người dân rất lo lắng.",
		"Tỉnh hỗ trợ kịp thời, bà con phấn khởi vì lúa bội thu.",
		"Cơ quan chức năng cảnh báo chiêu trò lừa đảo qua mạng.",
		"Dự án hoàn thành vượt tiến độ, chất lượng tốt.",
	} {
		toned, toneless := l.Score("vi", text), l.Score("vi", textnorm.Fold(text))
		if len(toned.Terms) == 0 {
			t.Errorf("%q: no evidence", text)
		}
		if math.Abs(toned.Value-toneless.Value) > 1e-12 || len(toned.Terms) != len(toneless.Terms) {
			t.Errorf("%q: toned %+v, toneless %+v", text, toned, toneless)
			continue
		}
		for i := range toned.Terms {
			a, b := toned.Terms[i], toneless.Terms[i]
			if a.Term != b.Term || a.Weight != b.Weight || a.Negator != b.Negator || a.Intensifier != b.Intensifier {
				t.Errorf("%q: term %d toned %+v, toneless %+v", text, i, a, b)
			}
		}
	}
}

func TestScoreMentions(t *testing.T) {
	l := newLexicon(t)
	const text = "Tỉnh Quảng Bình khắc phục hậu quả mưa lũ kịp thời. " +
		"Ở tỉnh bên cạnh, lũ quét gây thiệt hại nặng nề.\n" +
		"Người dân Quảng Bình phấn khởi vì được hỗ trợ."
	mentions := func(s string) bool { return strings.Contains(s, "Quảng Bình") }
	sents := Sentences(text)
	if len(sents) != 3 {
		t.Fatalf("Sentences = %v, want 3", sents)
	}
	all := l.Score("vi", text)
	got := l.ScoreMentions("vi", text, mentions)
	if got.Value <= 0 || all.Value >= got.Value {
		t.Errorf("mentions %.3f, whole text %.3f: want the mention sentences positive and above the whole", got.Value, all.Value)
	}
	wantTokens := len(textnorm.Tokenize(text[sents[0].Start:sents[0].End])) + len(textnorm.Tokenize(text[sents[2].Start:sents[2].End]))
	if got.Tokens != wantTokens {
		t.Errorf("Tokens %d, want %d (the mention sentences only)", got.Tokens, wantTokens)
	}
	for _, e := range got.Terms {
		if e.Start >= sents[1].Start && e.End <= sents[1].End {
			t.Errorf("evidence %+v comes from the sentence without a mention", e)
		}
	}
	checkOffsets(t, text, got)

	if none := l.ScoreMentions("vi", text, func(string) bool { return false }); none.Value != 0 || len(none.Terms) != 0 || none.Tokens != 0 {
		t.Errorf("no mention: %+v, want zero", none)
	}
	if every := l.ScoreMentions("vi", text, nil); every.Value != all.Value || len(every.Terms) != len(all.Terms) {
		t.Errorf("nil mention: %+v, want Score's %+v", every, all)
	}
}

func TestScoreBounded(t *testing.T) {
	l := newLexicon(t)
	bad := strings.Repeat("Thảm họa kinh hoàng, cực kỳ nghiêm trọng! ", 2000)
	good := strings.Repeat("Thành công xuất sắc, vô cùng tốt đẹp. ", 2000)
	if s := l.Score("vi", bad); s.Value < -1 || s.Value > -0.99 {
		t.Errorf("all-negative text scores %v, want in [-1, -0.99]", s.Value)
	}
	if s := l.Score("vi", good); s.Value > 1 || s.Value < 0.99 {
		t.Errorf("all-positive text scores %v, want in [0.99, 1]", s.Value)
	}
	if got := squash(math.Inf(-1), 5); got != -1 {
		t.Errorf("squash(-Inf) = %v, want -1", got)
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0.5, "positive"}, {NeutralBand, "positive"}, {0.09, "neutral"}, {0, "neutral"},
		{-0.09, "neutral"}, {-NeutralBand, "negative"}, {-1, "negative"},
	} {
		if got := (Score{Value: tc.v}).Label(); got != tc.want {
			t.Errorf("Label(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
