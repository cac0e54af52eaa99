package extract

import (
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/presswatch/presswatch/internal/heavytest"
	"github.com/presswatch/presswatch/textnorm"
)

// testNow is the clock of the tests' extractor: publication dates after it
// (plus a day) are refused.
var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func newTestExtractor(t testing.TB) *Extractor {
	t.Helper()
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	e.now = func() time.Time { return testNow }
	return e
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// checkResult checks what every successful result must satisfy.
func checkResult(t testing.TB, res *Result) {
	t.Helper()
	for name, s := range map[string]string{"title": res.Title, "byline": res.Byline, "text": res.Text, "description": res.Description, "site": res.SiteName} {
		if !utf8.ValidString(s) || textnorm.Normalize(s) != s {
			t.Errorf("%s is not normalised UTF-8: %+q", name, s)
		}
		if strings.TrimSpace(s) != s {
			t.Errorf("%s has surrounding space: %q", name, s)
		}
	}
	for i, line := range strings.Split(res.Text, "\n") {
		if line == "" || strings.TrimSpace(line) != line || strings.Contains(line, "  ") {
			t.Errorf("text line %d is empty or badly spaced: %q", i, line)
		}
	}
	if len(res.Text) > maxTextBytes {
		t.Errorf("text has %d bytes, more than %d", len(res.Text), maxTextBytes)
	}
	for name, u := range map[string]string{"canonical": res.Canonical, "image": res.Image} {
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			t.Errorf("%s %q is not an absolute http(s) URL", name, u)
		}
	}
	if len(res.Tags) > maxTags {
		t.Errorf("%d tags", len(res.Tags))
	}
}

func TestExtractVietnameseArticle(t *testing.T) {
	page, err := os.ReadFile("testdata/vi-article.html")
	if err != nil {
		t.Fatal(err)
	}
	e := newTestExtractor(t)
	res, err := e.Extract(string(page), mustURL(t, "https://baotintinh.example.vn/xa-hoi/mua-lon-gay-sat-lo-o-quang-tri-4731.html?utm_source=facebook"))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	ict := time.FixedZone("ICT", 7*3600)
	for _, f := range []struct{ field, got, want string }{
		{"Title", res.Title, "Mưa lớn gây sạt lở ở Quảng Trị, hàng trăm hộ dân phải sơ tán"},
		{"Byline", res.Byline, "Nguyễn Văn An"},
		{"Lang", res.Lang, "vi"},
		// <link rel=canonical> wins over og:url and is resolved against the page.
		{"Canonical", res.Canonical, "https://baotintinh.example.vn/xa-hoi/mua-lon-gay-sat-lo-o-quang-tri-4731.html"},
		{"Image", res.Image, "https://baotintinh.example.vn/images/2024/05/sat-lo-qt.jpg"},
		{"SiteName", res.SiteName, "Báo Tin Tỉnh"},
		{"Description", res.Description, "Mưa lớn kéo dài từ đêm 16/5 khiến nhiều điểm trên quốc lộ 9 bị sạt lở, chính quyền huyện Đakrông đã sơ tán 312 hộ dân đến nơi an toàn."},
		{"Published", res.Published.Format(time.RFC3339), time.Date(2024, 5, 17, 8, 30, 0, 0, ict).Format(time.RFC3339)},
		{"Tags", strings.Join(res.Tags, "|"), "mưa lớn|sạt lở|Quảng Trị|sơ tán"},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.field, f.got, f.want)
		}
	}
	if !res.Published.Equal(time.Date(2024, 5, 17, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("Published = %v, want 2024-05-17 01:30 UTC", res.Published)
	}

	lines := strings.Split(res.Text, "\n")
	// The sapo sits outside the body's container; it comes first.
	if want := "Mưa lớn kéo dài từ đêm 16/5 khiến nhiều điểm trên quốc lộ 9 bị sạt lở"; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line = %q, want the sapo", lines[0])
	}
	for _, want := range []string{
		// Links and bold text inside a paragraph keep their spacing.
		"cứu nạn tỉnh Quảng Trị, lượng mưa đo được",
		"gây ách tắc giao thông trên quốc lộ 9 từ 5 giờ sáng.",
		"huyện đã sơ tán 312 hộ với hơn 1.100 nhân khẩu",
		"người dân không nên qua lại các ngầm tràn khi nước lên.",
		"chủ động phương án di dời dân khi cần thiết.",
	} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	for _, junk := range []string{
		"Thời sự", "Quảng cáo", "Trang chủ", "Chia sẻ Facebook", "Tin liên quan",
		"Lũ quét ở Hướng Hóa", "Vay tiền nhanh", "Bình luận", "Mong bà con",
		"làm kè kiên cố", "Giấy phép", "Liên hệ", "Nguyễn Văn An",
	} {
		if strings.Contains(res.Text, junk) {
			t.Errorf("text holds %q from outside the article:\n%s", junk, res.Text)
		}
	}
	if strings.Count(res.Text, "Mưa lớn gây sạt lở ở Quảng Trị") != 0 {
		t.Errorf("the headline is repeated in the text:\n%s", res.Text)
	}
	if len(lines) != 6 {
		t.Errorf("%d paragraphs, want 6 (sapo and five body paragraphs):\n%s", len(lines), res.Text)
	}
}

// articlePage builds a small article page around body paragraphs.
func articlePage(htmlAttrs, head, paragraphs string) string {
	return `<!DOCTYPE html><html` + htmlAttrs + `><head><meta charset="utf-8">` + head + `</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Headline of the test article</h1><div class="content">` + paragraphs + `</div></article>
<footer><p>Copyright Example Press. All rights reserved.</p></footer></body></html>`
}

const (
	viParagraphs = `<p>Chiều 17/5, UBND tỉnh Quảng Trị tổ chức họp báo thông tin về tình hình kinh tế - xã hội bốn tháng đầu năm và các giải pháp trọng tâm trong thời gian tới.</p>
<p>Theo báo cáo, tổng thu ngân sách trên địa bàn ước đạt hơn 1.500 tỷ đồng, tăng 12% so với cùng kỳ năm trước; giải ngân vốn đầu tư công đạt 28% kế hoạch.</p>
<p>Lãnh đạo tỉnh yêu cầu các sở, ngành đẩy nhanh tiến độ giải phóng mặt bằng các dự án trọng điểm và kịp thời giải đáp những vấn đề người dân quan tâm.</p>`
	enParagraphs = `<p>The provincial government said on Friday that repairs to the damaged section of the national highway would be completed before the end of the month.</p>
<p>Officials told reporters that more than three hundred families had been moved to schools and community halls while engineers assessed the risk of further landslides.</p>
<p>Residents were advised not to cross flooded fords and to follow the instructions of local authorities until the heavy rain had passed.</p>`
	frParagraphs = `<p>Les autorités provinciales ont annoncé vendredi que les travaux de réparation de la route nationale endommagée seraient terminés avant la fin du mois.</p>
<p>Plus de trois cents familles ont été relogées dans des écoles et des salles communales pendant que les ingénieurs évaluaient le risque de nouveaux glissements de terrain.</p>
<p>Les habitants ont été invités à ne pas traverser les gués inondés et à suivre les consignes des autorités locales jusqu'à la fin des fortes pluies.</p>`
)

func TestExtractLanguage(t *testing.T) {
	e := newTestExtractor(t)
	tests := []struct {
		name, htmlAttrs, head, body, want string
	}{
		{"declared and written in vietnamese", ` lang="vi"`, "", viParagraphs, "vi"},
		{"declared with a region", ` lang="en-US"`, "", enParagraphs, "en"},
		{"content-language meta", "", `<meta http-equiv="Content-Language" content="fr">`, frParagraphs, "fr"},
		{"nothing declared", "", "", frParagraphs, "fr"},
		// A template's lang="en" on a Vietnamese site: the text decides.
		{"wrong declaration is overruled by the text", ` lang="en"`, "", viParagraphs, "vi"},
		{"declared language outside the candidates", ` lang="de"`, "", enParagraphs, "en"},
		{"garbage declaration", ` lang="123"`, "", viParagraphs, "vi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Extract(articlePage(tt.htmlAttrs, tt.head, tt.body), mustURL(t, "https://example.com/news/a.html"))
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res)
			if res.Lang != tt.want {
				t.Errorf("Lang = %q, want %q", res.Lang, tt.want)
			}
		})
	}
}

func TestExtractPublished(t *testing.T) {
	e := newTestExtractor(t)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name, head, url string
		want            time.Time
	}{
		{"metadata", `<meta property="article:published_time" content="2024-05-10T07:00:00Z">`, "https://example.vn/tin/2024/03/09/bai.html", time.Date(2024, 5, 10, 7, 0, 0, 0, time.UTC)},
		{"from the URL path", "", "https://example.vn/tin/2024/03/09/bai-viet.html", day(2024, 3, 9)},
		{"from a Dan Tri style URL", "", "https://example.vn/xa-hoi/mua-lon-20240517083012345.htm", day(2024, 5, 17)},
		{"future metadata falls back to the URL", `<meta property="article:published_time" content="2031-01-01T00:00:00Z">`, "https://example.vn/2024-04-02/bai.html", day(2024, 4, 2)},
		{"no date anywhere", "", "https://example.vn/xa-hoi/mua-lon-4731.html", time.Time{}},
		{"no URL", "", "", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Extract(articlePage(` lang="vi"`, tt.head, viParagraphs), mustURL(t, tt.url))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Published.Equal(tt.want) {
				t.Errorf("Published = %v, want %v", res.Published, tt.want)
			}
		})
	}
}

func TestDateFromURL(t *testing.T) {
	latest := testNow.Add(maxFuture)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		url  string
		want time.Time
	}{
		{"https://a.vn/2024/05/17/slug.html", day(2024, 5, 17)},
		{"https://a.vn/news/2024-05-17/slug", day(2024, 5, 17)},
		{"https://a.vn/news/2024/05/17", day(2024, 5, 17)},
		{"https://a.vn/slug-20240517.html", day(2024, 5, 17)},
		{"https://a.vn/slug_202405170830.html", day(2024, 5, 17)},
		{"https://a.vn/slug-20240517083012.htm", day(2024, 5, 17)},
		{"https://a.vn/slug-20240517083012345.htm", day(2024, 5, 17)},
		{"https://a.vn/20240517/slug", day(2024, 5, 17)},
		{"https://a.vn/2024/02/30/slug", time.Time{}},                  // no such day
		{"https://a.vn/2024/13/01/slug", time.Time{}},                  // no such month
		{"https://a.vn/1994/05/17/slug", time.Time{}},                  // before 1995
		{"https://a.vn/2031/05/17/slug", time.Time{}},                  // in the future
		{"https://a.vn/slug-4731.html", time.Time{}},                   // an ID, not a date
		{"https://a.vn/slug-12345678.html", time.Time{}},               // eight digits, not a date
		{"https://a.vn/slug-2024051708.html", time.Time{}},             // ten digits: neither date nor date and time
		{"https://a.vn/slug2024-05-17x", time.Time{}},                  // not delimited
		{"https://a.vn/a/12024/05/17/slug", time.Time{}},               // year inside a longer number
		{"https://a.vn/?d=2024/05/17", time.Time{}},                    // query, not path
		{"https://a.vn/2023/11/02/then/2024/05/17/", day(2023, 11, 2)}, // the first date
	}
	for _, tt := range tests {
		if got := dateFromURL(mustURL(t, tt.url), latest); !got.Equal(tt.want) {
			t.Errorf("dateFromURL(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
	if got := dateFromURL(nil, latest); !got.IsZero() {
		t.Errorf("dateFromURL(nil) = %v", got)
	}
}

func TestExtractCanonical(t *testing.T) {
	e := newTestExtractor(t)
	tests := []struct {
		name, head, pageURL, want string
	}{
		{"relative canonical", `<link rel="canonical" href="/news/a.html">`, "https://example.com/news/a.html?utm_source=x", "https://example.com/news/a.html"},
		{"canonical among other rel tokens, any case", `<link rel="Canonical nofollow" href="https://example.com/x">`, "https://example.com/y", "https://example.com/x"},
		{"og:url when no canonical", `<meta property="og:url" content="https://example.com/og">`, "https://example.com/y", "https://example.com/og"},
		{"canonical before og:url", `<meta property="og:url" content="https://example.com/og"><link rel="canonical" href="https://example.com/c">`, "https://example.com/y", "https://example.com/c"},
		{"javascript canonical refused, og:url used", `<link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="https://example.com/og">`, "https://example.com/y", "https://example.com/og"},
		{"ftp refused", `<link rel="canonical" href="ftp://example.com/a">`, "https://example.com/y", ""},
		{"relative without a page URL", `<link rel="canonical" href="/news/a.html">`, "", ""},
		{"absolute without a page URL", `<link rel="canonical" href="http://example.com/a">`, "", "http://example.com/a"},
		{"none", "", "https://example.com/y", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Extract(articlePage("", tt.head, enParagraphs), mustURL(t, tt.pageURL))
			if err != nil {
				t.Fatal(err)
			}
			if res.Canonical != tt.want {
				t.Errorf("Canonical = %q, want %q", res.Canonical, tt.want)
			}
		})
	}
}

func TestExtractKeepsWordsAcrossInlineMarkup(t *testing.T) {
	e := newTestExtractor(t)
	body := `<p>Tại <a href="/tag/quang-tri">Quảng Trị</a>, mưa lớn kéo dài gây <b>sạt lở</b> nghiêm trọng trên <em>quốc lộ 9</em>; Tỉnh đã chỉ đạo khắc phục ngay trong đêm để bảo đảm giao thông thông suốt.</p>
<p>Một chữ <span class="dropcap">Đ</span>ặc biệt và từ ghép Not<span>fall</span>daten vẫn giữ nguyên, còn <a href="/a">liên kết</a><a href="/b">liền nhau</a> cũng vậy, theo thông báo của cơ quan chức năng địa phương.</p>
<p>Trung tâm Khí tượng Thủy văn tỉnh dự báo mưa còn kéo dài đến hết ngày 18/5, người dân không nên qua lại các ngầm tràn khi nước lên cao.</p>`
	res, err := e.Extract(articlePage(` lang="vi"`, "", body), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Tại Quảng Trị, mưa lớn kéo dài gây sạt lở nghiêm trọng trên quốc lộ 9; Tỉnh",
		"Một chữ Đặc biệt và từ ghép Notfalldaten vẫn giữ nguyên, còn liên kếtliền nhau cũng vậy",
	} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, res.Text)
		}
	}
}

func TestExtractNoArticle(t *testing.T) {
	e := newTestExtractor(t)
	frontPage := `<!DOCTYPE html><html lang="vi"><head><title>Báo Tin Tỉnh - Tin tức Quảng Trị</title></head><body>
<nav><ul><li><a href="/thoi-su">Thời sự</a></li><li><a href="/kinh-te">Kinh tế</a></li><li><a href="/xa-hoi">Xã hội</a></li></ul></nav>
<div class="home">
<div class="item"><a href="/a-1.html">Mưa lớn gây sạt lở ở Quảng Trị, hàng trăm hộ dân phải sơ tán</a></div>
<div class="item"><a href="/a-2.html">Lũ quét ở Hướng Hóa cuốn trôi 3 ngôi nhà, chính quyền khẩn trương khắc phục</a></div>
<div class="item"><a href="/a-3.html">Giá lúa tăng mạnh sau đợt mưa trái mùa, nông dân phấn khởi</a></div>
<div class="item"><a href="/a-4.html">Khai mạc lễ hội thống nhất non sông với nhiều hoạt động đặc sắc</a></div>
</div>
<footer><p>Báo Tin Tỉnh. Giấy phép số 123/GP-BTTTT.</p></footer></body></html>`
	tests := []struct {
		name, page, title string
	}{
		{"front page of teaser links", frontPage, "Báo Tin Tỉnh"},
		{"application shell", `<html><head><title>App</title><script>var a = "Lorem ipsum dolor sit amet, a script, not text";</script></head><body><div id="root"></div><script src="/app.js"></script><noscript>You need to enable JavaScript to run this app.</noscript></body></html>`, "App"},
		{"video page with a title only", `<html><head><meta property="og:title" content="Toàn cảnh lũ lụt miền Trung"></head><body><h1>Toàn cảnh lũ lụt miền Trung</h1><video src="/v.mp4"></video></body></html>`, "Toàn cảnh lũ lụt miền Trung"},
		{"empty document", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Extract(tt.page, mustURL(t, "https://baotintinh.example.vn/"))
			if !errors.Is(err, ErrNoContent) {
				t.Fatalf("err = %v, want ErrNoContent", err)
			}
			if res == nil {
				t.Fatal("no result with ErrNoContent: the metadata is lost")
			}
			if res.Text != "" || res.Method != "" {
				t.Errorf("Text = %q, Method = %q; want both empty", res.Text, res.Method)
			}
			if res.Title != tt.title {
				t.Errorf("Title = %q, want %q", res.Title, tt.title)
			}
		})
	}
}

func TestExtractUnclosedLinkIsNotALinkList(t *testing.T) {
	e := newTestExtractor(t)
	// The parser carries the unclosed <a> into every paragraph that
	// follows: the article's text sits inside links, yet it is no list.
	body := `<p>Chi tiết xem <a href="/van-ban.pdf">tại văn bản này.</p>` + viParagraphs
	res, err := e.Extract(articlePage(` lang="vi"`, "", body), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Text, "giải ngân vốn đầu tư công đạt 28% kế hoạch") {
		t.Errorf("article text lost:\n%s", res.Text)
	}
}

// TestExtractHostile feeds pages built to exhaust a naive extractor. Each
// must come back (the test binary's timeout bounds the time) with a result
// within the limits, and with the article text when there is one.
func TestExtractHostile(t *testing.T) {
	heavytest.WithoutRace(t)
	e := newTestExtractor(t)
	para := "<p>" + strings.Repeat("Mưa lớn kéo dài khiến nhiều tuyến đường bị ngập sâu. ", 5) + "</p>"
	const sentence = "Mưa lớn kéo dài khiến nhiều tuyến đường bị ngập sâu."
	tests := []struct {
		name, page string
		hasText    bool
	}{
		{"100,000 nested divs", "<html><body>" + strings.Repeat("<div>", 100_000) + para + strings.Repeat("</div>", 100_000), true},
		{"10,000 unclosed font tags", "<html><body>" + strings.Repeat("<font>Mưa lớn ", 10_000) + para, true},
		{"megabyte attributes", `<html><body><div class="` + strings.Repeat("a ", 500_000) + `" data-x="` + strings.Repeat("x", 1<<20) + `">` + strings.Repeat(para, 5) + "</div>", true},
		{"200,000 paragraphs (70 MB)", "<html><body>" + strings.Repeat(para, 200_000), true},
		{"200,000 spans in one paragraph", "<html><body><p>" + strings.Repeat("<span>từ</span> ", 200_000) + "</p>" + para, false},
		{"50,000 table rows", "<html><body><table>" + strings.Repeat("<tr><td>Mưa lớn</td><td>kéo dài</td></tr>", 50_000) + "</table>", false},
		{"script only (3 MB)", "<html><head><script>" + strings.Repeat("var x = 'Mưa lớn kéo dài';\n", 100_000) + "</script></head><body></body></html>", false},
		{"NUL bytes and invalid UTF-8", "<html><body>\x00\xff\xfe" + strings.Repeat(para, 3) + "\x00</body></html>", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Extract(tt.page, mustURL(t, "https://example.vn/a.html"))
			if err != nil && !errors.Is(err, ErrNoContent) {
				t.Fatal(err)
			}
			if res == nil {
				t.Fatal("nil result")
			}
			if err == nil {
				checkResult(t, res)
			}
			if tt.hasText && !strings.Contains(res.Text, sentence) {
				t.Errorf("text lacks the article's sentence (err %v): %.200q", err, res.Text)
			}
		})
	}
}

func TestExtractConcurrently(t *testing.T) {
	page, err := os.ReadFile("testdata/vi-article.html")
	if err != nil {
		t.Fatal(err)
	}
	e := newTestExtractor(t)
	want, err := e.Extract(string(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			got, err := e.Extract(string(page), nil)
			switch {
			case err != nil:
				errs <- err
			case got.Text != want.Text || got.Lang != want.Lang:
				errs <- errors.New("concurrent extraction differs")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCombine(t *testing.T) {
	body := []string{
		"The provincial government said on Friday that repairs to the highway would be completed soon.",
		"Officials told reporters that more than three hundred families had been moved to schools.",
		"Residents were advised not to cross flooded fords until the heavy rain had passed.",
	}
	junk := "Subscribe to our newsletter to get the top headlines delivered every morning"
	long := strings.Repeat("Readability alone found this paragraph of the article text. ", 6)
	tests := []struct {
		name, t, r, want, method string
	}{
		{"agreement drops what only trafilatura kept",
			body[0] + "\n" + junk + "\n" + body[1] + "\n" + body[2], strings.Join(body, "\n"),
			strings.Join(body, "\n"), methodCombined},
		{"agreement keeps short lines readability also has",
			"Damage\n" + strings.Join(body, "\n"), "Damage\n" + strings.Join(body, "\n"),
			"Damage\n" + strings.Join(body, "\n"), methodTrafilatura},
		{"a short line readability lacks goes",
			"Advertisement\n" + strings.Join(body, "\n"), strings.Join(body, "\n"),
			strings.Join(body, "\n"), methodCombined},
		{"disagreement keeps trafilatura's text",
			strings.Join(body, "\n"), junk + "\n" + long,
			strings.Join(body, "\n"), methodTrafilatura},
		{"no readability text", strings.Join(body, "\n"), "", strings.Join(body, "\n"), methodTrafilatura},
		{"only readability, long enough", "", long, long, methodReadability},
		{"only readability, too short", "", body[0], "", ""},
		{"nothing", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, method := combine(tt.t, tt.r)
			if got != tt.want || method != tt.method {
				t.Errorf("combine = %q, %q; want %q, %q", got, method, tt.want, tt.method)
			}
		})
	}
}

func TestDropTitle(t *testing.T) {
	const title = "Mưa lớn gây sạt lở ở Quảng Trị"
	tests := []struct {
		name, text, want string
	}{
		{"title first", title + "\nĐoạn một.\nĐoạn hai.", "Đoạn một.\nĐoạn hai."},
		{"title after a kicker, other case and tone style", "THỜI SỰ\nMƯA LỚN GÂY SẠT LỞ Ở QUẢNG TRỊ!\nĐoạn một.", "THỜI SỰ\nĐoạn một."},
		{"title with a site name", title + " - Báo Tin Tỉnh\nĐoạn một.", "Đoạn một."},
		{"title too deep in the text stays", "a\nb\nc\n" + title + "\nd", "a\nb\nc\n" + title + "\nd"},
		{"a paragraph that starts like the title stays", title + " khiến hàng trăm hộ dân phải sơ tán trong đêm qua.\nĐoạn một.", title + " khiến hàng trăm hộ dân phải sơ tán trong đêm qua.\nĐoạn một."},
		{"only the title", title, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dropTitle(tt.text, title); got != tt.want {
				t.Errorf("dropTitle = %q, want %q", got, tt.want)
			}
		})
	}
	if got := dropTitle("a\nb", ""); got != "a\nb" {
		t.Errorf("dropTitle with no title = %q", got)
	}
}

func TestFlattenKeepsTextAndBoundsDepth(t *testing.T) {
	page := strings.Repeat("<div><b>", 1000) + "text<br>more" + strings.Repeat("</b></div>", 1000)
	got := flatten(page, 10)
	if strings.Count(got, "<div>")+strings.Count(got, "<b>") != 10 || strings.Count(got, "</div>")+strings.Count(got, "</b>") != 10 {
		t.Errorf("flatten kept %d start and %d end tags, want 10 each", strings.Count(got, "<div>")+strings.Count(got, "<b>"), strings.Count(got, "</div>")+strings.Count(got, "</b>"))
	}
	if !strings.Contains(got, "text<br>more") {
		t.Errorf("flatten lost text or void elements: %.100q", got)
	}
}
