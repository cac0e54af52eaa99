package query

import (
	"testing"

	"github.com/presswatch/presswatch/textnorm"
)

// benchText is about 3 KB of Vietnamese news prose written for this
// benchmark, in the register of a provincial flood report, with both tone
// placements as real pages mix them.
const benchText = `Đêm 12/9, mưa lớn kéo dài trên địa bàn huyện Mường Chà, tỉnh Điện Biên đã gây lũ quét và sạt lở đất tại nhiều xã vùng cao. ` +
	`Theo báo cáo nhanh của Ban Chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn huyện, lũ quét đã cuốn trôi 5 căn nhà tại bản Huổi Lèng, ` +
	`làm hư hỏng nặng 12 căn nhà khác và gây ngập úng hơn 30 ha lúa, hoa màu của người dân. Rất may không có thiệt hại về người. ` +
	`Ngay trong đêm, chính quyền xã đã huy động lực lượng công an, quân sự, dân quân tự vệ cùng người dân di dời 47 hộ ra khỏi khu vực nguy hiểm. ` +
	`Ông Nguyễn Văn Hòa, Chủ tịch UBND xã Huổi Lèng, cho biết tuyến đường liên xã bị sạt lở tại ba điểm, giao thông bị chia cắt hoàn toàn. ` +
	`Các hộ dân bị ảnh hưởng được bố trí ở tạm tại nhà văn hoá bản và trường tiểu học, được hỗ trợ lương thực, nước uống và thuốc men. ` +
	`Sáng 13/9, lãnh đạo UBND tỉnh Điện Biên đã đến kiểm tra hiện trường, thăm hỏi, động viên các gia đình bị thiệt hại. ` +
	`Phó Chủ tịch UBND tỉnh yêu cầu các sở, ngành liên quan khẩn trương khắc phục hậu quả, sớm thông tuyến đường, bảo đảm an toàn cho người dân. ` +
	`Sở Nông nghiệp và Môi trường được giao phối hợp với huyện rà soát các khu dân cư có nguy cơ cao, lập phương án di dời lâu dài. ` +
	`Trung tâm Khí tượng thủy văn tỉnh dự báo trong 24 giờ tới, khu vực vẫn có mưa vừa, mưa to, nguy cơ lũ quét, sạt lở đất ở các huyện vùng núi. ` +
	`Người dân được khuyến cáo không qua lại ngầm, tràn khi nước chảy xiết, không vớt củi trên sông suối. ` +
	`Thuỷ điện Hoà Bình và các hồ chứa thượng nguồn đang vận hành điều tiết, xả lũ theo quy trình, thông báo trước cho chính quyền vùng hạ du. ` +
	`Trên mạng xã hội, một số tài khoản lan truyền thông tin chưa kiểm chứng rằng vỡ đập thủy điện ở Mường Chà khiến hàng chục người mất tích. ` +
	`Sở Thông tin và Truyền thông khẳng định đây là tin giả, đề nghị người dân chỉ theo dõi thông tin chính thức từ cơ quan chức năng. ` +
	`Công an tỉnh đang xác minh, làm rõ các tài khoản đăng tải thông tin sai sự thật để xử lý theo quy định của pháp luật. ` +
	`Đến chiều 13/9, lực lượng chức năng đã thông tạm một làn đường, các phương tiện nhỏ có thể lưu thông, các đội cứu hộ tiếp tục dọn bùn đất. ` +
	`Tổng thiệt hại ban đầu ước tính khoảng 4,5 tỷ đồng; huyện đề nghị tỉnh hỗ trợ kinh phí khắc phục hậu quả và ổn định đời sống người dân.`

func BenchmarkParse(b *testing.B) {
	const q = `(title:("lũ quét" OR "sạt lở") OR @disaster) NEAR/5 @province NOT label:crisis ` +
		`AND (thiệt* OR ="cuốn trôi") lang:vi`
	for b.Loop() {
		if _, err := Parse(q, testOpts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEval matches a five-term query against a 3 KB text. "fresh"
// builds a new Document each time, so tokenising is included, as for the
// first rule evaluated on an article; "cached" reuses one, as for every
// later rule; "near" adds proximity. "tokenize" is textnorm.Tokenize alone,
// the floor under "fresh".
func BenchmarkEval(b *testing.B) {
	queries := map[string]string{
		"terms": `"lũ quét" sạt* =thủy Điện "tin giả"`,
		"near":  `("lũ quét" OR "sạt lở") NEAR/5 @province "tin giả" ONEAR/10 "chính thức"`,
	}
	text := map[string]string{FieldTitle: "Lũ quét ở Mường Chà: 5 nhà bị cuốn trôi", FieldText: benchText}
	b.Logf("text: %d bytes", len(benchText))
	b.Run("tokenize", func(b *testing.B) {
		b.SetBytes(int64(len(benchText)))
		for b.Loop() {
			textnorm.Tokenize(benchText)
		}
	})
	for _, name := range []string{"terms", "near"} {
		n, err := Parse(queries[name], testOpts)
		if err != nil {
			b.Fatal(err)
		}
		if !Eval(n, &Document{Text: text}) {
			b.Fatalf("%s does not match the benchmark text", queries[name])
		}
		b.Run(name+"/fresh", func(b *testing.B) {
			b.SetBytes(int64(len(benchText)))
			for b.Loop() {
				Eval(n, &Document{Text: text})
			}
		})
		b.Run(name+"/cached", func(b *testing.B) {
			d := &Document{Text: text}
			for b.Loop() {
				Eval(n, d)
			}
		})
	}
}
