package story

import (
	"cmp"
	"container/heap"
	"slices"
	"time"
)

const (
	// minTextShingles: texts with fewer distinct shingles (a caption, a
	// "read more" stub) are not compared by content, because identical
	// boilerplate would otherwise join unrelated articles.
	minTextShingles = 8
	// shortText: when either text has fewer shingles than this (about a
	// paragraph), the titles may decide, as the brief asks for short
	// articles and feed-only summaries.
	shortText = 60
	// minTitleGrams: titles of fewer bigrams ("Tin nóng", "Video") are too
	// generic to compare.
	minTitleGrams = 3
	// maxCandidates bounds the work of one lookup when many indexed
	// articles share a band (a site whose extractor returns the same
	// banner for every page): the newest ones are kept.
	maxCandidates = 2000
)

// entry is one article in the candidate index.
type entry struct {
	id    string
	story string // as recorded when assigned; resolve through aliases
	pub   int64  // publication time, Unix nanoseconds
	sig   Signature
	title []uint32
	// outlet is outletOf the article's source and site; item, for a
	// version, the item it is a version of (see versions.go).
	outlet, item string

	seq   uint32 // identifies the entry in postings
	pos   int    // position in the eviction heap
	mark  uint32 // last lookup that saw it, to report it once
	nkeys int    // postings added for it
}

// rule is what makes two articles the same story (or a copy).
type rule struct {
	window int64 // max distance between publication times, ns
	text   float64
	title  float64
}

// match is an indexed article that passes the rule for a query.
type match struct {
	e     *entry
	text  float64 // estimated Jaccard of the texts, 0 when not compared
	title float64 // exact Jaccard of the title bigram sets, 0 when not compared
	score float64
}

// judge compares q with e under r.
func judge(q, e *entry, r rule) (match, bool) {
	d := q.pub - e.pub
	if d < 0 {
		d = -d
	}
	if d > r.window {
		return match{}, false
	}
	m := match{e: e}
	if q.sig.Shingles >= minTextShingles && e.sig.Shingles >= minTextShingles {
		m.text = jaccard(&q.sig, &e.sig)
	}
	if len(q.title) >= minTitleGrams && len(e.title) >= minTitleGrams {
		m.title = setJaccard(q.title, e.title)
	}
	if m.text >= r.text && m.text > 0 {
		m.score = m.text
	}
	if min(q.sig.Shingles, e.sig.Shingles) < shortText && m.title >= r.title && m.title > 0 {
		m.score = max(m.score, m.title)
	}
	return m, m.score > 0
}

// posting links an entry into the chain of one band key. Postings of
// evicted entries stay in their chains until the next compaction, which
// keeps eviction O(1) per band instead of a search through each chain.
type posting struct {
	seq  uint32
	next int32
}

// index is the in-memory LSH index of recent articles: every band of an
// entry's signature (and of its title's) is a key; two entries that share
// any key are candidates, checked with judge. It is not safe for concurrent
// use; the Clusterer guards it.
type index struct {
	byID  map[string]*entry
	bySeq map[uint32]*entry
	heads map[uint32]int32
	posts []posting
	dead  int // postings whose entry is gone
	heap  entryHeap
	next  uint32
	gen   uint32
	keys  []uint32 // scratch for bandKeys
	cands []*entry // scratch for lookup
}

func newIndex() *index {
	return &index{
		byID:  map[string]*entry{},
		bySeq: map[uint32]*entry{},
		heads: map[uint32]int32{},
	}
}

func (x *index) len() int { return len(x.byID) }

func (x *index) get(id string) *entry { return x.byID[id] }

// insert adds e, which must not be indexed yet.
func (x *index) insert(e *entry) {
	e.seq = x.next
	x.next++
	x.byID[e.id] = e
	x.bySeq[e.seq] = e
	heap.Push(&x.heap, e)
	x.keys = bandKeys(e, x.keys[:0])
	e.nkeys = len(x.keys)
	for _, k := range x.keys {
		head, ok := x.heads[k]
		if !ok {
			head = -1
		}
		x.heads[k] = int32(len(x.posts))
		x.posts = append(x.posts, posting{seq: e.seq, next: head})
	}
}

// remove drops e from the index.
func (x *index) remove(e *entry) {
	if x.byID[e.id] != e {
		return
	}
	delete(x.byID, e.id)
	delete(x.bySeq, e.seq)
	heap.Remove(&x.heap, e.pos)
	x.dead += e.nkeys
	if x.dead > len(x.posts)/2 && x.dead >= 1<<14 {
		x.compact()
	}
}

// evict removes entries published before cutoff (Unix ns), then the oldest
// until at most maxLen remain.
func (x *index) evict(cutoff int64, maxLen int) {
	for len(x.heap) > 0 && (x.heap[0].pub < cutoff || len(x.heap) > maxLen) {
		x.remove(x.heap[0])
	}
}

// compact rebuilds the chains without the postings of removed entries.
func (x *index) compact() {
	live := make([]*entry, 0, len(x.bySeq))
	for _, e := range x.bySeq {
		live = append(live, e)
	}
	slices.SortFunc(live, func(a, b *entry) int { return cmp.Compare(a.seq, b.seq) })
	x.heads = make(map[uint32]int32, len(x.heads))
	x.posts = make([]posting, 0, len(x.posts)-x.dead)
	x.dead = 0
	for _, e := range live {
		x.keys = bandKeys(e, x.keys[:0])
		for _, k := range x.keys {
			head, ok := x.heads[k]
			if !ok {
				head = -1
			}
			x.heads[k] = int32(len(x.posts))
			x.posts = append(x.posts, posting{seq: e.seq, next: head})
		}
	}
}

// lookup returns the indexed entries other than q itself that pass r,
// best first, and the number of candidates the bands produced.
func (x *index) lookup(q *entry, r rule) ([]match, int) {
	x.gen++
	if x.gen == 0 {
		// The stamp wrapped: clear every mark so no entry looks seen.
		for _, e := range x.byID {
			e.mark = 0
		}
		x.gen = 1
	}
	x.keys = bandKeys(q, x.keys[:0])
	x.cands = x.cands[:0]
	for _, k := range x.keys {
		p, ok := x.heads[k]
		if !ok {
			continue
		}
		for ; p >= 0 && len(x.cands) < maxCandidates; p = x.posts[p].next {
			e := x.bySeq[x.posts[p].seq]
			if e == nil || e.mark == x.gen || e.id == q.id {
				continue
			}
			e.mark = x.gen
			x.cands = append(x.cands, e)
		}
	}
	var ms []match
	for _, e := range x.cands {
		if m, ok := judge(q, e, r); ok {
			ms = append(ms, m)
		}
	}
	slices.SortFunc(ms, func(a, b match) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.e.id, b.e.id)
	})
	return ms, len(x.cands)
}

// bandKeys appends the LSH keys of e: one per band of its text signature
// (when the text is long enough to compare) and of its title sketch. Keys
// are 32-bit: two different bands that collide only add a candidate, which
// judge rejects, and with 2.4 million keys (50,000 articles) that happens
// for one lookup in about 40; 64-bit keys would cost 20 MB more.
func bandKeys(e *entry, dst []uint32) []uint32 {
	if e.sig.Shingles >= minTextShingles {
		for b := range textBands {
			h := uint64(b + 1)
			for _, m := range e.sig.Mins[b*textRows : (b+1)*textRows] {
				h = mix64(h ^ uint64(m)<<8)
			}
			dst = append(dst, uint32(h>>32))
		}
	}
	if len(e.title) >= minTitleGrams {
		tm := titleMins(e.title)
		for b := range titleBands {
			h := uint64(textBands+b+1) | 1<<62
			for _, m := range tm[b*titleRows : (b+1)*titleRows] {
				h = mix64(h ^ uint64(m)<<8)
			}
			dst = append(dst, uint32(h>>32))
		}
	}
	return dst
}

// entryHeap orders entries by publication time, oldest first.
type entryHeap []*entry

func (h entryHeap) Len() int { return len(h) }
func (h entryHeap) Less(i, j int) bool {
	if h[i].pub != h[j].pub {
		return h[i].pub < h[j].pub
	}
	return h[i].seq < h[j].seq
}
func (h entryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].pos = i
	h[j].pos = j
}
func (h *entryHeap) Push(v any) {
	e := v.(*entry)
	e.pos = len(*h)
	*h = append(*h, e)
}
func (h *entryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.pos = -1
	return e
}

// minAnswerGrams: a title of fewer word pairs ("Tin đồn", "Cảnh báo") is
// too generic for a response to be matched to it by restating it.
const minAnswerGrams = 4

// answered finds the recent article whose title the response q restates
// most: the largest share of the title's word pairs found in words, the
// word pairs of the response's title and text, at least minShare and
// minAnswerGrams pairs, published within window before or after q. Ties
// go to the newest article. It scans the whole index: responses are a
// handful a day, and a scan of 50,000 titles takes milliseconds.
func (x *index) answered(q *entry, words []uint32, window time.Duration, minShare float64) (*entry, float64) {
	var best *entry
	bestShare := 0.0
	for _, e := range x.byID {
		d := q.pub - e.pub
		if e.id == q.id || len(e.title) < minAnswerGrams || d > int64(window) || -d > int64(window) {
			continue
		}
		n := intersect(e.title, words)
		share := float64(n) / float64(len(e.title))
		if n < minAnswerGrams || share < minShare {
			continue
		}
		if share > bestShare || (share == bestShare && (e.pub > best.pub || e.pub == best.pub && e.id < best.id)) {
			best, bestShare = e, share
		}
	}
	return best, bestShare
}

// intersect counts the elements common to two sorted sets.
func intersect(a, b []uint32) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}
