// Package alerts turns flagged articles, coverage spikes and source-health
// problems into alerts, routes them to receivers through a routing tree,
// groups them by story so that one notification goes out per group and
// interval, and tracks each alert through the office's response.
//
// All state lives in NATS: alerts and notification groups in KV buckets
// updated with compare-and-set, decided notifications in an outbox stream.
// Several alert processes can run at once and share the work.
package alerts

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts/route"
	"github.com/presswatch/presswatch/article"
)

// Status is where an alert stands in the office's response.
type Status string

// Statuses of the alert lifecycle: new → acknowledged → assigned →
// responded → closed, or dismissed as a false positive.
const (
	StatusNew          Status = "new"
	StatusAcknowledged Status = "acknowledged"
	StatusAssigned     Status = "assigned"
	StatusResponded    Status = "responded"
	StatusClosed       Status = "closed"
	StatusDismissed    Status = "dismissed"
)

// Open reports whether the office still has to act on an alert in s.
func (s Status) Open() bool { return s != StatusClosed && s != StatusDismissed }

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusNew, StatusAcknowledged, StatusAssigned, StatusResponded, StatusClosed, StatusDismissed:
		return true
	}
	return false
}

// Alert types.
const (
	TypeArticle = "article"
	TypeSpike   = "spike"
	TypeSource  = "source"
)

// maxArticleRefs bounds the articles an alert record lists; a story running
// in hundreds of outlets keeps counting in ArticleCount. maxVersions bounds
// the versions an article lists.
//
// maxCounted bounds the articles past the listed ones that an incident
// remembers (see Alert.Counted), so that a redelivered one is not counted
// twice: 8 bytes each, base64 in the JSON record, so at most 256 KiB raw
// and 350 KB of the record. With 200 listed articles whose summaries are
// full the record is then about 510 KB (TestCountedBound): under NATS's
// default max_payload of 1 MiB (the embedded server allows 8 MiB), which
// leaves room for versions. An incident of more than
// maxArticleRefs+maxCounted articles still counts every new one (none is
// lost) but no longer remembers it, so an article past the bound that is
// delivered again counts twice; the service logs a warning when an
// incident reaches the bound.
const (
	maxArticleRefs = 200
	maxVersions    = 50
	maxCounted     = 32 << 10
)

// Alert is one issue raised for the officers. An article alert is an
// incident: one story as one department must handle it, with every rule
// that matched the story as a reason (Rules). Spike and source alerts are
// one per event.
type Alert struct {
	ID       string `json:"id"`
	GroupKey string `json:"group_key"`
	// Changes counts what ingesting changed (articles, reasons, severity):
	// notification groups remember the count they last saw.
	Changes int `json:"changes,omitempty"`
	// MergedFrom lists the alerts of older versions (one per story and
	// rule) folded into this incident, so that a migration run twice
	// merges each once.
	MergedFrom []string `json:"merged_from,omitempty"`
	// Type is what raised it: "article" (a flagged article or story),
	// "spike" (a surge in coverage) or "source" (a source gone silent or
	// broken). All three go through the same routing.
	Type    string `json:"type,omitempty"`
	Title   string `json:"title,omitempty"` // one line for subjects and inbox rows
	StoryID string `json:"story_id,omitempty"`
	// Detail explains a spike or source alert in a sentence.
	Detail string `json:"detail,omitempty"`
	// TitleEn and DetailEn word a spike or source alert, which presswatch
	// itself writes, for English readers (Title and Detail are Vietnamese).
	TitleEn  string `json:"title_en,omitempty"`
	DetailEn string `json:"detail_en,omitempty"`

	Status      Status           `json:"status"`
	Severity    article.Severity `json:"severity"`
	Labels      []string         `json:"labels"`
	Rules       []RuleRef        `json:"rules"`
	Departments []string         `json:"departments,omitempty"`
	Articles    []ArticleRef     `json:"articles"`
	// ArticleCount counts every article of the story, also past the ones
	// Articles lists.
	ArticleCount int `json:"article_count,omitempty"`
	// Counted remembers the articles counted past the ones Articles lists,
	// so that one JetStream delivers again is not counted again: a sorted
	// set of 64-bit hashes of their item IDs (see itemHash), 8 bytes
	// big-endian each, at most maxCounted. Records written before it
	// existed read as an empty set. It is bookkeeping, not news:
	// Outward leaves it out of what notifications and the API show.
	Counted []byte `json:"counted,omitempty"`
	// Sources are the outlets that carried the story, in order of arrival.
	Sources []string  `json:"sources,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`

	// Lifecycle.
	Assignee     string    `json:"assignee,omitempty"`
	Response     *Response `json:"response,omitempty"`
	Dismissal    string    `json:"dismissal_reason,omitempty"`
	Acknowledged time.Time `json:"acknowledged,omitzero"`
	Responded    time.Time `json:"responded,omitzero"`
	Closed       time.Time `json:"closed,omitzero"`
	Escalated    time.Time `json:"escalated,omitzero"`
	// History keeps every change: who did what and when.
	History []Change `json:"history,omitempty"`
}

// Response is the official information the office published.
type Response struct {
	Link string    `json:"link"`
	Note string    `json:"note,omitempty"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Change is one entry of an alert's audit trail.
type Change struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"` // a token or user name; "presswatch" for the system
	Action string    `json:"action"`
	From   Status    `json:"from,omitempty"`
	To     Status    `json:"to,omitempty"`
	Note   string    `json:"note,omitempty"`
	// Matchers and Until say what a snooze muted and until when.
	Matchers []string  `json:"matchers,omitempty"`
	Until    time.Time `json:"until,omitzero"`
}

// RuleRef is a reason of an incident: a rule that matched the story, the
// terms it found and its severity.
type RuleRef struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Terms    []string         `json:"terms,omitempty"`
	Severity article.Severity `json:"severity,omitempty"`
	// Added is when the rule joined the incident.
	Added time.Time `json:"added,omitzero"`
	// Rebuttal links the official information refuting the false claim
	// the rule describes (or the misleading case an article copies): what
	// the officers point to in their answer. http(s) only.
	Rebuttal string `json:"rebuttal,omitempty"`
}

// ArticleRef is the part of an article a notification shows.
type ArticleRef struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Source    string    `json:"source"`
	Tier      string    `json:"tier,omitempty"`
	Lang      string    `json:"lang,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Summary   string    `json:"summary,omitempty"`
	// VersionOf is set when the article listed is itself a version of an
	// item the incident does not list (the item's first article raised no
	// alert): the item's other versions join this entry.
	VersionOf string `json:"version_of,omitempty"`
	// Versions are the item's updates and reprints by the same outlet, in
	// order of publication: evidence, not articles of the incident.
	Versions []VersionRef `json:"versions,omitempty"`
}

// VersionRef is one version of an article: when it appeared and where.
type VersionRef struct {
	ID string `json:"id"`
	// URL is the version's address, http(s) only: the incident page
	// links it as evidence.
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title,omitempty"`
	Published time.Time `json:"published,omitzero"`
}

// alertID derives a KV-safe ID from a group key, so that every process
// computes the same ID for the same story and rule.
func alertID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:12])
}

// incidentKey is the identity of an article alert: one per story and
// department, or per article and department when the article belongs to no
// story.
func incidentKey(a *article.Article, dept string) string {
	if a.StoryID != "" {
		return "story:" + a.StoryID + "|dept:" + dept
	}
	return "article:" + a.ID + "|dept:" + dept
}

func refOf(a *article.Article) ArticleRef {
	summary := a.Summary
	if summary == "" {
		summary = truncateRunes(a.Text, 280)
	}
	return ArticleRef{ID: a.ID, URL: a.URL, Title: a.Title, Source: a.SourceID, Tier: a.Tier, Lang: a.Lang, Published: a.Published, Summary: summary, VersionOf: a.VersionOf}
}

// byDepartment splits an article's matches into the incidents they make:
// one per department a match names. A match naming no department (a
// signal, a general rule) is a reason of each of them, or of one incident
// without a department when no match names one.
func byDepartment(matches []article.Match) map[string][]article.Match {
	out := map[string][]article.Match{}
	var general []article.Match
	for _, m := range matches {
		if m.Department == "" {
			general = append(general, m)
			continue
		}
		out[m.Department] = append(out[m.Department], m)
	}
	if len(out) == 0 {
		out[""] = general
		return out
	}
	for d := range out {
		out[d] = append(out[d], general...)
	}
	return out
}

// newIncident raises the incident of an article for one department.
func newIncident(a *article.Article, dept string, matches []article.Match, now time.Time) *Alert {
	key := incidentKey(a, dept)
	title := a.Title
	if title == "" && len(matches) > 0 {
		title = matches[0].Title
	}
	al := &Alert{
		ID: alertID(key), GroupKey: key, Type: TypeArticle, Title: title, StoryID: a.StoryID,
		Status: StatusNew, Created: now, Updated: now, Changes: 1,
		History: []Change{{At: now, By: "presswatch", Action: "raised", To: StatusNew}},
	}
	if dept != "" {
		al.Departments = []string{dept}
	}
	for _, m := range matches {
		al.addReason(a, m, now)
	}
	al.History = al.History[:1] // the reasons it was raised with are its record
	if len(al.Labels) == 0 {
		al.Labels = slices.Clone(a.Labels)
	}
	al.addArticle(a)
	return al
}

// reasonOf is the reason a match gives; the rule's severity, else the
// article's.
func reasonOf(a *article.Article, m article.Match, now time.Time) RuleRef {
	sev := m.Severity
	if sev == "" {
		sev = a.Severity
	}
	return RuleRef{ID: m.RuleID, Title: m.Title, Terms: slices.Clone(m.Terms), Severity: sev, Rebuttal: httpLink(m.Rebuttal), Added: now}
}

// addReason adds the reason of match m, or what it found that the reason
// lacks, and raises the severity to it. It reports whether anything
// changed, and the change worth a line in the history (a new reason or
// rebuttal; Action is empty otherwise).
func (al *Alert) addReason(a *article.Article, m article.Match, now time.Time) (bool, Change) {
	r := reasonOf(a, m, now)
	changed := false
	var c Change
	i := slices.IndexFunc(al.Rules, func(x RuleRef) bool { return x.ID == r.ID })
	if i < 0 {
		al.Rules = append(al.Rules, r)
		changed = true
		c = Change{At: now, By: "presswatch", Action: "reason", Note: reasonName(r)}
	} else {
		cur := &al.Rules[i]
		for _, t := range r.Terms {
			if !slices.Contains(cur.Terms, t) {
				cur.Terms, changed = append(cur.Terms, t), true
			}
		}
		if r.Severity.Rank() > cur.Severity.Rank() {
			cur.Severity, changed = r.Severity, true
		}
		if r.Rebuttal != "" && cur.Rebuttal != r.Rebuttal {
			// A rule's rebuttal may be added after the incident was
			// raised, and an office marking a case again points to newer
			// official information.
			cur.Rebuttal, changed = r.Rebuttal, true
			c = Change{At: now, By: "presswatch", Action: "rebuttal", Note: r.Rebuttal}
		}
	}
	for _, l := range m.Labels {
		if !slices.Contains(al.Labels, l) {
			al.Labels, changed = append(al.Labels, l), true
		}
	}
	if sev := maxSeverity(al.Severity, r.Severity); sev != al.Severity {
		if al.Severity != "" {
			al.History = append(al.History, Change{At: now, By: "presswatch", Action: "severity", Note: string(al.Severity) + " → " + string(sev)})
		}
		al.Severity, changed = sev, true
	}
	return changed, c
}

func reasonName(r RuleRef) string {
	if r.Title != "" {
		return r.Title
	}
	return r.ID
}

// addArticle adds a to the alert unless it is there already: as a version
// of an item listed (see article.Article.VersionOf), kept as evidence, or
// else as a new article of the incident, counted. It reports whether the
// record changed and whether the incident grew: a version is not news.
//
// An article past the ones listed is remembered by the hash of its item
// (the article it is a version of, else itself), so that the article, a
// redelivery of it and its versions count once; a version of such an
// article is not recorded at all, as a version past maxVersions is not.
func (al *Alert) addArticle(a *article.Article) (changed, grew bool) {
	if al.lists(a.ID) {
		return false, false
	}
	item := a.ID
	if a.VersionOf != "" {
		item = a.VersionOf
	}
	// Only an incident whose list is full remembers items by hash (the
	// list never shrinks), so the others skip hashing.
	full := len(al.Articles) >= maxArticleRefs
	var h uint64
	if full {
		if h = itemHash(item); al.counted(h) {
			return false, false
		}
	}
	if i := slices.IndexFunc(al.Articles, func(r ArticleRef) bool { return r.ID == item || r.VersionOf == item }); i >= 0 {
		r := &al.Articles[i]
		if len(r.Versions) >= maxVersions {
			return false, false
		}
		v := VersionRef{ID: a.ID, URL: httpLink(a.URL), Title: a.Title, Published: a.Published}
		i, _ := slices.BinarySearchFunc(r.Versions, v, func(x, y VersionRef) int {
			if c := x.Published.Compare(y.Published); c != 0 {
				return c
			}
			return strings.Compare(x.ID, y.ID)
		})
		r.Versions = slices.Insert(r.Versions, i, v)
		return true, false
	}
	al.ArticleCount++
	if full {
		al.remember(h)
	} else {
		al.Articles = append(al.Articles, refOf(a))
	}
	if a.SourceID != "" && !slices.Contains(al.Sources, a.SourceID) {
		al.Sources = append(al.Sources, a.SourceID)
	}
	return true, true
}

// lists reports whether the article id is listed, as an article or as a
// version of one.
func (al *Alert) lists(id string) bool {
	return slices.ContainsFunc(al.Articles, func(r ArticleRef) bool {
		return r.ID == id || slices.ContainsFunc(r.Versions, func(v VersionRef) bool { return v.ID == id })
	})
}

// itemHash is the 64-bit hash Counted keeps of an item ID: the first 8
// bytes of its SHA-256, stable across processes and versions, and not one
// an outlet could collide on purpose by choosing URLs. Among tens of
// thousands of articles two collide by chance with a probability below
// 1e-10; one that did would go uncounted.
func itemHash(id string) uint64 {
	sum := sha256.Sum256([]byte(id))
	return binary.BigEndian.Uint64(sum[:8])
}

// countedAt returns where h is or belongs in Counted, in 8-byte entries,
// and whether it is there.
func (al *Alert) countedAt(h uint64) (int, bool) {
	n := len(al.Counted) / 8
	i := sort.Search(n, func(i int) bool { return binary.BigEndian.Uint64(al.Counted[8*i:]) >= h })
	return i, i < n && binary.BigEndian.Uint64(al.Counted[8*i:]) == h
}

func (al *Alert) counted(h uint64) bool {
	_, ok := al.countedAt(h)
	return ok
}

// remember adds h to Counted unless it is full (see maxCounted).
func (al *Alert) remember(h uint64) {
	i, ok := al.countedAt(h)
	if ok || al.countedFull() {
		return
	}
	al.Counted = slices.Insert(al.Counted, 8*i, make([]byte, 8)...)
	binary.BigEndian.PutUint64(al.Counted[8*i:], h)
}

// countedFull reports whether the incident has counted more articles than
// it can remember: past that, a redelivered article may count twice.
func (al *Alert) countedFull() bool { return len(al.Counted) >= 8*maxCounted }

// Outward is al as notifications and the API show it, without the
// bookkeeping of Counted: al itself when there is none, else a shallow
// copy, so that an alert shared with the in-memory view is not changed.
func (al *Alert) Outward() *Alert {
	if len(al.Counted) == 0 {
		return al
	}
	out := *al
	out.Counted = nil
	return &out
}

// progress grows with every change ingesting makes: a group that saw less
// has something new to consider.
func (al *Alert) progress() int { return max(al.Changes, al.ArticleCount) }

// Attrs are the facts routing, grouping and silences match on.
func (al *Alert) Attrs() route.Attrs {
	at := route.Attrs{
		"severity":   {string(al.Severity)},
		"type":       {al.Type},
		"alert":      {al.ID},
		"department": al.Departments,
		"label":      al.Labels,
		"source":     al.Sources,
	}
	story := al.StoryID
	if story == "" && al.Type == TypeArticle && len(al.Articles) > 0 {
		story = "article:" + al.Articles[0].ID
	}
	if story == "" {
		story = al.GroupKey
	}
	at["story"] = []string{story}
	for _, r := range al.Rules {
		at["rule"] = appendNew(at["rule"], r.ID)
	}
	for _, a := range al.Articles {
		at["tier"] = appendNew(at["tier"], a.Tier)
		at["lang"] = appendNew(at["lang"], a.Lang)
	}
	return at
}

func appendNew(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func maxSeverity(a, b article.Severity) article.Severity {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// httpLink returns s if it is an absolute http(s) URL and "" otherwise:
// links on an alert end up clickable in messages and the web UI, where a
// javascript: link from a rule file or an API body must not.
func httpLink(s string) string {
	if !article.IsWebURL(s) {
		return ""
	}
	return s
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}

// TitleIn is a's title for a reader of lang ("vi" or "en").
func (a *Alert) TitleIn(lang string) string {
	if lang == "en" && a.TitleEn != "" {
		return a.TitleEn
	}
	return a.Title
}

// DetailIn is a's detail for a reader of lang ("vi" or "en").
func (a *Alert) DetailIn(lang string) string {
	if lang == "en" && a.DetailEn != "" {
		return a.DetailEn
	}
	return a.Detail
}
