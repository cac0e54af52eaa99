// Package story finds near-duplicate articles, for two of the classifier's
// signals: copies of articles an officer marked as misleading (each flagged
// with a link to the case and its official rebuttal), and story clusters
// (articles about one event share a story ID, so alerts and reports count
// the story once and show how it spread from outlet to outlet).
//
// # Similarity
//
// An article's text becomes the set of its 3-shingles: runs of three
// consecutive words as textnorm.Tokenize folds them, so case, diacritics,
// tone placement and punctuation are not edits. Sign sketches the set with
// MinHash: 128 seeded hash functions, each keeping its smallest value; the
// share of equal minima estimates the Jaccard similarity of two sets
// (standard error 0.044 at 0.5). Titles become sets of word pairs.
//
// Two articles published within Options.Window (72 h) of each other are the
// same story when their texts reach Options.Threshold (0.5), or, when either
// text is short (under 60 shingles: a brief, a feed-only summary), when their
// titles reach Options.TitleThreshold (0.5). An article copies a case when
// its text reaches Options.CopyThreshold (0.6) with the case's, or when that
// share of its own text is found in the case (an aggregator's excerpt).
//
// The rule is applied transitively: an article that matches articles of two
// stories joins them into one. That makes the result independent of the
// order articles arrive in, which is what lets several processes agree (see
// below). A quoting rebuttal is neither a copy nor the same story: quoting
// one sentence of a 300-word rumour is 11% of its shingles.
//
// # Official responses
//
// An official denial or correction (Doc.Response, decided by the
// classifier's response signal) answers a claim in its own words, so it is
// rarely a near-duplicate of the rumour. When it matches no story by the
// rule above, it joins the story of the recent article (within Window)
// whose title it restates: the largest share of that title's word pairs
// found among the word pairs of the response's title and text, at least
// Options.ResponseContainment (0.6) and four pairs. A rumour's title is
// what a denial repeats ("thông tin hàng chục học sinh … ngộ độc thực
// phẩm là sai sự thật"); shorter titles are too generic to match on. The
// search scans the whole in-memory index, which is cheap for the handful
// of responses a day. Assignment.Answers names the article matched.
//
// # Versions
//
// An outlet that updates an article under a new address, or publishes it
// again, has not spread the story. An article of the same outlet (outletOf:
// the same source and site, without "www." or "m.") as a matched article,
// whose text reaches Options.VersionThreshold (0.75) with it, is a version
// of that article's item (Assignment.VersionOf, the item's first article).
// Measured by TestCorpusVersionThreshold on the 2,650 long articles of the
// corpus, all from one outlet, against edits of each:
//
//	pair                                  p5     share ≥ 0.75
//	two different articles (closest)      -      0% (max 0.711)
//	last paragraph dropped                0.961  99.9%
//	a paragraph added                     0.773  96.9%
//	10% of sentences dropped, 2 swapped   0.766  96.8%
//	one sentence replaced                 0.734  94.0%
//	lead rewritten, tone marks stripped   0.617  82.2%
//
// The choice is recorded in the article's a. record (so it is decided
// once, like the story) and in its index record (so a later version finds
// the item). A version does not count in its story: the story record
// lists it marked VersionOf, and Story nests it under its item. Which
// article is the item depends on which came first; two near-identical
// articles of one outlet assigned at the same instant by two processes,
// each before seeing the other, stay two items. Records written before
// versions existed carry no outlet and start no versions.
//
// # Index
//
// Recent articles are kept in memory, at most Options.MaxRecent (50,000,
// about 110 MB: 2.2 KB per article, of which half is the LSH table) and none
// published before the window. Candidates come from LSH banding: the 128
// minima form 32 bands of 4 rows, and articles that agree on a whole band are
// compared. A pair with Jaccard s becomes a candidate with probability
// 1-(1-s⁴)³², 0.87 at 0.5, 0.99 at 0.6, 0.23 at 0.3, 0.003 at 0.1.
// Measured on the 2,653 Vietnamese news articles of the corpus test (by
// exact Jaccard of the pair; "found" is candidate and estimate ≥ 0.5):
//
//	layout   [0.3,0.4)     [0.4,0.5)     [0.5,0.6)     [0.6,0.7)     cand./lookup
//	16×4     27.5/0.6%     51.2/15.2%    78.6/69.4%    93.8/93.7%    0
//	20×5     15.2/1.2%     33.2/10.9%    65.9/59.9%    90.6/90.6%    0
//	32×4     42.7/1.2%     76.2/19.5%    95.7/82.0%    99.8/99.6%    0
//	42×3     85.4/1.2%     98.1/21.4%   100.0/84.6%   100.0/99.9%    2.5
//
// 32×4 finds nearly what the estimate allows (42×3 gains 2.6 points just
// above the threshold for 30% more index memory). Edited copies (10% of
// sentences dropped, two paragraphs swapped, tone marks stripped) are found
// at 100% as the same story and as copies; random pairs of different
// articles match at 0% (none of 50,000). Titles have their own 16 bands of
// 2 rows over 32 minima, decided on the exact sets.
//
// Cases are few (marked by hand), so every article is compared with every
// case, without LSH.
//
// # Storage
//
// Everything that must survive a restart is in two NATS KV buckets the
// caller declares and passes to New (keys in records.go):
//
//   - stories: per article, the story it joined (a.<article>) and what the
//     index needs (w.<day>.<article>, keyed by the UTC day it was written so
//     a start reads only the window's days); per story, its first and last
//     appearance, article count and the first 200 outlets in time order
//     (s.<story>, versions among them marked), and merge links
//     (m.<story>). Declare it with History 1 (compare-and-set needs only
//     the latest revision), a TTL at least as
//     long as stories are reported on (90 days: an article assigned again
//     after its record expired is treated as new) and, optionally,
//     LimitMarkerTTL (any value, e.g. 1 h), which lets New give index
//     records their own TTL of Window + 48 h so they do not stay for the
//     bucket's TTL.
//   - cases: one record per misleading case (c.<article>) with the text, so
//     a future signature scheme can sign it again. No TTL: a case lasts
//     until Unmark. History 5 keeps the last re-markings for audit.
//
// # Several processes
//
// Classifier processes compete for articles and share the buckets. Each
// watches the stories bucket, so articles assigned elsewhere enter its index
// within milliseconds, and the cases bucket, so a case marked in the web
// role counts everywhere. Correctness does not depend on that speed:
//
//   - An article's assignment is decided by creating a.<article>; a process
//     that loses the creation adopts the winner's story. So redeliveries and
//     concurrent deliveries of one article agree, and an article is counted
//     once.
//   - Story records change only by compare-and-set, so concurrent updates
//     are never lost.
//   - A new story is named after the article that started it. When two
//     processes start a story for near-duplicates at the same moment (each
//     before seeing the other's), the first process to see both merges them,
//     under the smaller ID: merges only ever go from a larger ID to a
//     smaller one, so they cannot form cycles and every process reaches the
//     same result. The merged story's record points to the survivor, which
//     absorbs its counts once; Story and Assign follow the link.
//
// Known limits: an article classified before a merge keeps the old story ID
// in the search index (Story resolves it, and lists the IDs it absorbed);
// past 200 outlets a story's count can miss an article if a process stops
// between the two writes of its assignment; template articles that are
// published daily (lottery results, gold prices) chain into one story when
// their texts reach the threshold.
//
// # Wiring
//
// The classifier creates one Clusterer at start (New blocks while it loads
// the window), calls Assign for every article and puts StoryID on it,
// labels it misleading with the case's rebuttal URL for each of Copies, and
// returns the message for redelivery when Assign fails (it is idempotent).
// The web role calls MarkMisleading, Unmark, Cases and Story. Stats feeds
// metrics.
package story
