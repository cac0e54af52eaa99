package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/indexer"
	"github.com/presswatch/presswatch/web"
)

// FacetValue is one clickable facet value.
type FacetValue struct {
	// Value is what the filter takes; Name what the page shows (a tier
	// or severity by its name, never its slug).
	Value, Name string
	Count       int
	Href        string
	Active      bool
}

// FacetGroup is one facet (source, label, ...).
type FacetGroup struct {
	Key    string
	Values []FacetValue
}

type searchData struct {
	Q             string
	Params        url.Values
	Result        *indexer.SearchResult
	Facets        []FacetGroup
	Chart         Chart
	CSV, SaveRule string
	Next          string
	// Start numbers the first hit of this page (1, then 21, ...).
	Start              int
	From, To           string
	Sort               string
	Examples           []string
	Severities, Tiers  []string
	SelSev, SelTier    map[string]bool
	SelLang, SelSource string
	SelLabel           string
	Langs              []string
	CanSubmit          bool
	// Saved is the saved searches' panel (nil: not in this process).
	Saved *savedPanel
}

// facetOrder is how facets are listed.
var facetOrder = []string{"label", "source", "tier", "lang", "site"}

// filterKeys are the URL parameters a facet value sets.
var filterKeys = map[string]string{"label": "label", "source": "source", "tier": "tier", "lang": "lang", "site": "site"}

// defaultSearchDays is the window the search page opens on. Officers
// watch what is new; the date field shows it and clearing it searches the
// whole archive. It also keeps the page fast on a large archive: the index
// reads only the months a date range touches.
const defaultSearchDays = 30

func (u *UI) search(w http.ResponseWriter, r *http.Request) { u.searchPage(w, r, r.URL.Query(), nil) }

// searchPage shows the search of q; form is a saved-search form sent
// back with a problem (the page then answers 400).
func (u *UI) searchPage(w http.ResponseWriter, r *http.Request, q url.Values, form *savedForm) {
	okCode := http.StatusOK
	if form != nil {
		okCode = http.StatusBadRequest
	}
	if !q.Has("from") && !q.Has("to") {
		q.Set("from", time.Now().AddDate(0, 0, -defaultSearchDays).Format(time.DateOnly))
	}
	d := newSearchData(q)
	p := u.page(r, "search", d)
	p.Title = p.T("search.title")
	d.CanSubmit = u.d.Submit != nil && p.Can("officer")
	d.Saved = u.savedPanel(r.Context(), p, q, form)
	if u.d.Search == nil {
		p.Error = p.T("error.no_search")
		u.render(w, http.StatusServiceUnavailable, "search", p)
		return
	}
	req, err := web.ParseSearchRequest(q)
	if err != nil {
		p.Error = err.Error()
		u.render(w, http.StatusBadRequest, "search", p)
		return
	}
	req.Facets = true
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	res, err := u.d.Search.Search(ctx, req)
	if err != nil {
		u.renderSearchError(w, p, err)
		return
	}
	d.Result = res
	d.Chart = barChart(res.PerDay, 600, 80)
	d.Facets = facetGroups(p, q, res)
	d.setLinks(q, res)
	u.render(w, okCode, "search", p)
}

// newSearchData is the search form as the query string q fills it.
func newSearchData(q url.Values) *searchData {
	return &searchData{Q: q.Get("q"), Params: q, From: q.Get("from"), To: q.Get("to"), Sort: q.Get("sort"),
		Examples:   []string{`lu quet`, `"sat lo" AND label:disaster`, `(ngo doc OR "thuc pham ban") NEAR/5 truong`, `title:=hòa NOT source:bao-hoa-ban`, `flood* AND lang:en`},
		Severities: []string{"critical", "high", "medium", "low"}, Tiers: article.Tiers(),
		SelSev: set(q["severity"]), SelTier: set(q["tier"]), SelLang: q.Get("lang"), SelSource: q.Get("source"),
		SelLabel: strings.Join(q["label"], ","), Langs: []string{"vi", "en", "fr", "lo", "th", "zh", "km"}}
}

// renderSearchError shows why a search failed, with the status that
// says whose fault it was: the query, the time limit, or the server.
func (u *UI) renderSearchError(w http.ResponseWriter, p *Page, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, indexer.ErrBadQuery):
		code = http.StatusBadRequest
		p.Error = p.T("search.bad_query", err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		code = http.StatusGatewayTimeout
		p.Error = p.T("search.timeout")
	default:
		u.log.Error("search page", "err", err)
		p.Error = p.T("error.unavailable")
	}
	u.render(w, code, "search", p)
}

// facetGroups lists res's facets in facetOrder, each value a link that
// adds its filter to q, or removes it when q has it already.
func facetGroups(p *Page, q url.Values, res *indexer.SearchResult) []FacetGroup {
	var groups []FacetGroup
	for _, key := range facetOrder {
		g := FacetGroup{Key: key}
		for _, fc := range res.Facets[key] {
			v := FacetValue{Value: fc.Value, Name: fc.Value, Count: fc.Count}
			switch key {
			case "tier", "severity":
				v.Name = p.T(key + "." + fc.Value)
			case "label":
				v.Name = p.Label(fc.Value)
			case "lang":
				v.Name = p.Language(fc.Value)
			case "source":
				v.Name = p.Source(fc.Value)
			}
			nq := cloneValues(q)
			nq.Del("start")
			nq.Del("cursor")
			if contains(q[filterKeys[key]], fc.Value) {
				v.Active = true
				nq.Del(filterKeys[key])
			} else {
				nq.Add(filterKeys[key], fc.Value)
			}
			v.Href = "/search?" + nq.Encode()
			g.Values = append(g.Values, v)
		}
		if len(g.Values) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// setLinks sets where the page's links lead: the CSV export, saving the
// query as a rule, and the next page.
func (d *searchData) setLinks(q url.Values, res *indexer.SearchResult) {
	csv := cloneValues(q)
	csv.Set("format", "csv")
	csv.Del("cursor")
	csv.Del("start")
	d.CSV = "/api/v1/search?" + csv.Encode()
	if d.Q != "" {
		d.SaveRule = "/rules/preview?" + url.Values{"q": {d.Q}}.Encode()
	}
	// The cursor says where the next page starts, not how many came
	// before: the count travels beside it so page 2 goes on from 21.
	d.Start = 1
	if n, err := strconv.Atoi(q.Get("start")); err == nil && n > 1 && q.Get("cursor") != "" {
		d.Start = n
	}
	if res.NextCursor != "" {
		nq := cloneValues(q)
		nq.Set("cursor", res.NextCursor)
		nq.Set("start", strconv.Itoa(d.Start+len(res.Hits)))
		d.Next = "/search?" + nq.Encode()
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func set(vs []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range vs {
		m[v] = true
	}
	return m
}

func contains(vs []string, s string) bool {
	for _, v := range vs {
		if v == s {
			return true
		}
	}
	return false
}
