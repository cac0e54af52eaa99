package story

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Keys of the stories bucket. Each kind has its own first token so that a
// watcher or a lister can select one kind with a subject filter.
//
//	a.<article>         articleRec: which story the article joined (the
//	                    record whose creation decides, across processes)
//	w.<YYYYMMDD>.<art>  indexRec: what the candidate index needs, under the
//	                    UTC day it was assigned, so a restart reads only the
//	                    days of the window
//	s.<story>           storyRec: the story's outlets and counts
//	m.<story>           the story this one was merged into (a few bytes,
//	                    so every process can keep all aliases in memory)
//	x.sync              a marker Sync writes to know its watcher caught up
//
// Keys of the cases bucket:
//
//	c.<case>            caseRec
//	x.sync              as above
const (
	prefixArticle = "a."
	prefixIndex   = "w."
	prefixStory   = "s."
	prefixAlias   = "m."
	prefixCase    = "c."
	keySync       = "x.sync"
	dayLayout     = "20060102"
)

// maxOutlets bounds the outlets a story record lists (the earliest ones:
// those show how the story spread), so that a story that runs for weeks
// cannot outgrow the KV value size. The article count stays exact below
// the bound; see storyRec.add for what happens past it.
const maxOutlets = 200

// ErrInvalidID is returned for an article ID that cannot be part of a KV
// key (presswatch article IDs are hex and always can).
var ErrInvalidID = errors.New("story: invalid ID")

// ErrNotFound is returned by Story for an unknown story ID.
var ErrNotFound = errors.New("story: not found")

// checkID reports whether id can be a KV key token: ASCII letters, digits,
// '-' and '_', at most 128 bytes.
func checkID(id string) error {
	if id == "" || len(id) > 128 {
		return fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("%w: %q", ErrInvalidID, id)
		}
	}
	return nil
}

func articleKey(id string) string { return prefixArticle + id }
func storyKey(id string) string   { return prefixStory + id }
func aliasKey(id string) string   { return prefixAlias + id }
func caseKey(id string) string    { return prefixCase + id }
func indexKey(day, id string) string {
	return prefixIndex + day + "." + id
}

// dayOf is the UTC day token of an index key.
func dayOf(t time.Time) string { return t.UTC().Format(dayLayout) }

// articleRec is stored under a.<article>.
type articleRec struct {
	Story string    `json:"story"`
	Day   string    `json:"day"`
	At    time.Time `json:"at"`
	// VersionOf is the item the article is a version of (empty for an
	// item, and in records written before versions existed).
	VersionOf string `json:"version_of,omitempty"`
}

// indexRec is stored under w.<day>.<article>.
type indexRec struct {
	ID        string    `json:"id"`
	Story     string    `json:"story"`
	Published time.Time `json:"published"`
	Sig       []byte    `json:"sig"`   // Signature.MarshalBinary
	Title     []byte    `json:"title"` // title set, little-endian uint32s
	// Outlet and Item are entry.outlet and entry.item; records written
	// before versions existed have neither and start no versions.
	Outlet string `json:"outlet,omitempty"`
	Item   string `json:"item,omitempty"`
}

func (r indexRec) entry() (*entry, error) {
	e := &entry{id: r.ID, story: r.Story, pub: r.Published.UnixNano(), outlet: r.Outlet, item: r.Item}
	if err := e.sig.UnmarshalBinary(r.Sig); err != nil {
		return nil, err
	}
	if len(r.Title)%4 != 0 {
		return nil, errors.New("decode title set: length not a multiple of 4")
	}
	e.title = make([]uint32, len(r.Title)/4)
	for i := range e.title {
		e.title[i] = binary.LittleEndian.Uint32(r.Title[4*i:])
	}
	return e, nil
}

func newIndexRec(e *entry) indexRec {
	sig, _ := e.sig.MarshalBinary() // never fails
	title := make([]byte, 0, 4*len(e.title))
	for _, v := range e.title {
		title = binary.LittleEndian.AppendUint32(title, v)
	}
	return indexRec{ID: e.id, Story: e.story, Published: time.Unix(0, e.pub).UTC(), Sig: sig, Title: title, Outlet: e.outlet, Item: e.item}
}

// storyRec is stored under s.<story>.
type storyRec struct {
	ID       string    `json:"id"`
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
	Articles int       `json:"articles"`
	Outlets  []Outlet  `json:"outlets"`
	// MergedInto is set, once, when this story turned out to be part of
	// another; from then on the record does not change and readers follow
	// the link.
	MergedInto string `json:"merged_into,omitempty"`
	// Absorbed lists every story merged into this one, directly or
	// through another, so a merge is counted once however often it is
	// retried.
	Absorbed []string `json:"absorbed,omitempty"`
}

// add records o in the story and reports whether the record changed.
//
// An article already listed is not counted again. Past maxOutlets the list
// cannot tell whether an article was counted, so only a fresh assignment
// (the process that created the article's a. record) counts it: a replay
// after a crash between the two writes then under-counts by one rather
// than over-counting on every redelivery.
func (r *storyRec) add(o Outlet, fresh bool) bool {
	for _, x := range r.Outlets {
		if x.ArticleID == o.ArticleID {
			return false
		}
	}
	full := len(r.Outlets) >= maxOutlets
	if full && (!fresh || o.VersionOf != "") {
		return false
	}
	if o.VersionOf != "" {
		// A version is evidence of its item, not an appearance: the
		// counts and times stay.
		r.Outlets = insertOutlet(r.Outlets, o)
		return true
	}
	r.Articles++
	if r.First.IsZero() || o.At.Before(r.First) {
		r.First = o.At
	}
	if o.At.After(r.Last) {
		r.Last = o.At
	}
	r.Outlets = insertOutlet(r.Outlets, o)
	return true
}

// absorb adds the articles of the merged story from.
func (r *storyRec) absorb(from storyRec) {
	dup := 0
	for _, o := range from.Outlets {
		if slices.ContainsFunc(r.Outlets, func(x Outlet) bool { return x.ArticleID == o.ArticleID }) {
			if o.VersionOf == "" {
				dup++ // counted in both
			}
			continue
		}
		r.Outlets = insertOutlet(r.Outlets, o)
	}
	r.Articles += from.Articles - dup
	if !from.First.IsZero() && (r.First.IsZero() || from.First.Before(r.First)) {
		r.First = from.First
	}
	if from.Last.After(r.Last) {
		r.Last = from.Last
	}
	r.Absorbed = append(r.Absorbed, from.ID)
	for _, id := range from.Absorbed {
		if !slices.Contains(r.Absorbed, id) {
			r.Absorbed = append(r.Absorbed, id)
		}
	}
}

// insertOutlet inserts o in time order (ties by article ID) and trims the
// list to maxOutlets.
func insertOutlet(list []Outlet, o Outlet) []Outlet {
	i, _ := slices.BinarySearchFunc(list, o, compareOutlets)
	list = slices.Insert(list, i, o)
	if len(list) > maxOutlets {
		list = list[:maxOutlets]
	}
	return list
}

func compareOutlets(a, b Outlet) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return strings.Compare(a.ArticleID, b.ArticleID)
}

func (r storyRec) story() *Story {
	return &Story{
		ID:       r.ID,
		First:    r.First,
		Last:     r.Last,
		Articles: r.Articles,
		Outlets:  nestVersions(r.Outlets),
		Merged:   slices.Clone(r.Absorbed),
	}
}

// caseRec is stored under c.<case>. The text is kept so that a build with
// another signature scheme can sign the case again; the signature is kept so
// that the usual start does not have to.
type caseRec struct {
	ID          string    `json:"id"`
	ArticleID   string    `json:"article_id"`
	Title       string    `json:"title"`
	URL         string    `json:"url"`
	RebuttalURL string    `json:"rebuttal_url"`
	MarkedBy    string    `json:"marked_by"`
	MarkedAt    time.Time `json:"marked_at"`
	Sig         []byte    `json:"sig"`
	Text        string    `json:"text"`
}

func (r caseRec) public() Case {
	return Case{
		ID: r.ID, ArticleID: r.ArticleID, Title: r.Title, URL: r.URL,
		RebuttalURL: r.RebuttalURL, MarkedBy: r.MarkedBy, MarkedAt: r.MarkedAt,
	}
}
