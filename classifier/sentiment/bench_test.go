package sentiment

import (
	"testing"

	"github.com/presswatch/presswatch/textnorm"
)

// floodReport is a news-like Vietnamese report of about 3 KB, written for
// this benchmark.
const floodReport = `Chiều 12/10, Ban Chỉ huy Phòng chống thiên tai và Tìm kiếm cứu nạn tỉnh cho biết mưa lớn kéo dài ba ngày qua đã gây ngập lụt trên diện rộng tại 5 huyện miền núi. Nhiều tuyến đường liên xã bị sạt lở, giao thông bị chia cắt, hơn 1.200 hộ dân phải sơ tán đến nơi an toàn.
Theo báo cáo ban đầu, lũ quét đã cuốn trôi 14 ngôi nhà, làm hư hỏng hàng trăm héc-ta lúa và hoa màu sắp thu hoạch. Một người dân ở xã vùng cao bị mất tích khi đi qua ngầm tràn, lực lượng chức năng đang khẩn trương tìm kiếm. Tổng thiệt hại ước tính hơn 120 tỷ đồng.
Ông Nguyễn V. A., Phó Chủ tịch UBND tỉnh, đã trực tiếp kiểm tra hiện trường và chỉ đạo các địa phương hỗ trợ kịp thời lương thực, nước uống cho bà con. "Không để người dân nào bị đói, bị rét; không để xảy ra thiệt hại về người do chủ quan", ông A. nhấn mạnh.
Tại huyện vùng thấp, nước sông lên nhanh khiến khu dân cư ven sông ngập sâu gần 2 mét. Người dân cho biết họ rất lo lắng vì nước lên vào ban đêm, nhiều gia đình không kịp di chuyển tài sản. Tuy nhiên, nhờ cảnh báo sớm qua loa truyền thanh và tin nhắn điện thoại, không có thương vong.
Ngành điện cho biết sự cố mất điện tại 3 xã đã được khắc phục trong đêm, nguồn điện cơ bản ổn định trở lại. Các trường học ở vùng ngập cho học sinh nghỉ học để bảo đảm an toàn; một số điểm trường bị hư hại nặng, cần sửa chữa trước khi đón học sinh trở lại.
Cùng ngày, đoàn công tác của Sở Y tế đã đến các điểm sơ tán phát thuốc, hướng dẫn người dân xử lý nước sinh hoạt, phòng chống dịch bệnh sau lũ. Bác sĩ khuyến cáo người dân không sử dụng thực phẩm ôi thiu, không rõ nguồn gốc để tránh ngộ độc.
Trên mạng xã hội xuất hiện thông tin sai sự thật cho rằng đập thủy điện đầu nguồn bị vỡ, gây hoang mang trong dư luận. Cơ quan chức năng khẳng định đập vẫn vận hành an toàn, đồng thời đề nghị xử lý nghiêm người tung tin đồn thất thiệt.
Mặt trận Tổ quốc tỉnh đã phát động ủng hộ đồng bào vùng lũ; sau hai ngày đã tiếp nhận hơn 3 tỷ đồng cùng nhiều nhu yếu phẩm. Nhiều doanh nghiệp, tổ chức và cá nhân đã chung tay sẻ chia, thể hiện tinh thần tương thân tương ái.
Dự báo trong 24 giờ tới, mưa có xu hướng giảm dần, tuy nhiên nguy cơ sạt lở đất và lũ quét vẫn còn cao ở các huyện miền núi. Người dân được khuyến cáo không đi qua các ngầm tràn, khu vực có nguy cơ sạt lở, và theo dõi thông tin chính thức của tỉnh.`

func BenchmarkScore(b *testing.B) {
	l := newLexicon(b)
	b.SetBytes(int64(len(floodReport)))
	b.ReportAllocs()
	for b.Loop() {
		l.Score("vi", floodReport)
	}
}

func BenchmarkScoreToneless(b *testing.B) {
	l := newLexicon(b)
	text := foldedReport()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		l.Score("vi", text)
	}
}

func BenchmarkSentences(b *testing.B) {
	b.SetBytes(int64(len(floodReport)))
	b.ReportAllocs()
	for b.Loop() {
		Sentences(floodReport)
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

func foldedReport() string { return textnorm.Fold(floodReport) }

// BenchmarkTokenize is the share of BenchmarkScore spent in textnorm, for
// comparison.
func BenchmarkTokenize(b *testing.B) {
	b.SetBytes(int64(len(floodReport)))
	b.ReportAllocs()
	for b.Loop() {
		textnorm.AppendTokens(make([]textnorm.Token, 0, len(floodReport)/4+1), floodReport)
	}
}
