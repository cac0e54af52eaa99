package story

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func testEntry(id, story string, pub time.Time, title, text string) *entry {
	return &entry{id: id, story: story, pub: pub.UnixNano(), sig: Sign(text), title: titleSet(title)}
}

func matchIDs(ms []match) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.e.id)
	}
	return ids
}

func TestIndexLookup(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 9, 14, 12, 0, 0, 0, time.UTC)
	orig := strings.Join(rumour.paras, "\n\n")
	ctitle, cp := rumourCopy()
	short := "Đập thủy điện Nậm Pấu vẫn an toàn."
	r := rule{window: int64(72 * time.Hour), text: 0.5, title: 0.5}

	x := newIndex()
	x.insert(testEntry("orig", "orig", t0, rumour.title, orig))
	x.insert(testEntry("flood", "flood", t0, flood.title, strings.Join(flood.paras, " ")))
	x.insert(testEntry("brief", "brief", t0, "Đập thủy điện Nậm Pấu vẫn vận hành an toàn sau mưa lớn", short))

	tests := []struct {
		name string
		q    *entry
		want []string
	}{
		{"copy", testEntry("copy", "", t0.Add(time.Hour), ctitle, cp), []string{"orig"}},
		{"itself is not a match", testEntry("orig", "", t0, rumour.title, orig), nil},
		{"outside the window", testEntry("late", "", t0.Add(73*time.Hour), ctitle, cp), nil},
		{"before, inside the window", testEntry("early", "", t0.Add(-71*time.Hour), ctitle, cp), []string{"orig"}},
		// Short texts are compared by title.
		{"short text, same title", testEntry("brief2", "", t0, "Nóng: Đập thủy điện Nậm Pấu vẫn vận hành an toàn sau mưa lớn", "Xem video."), []string{"brief"}},
		{"short text, other title", testEntry("brief3", "", t0, "Giá vàng hôm nay tăng mạnh", short), nil},
		// A long text with a similar title is not enough.
		{"long texts, same title", testEntry("long", "", t0, flood.title, orig), []string{"orig"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, _ := x.lookup(tt.q, r)
			if got := matchIDs(ms); !slices.Equal(got, tt.want) {
				t.Errorf("matches %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIndexEvict(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 9, 14, 12, 0, 0, 0, time.UTC)
	text := strings.Join(flood.paras, " ")
	r := rule{window: int64(1000 * time.Hour), text: 0.5, title: 0.5}
	x := newIndex()
	sig := Sign(text)
	const n = 3000 // enough removals of 32 postings each to compact several times
	for i := range n {
		// Every entry has the same text: all share every band.
		x.insert(&entry{id: fmt.Sprint(i), story: "s", pub: t0.Add(time.Duration(i) * time.Second).UnixNano(), sig: sig})
		x.evict(t0.Add(time.Duration(i-100)*time.Second).UnixNano(), 1000)
	}
	if x.len() != 101 {
		t.Fatalf("len = %d after eviction by time, want 101", x.len())
	}
	x.evict(0, 10)
	if x.len() != 10 {
		t.Fatalf("len = %d after eviction by size, want 10", x.len())
	}
	if x.dead > len(x.posts)/2+1<<14 {
		t.Errorf("%d dead postings of %d: never compacted", x.dead, len(x.posts))
	}
	ms, cands := x.lookup(testEntry("q", "", t0, "", text), r)
	var want []string
	for i := n - 10; i < n; i++ {
		want = append(want, fmt.Sprint(i))
	}
	got := matchIDs(ms)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || cands != 10 {
		t.Errorf("after eviction: matches %v (%d candidates), want the newest 10", got, cands)
	}
}

func TestStoryRecAdd(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 10, 12, 0, 0, 0, 0, time.UTC)
	out := func(i int) Outlet {
		return Outlet{ArticleID: fmt.Sprintf("a%03d", i), At: t0.Add(time.Duration(i) * time.Minute)}
	}
	var r storyRec
	// Out of order: the list is kept in time order.
	for _, i := range []int{5, 1, 3} {
		if !r.add(out(i), true) {
			t.Fatalf("add %d: no change", i)
		}
	}
	if r.add(out(3), true) || r.add(out(3), false) {
		t.Errorf("adding an article twice changed the record")
	}
	if r.Articles != 3 || !r.First.Equal(out(1).At) || !r.Last.Equal(out(5).At) {
		t.Errorf("record %+v, want 3 articles from 1 to 5", r)
	}
	if !slices.IsSortedFunc(r.Outlets, compareOutlets) {
		t.Errorf("outlets not in time order: %v", r.Outlets)
	}

	// Past the bound, only fresh assignments count.
	for i := 10; len(r.Outlets) < maxOutlets; i++ {
		r.add(out(i), true)
	}
	n := r.Articles
	if !r.add(out(100000), true) || r.Articles != n+1 || len(r.Outlets) != maxOutlets {
		t.Errorf("fresh past the bound: %d articles, %d outlets; want %d, %d", r.Articles, len(r.Outlets), n+1, maxOutlets)
	}
	if r.add(out(100001), false) || r.Articles != n+1 {
		t.Errorf("replay past the bound counted")
	}
	// An earlier article past the bound is listed, the latest drops out.
	if !r.add(out(0), true) || r.Outlets[0].ArticleID != out(0).ArticleID || len(r.Outlets) != maxOutlets {
		t.Errorf("earlier article not listed first")
	}
}

func TestStoryRecAbsorb(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 10, 12, 0, 0, 0, 0, time.UTC)
	a := storyRec{ID: "a"}
	a.add(Outlet{ArticleID: "x", At: t0.Add(time.Hour)}, true)
	a.add(Outlet{ArticleID: "y", At: t0.Add(2 * time.Hour)}, true)
	b := storyRec{ID: "b", Absorbed: []string{"c"}}
	b.add(Outlet{ArticleID: "y", At: t0.Add(2 * time.Hour)}, true) // in both
	b.add(Outlet{ArticleID: "z", At: t0}, true)
	a.absorb(b)
	if a.Articles != 3 || len(a.Outlets) != 3 || a.Outlets[0].ArticleID != "z" || !a.First.Equal(t0) {
		t.Errorf("absorbed record %+v, want x, y, z from z's time", a)
	}
	if !slices.Equal(a.Absorbed, []string{"b", "c"}) {
		t.Errorf("absorbed %v, want [b c]", a.Absorbed)
	}
}

func TestCheckID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"0123abcdef", "a-b_C"} {
		if err := checkID(id); err != nil {
			t.Errorf("checkID(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", "a.b", "a b", "a*", "a>", "ạ", strings.Repeat("a", 129)} {
		if err := checkID(id); err == nil {
			t.Errorf("checkID(%q) accepted", id)
		}
	}
}
