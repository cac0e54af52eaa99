package classifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/classifier/story"
	"github.com/presswatch/presswatch/examples"
	"github.com/presswatch/presswatch/internal/wait"
)

type nopNotifier struct{}

func (nopNotifier) Notify(context.Context, *alerts.Notification) error { return nil }

// The whole path on a real bus with the shipped pack: a rumour from a
// social page raises alerts; the Department of Health's denial, published
// on its own site, raises none and is put on the rumour's story.
func TestOfficialDenialJoinsTheRumourAndRaisesNoAlert(t *testing.T) {
	b := bustest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	rs, err := classifier.LoadDir(examples.Rules, "rules")
	if err != nil {
		t.Fatal(err)
	}
	st, err := story.New(ctx, b.KV(bus.BucketStories), b.KV(bus.BucketCases), story.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cls, err := classifier.NewService(b, rs, classifier.Signals{Stories: st}, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	store, err := alerts.NewStore(b, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := alerts.NewService(b, alerts.Options{Receivers: []alerts.Receiver{{Name: "log", Notifier: nopNotifier{}}}, Store: store, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}, 2)
	go func() { _ = cls.Run(ctx); done <- struct{}{} }()
	go func() { _ = svc.Run(ctx); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })

	classified := map[string]article.Article{}
	publish := func(a article.Article) {
		t.Helper()
		data, _ := json.Marshal(a)
		if err := b.Publish(ctx, bus.SubjectFetched, a.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	watch, err := b.JetStream().OrderedConsumer(ctx, bus.StreamClassified, jetstream.OrderedConsumerConfig{FilterSubjects: []string{bus.SubjectClassified}})
	if err != nil {
		t.Fatal(err)
	}
	waitClassified := func(id string) article.Article {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if a, ok := classified[id]; ok {
				return a
			}
			msgs, err := watch.Fetch(10, jetstream.FetchMaxWait(200*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			for m := range msgs.Messages() {
				var a article.Article
				if json.Unmarshal(m.Data(), &a) == nil {
					classified[a.ID] = a
				}
			}
		}
		t.Fatalf("article %s was not classified", id)
		return article.Article{}
	}
	listAlerts := func() []*alerts.Alert {
		t.Helper()
		list, err := store.List(ctx, alerts.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return list
	}

	t0 := time.Now().UTC().Add(-2 * time.Hour)
	rumour := article.Article{ID: "rumour1", URL: "https://facebook.example/p/1", SourceID: "facebook", Tier: "social", Lang: "vi", Published: t0, Fetched: t0, ContentHash: "r1",
		Title: "Hàng chục học sinh bán trú ở Tuần Giáo ngộ độc thực phẩm, 3 em tử vong",
		Text:  "Nghe nói trưa nay hàng chục học sinh bán trú ở Tuần Giáo bị ngộ độc thực phẩm sau bữa ăn, 3 em đã tử vong. Tin đồn lan khắp huyện, mọi người chia sẻ ngay!!!"}
	publish(rumour)
	ra := waitClassified(rumour.ID)
	// One incident per department the rumour's rules name; every rule
	// that is not a signal is a reason of one of them.
	reasons := func(list []*alerts.Alert) []string {
		var ids []string
		for _, al := range list {
			for _, r := range al.Rules {
				if !slices.Contains(ids, r.ID) {
					ids = append(ids, r.ID)
				}
			}
			if al.StoryID != ra.StoryID {
				t.Errorf("incident %s on story %q, want the rumour's %q", al.ID, al.StoryID, ra.StoryID)
			}
		}
		return ids
	}
	var raised []*alerts.Alert
	var rules []string
	wait.Poll(15*time.Second, func() error {
		raised = listAlerts()
		if rules = reasons(raised); len(rules) < 3 {
			return errors.New("fewer than three reasons")
		}
		return nil
	})
	slices.Sort(rules)
	if want := []string{"health.food-poisoning", "misinfo.policy-rumour", "misinfo.weak-source"}; !slices.Equal(rules, want) {
		t.Fatalf("the rumour raised %v, want %v (no alert for a signal)", rules, want)
	}

	denial := article.Article{ID: "denial1", URL: "https://soyte.dienbien.example/tin/1", SourceID: "so-y-te", Tier: "official", Lang: "vi", Published: t0.Add(time.Hour), Fetched: t0.Add(time.Hour), ContentHash: "d1",
		Title: "Sở Y tế bác bỏ tin đồn học sinh bán trú ở Tuần Giáo tử vong vì ngộ độc thực phẩm",
		Text: "Sở Y tế tỉnh Điện Biên khẳng định thông tin hàng chục học sinh bán trú ở Tuần Giáo ngộ độc thực phẩm, 3 em tử vong là sai sự thật. " +
			"Qua kiểm tra, các em chỉ bị đau bụng nhẹ, không có ngộ độc thực phẩm và không có trường hợp nào tử vong."}
	publish(denial)
	da := waitClassified(denial.ID)
	if da.Flagged() || !slices.Contains(da.Labels, "official-response") || slices.Contains(da.Labels, "misleading") {
		t.Errorf("denial: flagged %v, labels %v, matches %+v", da.Flagged(), da.Labels, da.Matches)
	}
	if da.StoryID != ra.StoryID {
		t.Errorf("denial on story %q, want the rumour's %q", da.StoryID, ra.StoryID)
	}
	// The alert service has read the denial once a later article's alert
	// exists: the stream is in order.
	marker := article.Article{ID: "marker1", URL: "https://baodienbien.example/1", SourceID: "bdb", Tier: "local", Lang: "vi", Published: t0.Add(2 * time.Hour), Fetched: t0, ContentHash: "m1",
		Title: "Lũ quét ở Mường Chà cuốn trôi 5 nhà", Text: "Lũ quét đêm qua ở Mường Chà cuốn trôi 5 nhà dân."}
	publish(marker)
	var after []*alerts.Alert
	hasMarker := func(list []*alerts.Alert) bool {
		return slices.ContainsFunc(list, func(al *alerts.Alert) bool {
			return slices.ContainsFunc(al.Articles, func(ref alerts.ArticleRef) bool { return ref.ID == marker.ID })
		})
	}
	wait.Until(t, 15*time.Second, "the flood report's incident", func() bool { after = listAlerts(); return hasMarker(after) })
	onRumour := 0
	for _, al := range after {
		if al.StoryID == ra.StoryID {
			onRumour++
		}
	}
	if onRumour != len(raised) {
		t.Errorf("%d incidents on the rumour's story after the denial, want the %d it raised", onRumour, len(raised))
	}
	for _, al := range after {
		for _, ref := range al.Articles {
			if ref.ID == denial.ID {
				t.Errorf("the denial is on alert %s (%s)", al.ID, al.Rules[0].ID)
			}
		}
	}
}
