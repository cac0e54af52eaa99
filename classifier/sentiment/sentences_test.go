package sentiment

import (
	"slices"
	"testing"
)

func TestSentences(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"empty", "", nil},
		{"spaces only", " \n\t ", nil},
		{"one without stop", "Mưa lớn", []string{"Mưa lớn"}},
		{"two", "Mưa lớn. Đường ngập.", []string{"Mưa lớn.", "Đường ngập."}},
		{"trimmed", "  Mưa lớn.   Đường ngập.  ", []string{"Mưa lớn.", "Đường ngập."}},
		{"! ? …", "Thật sao? Đúng vậy! Chờ đã… Xong", []string{"Thật sao?", "Đúng vậy!", "Chờ đã…", "Xong"}},
		{"ellipsis as dots", "Nước lên nhanh... Dân sơ tán.", []string{"Nước lên nhanh...", "Dân sơ tán."}},
		{"run of terminators", "Sao lại thế?! Không ai biết.", []string{"Sao lại thế?!", "Không ai biết."}},
		{"newline", "Dòng một\nDòng hai\r\n\r\nDòng ba", []string{"Dòng một", "Dòng hai", "Dòng ba"}},
		{"TP.HCM", "Đoàn đến TP.HCM hôm qua. Sau đó về Huế.", []string{"Đoàn đến TP.HCM hôm qua.", "Sau đó về Huế."}},
		{"TP. with space", "Ông làm việc ở TP. Hồ Chí Minh. Bà ở Huế.", []string{"Ông làm việc ở TP. Hồ Chí Minh.", "Bà ở Huế."}},
		{"thousands", "Có 1.000 người được sơ tán. Không ai bị thương.", []string{"Có 1.000 người được sơ tán.", "Không ai bị thương."}},
		{"decimal and year", "Tăng 3.5% so với năm 2020. Giá ổn định.", []string{"Tăng 3.5% so với năm 2020.", "Giá ổn định."}},
		{"initials", "Ông Nguyễn V. A. cho biết đã báo cáo. Bà B. đồng ý.", []string{"Ông Nguyễn V. A. cho biết đã báo cáo.", "Bà B. đồng ý."}},
		{"initial then capital", "Ông Nguyễn V. A. Phó chủ tịch xã, có mặt.", []string{"Ông Nguyễn V. A. Phó chủ tịch xã, có mặt."}},
		{"titles", "ThS. Lê Văn C phát biểu. TS. Trần D đồng tình.", []string{"ThS. Lê Văn C phát biểu.", "TS. Trần D đồng tình."}},
		{"district", "Cháy tại Q. 1 và P. Bến Nghé. Đã dập tắt.", []string{"Cháy tại Q. 1 và P. Bến Nghé.", "Đã dập tắt."}},
		{"v.v. before lower case", "Gạo, mì, v.v. được chuyển đến. Xong.", []string{"Gạo, mì, v.v. được chuyển đến.", "Xong."}},
		{"lower case continues", "Ông hỏi: “Ai vậy?” rồi bỏ đi. Hết.", []string{"Ông hỏi: “Ai vậy?” rồi bỏ đi.", "Hết."}},
		{"closing quote", "Ông nói: “Đã an toàn.” Mọi người vỗ tay.", []string{"Ông nói: “Đã an toàn.”", "Mọi người vỗ tay."}},
		{"closing bracket", "(Theo báo cáo.) Lũ rút.", []string{"(Theo báo cáo.)", "Lũ rút."}},
		{"English titles", "Mr. Smith met Dr. Lee on Oct. 5. They agreed.", []string{"Mr. Smith met Dr. Lee on Oct. 5.", "They agreed."}},
		{"URL", "Xem tại www.tinh.gov.vn. Cảm ơn.", []string{"Xem tại www.tinh.gov.vn.", "Cảm ơn."}},
		{"stop at end", "Hết.", []string{"Hết."}},
		{"punctuation only", "...", []string{"..."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, sp := range Sentences(tc.text) {
				got = append(got, tc.text[sp.Start:sp.End])
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tc.text, got, tc.want)
			}
		})
	}
}
