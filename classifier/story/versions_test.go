package story

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus/bustest"
)

// updateOf is the n-th update of d by its own outlet: published n hours
// later under another address (here on the outlet's mobile site), with the
// title touched and a paragraph added (another one in each update).
func updateOf(t testing.TB, d Doc, n int) Doc {
	t.Helper()
	text := d.Text + "\n\n" + slideParas[(5+n)%len(slideParas)]
	site := "m." + d.Site
	u := newDoc(t, "https://"+site+"/cap-nhat-"+fmt.Sprint(n)+strings.TrimPrefix(d.URL, "https://"+d.Site), "(Cập nhật) "+d.Title, text, d.Source, site, d.Published.Add(time.Duration(n)*time.Hour))
	return u
}

// reprintBy is d as another outlet publishes it, word for word.
func reprintBy(t testing.TB, d Doc, outlet string, after time.Duration) Doc {
	t.Helper()
	return newDoc(t, "https://"+outlet+".example/tin/"+d.ID[:8], d.Title, d.Text, outlet, outlet+".example", d.Published.Add(after))
}

// versionsOf returns the IDs of the versions listed under item id.
func versionsOf(s *Story, id string) (ids []string, listed bool) {
	for _, o := range s.Outlets {
		if o.ArticleID == id {
			for _, v := range o.Versions {
				ids = append(ids, v.ArticleID)
			}
			return ids, true
		}
	}
	return nil, false
}

func TestVersionsCollapseIntoOneItem(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	stories, cases := testBuckets(t, js, "versions", true)
	docs, _ := slideDocs(t)
	clk := &testClock{}
	c := openClusterer(t, stories, cases, clk)
	for _, d := range docs {
		if a := assignAt(t, c, clk, d); a.VersionOf != "" {
			t.Errorf("%s is a version of %s; the five articles are five items", d.URL, a.VersionOf)
		}
	}
	// docs[0] and docs[4] are two articles of one outlet in one story.
	story := docs[0].ID

	up1, up2 := updateOf(t, docs[0], 1), updateOf(t, docs[0], 2)
	if a := assignAt(t, c, clk, up1); a.StoryID != story || a.VersionOf != docs[0].ID {
		t.Errorf("update: story %s version of %q, want story %s version of %s", a.StoryID, a.VersionOf, story, docs[0].ID)
	}
	// The second update is closest to the first; it is a version of the
	// item all the same.
	if a := assignAt(t, c, clk, up2); a.StoryID != story || a.VersionOf != docs[0].ID {
		t.Errorf("second update: story %s version of %q, want version of %s", a.StoryID, a.VersionOf, docs[0].ID)
	}
	s := mustStory(t, c, story)
	if s.Articles != len(docs) || len(s.Outlets) != len(docs) {
		t.Errorf("story after two updates: %d articles, %d items; want %d of each", s.Articles, len(s.Outlets), len(docs))
	}
	if got, _ := versionsOf(s, docs[0].ID); !slices.Equal(got, []string{up1.ID, up2.ID}) {
		t.Errorf("versions of the first article %v, want %v", got, []string{up1.ID, up2.ID})
	}
	if !s.Last.Equal(docs[4].Published) {
		t.Errorf("story last seen %v, want %v: versions are not appearances", s.Last, docs[4].Published)
	}

	// The same text from another outlet is spread: a new item.
	rp := reprintBy(t, docs[0], "baomoi", 30*time.Minute)
	if a := assignAt(t, c, clk, rp); a.StoryID != story || a.VersionOf != "" {
		t.Errorf("reprint by another outlet: story %s version of %q, want a new item of %s", a.StoryID, a.VersionOf, story)
	}
	// Redeliveries change nothing and report the same.
	for _, d := range []Doc{up2, rp, up1} {
		want := map[string]string{up1.ID: docs[0].ID, up2.ID: docs[0].ID}[d.ID]
		if a := assignAt(t, c, clk, d); a.VersionOf != want {
			t.Errorf("%s again: version of %q, want %q", d.URL, a.VersionOf, want)
		}
	}
	s = mustStory(t, c, story)
	if s.Articles != len(docs)+1 || len(s.Outlets) != len(docs)+1 {
		t.Errorf("story after a reprint: %d articles, %d items; want %d", s.Articles, len(s.Outlets), len(docs)+1)
	}
	if got, _ := versionsOf(s, docs[0].ID); len(got) != 2 {
		t.Errorf("versions after redeliveries: %v", got)
	}

	// After a restart the index still knows outlets and items.
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c2 := openClusterer(t, stories, cases, clk)
	up3 := updateOf(t, docs[0], 3)
	if a := assignAt(t, c2, clk, up3); a.VersionOf != docs[0].ID {
		t.Errorf("update after restart: version of %q, want %s", a.VersionOf, docs[0].ID)
	}
	if got, _ := versionsOf(mustStory(t, c2, story), docs[0].ID); len(got) != 3 {
		t.Errorf("versions after restart: %v, want 3", got)
	}
}

// TestRecordsWithoutVersionsStillRead: records written before versions
// existed (no outlet in the index record, no version marks in the story)
// read as before, and articles matching them are items.
func TestRecordsWithoutVersionsStillRead(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	stories, cases := testBuckets(t, js, "oldrecords", false)
	docs, _ := slideDocs(t)
	d := docs[0]
	ctx := testCtx(t)
	q := &entry{id: d.ID, story: d.ID, pub: d.Published.UnixNano(), sig: Sign(d.Text), title: titleSet(d.Title)}
	old := strings.NewReplacer(`,"outlet":""`, "", `,"item":""`, "").Replace(string(mustJSON(newIndexRec(q))))
	if strings.Contains(old, "outlet") {
		t.Fatalf("index record not in the old shape: %s", old)
	}
	at := d.Published.UTC()
	for k, v := range map[string]string{
		indexKey(dayOf(at), d.ID): old,
		articleKey(d.ID):          fmt.Sprintf(`{"story":%q,"day":%q,"at":%q}`, d.ID, dayOf(at), at.Format(time.RFC3339)),
		storyKey(d.ID): fmt.Sprintf(`{"id":%q,"first":%q,"last":%q,"articles":1,"outlets":[{"source":%q,"site":%q,"article_id":%q,"url":%q,"at":%q}]}`,
			d.ID, at.Format(time.RFC3339), at.Format(time.RFC3339), d.Source, d.Site, d.ID, d.URL, at.Format(time.RFC3339)),
	} {
		if _, err := stories.Put(ctx, k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	clk := &testClock{t: d.Published.Add(time.Hour)}
	c := openClusterer(t, stories, cases, clk)
	if a := mustAssign(t, c, d); a.StoryID != d.ID || !a.New || a.VersionOf != "" {
		t.Errorf("old article again: %+v", a)
	}
	up := updateOf(t, d, 1)
	if a := assignAt(t, c, clk, up); a.StoryID != d.ID || a.VersionOf != "" {
		t.Errorf("update of an article indexed without its outlet: %+v, want an item of %s", a, d.ID)
	}
	if s := mustStory(t, c, d.ID); s.Articles != 2 || len(s.Outlets) != 2 || s.Outlets[0].URL != d.URL {
		t.Errorf("old story record with a new item: %+v", s)
	}
}

// TestVersionsConcurrent assigns updates and reprints of one article from
// two processes and three goroutines at once, each several times: every
// update is a version of the article, once; every reprint by another
// outlet is an item, once.
func TestVersionsConcurrent(t *testing.T) {
	t.Parallel()
	js := bustest.Start(t).JetStream()
	docs, _ := slideDocs(t)
	var ups, reprints []Doc
	for n := 1; n <= 4; n++ {
		ups = append(ups, updateOf(t, docs[0], n))
	}
	for i, o := range []string{"baomoi", "zingnews", "laodong"} {
		reprints = append(reprints, reprintBy(t, docs[0], o, time.Duration(i+1)*10*time.Minute))
	}
	batch := append(slices.Clone(ups), reprints...)
	for round := range 3 {
		stories, cases := testBuckets(t, js, fmt.Sprint("versions_concurrent", round), round%2 == 1)
		clk := &testClock{t: docs[4].Published.Add(time.Hour)}
		a := openClusterer(t, stories, cases, clk)
		b := openClusterer(t, stories, cases, clk)
		for _, d := range docs {
			mustAssign(t, a, d)
		}
		if err := b.Sync(testCtx(t)); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(round), 7))
		procs := []*Clusterer{a, a, b}
		var wg sync.WaitGroup
		errs := make(chan error, len(procs)*len(batch))
		for _, p := range procs {
			order := rng.Perm(len(batch))
			wg.Go(func() {
				for _, i := range order {
					asg, err := p.Assign(testCtx(t), batch[i])
					switch {
					case err != nil:
						errs <- err
					case (i < len(ups)) != (asg.VersionOf == docs[0].ID):
						errs <- fmt.Errorf("%s: version of %q", batch[i].URL, asg.VersionOf)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("round %d: %v", round, err)
		}
		for _, c := range []*Clusterer{a, b} {
			if err := c.Sync(testCtx(t)); err != nil {
				t.Fatal(err)
			}
			s := mustStory(t, c, docs[0].ID)
			want := len(docs) + len(reprints)
			if s.Articles != want || len(s.Outlets) != want {
				t.Errorf("round %d: %d articles, %d items; want %d", round, s.Articles, len(s.Outlets), want)
			}
			got, _ := versionsOf(s, docs[0].ID)
			slices.Sort(got)
			var wantV []string
			for _, u := range ups {
				wantV = append(wantV, u.ID)
			}
			slices.Sort(wantV)
			if !slices.Equal(got, wantV) {
				t.Errorf("round %d: versions %v, want %v", round, got, wantV)
			}
		}
	}
}

func TestNestVersions(t *testing.T) {
	t.Parallel()
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	list := []Outlet{
		{ArticleID: "a", At: at(1)},
		{ArticleID: "b", At: at(2)},
		{ArticleID: "a2", At: at(3), VersionOf: "a"},
		// x is past the list's end: its versions stand for it.
		{ArticleID: "x2", At: at(4), VersionOf: "x"},
		{ArticleID: "a3", At: at(5), VersionOf: "a"},
		{ArticleID: "x3", At: at(6), VersionOf: "x"},
	}
	var got []string
	for _, o := range nestVersions(list) {
		s := o.ArticleID
		for _, v := range o.Versions {
			s += "+" + v.ArticleID
		}
		got = append(got, s)
	}
	if want := []string{"a+a2+a3", "b", "x2+x3"}; !slices.Equal(got, want) {
		t.Errorf("nested %v, want %v", got, want)
	}
	if outletOf("dantri", "WWW.Dantri.com.vn") != outletOf("dantri", "m.dantri.com.vn") || outletOf("manual", "a.vn") == outletOf("manual", "b.vn") ||
		outletOf("fb-trang-1", "facebook.com") == outletOf("fb-trang-2", "facebook.com") || outletOf("", "") != "" {
		t.Error("outletOf: one source on its www. and m. hosts is one outlet; one source name over two sites, or two sources on one site, are two; nothing is none")
	}
}
