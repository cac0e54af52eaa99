package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/presswatch/presswatch/article"
)

// source is one of the generated outlets.
type source struct {
	id, site, tier string
	weight         float64
}

var tiers = []string{"official", "central", "local", "foreign", "social"}

// labels are those the example rules assign.
var labels = []string{"sensitive", "crisis", "disaster", "negative", "land", "misleading", "health"}

var severities = []article.Severity{article.SeverityLow, article.SeverityMedium, article.SeverityHigh, article.SeverityCritical}

type generator struct {
	c       *corpus
	seed    uint64
	from    time.Time
	span    time.Duration
	n       int  // articles in the whole run, spread over span
	random  bool // dates uniformly random rather than in arrival order
	sources []source
	cumW    []float64 // cumulative source weights
}

func newGenerator(c *corpus, seed uint64, until time.Time, n int, random bool) *generator {
	g := &generator{c: c, seed: seed, from: until.AddDate(-1, 0, 0), n: n, random: random}
	g.span = until.Sub(g.from)
	// 50 sources, 10 per tier; volume falls off like a Zipf law, so facets
	// see a few big outlets and a long tail, as a monitoring office does.
	total := 0.0
	for i := range 50 {
		w := 1 / float64(i+1)
		g.sources = append(g.sources, source{
			id:     fmt.Sprintf("src-%02d", i+1),
			site:   fmt.Sprintf("src%02d.example.vn", i+1),
			tier:   tiers[i%len(tiers)],
			weight: w,
		})
		total += w
		g.cumW = append(g.cumW, total)
	}
	return g
}

// article builds article i; it depends only on the seed and i.
func (g *generator) article(i int) *article.Article {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	topic := g.c.topics[r.IntN(len(g.c.topics))]
	docs := g.c.byTop[topic]
	pick := func() *corpusDoc { return &g.c.docs[docs[r.IntN(len(docs))]] }

	// Title: the first half of one title and the second half of another.
	a, b := strings.Fields(pick().title), strings.Fields(pick().title)
	title := strings.Join(append(slices.Clone(a[:(len(a)+1)/2]), b[len(b)/2:]...), " ")

	// Text: 4 to 14 paragraphs, each from a random article of the topic.
	n := 4 + r.IntN(11)
	paras := make([]string, n)
	for j := range paras {
		d := pick()
		paras[j] = d.paras[r.IntN(len(d.paras))]
	}

	x := r.Float64() * g.cumW[len(g.cumW)-1]
	src := g.sources[sort.SearchFloat64s(g.cumW, x)]
	// Articles arrive roughly in publication order, as the crawler
	// delivers them: article i is dated i/n of the way through the year,
	// give or take six hours. -random-dates spreads them uniformly.
	var published time.Time
	if g.random {
		published = g.from.Add(time.Duration(r.Int64N(int64(g.span))))
	} else {
		at := time.Duration(float64(g.span) * float64(i) / float64(g.n))
		jitter := time.Duration(r.Int64N(int64(12*time.Hour))) - 6*time.Hour
		published = g.from.Add(min(max(at+jitter, 0), g.span-time.Second))
	}
	url := fmt.Sprintf("https://%s/%s/bai-%d.htm", src.site, topic, i)
	id, canonical, err := article.IDFromURL(url)
	if err != nil {
		// The URL is built here from safe parts; failing is a bug.
		panic(err)
	}
	art := &article.Article{
		ID: id, URL: canonical, CanonicalURL: canonical, SourceID: src.id, Site: src.site, Tier: src.tier,
		Lang: "vi", Title: title, Text: strings.Join(paras, "\n"),
		Published: published, Fetched: published.Add(time.Duration(r.IntN(30*60)) * time.Second),
		Sentiment: math.Round(math.Max(-1, math.Min(1, r.NormFloat64()*0.35))*100) / 100,
	}
	if r.IntN(20) == 0 {
		art.Labels = []string{labels[r.IntN(len(labels))]}
		if r.IntN(3) == 0 {
			art.Labels = append(art.Labels, "sensitive")
			art.Labels = slices.Compact(art.Labels)
		}
		art.Severity = severities[r.IntN(len(severities))]
	}
	return art
}
