package article

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/presswatch/presswatch/textnorm"
)

func TestContentHash(t *testing.T) {
	// Independent of the implementation: the hash of the new-style, NFC
	// spelling written out by hand.
	sum := sha256.Sum256([]byte("Thủy điện Hòa Bình\nXả lũ qua ba cửa đáy."))
	want := hex.EncodeToString(sum[:])

	tests := []struct {
		name, title, text string
	}{
		{"new style", "Thủy điện Hòa Bình", "Xả lũ qua ba cửa đáy."},
		{"old style", "Thuỷ điện Hoà Bình", "Xả lũ qua ba cửa đáy."},
		{"NFD", norm.NFD.String("Thủy điện Hòa Bình"), norm.NFD.String("Xả lũ qua ba cửa đáy.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContentHash(tt.title, tt.text); got != want {
				t.Errorf("ContentHash(%+q, %+q) = %s, want %s", tt.title, tt.text, got, want)
			}
		})
	}

	edits := [][2]string{
		{"Thủy điện Hòa Bình", "Xả lũ qua bốn cửa đáy."},
		{"Thủy điện Sơn La", "Xả lũ qua ba cửa đáy."},
		{"Thủy điện Hòa Bình", "xả lũ qua ba cửa đáy."}, // case is content
		{"Thủy điện Hòa Bình\nXả lũ qua ba cửa đáy.", ""},
	}
	for _, e := range edits {
		if got := ContentHash(e[0], e[1]); got == want {
			t.Errorf("ContentHash(%q, %q) equals the original's", e[0], e[1])
		}
	}
}

func TestShingleHashIsFNV1a(t *testing.T) {
	for _, text := range []string{"", "lu", "lu quet", "lu quet bat ngo", "đà nẵng mưa lớn"} {
		toks := textnorm.Tokenize(text)
		words := make([]string, len(toks))
		for i, tk := range toks {
			words[i] = tk.Text
		}
		h := fnv.New64a()
		h.Write([]byte(strings.Join(words, " ")))
		if got, want := ShingleHash(toks), h.Sum64(); got != want {
			t.Errorf("ShingleHash(%q) = %x, want FNV-1a %x", text, got, want)
		}
	}
}

func TestSimHash(t *testing.T) {
	if got := HammingDistance(SimHash(landDispute), SimHash(landDispute)); got != 0 {
		t.Errorf("identical texts: distance %d, want 0", got)
	}
	// Folding makes spelling variants identical, not just close.
	respelled := strings.NewReplacer("Hòa", "Hoà", "Thủy", "Thuỷ", "hóa", "hoá").Replace(landDispute)
	if respelled == landDispute {
		t.Fatal("test text has no words to respell")
	}
	variant := norm.NFD.String(respelled)
	if got := HammingDistance(SimHash(landDispute), SimHash(variant)); got != 0 {
		t.Errorf("respelled text: distance %d, want 0", got)
	}

	tests := []struct {
		name       string
		a, b       string
		minD, maxD int
	}{
		{"few words edited", landDispute, landDisputeEdited, 0, 10},
		{"unrelated", landDispute, festival, 20, 64},
		{"edited vs unrelated", landDisputeEdited, festival, 20, 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := HammingDistance(SimHash(tt.a), SimHash(tt.b))
			t.Logf("distance %d", d)
			if d < tt.minD || d > tt.maxD {
				t.Errorf("distance %d, want within [%d, %d]", d, tt.minD, tt.maxD)
			}
		})
	}
}

func TestSimHashShortTexts(t *testing.T) {
	if got := SimHash(" ... !"); got != 0 {
		t.Errorf("SimHash of a text without words = %x, want 0", got)
	}
	// Under one shingle, the whole text is the shingle.
	if got, want := SimHash("Lũ quét"), ShingleHash(textnorm.Tokenize("lu quet")); got != want {
		t.Errorf("SimHash(two words) = %x, want the hash of its one shingle %x", got, want)
	}
	if SimHash("lũ quét") == SimHash("quét lũ") {
		t.Error("word order does not change the fingerprint")
	}
}

func TestHammingDistance(t *testing.T) {
	tests := []struct {
		a, b uint64
		want int
	}{
		{0, 0, 0},
		{0, 1, 1},
		{0xFF, 0x0F, 4},
		{0, ^uint64(0), 64},
		{0x8000000000000001, 1, 1},
	}
	for _, tt := range tests {
		if got := HammingDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("HammingDistance(%x, %x) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// The texts below are invented for these tests.

// landDispute is about 300 words.
const landDispute = `Sáng 12/3, hơn 40 hộ dân ở thôn Đông, xã Hòa Tiến tập trung tại trụ sở Ủy ban nhân dân xã để phản ánh việc bồi thường, hỗ trợ giải phóng mặt bằng dự án khu dân cư mới chưa thỏa đáng. Theo người dân, mức giá bồi thường đất nông nghiệp chỉ khoảng 90.000 đồng mỗi mét vuông, thấp hơn nhiều so với giá chuyển nhượng thực tế trong khu vực. Nhiều gia đình cho biết họ đã canh tác trên những thửa ruộng này hơn ba mươi năm và nguồn sống chính của cả nhà phụ thuộc vào vụ lúa, vụ màu. Bà Nguyễn Thị Thủy, một người dân trong thôn, nói rằng gia đình bà bị thu hồi gần 2.000 mét vuông nhưng chưa được thông báo rõ phương án hỗ trợ chuyển đổi nghề và tìm kiếm việc làm. Một số hộ khác phản ánh biên bản kiểm đếm tài sản trên đất còn thiếu cây lâu năm và công trình phụ. Trả lời báo chí, ông Trần Văn Hòa, Chủ tịch xã, cho biết xã đã tổ chức ba buổi đối thoại và ghi nhận đầy đủ ý kiến của người dân để báo cáo lên huyện. Theo ông, giá bồi thường được áp dụng theo bảng giá đất do tỉnh ban hành, còn những kiến nghị về hỗ trợ thêm sẽ được hội đồng bồi thường xem xét trong tháng này. Ông cũng khẳng định chủ đầu tư chưa được phép thi công trên diện tích mà người dân chưa nhận tiền và chưa bàn giao mặt bằng. Phòng Tài nguyên và Môi trường huyện cho biết sẽ cử cán bộ về kiểm tra lại hồ sơ đo đạc của từng thửa đất, rà soát biên bản kiểm đếm và công khai kết quả tại nhà văn hóa thôn. Luật sư tư vấn cho rằng người dân có quyền khiếu nại quyết định thu hồi đất trong thời hạn luật định nếu thấy quyền lợi chưa được bảo đảm, đồng thời nên giữ lại đầy đủ giấy tờ, biên bản làm căn cứ. Người dân mong chính quyền sớm có câu trả lời cụ thể, công khai, minh bạch để họ yên tâm ổn định cuộc sống.`

// landDisputeEdited is landDispute with five words changed, as an outlet
// copying a story might.
const landDisputeEdited = `Sáng 12/3, hơn 50 hộ dân ở thôn Đông, xã Hòa Tiến tập trung tại trụ sở Ủy ban nhân dân xã để phản ánh việc bồi thường, hỗ trợ giải phóng mặt bằng dự án khu dân cư mới chưa thỏa đáng. Theo người dân, mức giá bồi thường đất nông nghiệp chỉ khoảng 90.000 đồng mỗi mét vuông, thấp hơn nhiều so với giá chuyển nhượng thực tế trong khu vực. Nhiều gia đình cho biết họ đã canh tác trên những thửa ruộng này hơn bốn mươi năm và nguồn sống chính của cả nhà phụ thuộc vào vụ lúa, vụ màu. Bà Nguyễn Thị Thủy, một người dân trong thôn, nói rằng gia đình bà bị thu hồi gần 2.000 mét vuông nhưng chưa được thông báo rõ phương án hỗ trợ chuyển đổi nghề và tìm kiếm việc làm. Một số hộ khác phản ánh biên bản kiểm đếm tài sản trên đất còn thiếu cây lâu năm và công trình phụ. Trả lời phóng viên, ông Trần Văn Hòa, Chủ tịch xã, cho biết xã đã tổ chức ba buổi đối thoại và ghi nhận đầy đủ ý kiến của người dân để báo cáo lên huyện. Theo ông, giá bồi thường được áp dụng theo bảng giá đất do tỉnh ban hành, còn những kiến nghị về hỗ trợ thêm sẽ được hội đồng bồi thường xem xét trong tháng tới. Ông cũng khẳng định chủ đầu tư chưa được phép thi công trên diện tích mà người dân chưa nhận tiền và chưa bàn giao mặt bằng. Phòng Tài nguyên và Môi trường huyện cho biết sẽ cử cán bộ về kiểm tra lại hồ sơ đo đạc của từng thửa đất, rà soát biên bản kiểm đếm và công khai kết quả tại nhà văn hóa thôn. Luật sư tư vấn cho rằng người dân có quyền khiếu nại quyết định thu hồi đất trong thời hạn luật định nếu thấy quyền lợi chưa được bảo đảm, đồng thời nên giữ lại đầy đủ giấy tờ, biên bản làm căn cứ. Người dân mong chính quyền sớm có câu trả lời cụ thể, công khai, minh bạch để họ yên tâm ổn định cuộc sống.`

// festival is unrelated to landDispute.
const festival = `Lễ hội hoa ban năm nay diễn ra trong ba ngày tại quảng trường trung tâm thành phố, thu hút hàng chục nghìn lượt du khách trong và ngoài nước. Ngay từ sáng sớm, các con phố được trang trí rực rỡ bằng những cành hoa trắng muốt, cờ hội và đèn lồng nhiều màu sắc. Chương trình khai mạc có màn trình diễn nghệ thuật với sự tham gia của hơn 500 diễn viên, nghệ nhân đến từ các dân tộc Thái, Mông, Dao, Khơ Mú, tái hiện những điệu xòe, điệu múa khèn và tiếng hát giao duyên bên bếp lửa. Bên cạnh đó, ban tổ chức dành riêng một khu vực để giới thiệu ẩm thực vùng cao như thịt trâu gác bếp, xôi ngũ sắc, cá nướng, rượu ngô và bánh chưng đen. Các gian hàng thủ công mỹ nghệ trưng bày thổ cẩm, đồ bạc, mây tre đan và tranh vẽ phong cảnh núi rừng, nhiều du khách đã mua về làm quà cho người thân. Một nhóm sinh viên từ thủ đô chia sẻ rằng đây là lần đầu họ được tận mắt chứng kiến không khí lễ hội đậm bản sắc như vậy và dự định sẽ quay lại vào mùa lúa chín. Các công ty lữ hành cho biết lượng khách đặt tour trong dịp này tăng gần gấp đôi so với năm trước, nhiều khách sạn, nhà nghỉ và homestay đã kín phòng từ nhiều tuần trước. Để bảo đảm an ninh trật tự, lực lượng chức năng bố trí các chốt điều tiết giao thông, bãi giữ xe miễn phí và điểm hỗ trợ du khách thất lạc đồ đạc. Trong khuôn khổ lễ hội còn có giải chạy việt dã, thi đấu bóng chuyền, kéo co, đẩy gậy, ném còn và cuộc thi ảnh đẹp về hoa ban với nhiều giải thưởng hấp dẫn. Ban tổ chức kỳ vọng sự kiện sẽ góp phần quảng bá hình ảnh quê hương, con người vùng núi Tây Bắc, đồng thời thúc đẩy phát triển du lịch cộng đồng bền vững.`
