package story

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/bus/bustest"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// testBuckets creates the two buckets on a fresh embedded server, as a
// caller would declare them (see doc.go); perKeyTTL also enables per-key
// TTLs on the stories bucket.
func testBuckets(t testing.TB, js jetstream.JetStream, name string, perKeyTTL bool) (stories, cases jetstream.KeyValue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := jetstream.KeyValueConfig{
		Bucket: "stories_" + name, History: 1, TTL: 90 * 24 * time.Hour, Storage: jetstream.FileStorage,
	}
	if perKeyTTL {
		cfg.LimitMarkerTTL = time.Hour
	}
	stories, err := js.CreateOrUpdateKeyValue(ctx, cfg)
	if err != nil {
		t.Fatalf("create stories bucket: %v", err)
	}
	cases, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: "misleading_cases_" + name, History: 5, Storage: jetstream.FileStorage,
	})
	if err != nil {
		t.Fatalf("create cases bucket: %v", err)
	}
	return stories, cases
}

func openClusterer(t testing.TB, stories, cases jetstream.KeyValue, clk *testClock) *Clusterer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := New(ctx, stories, cases, Options{Now: clk.Now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// assignAt assigns d with the clock a few minutes after its publication.
func assignAt(t testing.TB, c *Clusterer, clk *testClock, d Doc) Assignment {
	t.Helper()
	clk.Set(d.Published.Add(7 * time.Minute))
	return mustAssign(t, c, d)
}

func mustAssign(t testing.TB, c *Clusterer, d Doc) Assignment {
	t.Helper()
	a, err := c.Assign(testCtx(t), d)
	if err != nil {
		t.Fatalf("Assign %s: %v", d.URL, err)
	}
	return a
}

func mustStory(t testing.TB, c *Clusterer, id string) *Story {
	t.Helper()
	s, err := c.Story(testCtx(t), id)
	if err != nil {
		t.Fatalf("Story %s: %v", id, err)
	}
	return s
}

// checkStory verifies that story id holds exactly docs, listed in
// publication order.
func checkStory(t testing.TB, c *Clusterer, id string, docs []Doc) {
	t.Helper()
	s := mustStory(t, c, id)
	want := slices.Clone(docs)
	slices.SortFunc(want, func(a, b Doc) int { return a.Published.Compare(b.Published) })
	var got, wantIDs []string
	for _, o := range s.Outlets {
		got = append(got, o.ArticleID)
	}
	for _, d := range want {
		wantIDs = append(wantIDs, d.ID)
	}
	if s.ID != id || s.Articles != len(docs) || !slices.Equal(got, wantIDs) {
		t.Errorf("story %s: id %s, %d articles, outlets %v; want %d articles, outlets %v", id, s.ID, s.Articles, got, len(docs), wantIDs)
	}
	if !s.First.Equal(want[0].Published) || !s.Last.Equal(want[len(want)-1].Published) {
		t.Errorf("story %s: from %v to %v, want %v to %v", id, s.First, s.Last, want[0].Published, want[len(want)-1].Published)
	}
	for i, o := range s.Outlets {
		d := want[i]
		if o.Source != d.Source || o.Site != d.Site || o.URL != d.URL || !o.At.Equal(d.Published) {
			t.Errorf("outlet %d = %+v, want %s %s %s at %v", i, o, d.Source, d.Site, d.URL, d.Published)
		}
	}
}

func TestMisleadingCopies(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	stories, cases := testBuckets(t, js, "misleading", false)
	orig, cp, excerpt, reb, unrelated := misleadingDocs(t)
	clk := &testClock{t: orig.Published}
	c := openClusterer(t, stories, cases, clk)
	ctx := testCtx(t)

	first := assignAt(t, c, clk, orig)
	if !first.New || len(first.Copies) != 0 {
		t.Fatalf("original before marking: %+v", first)
	}
	const rebuttalURL = "https://dienbien.gov.example/tin-tuc/bac-bo-tin-don-dap-nam-pau"
	cs, err := c.MarkMisleading(ctx, orig, rebuttalURL, "can.bo.a@stttt.dienbien.example")
	if err != nil {
		t.Fatalf("MarkMisleading: %v", err)
	}
	if cs.ID != orig.ID || cs.ArticleID != orig.ID || cs.URL != orig.URL || cs.RebuttalURL != rebuttalURL || cs.Title != orig.Title {
		t.Errorf("case %+v does not describe the original", cs)
	}

	tests := []struct {
		name      string
		d         Doc
		copy      bool
		sameStory bool
	}{
		{"copy on another site with small edits", cp, true, true},
		{"excerpt with a read-more link", excerpt, true, false},
		// The rebuttal quotes the rumour's first sentence (about 11% of
		// the rumour's word triples, a fifth of the rebuttal's): a
		// quotation, not a copy, and not the same story either, since
		// stories here are built from shared text.
		{"official rebuttal quoting the first sentence", reb, false, false},
		{"flood in another province", unrelated, false, false},
		{"the marked article itself", orig, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := assignAt(t, c, clk, tt.d)
			s, o := Sign(tt.d.Text), Sign(orig.Text)
			j := Jaccard(s, o)
			t.Logf("Jaccard with the case %.3f, containment %.3f, copies %+v", j, containment(&s, &o, j), a.Copies)
			if got := len(a.Copies) > 0; got != tt.copy {
				t.Fatalf("flagged as copy: %v, want %v", got, tt.copy)
			}
			if tt.copy {
				m := a.Copies[0]
				if len(a.Copies) != 1 || m.CaseID != cs.ID || m.ArticleID != orig.ID || m.URL != orig.URL || m.RebuttalURL != rebuttalURL {
					t.Errorf("copies %+v, want the one case with its rebuttal", a.Copies)
				}
				if max(m.Similarity, m.Containment) < 0.6 {
					t.Errorf("match %+v below the copy threshold", m)
				}
			}
			if got := a.StoryID == first.StoryID; got != tt.sameStory {
				t.Errorf("in the original's story: %v, want %v", got, tt.sameStory)
			}
		})
	}

	got, err := c.Cases(ctx)
	if err != nil {
		t.Fatalf("Cases: %v", err)
	}
	if len(got) != 1 || got[0] != cs {
		t.Errorf("Cases = %+v, want [%+v]", got, cs)
	}

	// Marking again updates the rebuttal, keeps the first marking time.
	clk.Set(clk.Now().Add(time.Hour))
	again, err := c.MarkMisleading(ctx, orig, rebuttalURL+"?v=2", "can.bo.b@stttt.dienbien.example")
	if err != nil {
		t.Fatalf("MarkMisleading again: %v", err)
	}
	if again.ID != cs.ID || !again.MarkedAt.Equal(cs.MarkedAt) || again.RebuttalURL != rebuttalURL+"?v=2" || again.MarkedBy != "can.bo.b@stttt.dienbien.example" {
		t.Errorf("marked again: %+v (first %+v)", again, cs)
	}

	// Unmarked, a new copy is no longer flagged.
	if err := c.Unmark(ctx, cs.ID); err != nil {
		t.Fatalf("Unmark: %v", err)
	}
	cp2 := cp
	cp2.ID, cp2.URL = cp.ID+"2", cp.URL+"?p=2"
	if a := assignAt(t, c, clk, cp2); len(a.Copies) != 0 {
		t.Errorf("copy flagged after unmarking: %+v", a.Copies)
	}
	if got, err := c.Cases(ctx); err != nil || len(got) != 0 {
		t.Errorf("Cases after unmarking = %v, %v; want none", got, err)
	}
}

func TestMarkMisleadingRefuses(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	stories, cases := testBuckets(t, js, "refuse", false)
	orig, _, _, _, _ := misleadingDocs(t)
	c := openClusterer(t, stories, cases, &testClock{t: orig.Published})
	short := orig
	short.Text = "Đập Nậm Pấu sắp vỡ, chia sẻ ngay!"
	bad := orig
	bad.ID = "a.b"
	tests := []struct {
		name string
		d    Doc
		by   string
	}{
		{"too little text", short, "can.bo.a"},
		{"nobody", orig, " "},
		{"ID not a key", bad, "can.bo.a"},
	}
	for _, tt := range tests {
		if _, err := c.MarkMisleading(testCtx(t), tt.d, "https://x.example/", tt.by); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	if _, err := c.Assign(testCtx(t), bad); !errors.Is(err, ErrInvalidID) {
		t.Errorf("Assign with ID %q: %v, want ErrInvalidID", bad.ID, err)
	}
	if _, err := c.Story(testCtx(t), "0123456789abcdef"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Story of an unknown ID: %v, want ErrNotFound", err)
	}
}

func TestStories(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	docs, later := slideDocs(t)
	tests := []struct {
		name      string
		perKeyTTL bool
		order     []int
		// wantID is the index of the doc that names the story, -1 when
		// the order makes two stories that must merge.
		wantID int
	}{
		{"publication order", false, []int{0, 1, 2, 3, 4}, 0},
		{"reverse order, per-key TTL", true, []int{4, 3, 2, 1, 0}, 4},
		// 3 then 1 start a story, 5 starts another (it shares too little
		// with 3 and 1), 4 matches both: they merge.
		{"interleaved", false, []int{2, 0, 4, 1, 3}, -1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stories, cases := testBuckets(t, js, fmt.Sprint("stories", i), tt.perKeyTTL)
			clk := &testClock{}
			c := openClusterer(t, stories, cases, clk)
			if got := c.keyTTL > 0; got != tt.perKeyTTL {
				t.Errorf("per-key TTL on index records: %v, want %v", got, tt.perKeyTTL)
			}
			var ids []string
			for k, di := range tt.order {
				a := assignAt(t, c, clk, docs[di])
				ids = append(ids, a.StoryID)
				if k > 0 && !a.New && len(a.Similar) == 0 {
					t.Errorf("doc %d joined a story without similar articles", di+1)
				}
				t.Logf("doc %d: story %s new %v similar %+v", di+1, a.StoryID, a.New, a.Similar)
			}
			id := ids[len(ids)-1]
			for k, got := range ids[:len(ids)-1] {
				if tt.wantID >= 0 && got != id {
					t.Errorf("doc %d in story %s, doc %d in %s", tt.order[k]+1, got, tt.order[len(ids)-1]+1, id)
				}
			}
			if tt.wantID >= 0 && id != docs[tt.wantID].ID {
				t.Errorf("story ID %s, want the first assigned article's %s", id, docs[tt.wantID].ID)
			}
			if tt.wantID < 0 && c.Stats().Merges == 0 {
				t.Errorf("no merge")
			}
			checkStory(t, c, id, docs)

			// Idempotent: the same article again is the same story and
			// is not counted twice.
			for _, d := range docs {
				if a := assignAt(t, c, clk, d); a.StoryID != id {
					t.Errorf("assigned again: story %s, want %s", a.StoryID, id)
				}
			}
			checkStory(t, c, id, docs)

			// The same event after the window is a new story, however
			// close its text.
			a := assignAt(t, c, clk, later)
			if !a.New || a.StoryID != later.ID {
				t.Errorf("a week later: %+v, want a new story", a)
			}

			// An unrelated article at the same time has its own story.
			_, _, _, _, unrelated := misleadingDocs(t)
			unrelated.Published = docs[2].Published
			if a := assignAt(t, c, clk, unrelated); !a.New || a.StoryID != unrelated.ID || len(a.Similar) != 0 {
				t.Errorf("unrelated: %+v, want a new story", a)
			}
			checkStory(t, c, id, docs)
		})
	}
}

func TestRestart(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	stories, cases := testBuckets(t, js, "restart", true)
	docs, _ := slideDocs(t)
	orig, cp, _, _, _ := misleadingDocs(t)
	// An article assigned ten days before the others: its index record
	// is outside the window at restart and must not be loaded.
	orig.Published = docs[0].Published.Add(-10 * 24 * time.Hour)
	cp.Published = docs[3].Published

	clk := &testClock{}
	c1 := openClusterer(t, stories, cases, clk)
	assignAt(t, c1, clk, orig)
	cs, err := c1.MarkMisleading(testCtx(t), orig, "https://dienbien.gov.example/bac-bo", "can.bo.a")
	if err != nil {
		t.Fatalf("MarkMisleading: %v", err)
	}
	for _, d := range docs[:3] {
		assignAt(t, c1, clk, d)
	}
	if err := c1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	c2 := openClusterer(t, stories, cases, clk)
	if st := c2.Stats(); st.Indexed != 3 || st.Cases != 1 {
		t.Errorf("after restart: %+v, want the 3 recent articles and 1 case", st)
	}
	if got, err := c2.Cases(testCtx(t)); err != nil || len(got) != 1 || got[0] != cs {
		t.Errorf("Cases after restart = %+v, %v; want [%+v]", got, err, cs)
	}
	// Article 4 shares enough text only with article 3: it needs the
	// rebuilt index to join the story.
	if a := assignAt(t, c2, clk, docs[3]); a.StoryID != docs[0].ID || a.New {
		t.Errorf("article 4 after restart: %+v, want story %s", a, docs[0].ID)
	}
	if a := assignAt(t, c2, clk, docs[0]); a.StoryID != docs[0].ID || !a.New {
		t.Errorf("article 1 again after restart: %+v, want story %s, new", a, docs[0].ID)
	}
	checkStory(t, c2, docs[0].ID, docs[:4])
	a := assignAt(t, c2, clk, cp)
	if len(a.Copies) != 1 || a.Copies[0].CaseID != cs.ID {
		t.Errorf("copy after restart: %+v, want case %s", a.Copies, cs.ID)
	}
}

// TestMergeAfterRace stages the race two classifier processes can run into:
// each assigns a near-duplicate before seeing the other's, so each starts a
// story. The processes that assigned are closed (they stop watching) so the
// race happens every time; the live one must find the split and merge.
func TestMergeAfterRace(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	docs, _ := slideDocs(t)
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprint(n, " stories"), func(t *testing.T) {
			stories, cases := testBuckets(t, js, fmt.Sprint("race", n), false)
			clk := &testClock{t: docs[4].Published}
			live := openClusterer(t, stories, cases, clk)
			var blind []*Clusterer
			for range n - 1 {
				b := openClusterer(t, stories, cases, clk)
				if err := b.Close(); err != nil {
					t.Fatal(err)
				}
				blind = append(blind, b)
			}
			want := docs[0].ID
			if a := mustAssign(t, live, docs[0]); !a.New {
				t.Fatalf("first article not new: %+v", a)
			}
			for i, b := range blind {
				if a := mustAssign(t, b, docs[i+1]); !a.New {
					t.Fatalf("article %d seen by a blind process: %+v", i+2, a)
				}
				want = min(want, docs[i+1].ID)
			}
			if err := live.Sync(testCtx(t)); err != nil {
				t.Fatalf("Sync: %v", err)
			}
			if m := live.Stats().Merges; m != uint64(n-1) {
				t.Errorf("%d merges, want %d", m, n-1)
			}
			for _, d := range docs[:n] {
				if s := mustStory(t, live, d.ID); s.ID != want {
					t.Errorf("story of %s is %s, want %s", d.ID, s.ID, want)
				}
				// Every process, blind or not, now reports the merged
				// story.
				for _, c := range append([]*Clusterer{live}, blind...) {
					if a := mustAssign(t, c, d); a.StoryID != want {
						t.Errorf("assigned again: %s, want %s", a.StoryID, want)
					}
				}
			}
			checkStory(t, live, want, docs[:n])
		})
	}

	// Both racers stopped before either saw the other's record, so the
	// split is in KV with nobody to notice it. A process started later
	// loads both articles (a load does not merge); assigning one again
	// (a redelivery) must find the other and merge.
	t.Run("found by a replay after restart", func(t *testing.T) {
		stories, cases := testBuckets(t, js, "race-replay", false)
		clk := &testClock{t: docs[4].Published}
		var racers []*Clusterer
		for range 2 {
			c := openClusterer(t, stories, cases, clk)
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			racers = append(racers, c)
		}
		for i, c := range racers {
			if a := mustAssign(t, c, docs[i]); !a.New {
				t.Fatalf("article %d not new: %+v", i+1, a)
			}
		}
		later := openClusterer(t, stories, cases, clk)
		if st := later.Stats(); st.Indexed != 2 || st.Merges != 0 {
			t.Fatalf("after start: %+v, want 2 articles loaded and no merge yet", st)
		}
		want := min(docs[0].ID, docs[1].ID)
		if a := mustAssign(t, later, docs[1]); a.StoryID != want {
			t.Errorf("replay: story %s, want %s", a.StoryID, want)
		}
		checkStory(t, later, want, docs[:2])
	})
}

// TestConcurrentProcesses runs two Clusterers on the same buckets, as two
// classifier processes, assigning the same articles at the same time in
// different orders (one of them from two goroutines). Whatever the
// interleaving, they must end with the same stories.
func TestConcurrentProcesses(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	slide, _ := slideDocs(t)
	orig, cp, _, _, unrelated := misleadingDocs(t)
	orig.Published = slide[1].Published
	cp.Published = slide[2].Published
	unrelated.Published = slide[3].Published
	docs := append(slices.Clone(slide), orig, cp, unrelated)

	for round := range 4 {
		stories, cases := testBuckets(t, js, fmt.Sprint("concurrent", round), round%2 == 1)
		clk := &testClock{t: slide[4].Published.Add(time.Hour)}
		a := openClusterer(t, stories, cases, clk)
		b := openClusterer(t, stories, cases, clk)

		rng := rand.New(rand.NewPCG(uint64(round), 1))
		orders := [][]int{rng.Perm(len(docs)), rng.Perm(len(docs)), rng.Perm(len(docs))}
		procs := []*Clusterer{a, a, b}
		var wg sync.WaitGroup
		errs := make(chan error, len(orders)*len(docs))
		for k, order := range orders {
			wg.Go(func() {
				for _, i := range order {
					if _, err := procs[k].Assign(testCtx(t), docs[i]); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, c := range []*Clusterer{a, b} {
			if err := c.Sync(testCtx(t)); err != nil {
				t.Fatalf("Sync: %v", err)
			}
		}

		got := map[string]string{}
		for _, d := range docs {
			ra, rb := mustAssign(t, a, d), mustAssign(t, b, d)
			if ra.StoryID != rb.StoryID {
				t.Errorf("round %d: %s is in story %s for one process, %s for the other", round, d.URL, ra.StoryID, rb.StoryID)
			}
			got[d.ID] = ra.StoryID
		}
		event := got[slide[0].ID]
		for _, d := range slide {
			if got[d.ID] != event {
				t.Errorf("round %d: %s in story %s, want %s", round, d.URL, got[d.ID], event)
			}
		}
		if got[orig.ID] != got[cp.ID] || got[orig.ID] == event || got[unrelated.ID] == event || got[unrelated.ID] == got[orig.ID] {
			t.Errorf("round %d: rumour %s, copy %s, unrelated %s, event %s", round, got[orig.ID], got[cp.ID], got[unrelated.ID], event)
		}
		checkStory(t, a, event, slide)
		checkStory(t, b, got[orig.ID], []Doc{orig, cp})
		t.Logf("round %d: merges %d + %d", round, a.Stats().Merges, b.Stats().Merges)
	}
}
