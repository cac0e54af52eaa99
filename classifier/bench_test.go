package classifier

import (
	"os"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/article"
)

// BenchmarkApplyExampleRules classifies a ~600-word Vietnamese article with
// the example rule set.
func BenchmarkApplyExampleRules(b *testing.B) {
	rs, err := LoadDir(os.DirFS("../examples/rules"), ".")
	if err != nil {
		b.Fatal(err)
	}
	para := "Chiều nay, mưa lớn kéo dài khiến nhiều tuyến đường ở huyện Mường Chà bị ngập, chính quyền địa phương đã huy động lực lượng hỗ trợ người dân di dời tài sản đến nơi an toàn. "
	a := &article.Article{Title: "Mưa lớn gây ngập ở Mường Chà", Text: strings.Repeat(para, 15) + " Lũ quét đã cuốn trôi hai ngôi nhà."}
	b.SetBytes(int64(len(a.Text)))
	b.ReportAllocs()
	for b.Loop() {
		rs.Apply(a)
	}
	if len(a.Matches) == 0 {
		b.Fatal("no match")
	}
}
