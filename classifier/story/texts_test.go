package story

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/presswatch/presswatch/article"
)

// The texts below were written for these tests. Places are real, as in the
// demo site; the events, people and quotations are not.

// rumour is a false story of the kind an officer marks as misleading.
var rumour = struct {
	title string
	paras []string
}{
	title: "Khẩn cấp: Đập thủy điện Nậm Pấu có nguy cơ vỡ, người dân Mường Chà phải sơ tán ngay trong đêm",
	paras: []string{
		"Tối 14/9, nhiều người dân ở huyện Mường Chà, tỉnh Điện Biên hoảng hốt khi nhận được tin nhắn cho biết thân đập thủy điện Nậm Pấu đã xuất hiện vết nứt dài hàng chục mét và có thể vỡ bất cứ lúc nào.",
		"Theo nội dung lan truyền, sau ba ngày mưa lớn liên tục, mực nước trong hồ chứa đã vượt mức thiết kế gần hai mét. Ban quản lý nhà máy được cho là đã xả lũ khẩn cấp nhưng không kịp thông báo cho các bản ở hạ du.",
		"Một tài khoản tự xưng là kỹ sư làm việc tại công trình viết rằng toàn bộ các xã dọc suối Nậm Pấu cần di chuyển lên đồi cao trước nửa đêm, mang theo giấy tờ và lương thực cho ít nhất một tuần. Người này còn khẳng định chính quyền đang giấu thông tin để tránh gây hoang mang.",
		"Đi kèm bài viết là một đoạn video quay cảnh nước đục ngầu tràn qua mặt đập, cùng hình ảnh nhiều ngôi nhà bị ngập đến mái. Chỉ sau vài giờ, bài đăng đã thu hút hàng nghìn lượt chia sẻ trên các nhóm cộng đồng của huyện.",
		"Nhiều gia đình ở bản Huổi Lếch và bản Nậm Chua đã thu dọn đồ đạc, dắt trâu bò lên rẫy trong đêm. Một số cửa hàng tạp hóa ở trung tâm huyện hết sạch mì tôm, nước uống và đèn pin chỉ trong vòng một giờ.",
		"Bài viết kết thúc bằng lời kêu gọi mọi người chia sẻ ngay cho người thân đang sống ở vùng hạ du, vì “mỗi phút chậm trễ có thể phải trả giá bằng tính mạng”. Đến sáng hôm sau, nhiều trang cá nhân vẫn tiếp tục đăng lại nội dung này.",
	},
}

// rumourCopy is the rumour re-posted on another site: another headline, two
// paragraphs swapped, a sentence added, tone marks removed and the site's
// tracking footer appended.
func rumourCopy() (title, text string) {
	p := append([]string(nil), rumour.paras...)
	p[3], p[4] = p[4], p[3]
	p[1] += " Hiện chưa rõ thực hư thông tin này ra sao, nhưng nhiều người đã rất lo lắng."
	text = stripTones(strings.Join(p, "\n\n")) +
		"\n\nNguồn: tổng hợp từ mạng xã hội. Theo dõi trang để cập nhật tin nóng 24h mỗi ngày. " +
		"Chia sẻ bài viết: https://tinnong24h.example/share?u=dap-nam-pau&utm_source=facebook&utm_medium=social&fbclid=IwAR0xyz"
	return "NÓNG: Thủy điện Nậm Pấu sắp vỡ đập, dân Mường Chà sơ tán khẩn trong đêm", text
}

// rumourExcerpt is an aggregator's teaser: the first two paragraphs of the
// rumour and a link to read on.
func rumourExcerpt() (title, text string) {
	return "Đập thủy điện Nậm Pấu nứt, dân hoảng loạn trong đêm",
		strings.Join(rumour.paras[:2], "\n\n") + "\n\nXem tiếp bài viết tại nguồn để biết thêm chi tiết."
}

// rebuttal is the official answer; it quotes the rumour's first sentence.
var rebuttal = struct {
	title string
	paras []string
}{
	title: "Điện Biên bác bỏ tin đồn đập thủy điện Nậm Pấu có nguy cơ vỡ",
	paras: []string{
		"Sáng 15/9, UBND huyện Mường Chà khẳng định thông tin lan truyền trên mạng xã hội về việc đập thủy điện Nậm Pấu có nguy cơ vỡ là hoàn toàn sai sự thật.",
		"Trước đó, một số tài khoản Facebook đăng bài viết có đoạn: “" + rumour.paras[0] + "” Bài viết nhanh chóng được chia sẻ trong nhiều nhóm cộng đồng.",
		"Ngay trong đêm, đoàn công tác gồm lãnh đạo huyện, Sở Công Thương và Công ty cổ phần Thủy điện Nậm Pấu đã kiểm tra toàn bộ thân đập, cửa xả và hệ thống quan trắc. Kết quả cho thấy công trình vận hành bình thường, không có vết nứt hay hiện tượng thấm bất thường.",
		"Ông Vàng A Dơ, Phó Chủ tịch UBND huyện Mường Chà, cho biết mực nước hồ chứa lúc 6 giờ sáng nay thấp hơn mực nước dâng bình thường khoảng 3,5 mét. Nhà máy chỉ điều tiết nước qua tổ máy phát điện, chưa phải mở cửa xả tràn.",
		"Đoạn video đính kèm bài đăng thực chất được quay tại một công trình thủy lợi ở tỉnh khác từ năm 2018, còn hình ảnh nhà ngập nước là cảnh lũ ở một địa phương miền Trung.",
		"Công an tỉnh Điện Biên đang xác minh các tài khoản đăng tải, chia sẻ thông tin sai sự thật để xử lý theo quy định. Chính quyền đề nghị người dân bình tĩnh, chỉ theo dõi thông tin từ các cơ quan chức năng và không chia sẻ các bài viết chưa được kiểm chứng.",
	},
}

// flood is an unrelated article on the same topic: a real flood in another
// province, with much of the rumour's vocabulary.
var flood = struct {
	title string
	paras []string
}{
	title: "Lai Châu: Lũ quét cuốn trôi 5 ngôi nhà, hàng chục hộ dân phải sơ tán",
	paras: []string{
		"Mưa lớn kéo dài từ chiều 13/9 đến rạng sáng 14/9 đã gây lũ quét tại xã Pa Vây Sử, huyện Phong Thổ, tỉnh Lai Châu, cuốn trôi 5 ngôi nhà và làm hư hỏng nặng nhiều đoạn đường liên bản.",
		"Theo báo cáo nhanh của Ban Chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn huyện, nước suối Nậm Lùm dâng cao hơn 3 mét chỉ trong vòng hai giờ. Rất may các gia đình đã kịp chạy ra ngoài trước khi lũ ập đến nên không có thương vong.",
		"Ngay sau khi nhận được tin báo, huyện đã điều động hơn 100 cán bộ, chiến sĩ công an, quân sự cùng đoàn viên thanh niên đến giúp dân di chuyển tài sản, dựng lán tạm và dọn bùn đất.",
		"Khoảng 40 hộ dân sống ven suối được đưa đến điểm trường tiểu học và nhà văn hóa bản để ở tạm. Chính quyền xã cấp phát gạo, nước uống, chăn màn và thuốc men cho các gia đình bị thiệt hại.",
		"Thống kê ban đầu, lũ quét còn làm ngập 12 ha lúa sắp thu hoạch, cuốn trôi hàng trăm con gia cầm và làm sạt lở nhiều điểm trên tỉnh lộ 132. Tổng thiệt hại ước tính khoảng 4 tỷ đồng.",
		"Đài Khí tượng thủy văn tỉnh Lai Châu cảnh báo trong 24 giờ tới, khu vực vẫn có mưa vừa, mưa to, nguy cơ xảy ra lũ quét, sạt lở đất tại các huyện vùng cao là rất lớn. Người dân không nên qua lại các ngầm tràn khi nước dâng.",
	},
}

// The landslide story: paragraphs that the outlets reuse from one another
// (as the provincial press does with agency copy), each article with its
// own lead and, for the second, its own wording of one paragraph.
var (
	slideLeads = []string{
		"Mưa lớn kéo dài nhiều ngày khiến taluy dương trên quốc lộ 12 đoạn qua thị xã Mường Lay bị sạt lở nghiêm trọng, giao thông bị chia cắt.",
		"Một vụ sạt lở đất quy mô lớn vừa xảy ra trên tuyến quốc lộ 12 nối thành phố Điện Biên Phủ với tỉnh Lai Châu trong đêm qua.",
		"Sau gần một ngày nỗ lực khắc phục, tuyến quốc lộ 12 bị đất đá vùi lấp ở Mường Lay đã được mở tạm một làn đường cho phương tiện nhỏ.",
		"Quốc lộ 12 đoạn qua xã Lay Nưa đã thông xe hoàn toàn sáng nay, sau hơn 30 giờ máy móc và công nhân làm việc liên tục.",
		"Dù quốc lộ 12 đã thông xe, cơ quan khí tượng vẫn cảnh báo mưa lớn và nguy cơ sạt lở tiếp diễn tại các huyện vùng cao của tỉnh.",
		"Một tuần sau vụ sạt lở trên quốc lộ 12, cuộc sống của người dân bản Na Ka dần trở lại bình thường, nhưng nỗi lo mùa mưa vẫn còn.",
	}
	slideParas = []string{
		"Khoảng 3 giờ sáng 12/10, hàng nghìn mét khối đất đá từ taluy dương bất ngờ đổ xuống quốc lộ 12 tại km 94, đoạn qua xã Lay Nưa, thị xã Mường Lay, tỉnh Điện Biên, vùi lấp hoàn toàn mặt đường trên chiều dài khoảng 60 mét.",
		"Thời điểm xảy ra sạt lở trời đang mưa to, không có phương tiện lưu thông qua khu vực nên không có thiệt hại về người. Tuy nhiên, nhiều cột điện hạ thế và đường ống dẫn nước sinh hoạt của bản Na Ka bị đất đá làm gãy, hư hỏng.",
		"Ông Lò Văn Tịnh, Chủ tịch UBND xã Lay Nưa, cho biết ngay trong đêm xã đã cử lực lượng dân quân túc trực ở hai đầu điểm sạt, đặt biển cảnh báo và hướng dẫn người dân không đi vào khu vực nguy hiểm.",
		"Sở Giao thông vận tải tỉnh Điện Biên đã huy động 4 máy xúc, 6 ô tô tải cùng hàng chục công nhân của đơn vị bảo trì đường bộ đến hiện trường để san gạt đất đá, phấn đấu thông xe trong thời gian sớm nhất.",
		"Trong thời gian khắc phục, các phương tiện từ thành phố Điện Biên Phủ đi Lai Châu được hướng dẫn đi theo quốc lộ 279 qua huyện Tuần Giáo, quãng đường dài thêm khoảng 40 km so với thông thường.",
		"Sáng cùng ngày, Phó Chủ tịch UBND tỉnh Điện Biên đã trực tiếp kiểm tra hiện trường, yêu cầu các đơn vị bảo đảm an toàn cho người và phương tiện, đồng thời rà soát toàn bộ các điểm có nguy cơ sạt lở trên tuyến.",
		"Đến 17 giờ chiều 12/10, lực lượng chức năng đã mở được một làn đường tạm cho xe máy và ô tô con qua lại. Xe tải trọng lớn và xe khách vẫn phải đi đường vòng qua huyện Tuần Giáo.",
		"Sáng 13/10, sau hơn 30 giờ thi công liên tục, tuyến quốc lộ 12 qua xã Lay Nưa đã thông xe hoàn toàn. Đơn vị thi công vẫn bố trí người và máy móc thường trực tại chỗ vì phía trên taluy còn nhiều vết nứt.",
		"Theo Đài Khí tượng thủy văn tỉnh Điện Biên, mưa vừa đến mưa to còn kéo dài đến hết ngày 15/10, nguy cơ sạt lở đất và lũ quét ở các huyện vùng cao là rất lớn. Người dân được khuyến cáo không dừng, đỗ xe dưới các taluy cao.",
		"Ngành điện và nước đã khôi phục việc cấp điện, cấp nước cho 42 hộ dân bản Na Ka. Thị xã Mường Lay cũng đề nghị tỉnh bố trí kinh phí gia cố lâu dài đoạn taluy này trước mùa mưa năm sau.",
	}
	// slideReworded is the second outlet's own wording of paragraph 3.
	slideReworded = "Theo ông Lò Văn Tịnh, Chủ tịch UBND xã Lay Nưa, ngay trong đêm xã đã cử dân quân túc trực ở hai đầu điểm sạt lở, cắm biển cảnh báo và hướng dẫn bà con không đi vào khu vực nguy hiểm."
)

var vnZone = time.FixedZone("ICT", 7*3600)

// slideDocs returns the five articles of the landslide story from four
// outlets over two days, in publication order, and a sixth, a recap a week
// later that reuses much of the last one.
func slideDocs(t testing.TB) (story []Doc, later Doc) {
	t.Helper()
	day1 := time.Date(2025, 10, 12, 0, 0, 0, 0, vnZone)
	type spec struct {
		source, site, slug, title string
		at                        time.Time
		paras                     []string
	}
	p := slideParas
	specs := []spec{
		{"baodienbienphu", "baodienbienphu.example", "sat-lo-nghiem-trong-quoc-lo-12", "Sạt lở nghiêm trọng trên quốc lộ 12 qua thị xã Mường Lay",
			day1.Add(11 * time.Hour), []string{slideLeads[0], p[0], p[1], p[2], p[3], p[4], p[5]}},
		{"vtv", "vtv.example", "dat-da-vui-lap-quoc-lo-12", "Điện Biên: Hàng nghìn mét khối đất đá vùi lấp quốc lộ 12",
			day1.Add(12*time.Hour + 30*time.Minute), []string{slideLeads[1], p[0], p[1], p[3], slideReworded, p[5], p[4]}},
		{"tienphong", "tienphong.example", "quoc-lo-12-mo-tam-mot-lan", "Quốc lộ 12 tạm thông một làn sau vụ sạt lở ở Mường Lay",
			day1.Add(19 * time.Hour), []string{slideLeads[2], p[1], p[2], p[3], p[4], p[5], p[6]}},
		{"vnexpress", "vnexpress.example", "quoc-lo-12-thong-xe", "Quốc lộ 12 thông xe sau hơn 30 giờ khắc phục sạt lở",
			day1.Add(33*time.Hour + 30*time.Minute), []string{slideLeads[3], p[2], p[3], p[4], p[5], p[6], p[7]}},
		{"baodienbienphu", "baodienbienphu.example", "canh-bao-mua-lon-sau-thong-xe", "Thông xe quốc lộ 12, Điện Biên cảnh báo tiếp tục mưa lớn",
			day1.Add(39 * time.Hour), []string{slideLeads[4], p[3], p[4], p[5], p[6], p[7], p[8]}},
	}
	mk := func(s spec) Doc {
		return newDoc(t, "https://"+s.site+"/"+s.slug+".html", s.title, strings.Join(s.paras, "\n\n"), s.source, s.site, s.at)
	}
	for _, s := range specs {
		story = append(story, mk(s))
	}
	later = mk(spec{"baodienbienphu", "baodienbienphu.example", "mot-tuan-sau-vu-sat-lo", "Một tuần sau vụ sạt lở quốc lộ 12: người dân bản Na Ka vẫn lo mùa mưa",
		day1.Add(7*24*time.Hour + 10*time.Hour), []string{slideLeads[5], p[4], p[5], p[6], p[7], p[8], p[9]}})
	return story, later
}

// misleadingDocs returns the rumour, its copy, its excerpt, the rebuttal and
// the unrelated flood article.
func misleadingDocs(t testing.TB) (orig, cp, excerpt, reb, unrelated Doc) {
	t.Helper()
	at := time.Date(2025, 9, 14, 21, 0, 0, 0, vnZone)
	orig = newDoc(t, "https://tinmientay.example/dap-nam-pau-co-nguy-co-vo", rumour.title, strings.Join(rumour.paras, "\n\n"), "tinmientay", "tinmientay.example", at)
	ct, cx := rumourCopy()
	cp = newDoc(t, "https://tinnong24h.example/thuy-dien-nam-pau-sap-vo-dap.html", ct, cx, "tinnong24h", "tinnong24h.example", at.Add(3*time.Hour))
	et, ex := rumourExcerpt()
	excerpt = newDoc(t, "https://docbao.example/a/98231", et, ex, "docbao", "docbao.example", at.Add(5*time.Hour))
	reb = newDoc(t, "https://dienbien.gov.example/tin-tuc/bac-bo-tin-don-dap-nam-pau", rebuttal.title, strings.Join(rebuttal.paras, "\n\n"), "dienbien-gov", "dienbien.gov.example", at.Add(12*time.Hour))
	unrelated = newDoc(t, "https://baolaichau.example/lu-quet-pa-vay-su", flood.title, strings.Join(flood.paras, "\n\n"), "baolaichau", "baolaichau.example", at.Add(-2*time.Hour))
	return orig, cp, excerpt, reb, unrelated
}

func newDoc(t testing.TB, url, title, text, source, site string, at time.Time) Doc {
	t.Helper()
	id, _, err := article.IDFromURL(url)
	if err != nil {
		t.Fatalf("article id of %s: %v", url, err)
	}
	return Doc{ID: id, URL: url, Title: title, Text: text, Source: source, Site: site, Published: at}
}

// stripTones removes Vietnamese diacritics as a careless re-poster (or an
// old keyboard) would: the letters stay, case stays, đ becomes d.
func stripTones(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case r == 'Đ':
			r = 'D'
		}
		b.WriteRune(r)
	}
	return b.String()
}
