package charset

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/unicode/norm"
)

// Texts written for these tests, long enough for sniffing to have
// evidence (a real page has far more).
const (
	textVI = "Ủy ban nhân dân tỉnh đã họp khẩn cấp về tình hình mưa lũ kéo dài. " +
		"Người dân ở các huyện miền núi được hướng dẫn sơ tán khỏi vùng nguy hiểm; " +
		"lực lượng cứu hộ đã có mặt tại hiện trường từ sáng sớm. Sở Y tế cho biết " +
		"chưa ghi nhận dịch bệnh, nhưng đề nghị người dân giữ gìn vệ sinh, đun sôi " +
		"nước uống và báo ngay cho chính quyền địa phương khi thấy dấu hiệu bất thường. " +
		"Đường quốc lộ qua đèo bị sạt lở, xe cộ phải đi vòng."
	textRU = "Областная администрация провела экстренное совещание из-за сильных " +
		"дождей и наводнения. Жителям горных районов рекомендовано покинуть опасные " +
		"места; спасатели работают на месте с раннего утра. Министерство " +
		"здравоохранения сообщает, что вспышек болезней пока не выявлено."
	textZH = "省人民委员会就持续暴雨和洪水情况召开紧急会议。山区各县的居民被引导撤离危险地区，" +
		"救援力量从清晨起就已到达现场。卫生厅表示，目前尚未发现疫情，但建议居民注意卫生，" +
		"饮用开水，并在发现异常迹象时立即报告地方政府。"
	textJA = "省人民委員会は長引く豪雨と洪水の状況について緊急会議を開いた。山間部の住民は危険な地域から" +
		"避難するよう指示され、救助隊は早朝から現場に到着している。保健局によると、" +
		"現在のところ感染症の発生は確認されていない。"
	textKO = "성 인민위원회는 계속되는 폭우와 홍수 상황에 대해 긴급회의를 열었다. 산간 지역 주민들은 " +
		"위험 지역에서 대피하라는 안내를 받았으며, 구조대는 이른 아침부터 현장에 도착해 있다. " +
		"보건국은 아직 전염병 발생은 확인되지 않았다고 밝혔다."
	textTH = "คณะกรรมการประชาชนจังหวัดได้จัดการประชุมฉุกเฉินเกี่ยวกับสถานการณ์ฝนตกหนักและน้ำท่วมที่ยืดเยื้อ " +
		"ประชาชนในอำเภอบนภูเขาได้รับคำแนะนำให้อพยพออกจากพื้นที่อันตราย หน่วยกู้ภัยอยู่ในที่เกิดเหตุตั้งแต่เช้าตรู่"
	textFR = "Le comité populaire de la province a tenu une réunion d'urgence à cause " +
		"des pluies et des inondations. Les habitants des districts de montagne ont été " +
		"évacués ; les secours sont présents depuis l'aube. « Aucune épidémie » n'a été signalée."
)

// enc1258 encodes NFC text in windows-1258, which has precomposed letters
// only for some Vietnamese vowels: the others are written as a base letter
// (itself possibly precomposed: ê, ơ, ư, ă) followed by a combining tone
// mark, as Vietnamese Windows did.
func enc1258(t testing.TB, s string) []byte {
	t.Helper()
	e := charmap.Windows1258.NewEncoder()
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if _, err := e.String(string(r)); err == nil {
			b.WriteRune(r)
			continue
		}
		var base, tone []rune
		for _, x := range norm.NFD.String(string(r)) {
			if strings.ContainsRune(toneMarks, x) {
				tone = append(tone, x)
			} else {
				base = append(base, x)
			}
		}
		b.WriteString(norm.NFC.String(string(base)))
		b.WriteString(string(tone))
	}
	out, err := charmap.Windows1258.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		t.Fatalf("encode windows-1258: %v", err)
	}
	return out
}

func encodeWith(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	out, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode with %v: %v", e, err)
	}
	return out
}

// encoded is one text in one encoding, as bytes, plus what decoding
// should report.
type encoded struct {
	name    string // test name
	body    []byte
	charset string // expected charset name
	text    string // expected decoded text (NFC)
	label   string // label to declare, when the case is declared
	sniff   bool   // whether the case must also be recognised undeclared
}

func encodings(t *testing.T) []encoded {
	bom := func(prefix []byte, b []byte) []byte { return append(append([]byte{}, prefix...), b...) }
	return []encoded{
		{"utf-8", []byte(textVI), "utf-8", textVI, "utf-8", true},
		{"windows-1258", enc1258(t, textVI), "windows-1258", textVI, "windows-1258", true},
		{"viscii", encodeWith(t, VISCII, textVI), "viscii", textVI, "VISCII", true},
		{"tcvn3", encodeWith(t, TCVN3, textVI), "tcvn3", textVI, "TCVN3", true},
		{"windows-1251", encodeWith(t, charmap.Windows1251, textRU), "windows-1251", textRU, "windows-1251", true},
		{"koi8-r", encodeWith(t, charmap.KOI8R, textRU), "koi8-r", textRU, "KOI8-R", true},
		{"iso-8859-1", encodeWith(t, charmap.ISO8859_1, textFR), "windows-1252", textFR, "ISO-8859-1", true},
		{"gb2312", encodeWith(t, simplifiedchinese.GBK, textZH), "gbk", textZH, "gb2312", false},
		{"gb18030", encodeWith(t, simplifiedchinese.GB18030, textZH), "gb18030", textZH, "GB18030", true},
		{"big5", encodeWith(t, traditionalchinese.Big5, "省人民委員會就持續暴雨和洪水情況召開緊急會議。山區各縣的居民被引導撤離危險地區，救援力量從清晨起就已到達現場。衛生廳表示，目前尚未發現疫情。"), "big5",
			"省人民委員會就持續暴雨和洪水情況召開緊急會議。山區各縣的居民被引導撤離危險地區，救援力量從清晨起就已到達現場。衛生廳表示，目前尚未發現疫情。", "big5", true},
		{"shift_jis", encodeWith(t, japanese.ShiftJIS, textJA), "shift_jis", textJA, "Shift_JIS", true},
		{"euc-kr", encodeWith(t, korean.EUCKR, textKO), "euc-kr", textKO, "EUC-KR", true},
		{"tis-620", encodeWith(t, charmap.Windows874, textTH), "windows-874", textTH, "TIS-620", true},
		{"utf-16le bom", bom([]byte{0xFF, 0xFE}, encodeWith(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), textVI)), "utf-16le", textVI, "", true},
		{"utf-16be bom", bom([]byte{0xFE, 0xFF}, encodeWith(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), textVI)), "utf-16be", textVI, "", true},
		{"utf-16le", encodeWith(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "<p>"+textVI), "utf-16le", "<p>" + textVI, "utf-16le", true},
		{"utf-16be", encodeWith(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "<p>"+textRU), "utf-16be", "<p>" + textRU, "utf-16be", true},
		{"utf-32le bom", bom([]byte{0xFF, 0xFE, 0, 0}, encodeWith(t, utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), textZH)), "utf-32le", textZH, "", true},
		{"utf-32be bom", bom([]byte{0, 0, 0xFE, 0xFF}, encodeWith(t, utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), textZH)), "utf-32be", textZH, "", true},
		{"utf-32le", encodeWith(t, utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "<p>"+textKO), "utf-32le", "<p>" + textKO, "utf-32le", true},
		{"utf-32be", encodeWith(t, utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "<p>"+textJA), "utf-32be", "<p>" + textJA, "utf-32", true},
		{"utf-8 bom", bom([]byte{0xEF, 0xBB, 0xBF}, []byte(textFR)), "utf-8", textFR, "", true},
	}
}

func TestDecodeEncodings(t *testing.T) {
	for _, c := range encodings(t) {
		t.Run(c.name, func(t *testing.T) {
			check := func(t *testing.T, how string, got, name string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", how, err)
				}
				if name != c.charset {
					t.Errorf("%s: charset %q, want %q", how, name, c.charset)
				}
				if !strings.Contains(got, c.text) {
					t.Errorf("%s: decoded text does not contain the original\n got: %.300q\nwant: %.300q", how, got, c.text)
				}
			}
			if c.label != "" {
				got, name, err := DecodeHTML(c.body, "text/html; charset="+c.label)
				check(t, "HTML, header charset", got, name, err)
				if asciiCompatible(c.charset) {
					page := append([]byte(`<html><head><meta charset="`+c.label+`"><title>x</title></head><body>`), c.body...)
					got, name, err = DecodeHTML(page, "text/html")
					check(t, "HTML, meta charset", got, name, err)

					doc := append([]byte(`<?xml version="1.0" encoding="`+c.label+`"?><rss><title>`), c.body...)
					doc = append(doc, "</title></rss>"...)
					out, name, err := DecodeXML(doc, "application/rss+xml")
					check(t, "XML, prolog", string(out), name, err)
				}
			}
			if c.sniff {
				got, name, err := DecodeHTML(c.body, "")
				check(t, "HTML, undeclared", got, name, err)
				out, name, err := DecodeXML(c.body, "")
				check(t, "XML, undeclared", string(out), name, err)
				got, name, err = DecodeText(c.body, "text/plain")
				check(t, "text, undeclared", got, name, err)
			}
		})
	}
}

func TestWindows1258Composes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Vi\xea\xf2t Nam", "Việt Nam"},                       // ê + combining dot below
		{"\xd0\xe3\xecc L\xe3\xeck", "Đắc Lắk"},               // ă + combining acute
		{"Th\xfd\xcca Thi\xean Hu\xea\xec", "Thừa Thiên Huế"}, // ư + grave, ê + acute
		{"h\xf5\xecp", "hớp"},                                 // ơ + acute
		{"\xe0 \xe3 \xf0", "à ă đ"},                           // precomposed; 0xE3 is ă, not ã
		{"\xe0", "à"},                                         // precomposed in the table
	} {
		got, name, err := DecodeHTML([]byte(c.in), "text/html; charset=windows-1258")
		if err != nil || name != "windows-1258" {
			t.Fatalf("DecodeHTML(%q) = %q, %v", c.in, name, err)
		}
		if got != c.want || !norm.NFC.IsNormalString(got) {
			t.Errorf("DecodeHTML(%q) = %+q, want %+q (NFC)", c.in, got, c.want)
		}
	}
}

func TestLabelsNeverFailHard(t *testing.T) {
	body := []byte("<html><body>Café à la crème</body></html>")
	latin := encodeWith(t, charmap.Windows1252, string(body))
	for _, c := range []struct {
		name        string
		body        []byte
		contentType string
		want        string
	}{
		{"bogus header, UTF-8 body", body, "text/html; charset=bogus", "utf-8"},
		{"bogus header, latin body", latin, "text/html; charset=x-no-such-thing", "windows-1252"},
		{"bogus meta", append([]byte(`<meta charset="klingon">`), latin...), "", "windows-1252"},
		{"replacement label", append([]byte(`<meta charset="iso-2022-kr">`), body...), "", "utf-8"},
		{"empty label", body, "text/html; charset=", "utf-8"},
		{"quoted label with spaces", latin, `text/html; charset = "ISO-8859-1"`, "windows-1252"},
		{"single-quoted label", latin, `text/html;charset='latin1'`, "windows-1252"},
		{"no charset parameter", latin, "text/html; qs=0.9", "windows-1252"},
		{"charset with colon is not a charset", body, "text/xml; charset:iso-8859-1", "utf-8"},
		{"UTF-16 in meta means UTF-8", append([]byte(`<meta charset="utf-16">`), body...), "", "utf-8"},
		{"UTF-16 header on an 8-bit body", latin, "text/html; charset=utf-16", "windows-1252"},
		{"empty body", nil, "text/html; charset=bogus", "utf-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, name, err := DecodeHTML(c.body, c.contentType)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if name != c.want {
				t.Errorf("charset %q, want %q", name, c.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8 out: %q", got)
			}
			if len(c.body) > 0 && !strings.Contains(got, "Café à la crème") {
				t.Errorf("text lost: %q", got)
			}
		})
	}
}

func TestDeclarationChecks(t *testing.T) {
	utf8Body := []byte("<p>Hội nghị tỉnh ủy</p>")
	latin := encodeWith(t, charmap.Windows1252, "<p>Jürgen Anaïs déjà</p>")
	for _, c := range []struct {
		name, contentType string
		body              []byte
		want, contains    string
	}{
		{"latin header over UTF-8 content", "text/html; charset=iso-8859-1", utf8Body, "utf-8", "Hội nghị"},
		{"latin meta over UTF-8 content", "", append([]byte(`<meta charset="windows-1252">`), utf8Body...), "utf-8", "Hội nghị"},
		{"UTF-8 header over latin content", "text/html; charset=utf-8", latin, "windows-1252", "Jürgen"},
		{"header wins over meta", "text/html; charset=windows-1252", append([]byte(`<meta charset="koi8-r">`), latin...), "windows-1252", "Jürgen"},
		{"BOM wins over header", "text/html; charset=koi8-r", append([]byte{0xEF, 0xBB, 0xBF}, utf8Body...), "utf-8", "Hội nghị"},
		{"ASCII body keeps its declaration", "text/html; charset=koi8-r", []byte("<p>plain</p>"), "koi8-r", "plain"},
		{"UTF-8 with a stray byte stays UTF-8", "", append(bytes.Repeat(utf8Body, 30), 0xFF), "utf-8", "Hội nghị"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, name, err := DecodeHTML(c.body, c.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if name != c.want || !strings.Contains(got, c.contains) {
				t.Errorf("got %q %q, want %q containing %q", name, got, c.want, c.contains)
			}
		})
	}
}

func TestMetaPrescan(t *testing.T) {
	// The page text is ASCII, so without a declaration the page sniffs as
	// UTF-8: a declared windows-1251 can only come from the meta tag.
	pad := func(n int) string { return "<!-- " + strings.Repeat("x", n) + " -->" }
	for _, c := range []struct {
		name string
		head string
		want string
	}{
		{"first bytes", `<meta charset="windows-1251">`, "windows-1251"},
		{"after byte 1024", pad(2000) + `<meta charset="windows-1251">`, "windows-1251"},
		{"after 40 KiB", pad(40<<10) + `<meta charset="windows-1251">`, "windows-1251"},
		{"http-equiv", `<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">`, "windows-1251"},
		{"http-equiv, attributes reversed", `<META CONTENT='text/html;charset=windows-1251' HTTP-EQUIV='content-type'>`, "windows-1251"},
		{"self-closing", `<meta charset="windows-1251" />`, "windows-1251"},
		{"content without http-equiv is no declaration", `<meta name="x" content="charset=koi8-r"><meta charset="windows-1251">`, "windows-1251"},
		{"inside a comment is no declaration", `<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">`, "windows-1251"},
		{"inside a script is no declaration", `<script>document.write('<meta charset="koi8-r">')</script><meta charset="windows-1251">`, "windows-1251"},
		{"beyond 64 KiB is not read", pad(70<<10) + `<meta charset="windows-1251">`, "utf-8"},
		{"none", `<title>x</title>`, "utf-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			page := []byte("<html><head>" + c.head + "</head><body><p>Tin tuc</p></body></html>")
			if got := Detect(page, "", true); got != c.want {
				t.Errorf("charset %q, want %q", got, c.want)
			}
		})
	}
	// And the declared encoding is used for decoding.
	page := append([]byte(`<!-- `+strings.Repeat("x", 1500)+` --><meta charset="windows-1251"><p>`), encodeWith(t, charmap.Windows1251, "Новости")...)
	if got, _, _ := DecodeHTML(page, ""); !strings.Contains(got, "Новости") {
		t.Errorf("meta after 1024 bytes: word not decoded: %q", got[len(got)-40:])
	}
}

func TestDecodeXMLProlog(t *testing.T) {
	type doc struct {
		Title string `xml:"channel>title"`
	}
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"koi8-r prolog", append([]byte(`<?xml version="1.0" encoding="KOI8-R"?>`+"\n<rss><channel><title>"), append(encodeWith(t, charmap.KOI8R, "Новости"), "</title></channel></rss>"...)...), "Новости"},
		{"version 1.1, single quotes", append([]byte(`<?xml version='1.1' encoding='windows-1258' standalone='yes'?><rss><channel><title>`), append(enc1258(t, "Thừa Thiên Huế"), "</title></channel></rss>"...)...), "Thừa Thiên Huế"},
		{"junk before the declaration", []byte("\n<b>Warning</b>: x in /var/www/rss.php on line 3<br />\n<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>Caf\xe9</title></channel></rss>"), "Café"},
		{"declaration inside the document is not the prolog", []byte("<rss><channel><title>Caf\xc3\xa9</title><description><![CDATA[<?xml version=\"1.0\" encoding=\"koi8-r\"?>]]></description></channel></rss>"), "Café"},
		{"leading whitespace", []byte("\n  <?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>Café</title></channel></rss>"), "Café"},
		{"no prolog", []byte("<rss><channel><title>Café</title></channel></rss>"), "Café"},
		{"XML-illegal controls removed", []byte("<?xml version=\"1.0\"?><rss><channel><title>a\x00b\x0bc\x1fd\uFFFEe</title></channel></rss>"), "abcde"},
		{"invalid UTF-8 repaired", []byte("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>H\xe1\xbb\x99i ngh\xe1\xbb\x8b \xff</title></channel></rss>"), "Hội nghị \uFFFD"},
		{"UTF-16 prolog, no BOM", encodeWith(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), `<?xml version="1.0" encoding="utf-16"?><rss><channel><title>Việt</title></channel></rss>`), "Việt"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := DecodeXML(c.in, "")
			if err != nil {
				t.Fatal(err)
			}
			var d doc
			// No CharsetReader: a prolog still naming a legacy encoding
			// would make this fail.
			if err := xml.Unmarshal(out, &d); err != nil {
				t.Fatalf("encoding/xml rejects the output: %v\n%q", err, out)
			}
			if d.Title != c.want {
				t.Errorf("title %+q, want %+q", d.Title, c.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"plain ASCII\tstays\r\n", "plain ASCII\tstays\r\n"},
		{"a\x00b\x01c\x1fd\x7fe", "abcde"},
		{"bad \xff\xfe bytes", "bad \uFFFD\uFFFD bytes"},
		{"cut \xe1\xbb", "cut \uFFFD\uFFFD"},
		{"don\u0092t \u0093quoted\u0094 \u0080 \u0081", "don’t “quoted” € "},
		{"\ufeffBOM inside", "BOM inside"},
		{"ho\u00e0 b\u00ecnh, thu\u1ef7 \u0111i\u1ec7n", "hòa bình, thủy điện"}, // tone placement unified
		{"Vie\u0302\u0323t", "Việt"},                                            // composed
		{"kho\u1ebb", "khỏe"},
		// UTF-8 misread as windows-1252 upstream is restored...
		{"Viá»‡t Nam", "Việt Nam"},
		{"â€¦ vÃ\u00a0 Ä‘Ãªm", "… và đêm"},
		{"Ã©tÃ© Ã\u00a0 Paris", "été à Paris"},
		{"Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "привет"},
		{"Ã¢â‚¬Å“twiceÃ¢â‚¬Â\u009d", "“twice”"}, // misread twice; U+009D stands for byte 0x9D
		// ...but real Latin-1 text, and a lone accidental pair, are not.
		{"café crème brûlée", "café crème brûlée"},
		{"TIN NGÃ” mới", "TIN NGÃ” mới"},
		{"Â©2024", "©2024"[:0] + "Â©2024"},
	} {
		got := Clean(c.in)
		if got != c.want {
			t.Errorf("Clean(%+q) = %+q, want %+q", c.in, got, c.want)
		}
		if again := Clean(got); again != got {
			t.Errorf("Clean not idempotent on %+q: %+q", got, again)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, c := range []struct {
		label, want string
		ok          bool
	}{
		{"UTF-8", "utf-8", true},
		{"utf8", "utf-8", true},
		{" 'ISO-8859-1' ", "windows-1252", true},
		{"us-ascii", "windows-1252", true},
		{"cp1258", "windows-1258", true},
		{"x-viet-viscii", "viscii", true},
		{"TCVN5712-1", "tcvn3", true},
		{"gb2312", "gbk", true},
		{"UTF-32", "utf-32be", true},
		{"ucs-2", "utf-16le", true},
		{"IBM437", "ibm437", true},
		{"iso-2022-kr", "", false}, // WHATWG "replacement"
		{"bogus", "", false},
		{"", "", false},
	} {
		_, name, ok := Lookup(c.label)
		if name != c.want || ok != c.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", c.label, name, ok, c.want, c.ok)
		}
	}
}

// minifluxDir holds real pages and feeds with encoding problems.
const minifluxDir = "../../../shared/testdata/feeds/miniflux"

func TestMinifluxFiles(t *testing.T) {
	if _, err := os.Stat(minifluxDir); err != nil {
		t.Skipf("shared test data not available (%v): run from a checkout with ../shared beside the project", err)
	}
	for _, c := range []struct {
		file, contentType, charset string
		words                      []string
	}{
		{"encoding/iso-8859-1.html", "", "windows-1252", []string{"Frédéric", "Café"}},
		{"encoding/iso-8859-1.html", "text/html", "windows-1252", []string{"Frédéric"}},
		{"encoding/iso-8859-1-meta-after-1024.html", "", "windows-1252", []string{"Frédéric", "Café"}},
		{"encoding/utf8-meta-after-1024.html", "", "utf-8", []string{"Frédéric", "Café"}},
		{"encoding/utf8.html", "", "utf-8", []string{"Café"}},
		{"encoding/iso-8859-1.xml", "", "windows-1252", []string{"Café", "Présentation"}},
		{"encoding/koi8r.xml", "", "koi8-r", []string{"Пример RSS ленты", "Тестовая лента в кодировке KOI8-R"}},
		{"encoding/windows-1252.xml", "", "windows-1252", []string{"Euro €"}},
		{"encoding/windows-1252-incorrect-prolog.xml", "", "utf-8", []string{"Euro €"}},
		{"encoding/utf8-incorrect-prolog.xml", "", "utf-8", []string{"Café", "테스트 피드"}},
		{"encoding/invalid-prolog.xml", "", "utf-8", []string{"Café", "테스트 피드"}},
		{"encoding/utf8.xml", "", "utf-8", []string{"Café", "테스트 피드"}},
		{"xml/iso88591.xml", "", "windows-1252", []string{"Anaïs", "Jürgen"}},
		{"xml/iso88591_utf8_mismatch.xml", "", "windows-1252", []string{"Anaïs", "Jürgen"}},
		{"xml/koi8r.xml", "application/rss+xml", "koi8-r", []string{"Пример RSS ленты"}},
		{"parser/encoding_WINDOWS-1251.xml", "", "windows-1251", []string{"Новый цитатник Рунета", "Цитата #17703"}},
		{"parser/encoding_ISO-8859-1.xml", "", "windows-1252", []string{"wünschen", "künftig"}},
		{"parser/no_encoding_ISO-8859-1.xml", "", "windows-1252", []string{"répandue", "diffère"}},
		{"parser/no_encoding_ISO-8859-1.xml", "application/rss+xml; charset=ISO-8859-1", "windows-1252", []string{"répandue"}},
		{"parser/urdu_UTF8.xml", "", "utf-8", []string{"پاکستان کے لیے امریکی امداد"}},
		{"parser/rdf_UTF8.xml", "", "utf-8", []string{"Vorsichtsmaßnahmen", "IBM übernimmt Red Hat"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(minifluxDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			var got, name string
			if strings.HasSuffix(c.file, ".html") {
				got, name, err = DecodeHTML(body, c.contentType)
			} else {
				var out []byte
				out, name, err = DecodeXML(body, c.contentType)
				got = string(out)
			}
			if err != nil {
				t.Fatal(err)
			}
			if name != c.charset {
				t.Errorf("charset %q, want %q", name, c.charset)
			}
			for _, w := range c.words {
				if !strings.Contains(got, w) {
					t.Errorf("decoded text lacks %q", w)
				}
			}
		})
	}
}

// TestMinifluxUndeclared removes the declaration from real legacy feeds:
// sniffing alone must find the encoding.
func TestMinifluxUndeclared(t *testing.T) {
	if _, err := os.Stat(minifluxDir); err != nil {
		t.Skipf("shared test data not available (%v)", err)
	}
	for _, c := range []struct{ file, charset, word string }{
		{"parser/encoding_WINDOWS-1251.xml", "windows-1251", "Новый цитатник Рунета"},
		{"parser/encoding_ISO-8859-1.xml", "windows-1252", "wünschen"},
	} {
		body, err := os.ReadFile(filepath.Join(minifluxDir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		body = declRE.ReplaceAllFunc(body, func(m []byte) []byte { return []byte(`<?xml version="1.0"?>`) })
		if prologEncoding(body) != "" {
			t.Fatalf("%s: declaration not removed", c.file)
		}
		out, name, err := DecodeXML(body, "")
		if err != nil || name != c.charset || !bytes.Contains(out, []byte(c.word)) {
			t.Errorf("%s undeclared: charset %q (want %q), contains %q: %v, err %v", c.file, name, c.charset, c.word, bytes.Contains(out, []byte(c.word)), err)
		}
	}
}

func TestSniffDoesNotInventVietnamese(t *testing.T) {
	// Western and Cyrillic legacy text must not be taken for one of the
	// Vietnamese encodings, which map nearly every high byte to a letter.
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"french latin-1", encodeWith(t, charmap.ISO8859_1, textFR)},
		{"portuguese latin-1", encodeWith(t, charmap.ISO8859_1, "Não há informações sobre as inundações. As populações estão em segurança, disse o governo, e não há mortos. Ações de ajuda começarão amanhã; a região está sem eletricidade.")},
		{"german latin-1", encodeWith(t, charmap.ISO8859_1, "Die Überschwemmungen in der Provinz haben größere Schäden verursacht. Die Behörden empfehlen, das Trinkwasser abzukochen, und öffnen Notunterkünfte für Familien.")},
		{"russian koi8-r", encodeWith(t, charmap.KOI8R, textRU)},
		{"russian windows-1251", encodeWith(t, charmap.Windows1251, textRU)},
		{"english with symbols", encodeWith(t, charmap.Windows1252, strings.Repeat("Prices © 2024 – all rights reserved · Terms · Privacy « more » ", 20))},
	} {
		got := Detect(c.body, "", true)
		switch got {
		case "windows-1258", "viscii", "tcvn3":
			t.Errorf("%s sniffed as %s", c.name, got)
		}
	}
}

// TestVietnameseLetters checks VISCII and TCVN3 on every Vietnamese
// letter: the 134 precomposed ones outside ASCII (12 vowels × 6 tone forms,
// less the 6 plain ASCII vowels, plus đ; both cases) must each have their
// own byte, and decode back to themselves.
func TestVietnameseLetters(t *testing.T) {
	var letters []rune
	for _, base := range "aăâeêioôơuưy" {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"} {
			r := []rune(norm.NFC.String(string(base) + tone))
			if len(r) != 1 {
				t.Fatalf("%c%s does not compose", base, tone)
			}
			if r[0] >= utf8.RuneSelf {
				letters = append(letters, r[0])
			}
		}
	}
	letters = append(letters, 'đ')
	for _, r := range letters[:len(letters):len(letters)] {
		letters = append(letters, []rune(strings.ToUpper(string(r)))[0])
	}
	if len(letters) != 134 {
		t.Fatalf("built %d letters, want 134", len(letters))
	}
	for _, e := range []*singleByte{VISCII.(*singleByte), TCVN3.(*singleByte)} {
		t.Run(e.name, func(t *testing.T) {
			used := map[byte]rune{}
			for _, r := range letters {
				enc, err := e.NewEncoder().String(string(r))
				if err != nil || len(enc) != 1 {
					t.Errorf("%c (%U): encoded %q, %v", r, r, enc, err)
					continue
				}
				b := enc[0]
				if prev, dup := used[b]; dup {
					t.Errorf("%c and %c both encode to %#x", prev, r, b)
				}
				used[b] = r
				if dec, _ := e.NewDecoder().String(enc); dec != string(r) {
					t.Errorf("%c → %#x → %q", r, b, dec)
				}
			}
			if len(used) != 134 {
				t.Errorf("%d distinct bytes, want 134", len(used))
			}
			for b := range 256 {
				if r := e.decode[b]; b < 0x80 && r != rune(b) && used[byte(b)] == 0 {
					t.Errorf("byte %#x decodes to %U, neither ASCII nor a Vietnamese letter", b, r)
				}
			}
		})
	}
	if got, _ := VISCII.NewEncoder().String("Việt Nam"); got != "Vi\xaet Nam" {
		t.Errorf("VISCII(Việt Nam) = %q", got)
	}
	if _, err := VISCII.NewEncoder().String("€"); err == nil {
		t.Errorf("VISCII encoded €")
	}
	if got, _ := encoding.ReplaceUnsupported(VISCII.NewEncoder()).String("a€b"); got != "a?b" {
		t.Errorf("ReplaceUnsupported: %q", got)
	}
}

// TestTablesAgainstGlibc compares the hand-written tables with the GNU C
// library's charmaps when the system has them (Debian: package locales).
func TestTablesAgainstGlibc(t *testing.T) {
	for _, c := range []struct {
		file string
		e    *singleByte
	}{
		{"/usr/share/i18n/charmaps/VISCII.gz", VISCII.(*singleByte)},
		{"/usr/share/i18n/charmaps/TCVN5712-1.gz", TCVN3.(*singleByte)},
	} {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			m, err := readCharmap(c.file)
			if err != nil {
				t.Skipf("glibc charmap not available: %v", err)
			}
			for b := range 256 {
				if want, ok := m[byte(b)]; ok && want != c.e.decode[b] {
					t.Errorf("byte %#x: table %U, glibc %U", b, c.e.decode[b], want)
				}
			}
		})
	}
}

// BenchmarkDecodeHTML measures the common case (declared UTF-8) and the
// worst (an undeclared legacy page: every sniffer runs over 64 KiB).
func BenchmarkDecodeHTML(b *testing.B) {
	page := strings.Repeat("<p>"+textVI+"</p>\n", 200)
	for _, c := range []struct {
		name, contentType string
		body              []byte
	}{
		{"utf-8 declared", "text/html; charset=utf-8", []byte(page)},
		{"windows-1258 undeclared", "text/html", enc1258(b, page)},
		{"windows-1252 undeclared", "text/html", encodeWith(b, charmap.Windows1252, strings.Repeat("<p>"+textFR+"</p>\n", 300))},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if _, _, err := DecodeHTML(c.body, c.contentType); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
