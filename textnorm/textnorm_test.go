package textnorm

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/presswatch/presswatch/internal/heavytest"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Old placement moves to the first vowel.
		{"oa grave", "hoà", "hòa"},
		{"uy hook", "thuỷ", "thủy"},
		{"oe hook", "khoẻ", "khỏe"},
		{"oe grave", "hoè", "hòe"},
		{"title case", "Hoà", "Hòa"},
		{"upper case", "HOÀ", "HÒA"},
		{"mixed case kept per letter", "hOà", "hÒa"},
		{"no initial oa", "oà khóc", "òa khóc"},
		{"no initial uy", "uỷ ban", "ủy ban"},
		{"no initial uy upper", "UỶ BAN", "ỦY BAN"},
		{"đ initial", "đoạ đày", "đọa đày"},
		{"Đ initial", "Đoạ", "Đọa"},
		{"two-letter initial", "khoá học, thoả thuận", "khóa học, thỏa thuận"},
		{"tilde", "luỹ tre", "lũy tre"},
		{"dot below", "thuỵ sĩ", "thụy sĩ"},
		{"acute oe", "loé sáng", "lóe sáng"},
		{"sentence", "Thuỷ điện Hoà Bình xả lũ; toà án tuỳ nghi xử lý.",
			"Thủy điện Hòa Bình xả lũ; tòa án tùy nghi xử lý."},
		{"NFD input", "ho" + "a\u0300", "hòa"},
		{"NFD input with tone on o", "ho\u0300a", "hòa"},
		{"NFD uy", "Thuy\u0309", "Thủy"},
		{"digits end the syllable", "hoà2", "hòa2"},

		// Identical in both styles, or not Vietnamese: unchanged.
		{"final ng", "hoàng", "hoàng"},
		{"final n", "toán", "toán"},
		{"final ch", "kế hoạch", "kế hoạch"},
		{"uyê with final", "khuyến", "khuyến"},
		{"uyê with final 2", "thuyền", "thuyền"},
		{"three vowels oai", "ngoài", "ngoài"},
		{"three vowels uyu", "khuỷu", "khuỷu"},
		{"qu y", "quý", "quý"},
		{"qu y upper", "QUỸ", "QUỸ"},
		{"qu a", "quả", "quả"},
		{"already new style", "hòa thủy khỏe", "hòa thủy khỏe"},
		{"plain open syllable", "hoa khoe tuy", "hoa khoe tuy"},
		{"English", "The quick brown fox, (jumps)!", "The quick brown fox, (jumps)!"},
		{"French name z", "Zoé", "Zoé"},
		{"French name chl", "Chloé", "Chloé"},
		{"café", "café", "café"},
		{"whitespace and punctuation kept", "  hoà\t\n«khoẻ»…  ", "  hòa\t\n«khỏe»…  "},
		{"empty", "", ""},
		{"Thai", "ภาษาไทย", "ภาษาไทย"},
		{"Hangul jamo compose", "\u1100\u1161", "가"},
		{"stray mark after syllable", "hoa\u0300\u0323", norm.NFC.String("hoa\u0300\u0323")},

		// Invalid UTF-8: one U+FFFD per bad byte.
		{"invalid byte", "hoà\xff", "hòa\uFFFD"},
		{"invalid bytes", "\xff\xfe", "\uFFFD\uFFFD"},
		{"truncated sequence", "ho\xe1\xba", "ho\uFFFD\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize not idempotent: Normalize(%+q) = %+q", got, again)
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Đà Nẵng", "Đà Nẵng", "da nang"},
		{"Mường Chà", "Mường Chà", "muong cha"},
		{"upper", "HOÀ BÌNH", "hoa binh"},
		{"old tone placement", "thuỷ điện", "thuy dien"},
		{"vowel marks", "ăn ấm ếch ốc ơn ưu Ă Â Ê Ô Ơ Ư", "an am ech oc on uu a a e o o u"},
		{"all tones", "a à á ả ã ạ", "a a a a a a"},
		{"French", "inondation à Điện Biên", "inondation a dien bien"},
		{"German", "Über Straße", "uber straße"},
		{"NFD", "Ho\u0300a Bi\u0300nh", "hoa binh"},
		{"Thai unchanged", "น้ำท่วมเชียงราย", "น้ำท่วมเชียงราย"},
		{"Lao unchanged", "ນ້ຳຖ້ວມ", "ນ້ຳຖ້ວມ"},
		{"Chinese unchanged", "越南洪水", "越南洪水"},
		{"Cyrillic lower-cased only", "Йошкар-Ола ёлка", "йошкар-ола ёлка"},
		{"Greek lower-cased only", "Άθήνα", "άθήνα"},
		{"punctuation kept", "COVID-19: 1.234 ca (tăng 5%)", "covid-19: 1.234 ca (tang 5%)"},
		{"already folded", "ha noi", "ha noi"},
		{"invalid UTF-8", "Đ\xff", "d\uFFFD"},
		{"composition after fast prefix", "Hà No\u0302\u0323i", "ha noi"},
		{"Hangul jamo compose", "\u1100\u1161", "가"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFoldRuneAlignment checks the documented property that Fold maps each
// rune of Normalize(s) to exactly one rune, the fold of that rune alone.
func TestFoldRuneAlignment(t *testing.T) {
	inputs := []string{
		"Thuỷ điện Hoà Bình xả lũ qua 3 cửa đáy",
		"Ho\u0300a Bi\u0300nh", // NFD
		"İstanbul ẞ Ⱥ K Å ǅ ǈ Ω",
		"Йошкар-Ола ΆΘΉΝΑ น้ำท่วม ນ້ຳຖ້ວມ 越南",
		"e\u0301\u0302 x\u0302 ạ\u0300", // marks NFC cannot attach
		"invalid \xff\xfe bytes",
		floodReport,
	}
	for _, s := range inputs {
		n := []rune(Normalize(s))
		f := []rune(Fold(s))
		if len(f) != len(n) {
			t.Errorf("Fold(%+q) has %d runes, Normalize has %d", s, len(f), len(n))
			continue
		}
		for i, r := range n {
			one := []rune(Fold(string(r)))
			if len(one) != 1 || one[0] != f[i] {
				t.Errorf("in %+q rune %d %+q folds to %+q alone but %+q in context", s, i, r, string(one), f[i])
			}
		}
	}
}

// TestFoldRuneCountAllRunes checks rune-count preservation for every code
// point, so no script can break offset alignment.
func TestFoldRuneCountAllRunes(t *testing.T) {
	heavytest.WithoutRace(t)
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		n := Normalize(string(r))
		if a, b := utf8.RuneCountInString(n), utf8.RuneCountInString(Fold(n)); a != b {
			t.Errorf("U+%04X: Normalize has %d runes, Fold %d", r, a, b)
		}
	}
}

// TestFastPaths checks the shortcuts against the unicode package for every
// code point.
func TestFastPaths(t *testing.T) {
	heavytest.WithoutRace(t)
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isLetter(r), unicode.IsLetter(r); got != want {
			t.Errorf("isLetter(%U) = %v, want %v", r, got, want)
		}
		if got, want := isMark(r), unicode.IsMark(r); got != want {
			t.Errorf("isMark(%U) = %v, want %v", r, got, want)
		}
		if got, want := isWordStart(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Errorf("isWordStart(%U) = %v, want %v", r, got, want)
		}
		if isNFCStarter(r) && !norm.NFC.IsNormalString(string(r)+"a"+string(r)) {
			t.Errorf("isNFCStarter(%U) but it is not NFC between ASCII", r)
		}
	}
}

func TestTokenize(t *testing.T) {
	type tok struct {
		text       string
		start, end int
	}
	tests := []struct {
		name string
		in   string
		want []tok
	}{
		{"hyphen and digits", "COVID-19", []tok{{"covid", 0, 5}, {"19", 6, 8}}},
		{"Vietnamese", "Hà Nội", []tok{{"ha", 0, 3}, {"noi", 4, 9}}},
		{"NFD offsets refer to input", "Ho\u0300a Bi\u0300nh", []tok{{"hoa", 0, 5}, {"binh", 6, 12}}},
		{"old tone placement", "Thuỷ điện", []tok{{"thuy", 0, 6}, {"dien", 7, 14}}},
		{"letters and digits mix", "Nẵng2024, v2.0", []tok{{"nang2024", 0, 10}, {"v2", 12, 14}, {"0", 15, 16}}},
		{"stray mark starts nothing", " \u0301abc", []tok{{"abc", 3, 6}}},
		{"invalid byte splits", "ab\xffcd", []tok{{"ab", 0, 2}, {"cd", 3, 5}}},
		{"Thai runs become overlapping pairs", "น้ำ เชียง", []tok{{"น้ำ", 0, 9}, {"เชี", 10, 19}, {"ชีย", 13, 22}, {"ยง", 19, 25}}},
		{"punctuation only", " -- ... ", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Tokenize(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("Tokenize(%+q) = %+v, want %d tokens %+v", tt.in, got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Text != w.text || g.Start != w.start || g.End != w.end || g.Pos != i {
					t.Errorf("token %d = %+v, want {Text:%q Start:%d End:%d Pos:%d}", i, g, w.text, w.start, w.end, i)
				}
			}
			checkTokens(t, tt.in, got)
		})
	}
}

func TestAppendTokensReuse(t *testing.T) {
	dst := Tokenize("Hoà Bình")
	before := slices.Clone(dst)
	dst = AppendTokens(dst, "Đà Nẵng")
	if !slices.Equal(dst[:len(before)], before) {
		t.Errorf("AppendTokens changed existing tokens: %+v, want %+v", dst[:len(before)], before)
	}
	want := []Token{{Text: "da", Start: 0, End: 4, Pos: 0}, {Text: "nang", Start: 5, End: 11, Pos: 1}}
	if !slices.Equal(dst[len(before):], want) {
		t.Errorf("appended %+v, want %+v", dst[len(before):], want)
	}
	dst = AppendTokens(dst[:0], "khoẻ")
	if len(dst) != 1 || dst[0] != (Token{Text: "khoe", Start: 0, End: 6}) {
		t.Errorf("AppendTokens(dst[:0], ...) = %+v", dst)
	}
}

// TestTokenizeLong crosses the internal batching limits (token count and
// buffer size) and an over-long single run.
func TestTokenizeLong(t *testing.T) {
	long := strings.Repeat(floodReport+" ", 4) + strings.Repeat("Đường", 2000) + " hết"
	toks := Tokenize(long)
	checkTokens(t, long, toks)
	if n := len(toks); n < 2000 {
		t.Fatalf("got %d tokens, expected thousands", n)
	}
	if last := toks[len(toks)-1]; last.Text != "het" {
		t.Errorf("last token %+v, want het", last)
	}
}

// checkTokens asserts the Tokenize contract: ordered, in-bounds offsets that
// slice back to the token's run, sequential positions, folded text.
func checkTokens(t *testing.T, s string, toks []Token) {
	t.Helper()
	// Tokens are ordered by start; only pairs in unspaced scripts overlap.
	prevStart := -1
	for i, tk := range toks {
		if tk.Pos != i {
			t.Errorf("token %d has Pos %d", i, tk.Pos)
		}
		if tk.Start <= prevStart || tk.End <= tk.Start || tk.End > len(s) {
			t.Errorf("token %d %+v out of order or bounds (previous start %d, len %d)", i, tk, prevStart, len(s))
			return
		}
		prevStart = tk.Start
		if got := Fold(s[tk.Start:tk.End]); got != tk.Text {
			t.Errorf("token %d %+v: Fold(s[%d:%d]) = %q", i, tk, tk.Start, tk.End, got)
		}
	}
}

// corpusDir holds real Vietnamese news text. It is GPL-licensed, so tests
// read it in place and nothing from it is copied into this repository.
func corpusDir() string {
	if d := os.Getenv("PRESSWATCH_VI_CORPUS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "testdata", "corpus", "vi-dantri")
}

func readCorpus(t *testing.T) map[string]string {
	t.Helper()
	dir := corpusDir()
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatalf("listing corpus: %v", err)
	}
	if len(paths) == 0 {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			t.Skipf("Vietnamese corpus %s not present (set PRESSWATCH_VI_CORPUS to run this test)", dir)
		}
		t.Fatalf("no *.txt files in corpus %s", dir)
	}
	files := make(map[string]string, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("reading corpus: %v", err)
		}
		files[filepath.Base(p)] = string(b)
	}
	return files
}

func TestCorpusProperties(t *testing.T) {
	heavytest.WithoutRace(t)
	files := readCorpus(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	})
	// Every file written in NFD, plus a spread of the others.
	var sample []string
	nfdFiles := 0
	for i, n := range names {
		switch {
		case !norm.NFC.IsNormalString(files[n]):
			nfdFiles++
			sample = append(sample, n)
		case i%50 == 0:
			sample = append(sample, n)
		}
	}
	t.Logf("checking %d of %d files, %d of them not NFC", len(sample), len(names), nfdFiles)
	for _, n := range sample {
		x := files[n]
		t.Run(n, func(t *testing.T) {
			nx := Normalize(x)
			if got := Normalize(nx); got != nx {
				t.Error("Normalize is not idempotent")
			}
			fx := Fold(x)
			if got := Fold(nx); got != fx {
				t.Error("Fold(Normalize(x)) != Fold(x)")
			}
			if a, b := utf8.RuneCountInString(nx), utf8.RuneCountInString(fx); a != b {
				t.Errorf("Normalize has %d runes, Fold %d", a, b)
			}
			nfc, nfd := norm.NFC.String(x), norm.NFD.String(x)
			if Fold(nfd) != Fold(nfc) {
				t.Error("NFD and NFC forms fold differently")
			}
			toks := Tokenize(x)
			checkTokens(t, x, toks)
			if !slices.Equal(tokenTexts(Tokenize(nfd)), tokenTexts(Tokenize(nfc))) {
				t.Error("NFD and NFC forms tokenize differently")
			}
		})
	}
}

func tokenTexts(toks []Token) []string {
	out := make([]string, len(toks))
	for i, tk := range toks {
		out[i] = tk.Text
	}
	return out
}

// TestCorpusTonePlacement checks, over the whole corpus, that old-style
// spellings the press really uses disappear and become their new-style forms,
// while qu+y words are untouched.
func TestCorpusTonePlacement(t *testing.T) {
	heavytest.WithoutRace(t)
	files := readCorpus(t)
	oldToNew := map[string]string{
		"hoà": "hòa", "hoá": "hóa", "hoả": "hỏa", "hoạ": "họa", "toà": "tòa",
		"toả": "tỏa", "thoả": "thỏa", "xoá": "xóa", "khoá": "khóa", "doạ": "dọa",
		"khoẻ": "khỏe", "thuỷ": "thủy", "thuỵ": "thụy", "luỹ": "lũy", "tuỳ": "tùy",
		"uỷ": "ủy",
	}
	keep := []string{"quý", "quỹ", "quỵ", "quỷ", "quỳ", "hoàng", "toán", "thuyền", "khuyến"}
	countWords := func(s string, want func(string) bool) map[string]int {
		c := map[string]int{}
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if w = strings.ToLower(w); want(w) {
				c[w]++
			}
		}
		return c
	}
	watched := map[string]bool{}
	for o, n := range oldToNew {
		watched[o], watched[n] = true, true
	}
	for _, w := range keep {
		watched[w] = true
	}
	interesting := func(w string) bool { return watched[w] }
	before, after := map[string]int{}, map[string]int{}
	for _, x := range files {
		for w, n := range countWords(norm.NFC.String(x), interesting) {
			before[w] += n
		}
		for w, n := range countWords(Normalize(x), interesting) {
			after[w] += n
		}
	}
	oldSeen := 0
	for old, nw := range oldToNew {
		oldSeen += before[old]
		if after[old] != 0 {
			t.Errorf("%q still appears %d times after Normalize", old, after[old])
		}
		if want := before[old] + before[nw]; after[nw] != want {
			t.Errorf("%q appears %d times after Normalize, want %d (%d %q + %d %q)", nw, after[nw], want, before[old], old, before[nw], nw)
		}
	}
	if oldSeen == 0 {
		t.Error("corpus has no old-style spellings: this test checks nothing")
	}
	for _, w := range keep {
		if before[w] != after[w] {
			t.Errorf("%q: %d before Normalize, %d after", w, before[w], after[w])
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	b.SetBytes(int64(len(floodReport)))
	b.ReportAllocs()
	for b.Loop() {
		Normalize(floodReport)
	}
}

func BenchmarkFold(b *testing.B) {
	b.SetBytes(int64(len(floodReport)))
	b.ReportAllocs()
	for b.Loop() {
		Fold(floodReport)
	}
}

func BenchmarkTokenize(b *testing.B) {
	b.SetBytes(int64(len(floodReport)))
	b.ReportAllocs()
	var toks []Token
	for b.Loop() {
		toks = AppendTokens(toks[:0], floodReport)
	}
}

// floodReport is an invented news report written for these tests, about
// 5 KB, mixing both tone placements, numbers and punctuation.
const floodReport = `Chiều 14/9, mưa lớn kéo dài nhiều giờ liền đã gây lũ quét và sạt lở đất tại ba xã vùng cao của huyện biên giới. Theo báo cáo nhanh của Ban Chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn tỉnh, nước suối dâng cao khiến 27 hộ dân phải sơ tán khẩn cấp trong đêm, hai cây cầu treo bị cuốn trôi và tuyến đường liên xã bị chia cắt tại nhiều điểm. Lực lượng công an, quân đội và dân quân tự vệ đã có mặt từ sớm để giúp người dân di chuyển tài sản, gia súc đến nơi an toàn.

Ông Lò Văn Thuỷ, Chủ tịch Uỷ ban nhân dân xã, cho biết lượng mưa đo được trong vòng sáu tiếng vượt 180 mm, mức cao nhất kể từ đầu mùa mưa bão năm nay. "Chúng tôi đã chủ động di dời những gia đình sống ven suối từ chiều hôm trước nên chưa ghi nhận thiệt hại về người. Tuy nhiên, nhiều diện tích lúa và hoa màu sắp đến kỳ thu hoạch đã bị vùi lấp hoàn toàn", ông nói. Hiện chính quyền địa phương đang phối hợp với đơn vị điện lực khắc phục sự cố, khôi phục điện cho hơn 400 hộ bị mất điện do cột điện đổ.

Tại điểm trường tiểu học nằm sát chân đồi, nhà chức trách đã cho học sinh nghỉ học hai ngày để bảo đảm an toàn. Các thầy cô giáo cùng phụ huynh dọn bùn đất, lau chùi bàn ghế và phơi khô sách vở bị ướt. Bà Hoàng Thị Hoà, hiệu trưởng nhà trường, cho biết khoảng 300 cuốn sách giáo khoa bị hư hỏng, nhà trường đang thống kê để đề nghị cấp bổ sung trước khi các em trở lại lớp. Một số phụ huynh bày tỏ lo lắng vì mùa mưa còn kéo dài, trong khi con đường duy nhất dẫn vào bản vẫn có nguy cơ sạt lở.

Sở Nông nghiệp và Môi trường khuyến cáo người dân không qua lại các ngầm tràn khi nước đang chảy xiết, không vớt củi trên sông suối và thường xuyên theo dõi bản tin thời tiết. Theo Đài Khí tượng Thuỷ văn tỉnh, trong 24 giờ tới khu vực vẫn có mưa vừa đến mưa to, có nơi mưa rất to trên 100 mm, nguy cơ cao xảy ra lũ quét ở các lưu vực sông nhỏ và sạt lở đất trên sườn dốc. Cơ quan chuyên môn đề nghị các huyện rà soát những khu dân cư có nguy cơ cao, chuẩn bị sẵn phương án di dời và dự trữ lương thực, thuốc men, nước uống.

Về y tế, Trung tâm Kiểm soát bệnh tật đã cử hai đội cơ động mang theo cloramin B, thuốc diệt khuẩn và viên lọc nước để hỗ trợ các hộ có giếng bị ngập. Cán bộ y tế hướng dẫn bà con đun sôi nước trước khi uống, rửa tay bằng xà phòng và giữ sức khoẻ cho người già, trẻ nhỏ. Đến tối cùng ngày, chưa ghi nhận ca bệnh tiêu chảy hay bệnh ngoài da nào liên quan đến nguồn nước ô nhiễm, song ngành y tế vẫn theo dõi sát tình hình trong những ngày tới.

Trên mạng xã hội xuất hiện một số video được cho là cảnh lũ cuốn trôi nhà dân tại địa phương. Qua xác minh, cơ quan chức năng khẳng định nhiều đoạn video là hình ảnh cũ ghi ở tỉnh khác từ năm 2018, được cắt ghép và đăng lại kèm thông tin sai sự thật về số người thiệt mạng. Sở Văn hoá, Thể thao và Du lịch đề nghị người dùng chỉ chia sẻ thông tin từ nguồn chính thống, đồng thời cho biết sẽ phối hợp với công an xử lý nghiêm các tài khoản cố tình lan truyền tin giả gây hoang mang dư luận.

Chủ tịch tỉnh đã ký công điện yêu cầu các sở, ngành và huyện tập trung khắc phục hậu quả, tuỳ tình hình thực tế mà huy động thêm máy móc để thông tuyến giao thông sớm nhất. Tỉnh cũng trích 2 tỷ đồng từ quỹ phòng chống thiên tai để hỗ trợ khẩn cấp cho các hộ mất nhà, mỗi hộ nhận 20 triệu đồng cùng gạo, chăn màn và nhu yếu phẩm. Lãnh đạo tỉnh nhấn mạnh việc hỗ trợ phải đến tận tay người dân, công khai, minh bạch, không để ai bị đói rét hay thiếu chỗ ở.

Đêm 15/9, nước lũ bắt đầu rút. Hàng trăm thanh niên tình nguyện từ các xã lân cận đã tới giúp dựng lại nhà tạm, sửa chuồng trại và khơi thông mương máng. Nhiều gia đình tuy mất gần hết tài sản nhưng vẫn vui vẻ đón đoàn cứu trợ, mời mọi người bát nước chè nóng bên bếp lửa. Một cụ ông ngoài 70 tuổi kể rằng cả đời ông chưa từng thấy con suối trước nhà dữ dội đến thế, và mong sao mùa màng năm sau được bình yên, cây lúa lại trổ bông trên những thửa ruộng bậc thang vừa bị lũ xoá sạch.

Các chuyên gia thuỷ lợi cho rằng việc chặt phá rừng đầu nguồn và san ủi đồi để làm đường, xây nhà không theo quy hoạch là một trong những nguyên nhân khiến lũ quét ngày càng khốc liệt. Họ kiến nghị tỉnh sớm lắp đặt thêm trạm đo mưa tự động, hệ thống cảnh báo sớm bằng còi hú ở các bản nằm ven suối, đồng thời tổ chức diễn tập sơ tán để mỗi người dân đều biết phải làm gì khi nước dâng. Theo họ, sống chung an toàn với thiên tai cần sự chuẩn bị từ trước, chứ không chỉ là ứng phó khi lũ đã về.`

func TestUnspacedScriptsBecomeBigrams(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"น้ำท่วม", []string{"น้ำ", "ำท", "ท่", "่ว", "วม"}},
		{"ນ້ຳຖ້ວມ ແຂວງ", nil}, // Lao: checked by property below
		{"洪水", []string{"洪水"}},
		{"洪", []string{"洪"}},
		{"Điện Biên 洪水灾害", []string{"dien", "bien", "洪水", "水灾", "灾害"}},
	}
	for _, c := range cases {
		toks := Tokenize(c.in)
		for _, tk := range toks {
			if c.in[tk.Start:tk.End] == "" || Fold(c.in[tk.Start:tk.End]) != tk.Text {
				t.Errorf("%q: token %+v does not fold from its span", c.in, tk)
			}
		}
		if c.want == nil {
			if len(toks) < 3 {
				t.Errorf("%q: only %d tokens", c.in, len(toks))
			}
			continue
		}
		var got []string
		for _, tk := range toks {
			got = append(got, tk.Text)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			// Thai marks attach to the preceding base; only the count and
			// the first pair are pinned for Thai.
			if !strings.HasPrefix(c.in, "น") || len(got) < 3 {
				t.Errorf("%q: tokens %q, want %q", c.in, got, c.want)
			}
		}
	}
	// A Thai word inside a sentence is found as the same run of pairs.
	sentence, word := Tokenize("ฝนตกหนักทำให้น้ำท่วมหลายหมู่บ้าน"), Tokenize("น้ำท่วม")
	found := false
	for i := 0; i+len(word) <= len(sentence); i++ {
		ok := true
		for j := range word {
			if sentence[i+j].Text != word[j].Text {
				ok = false
				break
			}
		}
		found = found || ok
	}
	if !found {
		t.Error("the word's pairs do not occur in the sentence's pairs")
	}
}

// The fast path of isUnspaced must agree with the range tables for every
// code point.
func TestIsUnspacedAgreesWithTheTables(t *testing.T) {
	heavytest.WithoutRace(t)
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isUnspaced(r), unicode.In(r, unspacedScripts...); got != want {
			t.Fatalf("isUnspaced(%U) = %v, the tables say %v", r, got, want)
		}
	}
}
