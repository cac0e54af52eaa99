package story

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus/bustest"
)

// text3KB is about 3 KB of Vietnamese news text.
func text3KB() string {
	s := strings.Join(append(append([]string(nil), rumour.paras...), flood.paras...), "\n\n")
	if len(s) > 3072 {
		s = s[:strings.LastIndexByte(s[:3072], ' ')]
	}
	return s
}

func BenchmarkSign(b *testing.B) {
	text := text3KB()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Sign(text)
	}
}

// synth generates articles made of phrases of the test texts, so that
// unrelated articles share common phrases as real news does ("theo báo
// cáo", "UBND tỉnh Điện Biên") while almost never sharing a paragraph.
type synth struct {
	rng     *rand.Rand
	phrases []string
	words   []string
}

func newSynth(seed uint64) *synth {
	var all []string
	for _, p := range [][]string{rumour.paras, flood.paras, rebuttal.paras, slideParas, slideLeads} {
		all = append(all, p...)
	}
	s := &synth{rng: rand.New(rand.NewPCG(seed, 7))}
	for _, p := range all {
		w := strings.Fields(p)
		s.words = append(s.words, w...)
		for i := 0; i+4 <= len(w); i += 2 {
			s.phrases = append(s.phrases, strings.Join(w[i:i+4], " "))
		}
	}
	return s
}

// doc returns an article of about 280 words and a 10-word title.
func (s *synth) doc(id string, pub time.Time) Doc {
	var b strings.Builder
	for range 70 {
		b.WriteString(s.phrases[s.rng.IntN(len(s.phrases))])
		b.WriteByte(' ')
	}
	var t []string
	for range 10 {
		t = append(t, s.words[s.rng.IntN(len(s.words))])
	}
	return Doc{ID: id, Title: strings.Join(t, " "), Text: b.String(), Source: "synth", Published: pub}
}

// edit returns d lightly edited: a tenth of its words dropped.
func (s *synth) edit(d Doc, id string) Doc {
	w := strings.Fields(d.Text)
	var kept []string
	for _, x := range w {
		if s.rng.IntN(10) != 0 {
			kept = append(kept, x)
		}
	}
	d.ID, d.Text = id, strings.Join(kept, " ")
	return d
}

const benchIndexSize = 50000

// fillIndex puts n synthetic articles in c's index (not in KV: the
// benchmark measures a lookup against them, and assignment to them) and
// returns them with the heap the index took.
func fillIndex(b *testing.B, c *Clusterer, s *synth, now time.Time, n int) ([]Doc, float64) {
	b.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	docs := make([]Doc, n)
	c.mu.Lock()
	for i := range docs {
		d := s.doc(fmt.Sprintf("%032x", i), now.Add(-time.Duration(s.rng.Int64N(int64(48*time.Hour)))))
		docs[i] = d
		c.idx.insert(&entry{id: d.ID, story: d.ID, pub: d.Published.UnixNano(), sig: Sign(d.Text), title: titleSet(d.Title)})
	}
	c.mu.Unlock()
	runtime.GC()
	runtime.ReadMemStats(&after)
	// The docs themselves are kept for the benchmark; subtract their text.
	var text int
	for _, d := range docs {
		text += len(d.Text) + len(d.Title) + len(d.ID)
	}
	return docs, float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)-int64(text)) / (1 << 20)
}

// BenchmarkLookup is the index part of Assign, with the query signed
// beforehand: a lookup in the LSH index of 50,000 recent articles and the
// comparison of the candidates. Every fourth query is an edited copy of an
// indexed article.
func BenchmarkLookup(b *testing.B) {
	now := time.Date(2025, 10, 12, 12, 0, 0, 0, time.UTC)
	c := &Clusterer{o: Options{Window: 72 * time.Hour, Threshold: 0.5, TitleThreshold: 0.5, MaxRecent: 2 * benchIndexSize, Now: func() time.Time { return now }}, idx: newIndex(), aliases: map[string]string{}}
	s := newSynth(1)
	docs, mb := fillIndex(b, c, s, now, benchIndexSize)
	queries := make([]*entry, 1024)
	for i := range queries {
		var d Doc
		if i%4 == 0 {
			d = s.edit(docs[s.rng.IntN(len(docs))], fmt.Sprintf("q%d", i))
		} else {
			d = s.doc(fmt.Sprintf("q%d", i), now)
		}
		queries[i] = &entry{id: d.ID, pub: d.Published.UnixNano(), sig: Sign(d.Text), title: titleSet(d.Title)}
	}
	var matched int
	i := 0
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		c.mu.Lock()
		if len(c.lookupLocked(q)) > 0 {
			matched++
		}
		c.mu.Unlock()
	}
	st := c.Stats()
	b.ReportMetric(float64(st.Candidates)/float64(st.Lookups), "candidates/lookup")
	b.ReportMetric(float64(matched)/float64(i), "matched/lookup")
	b.ReportMetric(mb, "index-MB")
}

// BenchmarkAssign is Assign end to end against 50,000 recent articles, with
// its KV writes to an embedded server (one article record, one index
// record, one story update). Every fourth article is an edited copy of an
// indexed one.
func BenchmarkAssign(b *testing.B) {
	js := bustest.Start(b).JetStream()
	stories, cases := testBuckets(b, js, "bench", false)
	now := time.Date(2025, 10, 12, 12, 0, 0, 0, time.UTC)
	clk := &testClock{t: now}
	c, err := New(b.Context(), stories, cases, Options{Now: clk.Now, MaxRecent: 2 * benchIndexSize})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	s := newSynth(2)
	docs, mb := fillIndex(b, c, s, now, benchIndexSize)
	before := c.Stats()
	i, joined := 0, 0
	for b.Loop() {
		var d Doc
		if i%4 == 0 {
			d = s.edit(docs[s.rng.IntN(len(docs))], fmt.Sprintf("a%031x", i))
		} else {
			d = s.doc(fmt.Sprintf("b%031x", i), now)
		}
		i++
		a, err := c.Assign(b.Context(), d)
		if err != nil {
			b.Fatal(err)
		}
		if !a.New {
			joined++
		}
	}
	st := c.Stats()
	b.ReportMetric(float64(st.Candidates-before.Candidates)/float64(st.Lookups-before.Lookups), "candidates/lookup")
	b.ReportMetric(float64(joined)/float64(i), "joined/op")
	b.ReportMetric(mb, "index-MB")
}
