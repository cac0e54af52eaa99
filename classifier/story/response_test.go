package story

import (
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus/bustest"
)

// An official denial restates the rumour's claim in its own words: not a
// near-duplicate, yet it belongs on the rumour's story.
func TestOfficialResponseJoinsTheStoryItAnswers(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	stories, cases := testBuckets(t, js, "response", false)
	clk := &testClock{}
	c := openClusterer(t, stories, cases, clk)
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

	rumour := Doc{ID: "r1", URL: "https://fb.example/r1", Source: "facebook", Published: t0,
		Title: "Hàng chục học sinh bán trú ở Tuần Giáo ngộ độc thực phẩm, 3 em tử vong",
		Text:  "Nghe nói trưa nay hàng chục học sinh bán trú ở Tuần Giáo bị ngộ độc thực phẩm sau bữa ăn, 3 em đã tử vong. Mọi người chia sẻ ngay để cảnh báo!"}
	other := Doc{ID: "o1", URL: "https://news.example/o1", Source: "news", Published: t0.Add(time.Hour),
		Title: "Học sinh Tuần Giáo tham gia hội khỏe Phù Đổng cấp tỉnh",
		Text:  "Đoàn học sinh huyện Tuần Giáo tham gia hội khỏe Phù Đổng với 40 vận động viên ở các môn điền kinh và bóng đá."}
	denial := Doc{ID: "d1", URL: "https://soyte.example/d1", Source: "so-y-te", Published: t0.Add(5 * time.Hour), Response: true,
		Title: "Sở Y tế bác bỏ thông tin sai sự thật về ngộ độc ở Tuần Giáo",
		Text: "Sở Y tế tỉnh Điện Biên khẳng định thông tin hàng chục học sinh bán trú ở Tuần Giáo ngộ độc thực phẩm, 3 em tử vong là sai sự thật. " +
			"Qua kiểm tra, các em chỉ bị đau bụng nhẹ và đã trở lại lớp; không có trường hợp nào tử vong."}
	ra := assignAt(t, c, clk, rumour)
	assignAt(t, c, clk, other)

	// The same text published as an ordinary article joins nothing: only
	// a response is matched by the claim it restates.
	plain := Doc{ID: "p1", URL: "https://news.example/p1", Source: "news", Published: t0.Add(2 * time.Hour),
		Title: "Phụ huynh lo lắng trước tin đồn ở trường bán trú",
		Text: "Nhiều phụ huynh lo lắng về thông tin hàng chục học sinh bán trú ở Tuần Giáo ngộ độc thực phẩm, 3 em tử vong; " +
			"nhà trường cho biết đang chờ kết quả kiểm tra, các lớp học vẫn diễn ra bình thường."}
	if a := assignAt(t, c, clk, plain); a.StoryID == ra.StoryID || a.Answers != nil {
		t.Fatalf("a non-response restating the title joined the story: %+v", a)
	}
	da := assignAt(t, c, clk, denial)
	if da.StoryID != ra.StoryID || da.Answers == nil || da.Answers.ArticleID != "r1" || da.Answers.Containment < 0.6 {
		t.Fatalf("denial assigned %+v (answers %+v), want story %s answering r1", da, da.Answers, ra.StoryID)
	}
	if s := mustStory(t, c, ra.StoryID); s.Articles != 2 {
		t.Errorf("story has %d articles, want the rumour and its denial", s.Articles)
	}
	// Redelivered, the response stays where it is.
	if again := assignAt(t, c, clk, denial); again.StoryID != ra.StoryID {
		t.Errorf("redelivered denial moved to %s", again.StoryID)
	}

	// A response about something else, or one long after the window,
	// starts its own story.
	unrelated := Doc{ID: "d2", URL: "https://ubnd.example/d2", Source: "ubnd", Published: t0.Add(6 * time.Hour), Response: true,
		Title: "UBND tỉnh đính chính thông tin về giá vé tham quan di tích",
		Text:  "UBND tỉnh Điện Biên đính chính: giá vé tham quan di tích Đồi A1 không tăng như một số trang mạng đưa tin."}
	if a := assignAt(t, c, clk, unrelated); a.StoryID == ra.StoryID || a.Answers != nil {
		t.Errorf("unrelated response joined %s (answers %+v)", a.StoryID, a.Answers)
	}
	late := denial
	late.ID, late.Published = "d3", t0.Add(100*time.Hour)
	if a := assignAt(t, c, clk, late); a.StoryID == ra.StoryID {
		t.Errorf("a response beyond the window joined the story")
	}
}
