package article_test

import (
	"fmt"

	"github.com/presswatch/presswatch/article"
)

// The same story reached through a tracking link, with another parameter
// order and a fragment, has one canonical URL and so one ID: every stage is
// idempotent on it.
func ExampleIDFromURL() {
	a, canon, _ := article.IDFromURL("HTTPS://Baodienbien.vn:443/tin-tuc?b=2&a=1&utm_source=zalo#binh-luan")
	b, _, _ := article.IDFromURL("https://baodienbien.vn/tin-tuc?a=1&b=2")
	fmt.Println(canon)
	fmt.Println(a == b, len(a))
	// Output:
	// https://baodienbien.vn/tin-tuc?a=1&b=2
	// true 32
}

// A near-copy keeps most of its SimHash bits; an unrelated text does not.
func ExampleSimHash() {
	orig := article.SimHash("Lũ quét tại huyện Mường Chà làm sập ba ngôi nhà, chính quyền đã di dời 40 hộ dân đến nơi an toàn trong đêm")
	copied := article.SimHash("Lũ quét tại huyện Mường Chà làm sập ba ngôi nhà, chính quyền đã di dời 40 hộ dân tới nơi an toàn trong đêm")
	other := article.SimHash("Giá cà phê hôm nay tăng mạnh tại các tỉnh Tây Nguyên sau nhiều tuần đi ngang")
	fmt.Println(article.HammingDistance(orig, copied) < article.HammingDistance(orig, other))
	// Output: true
}
