package classifier

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/internal/wait"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/classifier/sentiment"
	"github.com/presswatch/presswatch/classifier/spike"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/textnorm"
)

func TestWatchDirReloadsAndRefusesBrokenRules(t *testing.T) {
	dir := t.TempDir()
	// Written whole, as a deployment tool does: a file caught half-written
	// is what the two-checks-in-a-row rule is for, but a prefix of the
	// broken file below is itself a valid rule set, and on a loaded
	// machine the watcher read it twice and applied it.
	write := func(s string) {
		tmp := filepath.Join(dir, "r.yaml.tmp")
		if err := os.WriteFile(tmp, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "r.yaml")); err != nil {
			t.Fatal(err)
		}
	}
	write("rules:\n  - id: a\n    keywords: [lũ]\n")
	svc := watching(t, dir)

	write("rules:\n  - id: a\n    keywords: [lũ]\n  - id: b\n    keywords: [bão]\n")
	wait.Until(t, 10*time.Second, "reload", func() bool { return svc.Rules().Len() == 2 })
	good := svc.Rules().Version

	write("rules:\n  - id: a\n    keywords: [lũ]\n    severity: apocalyptic\n")
	wait.Until(t, 10*time.Second, "the refusal", func() bool { return svc.lastErr.Load() != nil })
	if svc.Rules().Version != good || svc.Rules().Len() != 2 {
		t.Fatalf("broken rules replaced the active set")
	}
}

// watching returns a service with the rules of dir, reloading them every
// 10 ms until the test ends.
func watching(t *testing.T, dir string) *Service {
	t.Helper()
	rs, err := LoadDir(os.DirFS(dir), ".")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(nil, rs, Signals{}, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.WatchDir(ctx, dir, 10*time.Millisecond); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return svc
}

func TestServiceClassifiesFromBus(t *testing.T) {
	b := bustest.Start(t)
	rs := exampleRules(t)
	svc, err := NewService(b, rs, testSignals(t, b), slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	in := []article.Article{
		{ID: "f1", Title: "Lu quet o Muong Cha", Text: "Nhieu nha bi cuon troi.", ContentHash: "h1"},
		{ID: "n1", Title: "Hoa ban no", Text: "Du khach den Dien Bien.", ContentHash: "h2"},
	}
	ctx := context.Background()
	for _, a := range in {
		data, _ := json.Marshal(a)
		if err := b.Publish(ctx, bus.SubjectFetched, a.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Publish(ctx, bus.SubjectFetched, "junk", []byte("not json")); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- svc.Run(rctx) }()
	s, err := b.JetStream().Stream(ctx, bus.StreamClassified)
	if err != nil {
		t.Fatal(err)
	}
	wait.Until(t, 10*time.Second, "two classified", func() bool { info, _ := s.Info(ctx); return info.State.Msgs == 2 })
	wait.Until(t, 10*time.Second, "junk dead-lettered", func() bool { n, _ := b.DeadLetterCount(ctx); return n == 1 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	raw, err := s.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var a article.Article
	if err := json.Unmarshal(raw.Data, &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "f1" || !a.Flagged() || a.Severity != article.SeverityHigh || a.RulesetVersion != rs.Version || a.Classified.IsZero() ||
		a.StoryID == "" || a.Sentiment >= 0 {
		t.Errorf("classified = %+v", a)
	}
}

func testSignals(t *testing.T, b *bus.Bus) Signals {
	t.Helper()
	lex, err := sentiment.New()
	if err != nil {
		t.Fatal(err)
	}
	st, err := story.New(context.Background(), b.KV(bus.BucketStories), b.KV(bus.BucketCases), story.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return Signals{Sentiment: lex, Stories: st}
}

const rumour = `Tin đồn lan truyền trên mạng xã hội những ngày qua cho rằng từ đầu tháng tới, mọi xe máy đi vào thành phố Điện Biên Phủ sẽ phải nộp phí 20.000 đồng mỗi lượt. Nhiều người dân bày tỏ lo lắng và chia sẻ bài viết với lời kêu gọi phản đối. Bài viết còn khẳng định các trạm thu phí sẽ được đặt ở cầu Thanh Bình, ngã ba Tà Lèng và đầu đường Võ Nguyên Giáp, do một doanh nghiệp tư nhân vận hành trong hai mươi năm. Theo bài đăng, số tiền thu được sẽ dùng để hoàn vốn cho dự án chỉnh trang đô thị và người dân các xã lân cận cũng không được miễn. Người đăng còn kêu gọi mọi người chia sẻ rộng rãi để phản đối trước khi quy định có hiệu lực vào ngày mùng một.`

// TestMisleadingCopyIsFlaggedWithTheCase: an officer marks an article
// misleading; a lightly edited copy on another site is flagged with the
// rebuttal link.
func TestMisleadingCopyIsFlaggedWithTheCase(t *testing.T) {
	b := bustest.Start(t)
	sig := testSignals(t, b)
	rs := exampleRules(t)
	ctx := context.Background()
	orig := story.Doc{ID: "orig", URL: "https://a.example/tin-don", Title: "Sắp thu phí xe máy vào thành phố Điện Biên Phủ", Text: rumour, Source: "a", Site: "a.example", Published: time.Now()}
	if _, err := sig.Stories.MarkMisleading(ctx, orig, "https://dienbien.gov.vn/bac-bo", "officer"); err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(b, rs, sig, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(textnormStrip(rumour), "20.000 đồng", "30.000 đồng", 1) + " Nguồn: mạng xã hội."
	copyArt := article.Article{ID: "copy", URL: "https://b.example/xe-may", SourceID: "b", Site: "b.example", Title: "XE MAY VAO THANH PHO PHAI NOP PHI?", Text: edited, ContentHash: "c", Lang: "vi", Published: time.Now()}
	if err := svc.applySignals(ctx, rs, &copyArt); err != nil {
		t.Fatal(err)
	}
	var found *article.Match
	for i, m := range copyArt.Matches {
		if m.RuleID == "misleading.copy" {
			found = &copyArt.Matches[i]
		}
	}
	if found == nil || found.Rebuttal != "https://dienbien.gov.vn/bac-bo" || found.CaseID == "" || !slices.Contains(copyArt.Labels, "misleading") {
		t.Fatalf("copy not flagged: %+v labels %v", copyArt.Matches, copyArt.Labels)
	}
	if copyArt.StoryID == "" || copyArt.Sentiment == 0 {
		t.Errorf("story %q sentiment %v", copyArt.StoryID, copyArt.Sentiment)
	}
	other := article.Article{ID: "other", Title: "Lễ hội hoa ban", Text: "Du khách đổ về Điện Biên ngắm hoa ban nở rộ, các khách sạn kín phòng.", Lang: "vi", Published: time.Now()}
	if err := svc.applySignals(ctx, rs, &other); err != nil {
		t.Fatal(err)
	}
	if other.StoryID == copyArt.StoryID || slices.Contains(other.Labels, "misleading") {
		t.Errorf("unrelated article: story %q labels %v", other.StoryID, other.Labels)
	}
}

// textnormStrip removes tone marks, as re-posters often do.
func textnormStrip(s string) string { return textnorm.Fold(s) }

// TestSpikesArePublished: a surge after a steady day, classified by the
// service, reaches the SPIKES stream through the spike follower.
func TestSpikesArePublished(t *testing.T) {
	b := bustest.Start(t)
	svc, err := NewService(b, exampleRules(t), Signals{}, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	var clock []time.Time
	for h := 0; h < 24; h += 2 {
		clock = append(clock, t0.Add(time.Duration(h)*time.Hour))
	}
	for i := range 8 {
		clock = append(clock, t0.Add(25*time.Hour+time.Duration(i)*time.Minute))
	}
	var mu sync.Mutex
	svc.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		next := clock[0]
		if len(clock) > 1 {
			clock = clock[1:]
		}
		return next
	}
	ctx := context.Background()
	for i := range 20 {
		a := article.Article{ID: fmt.Sprintf("a%d", i), Title: "Lũ quét ở Mường Chà", Text: "Nhiều nhà bị cuốn trôi.", SourceID: "s", ContentHash: fmt.Sprint(i)}
		data, _ := json.Marshal(a)
		if err := b.Publish(ctx, bus.SubjectFetched, a.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	follower, err := spike.NewFollower(b, spike.New(spike.Options{}), spike.FollowOptions{Now: func() time.Time { return t0.Add(26 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 2)
	go func() { done <- svc.Run(rctx) }()
	go func() { done <- follower.Run(rctx) }()
	s, err := b.JetStream().Stream(ctx, bus.StreamClassified)
	if err != nil {
		t.Fatal(err)
	}
	wait.Until(t, 10*time.Second, "all classified", func() bool { info, _ := s.Info(ctx); return info.State.Msgs == 20 })
	wait.Until(t, 10*time.Second, "all followed", func() bool { return follower.Seq() == 20 })
	cancel()
	<-done
	<-done
	sp, err := b.JetStream().Stream(ctx, bus.StreamSpikes)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := sp.Info(ctx)
	if info.State.Msgs == 0 {
		t.Fatal("no spike event published")
	}
	titles := map[string]string{}
	for _, r := range exampleRules(t).Summaries() {
		titles[r.ID] = titleOf(r.Title, r.ID)
	}
	rules := 0
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := sp.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		var ev spike.Event
		if err := json.Unmarshal(m.Data, &ev); err != nil || ev.Window != "hour" || ev.Count < 5 || len(ev.Terms) == 0 {
			t.Errorf("spike event %s: %v", m.Data, err)
		}
		// A rule's spike carries the rule's title for the alert to name it.
		if id, ok := strings.CutPrefix(ev.Key, "rule:"); ok {
			rules++
			if ev.Title == "" || ev.Title == id || ev.Title != titles[id] {
				t.Errorf("spike of rule %s titled %q, want %q", id, ev.Title, titles[id])
			}
		}
	}
	if rules == 0 {
		t.Error("no spike of a rule published")
	}
}

// A pack whose rule names an unknown list (a typo in a folded query of the
// shipped pack) never replaces the live one, and the refusal says where.
func TestWatchDirRefusesAPackWithAnUnknownList(t *testing.T) {
	dir := t.TempDir()
	entries, err := os.ReadDir("../examples/rules")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("../examples/rules", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	svc := watching(t, dir)
	live := svc.Rules().Version

	broken := strings.Replace(string(files["10-disasters.yaml"]), "AND @province", "AND @provinces", 1)
	if broken == string(files["10-disasters.yaml"]) {
		t.Fatal("the pack's flood rule no longer requires @province")
	}
	if err := os.WriteFile(filepath.Join(dir, "10-disasters.yaml"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, 10*time.Second, "the refusal", func() bool { return svc.lastErr.Load() != nil })
	msg := *svc.lastErr.Load()
	line := 1 + strings.Count(broken[:strings.Index(broken, "@provinces")], "\n")
	if want := fmt.Sprintf("10-disasters.yaml:%d:", line); !strings.Contains(msg, want) || !strings.Contains(msg, "unknown list @provinces") {
		t.Errorf("refusal %q, want %s…: unknown list @provinces", msg, want)
	}
	time.Sleep(100 * time.Millisecond)
	if svc.Rules().Version != live {
		t.Fatal("the broken pack replaced the live one")
	}
	// The fix is taken.
	if err := os.WriteFile(filepath.Join(dir, "10-disasters.yaml"), append(files["10-disasters.yaml"], "\n# fixed\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	wait.Until(t, 10*time.Second, "the fixed pack", func() bool { return svc.Rules().Version != live })
}
