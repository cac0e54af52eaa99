package savedsearch

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// words are the digest's texts, Vietnamese first.
var words = map[string]map[string]string{
	"vi": {
		"subject": "Bản tin tìm kiếm đã lưu «%s»: %d bài mới",
		"intro":   "Tìm kiếm đã lưu «%s» (%s) có %d bài mới kể từ bản tin trước:",
		"search":  "Xem tất cả kết quả:",
		"stop":    "Để ngừng nhận bản tin, mở mục «Tìm kiếm đã lưu» trên trang Tìm kiếm.",
	},
	"en": {
		"subject": "Saved search digest «%s»: %d new articles",
		"intro":   "Saved search «%s» (%s) has %d new articles since the last digest:",
		"search":  "See every result:",
		"stop":    "To stop this digest, open «Saved searches» on the Search page.",
	},
}

// Render is the digest's subject and plain text in lang (vi unless en),
// with links to each article and to the search in the web UI at baseURL.
func Render(d Digest, lang, baseURL string, loc *time.Location) (subject, text string) {
	w, ok := words[lang]
	if !ok {
		w = words["vi"]
	}
	if loc == nil {
		loc = time.UTC
	}
	base := strings.TrimRight(baseURL, "/")
	name := d.Search.Name
	hits := d.SortedHits()
	var b strings.Builder
	fmt.Fprintf(&b, w["intro"]+"\n\n", name, d.Search.Query, len(hits))
	for i, h := range hits {
		src := h.Source
		if n := d.SourceNames[src]; n != "" {
			src = n
		}
		fmt.Fprintf(&b, "%d. %s\n   %s · %s\n   %s/articles/%s\n", i+1, Title(h), src, h.Published.In(loc).Format("02/01/2006 15:04"), base, url.PathEscape(h.ID))
		if h.URL != "" {
			fmt.Fprintf(&b, "   %s\n", h.URL)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s %s/search?%s\n\n%s\n", w["search"], base, d.Search.Params().Encode(), w["stop"])
	return fmt.Sprintf(w["subject"], name, len(hits)), b.String()
}
