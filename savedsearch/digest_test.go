package savedsearch_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/internal/slugcheck"
	"github.com/presswatch/presswatch/savedsearch"
	"github.com/presswatch/presswatch/web"
)

// digestFixture is a real index and bus, a subscribed search for "sạt
// lở", and a deliverer that records what it is handed.
type digestFixture struct {
	t     *testing.T
	idx   *indexer.Index
	store *savedsearch.Store
	kv    jetstream.KeyValue
	s     savedsearch.Search
	now   time.Time
	mu    sync.Mutex
	sent  []savedsearch.Digest
	fail  error
	n     int
}

var t0 = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // 07:00 in Hanoi

func newDigestFixture(t *testing.T) *digestFixture {
	idx, err := indexer.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	f := &digestFixture{t: t, idx: idx, now: t0}
	b := bustest.Start(t)
	f.kv = b.KV(bus.BucketSavedSearches)
	f.store = savedsearch.New(f.kv, validQuery, f.clock)
	ctx := context.Background()
	s, err := f.store.Create(ctx, savedsearch.Search{Owner: "canbo", Name: "Sạt lở", Query: `"sạt lở"`, Lang: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	if f.s, err = f.store.Subscribe(ctx, "canbo", s.ID, &savedsearch.Subscription{Receiver: "email", To: "canbo@so.gov.vn"},
		func(string) (bool, bool) { return true, true }); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *digestFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *digestFixture) digester(t *testing.T) *savedsearch.Digester { return f.digesterMax(t, 0) }

func (f *digestFixture) digesterMax(t *testing.T, max int) *savedsearch.Digester {
	d, err := savedsearch.NewDigester(savedsearch.DigestOptions{
		Max:     max,
		Store:   f.store,
		Request: func(s savedsearch.Search) (indexer.SearchRequest, error) { return web.ParseSearchRequest(s.Params()) },
		Search:  f.idx,
		Deliver: func(_ context.Context, d savedsearch.Digest) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.fail != nil {
				return f.fail
			}
			f.sent = append(f.sent, d)
			return nil
		},
		Now: f.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// add indexes an article published at pub.
func (f *digestFixture) add(title string, pub time.Time) string {
	f.n++
	id := fmt.Sprintf("%032x", f.n)
	a := &article.Article{ID: id, URL: "https://baodienbien.example/" + id, SourceID: "bao-dien-bien", Tier: "local", Lang: "vi",
		Title: title, Text: title + ". Chính quyền địa phương đang khắc phục hậu quả.", Published: pub, Fetched: pub}
	if err := f.idx.IndexBatch([]*article.Article{a}); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// titles are the titles of the digests sent since the last call.
func (f *digestFixture) titles() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out [][]string
	for _, d := range f.sent {
		var ts []string
		for _, h := range d.Hits {
			ts = append(ts, h.Title)
		}
		slices.Sort(ts)
		out = append(out, ts)
	}
	f.sent = nil
	return out
}

func run(t *testing.T, d *savedsearch.Digester, at time.Time) int {
	t.Helper()
	n, err := d.Run(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDigestSendsEachNewMatchOnce(t *testing.T) {
	f := newDigestFixture(t)
	d := f.digester(t)
	day1 := t0.Add(24 * time.Hour)
	f.add("Sạt lở trước khi đăng ký theo dõi", t0.Add(-time.Hour))
	f.add("Sạt lở đất ở Mường Chà", t0.Add(3*time.Hour))
	f.add("Giá lúa tăng", t0.Add(4*time.Hour)) // does not match
	if n := run(t, d, day1); n != 1 {
		t.Fatalf("first digest: %d sent", n)
	}
	if got := f.titles(); len(got) != 1 || !slices.Equal(got[0], []string{"Sạt lở đất ở Mường Chà"}) {
		t.Fatalf("first digest: %q, want only the match published since the subscription", got)
	}
	// The same time again (a restart's catch-up run): nothing.
	if n := run(t, d, day1); n != 0 || len(f.titles()) != 0 {
		t.Fatalf("the same digest time again sent %d", n)
	}
	// Nothing new: no empty digest.
	day2 := day1.Add(24 * time.Hour)
	if n := run(t, d, day2); n != 0 || len(f.titles()) != 0 {
		t.Fatalf("a day without matches sent %d digests", n)
	}
	// A late article (published before the last digest, indexed after)
	// and a new one come in the next digest; the first one not again.
	f.add("Sạt lở taluy đăng muộn", day2.Add(-2*time.Hour))
	f.add("Sạt lở ở Nậm Pồ", day2.Add(5*time.Hour))
	day3 := day2.Add(24 * time.Hour)
	if n := run(t, d, day3); n != 1 {
		t.Fatalf("third digest: %d sent", n)
	}
	if got := f.titles(); len(got) != 1 || !slices.Equal(got[0], []string{"Sạt lở taluy đăng muộn", "Sạt lở ở Nậm Pồ"}) {
		t.Fatalf("third digest: %q", got)
	}
	if n := run(t, d, day3.Add(24*time.Hour)); n != 0 {
		t.Fatalf("fourth digest repeated %d", n)
	}
}

func TestDigestKeepsWhatDoesNotFitForTheNext(t *testing.T) {
	f := newDigestFixture(t)
	d := f.digesterMax(t, 3)
	for i := range 5 {
		f.add(fmt.Sprintf("Sạt lở số %d", i), t0.Add(time.Duration(i+1)*time.Hour))
	}
	day1 := t0.Add(24 * time.Hour)
	run(t, d, day1)
	if got := f.titles(); len(got) != 1 || !slices.Equal(got[0], []string{"Sạt lở số 2", "Sạt lở số 3", "Sạt lở số 4"}) {
		t.Fatalf("first digest %q: want the three newest", got)
	}
	run(t, d, day1.Add(24*time.Hour))
	if got := f.titles(); len(got) != 1 || !slices.Equal(got[0], []string{"Sạt lở số 0", "Sạt lở số 1"}) {
		t.Fatalf("second digest %q: want the two left over", got)
	}
}

func TestDigestRetriesAFailedSendAndSkipsAnUnrecordedOne(t *testing.T) {
	f := newDigestFixture(t)
	d := f.digester(t)
	f.add("Sạt lở ở Tủa Chùa", t0.Add(time.Hour))
	day1 := t0.Add(24 * time.Hour)
	f.fail = errors.New("smtp: 451 try later")
	if _, err := d.Run(context.Background(), day1); err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("failed send: %v", err)
	}
	f.fail = nil
	// Not sent: the next run sends it.
	if n := run(t, d, day1.Add(time.Hour)); n != 1 || len(f.titles()) != 1 {
		t.Fatalf("retry sent %d", n)
	}

	// Two processes at the same time: one digest.
	f.add("Sạt lở ở Mường Nhé", day1.Add(2*time.Hour))
	day2 := day1.Add(24 * time.Hour)
	other := f.digester(t)
	var wg sync.WaitGroup
	for _, x := range []*savedsearch.Digester{d, other} {
		wg.Go(func() { _, _ = x.Run(context.Background(), day2) })
	}
	wg.Wait()
	if got := f.titles(); len(got) != 1 || !slices.Equal(got[0], []string{"Sạt lở ở Mường Nhé"}) {
		t.Fatalf("two processes sent %q, want one digest", got)
	}
}

func TestDigestAfterACrashMidSend(t *testing.T) {
	f := newDigestFixture(t)
	d := f.digester(t)
	ctx := context.Background()
	claimed := f.add("Sạt lở đã nhận gửi", t0.Add(time.Hour))
	f.add("Sạt lở chưa gửi", t0.Add(2*time.Hour))
	day1 := t0.Add(24 * time.Hour)
	// A process claimed a digest with the first article, then stopped
	// before recording that it was sent.
	put := func(claimedAt time.Time) {
		st := savedsearch.State{Through: t0, Pending: &savedsearch.Pending{At: day1, IDs: map[string]time.Time{claimed: t0.Add(time.Hour)}, Claimed: claimedAt}}
		data, _ := json.Marshal(st)
		if _, err := f.kv.Put(ctx, "digest."+f.s.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	f.now = day1
	put(day1.Add(-time.Minute))
	// Within the lease it may still be sending: hands off.
	if n := run(t, d, day1.Add(time.Minute)); n != 0 {
		t.Fatalf("a fresh claim was overtaken: %d sent", n)
	}
	put(day1.Add(-time.Hour))
	if n := run(t, d, day1.Add(time.Minute)); n != 1 {
		t.Fatalf("after the lease: %d sent", n)
	}
	got := f.titles()
	if len(got) != 1 || !slices.Equal(got[0], []string{"Sạt lở chưa gửi"}) {
		t.Fatalf("after a crash: %q, want only the article the lost send did not hold", got)
	}
}

func TestDigestOfBadQueryOrWithoutSubscription(t *testing.T) {
	f := newDigestFixture(t)
	d := f.digester(t)
	ctx := context.Background()
	if _, err := f.store.Subscribe(ctx, "canbo", f.s.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	f.add("Sạt lở ở Điện Biên Đông", t0.Add(time.Hour))
	if n := run(t, d, t0.Add(24*time.Hour)); n != 0 {
		t.Fatalf("an unsubscribed search sent %d", n)
	}
	// A search stored with a query that no longer parses (a list removed
	// since) says so, and does not stop the others.
	bad := savedsearch.Search{ID: "x", Owner: "canbo", Name: "x", Query: "lu AND (", Subscription: &savedsearch.Subscription{Receiver: "email", Since: t0}}
	if _, err := d.One(ctx, bad, t0.Add(24*time.Hour)); !errors.Is(err, indexer.ErrBadQuery) {
		t.Fatalf("bad query: %v, want ErrBadQuery", err)
	}
}

func TestRenderLinksEveryArticle(t *testing.T) {
	s := savedsearch.Search{ID: "abc", Name: "Sạt lở", Query: `"sạt lở"`, Filters: "tier=local"}
	dg := savedsearch.Digest{Search: s, Hits: []indexer.Hit{
		{ID: "a1", Title: "Sạt lở  đất", Source: "bao-dien-bien", Published: t0, URL: "https://x.vn/1"},
		{ID: "a2", Title: "Sạt lở mới", Source: "vnexpress", Published: t0.Add(time.Hour)},
	}, SourceNames: map[string]string{"bao-dien-bien": "Báo Điện Biên Phủ"}}
	subj, text := savedsearch.Render(dg, "vi", "https://pw.example/", nil)
	if !strings.Contains(subj, "Sạt lở") || !strings.Contains(subj, "2 bài mới") {
		t.Errorf("subject %q", subj)
	}
	for _, want := range []string{"https://pw.example/articles/a1", "https://pw.example/articles/a2", "Sạt lở đất", "https://x.vn/1", "https://pw.example/search?q=%22s%E1%BA%A1t+l%E1%BB%9F%22&tier=local"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if found := slugcheck.InText(text, []string{"bao-dien-bien"}); len(found) > 0 || !strings.Contains(text, "Báo Điện Biên Phủ · ") || !strings.Contains(text, "vnexpress · ") {
		t.Errorf("the digest names a source by ID where it has a name, or drops one without a name:\n%s", text)
	}
	if strings.Index(text, "Sạt lở mới") > strings.Index(text, "Sạt lở đất") {
		t.Error("newest first")
	}
	subj, _ = savedsearch.Render(dg, "en", "https://pw.example", nil)
	if !strings.Contains(subj, "2 new articles") {
		t.Errorf("English subject %q", subj)
	}
}
