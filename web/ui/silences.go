package ui

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/alerts/silence"
)

// silenceChoices are the lengths the form offers.
var silenceChoices = []struct {
	Key string
	D   time.Duration
}{{"1h", time.Hour}, {"4h", 4 * time.Hour}, {"12h", 12 * time.Hour}, {"24h", 24 * time.Hour}, {"3d", 72 * time.Hour}, {"7d", 7 * 24 * time.Hour}}

type silencesData struct {
	Active, Ended []silenceView
	Rules         []RuleInfo
	// Sources are the configured outlets the form offers by name; without
	// a source list the form asks for the source's ID.
	Sources []sourceOption
	// Form is what was typed when the form comes back with a problem.
	Rule, Source, Matchers, For, Comment string
	Problems                             map[string][]Problem
	Choices                              []string
}

func (u *UI) silencesPage(w http.ResponseWriter, r *http.Request, code int, d *silencesData) {
	p := u.page(r, "silences", d)
	p.Title = p.T("silences.title")
	if u.d.Silences == nil {
		p.Error = p.T("error.unavailable")
		u.render(w, http.StatusServiceUnavailable, "silences", p)
		return
	}
	list, err := u.d.Silences.List(r.Context())
	if err != nil {
		u.log.Error("silences page", "err", err)
		p.Error = p.T("error.unavailable")
		u.render(w, http.StatusServiceUnavailable, "silences", p)
		return
	}
	if u.d.Rules != nil {
		d.Rules, _ = u.d.Rules.Rules(r.Context())
	}
	d.Sources = sourceOptions(p)
	now := u.d.Now()
	for _, s := range u.silenceViews(p, list, u.liveNames(r.Context(), d.Rules)) {
		if s.Ends.After(now) {
			d.Active = append(d.Active, s)
		} else {
			d.Ended = append(d.Ended, s)
		}
	}
	for _, c := range silenceChoices {
		d.Choices = append(d.Choices, c.Key)
	}
	if len(d.Problems) > 0 {
		p.Error = p.T("form.has_problems")
	}
	u.render(w, code, "silences", p)
}

func (u *UI) silences(w http.ResponseWriter, r *http.Request) {
	u.silencesPage(w, r, http.StatusOK, &silencesData{For: "4h", Problems: map[string][]Problem{}})
}

// createSilence mutes the alerts an officer picked for a while; a
// silence needs at least one matcher and a reason, as in the API.
func (u *UI) createSilence(w http.ResponseWriter, r *http.Request) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	d := &silencesData{Rule: v("rule"), Source: v("source"), Matchers: r.PostFormValue("matchers"), For: v("for"), Comment: v("comment"), Problems: map[string][]Problem{}}
	if u.d.Silences == nil {
		u.silencesPage(w, r, http.StatusServiceUnavailable, d)
		return
	}
	var matchers []string
	if d.Rule != "" {
		matchers = append(matchers, "rule="+strconv.Quote(d.Rule))
	}
	if d.Source != "" {
		matchers = append(matchers, "source="+strconv.Quote(d.Source))
	}
	matchers = append(matchers, nonEmptyLines(d.Matchers)...)
	length := time.Duration(0)
	for _, c := range silenceChoices {
		if c.Key == d.For {
			length = c.D
		}
	}
	if length == 0 {
		d.Problems["for"] = []Problem{{Field: "for", Code: ProblemInvalid, Detail: "choose how long"}}
		u.silencesPage(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	now := u.d.Now()
	s, err := u.d.Silences.Create(r.Context(), silence.Silence{Matchers: matchers, Starts: now, Ends: now.Add(length), CreatedBy: principal(r).Name, Comment: d.Comment}, now)
	var in *silence.InputError
	switch {
	case errors.As(err, &in):
		field := "matchers"
		if strings.HasPrefix(in.Msg, "comment") {
			field = "comment"
		}
		d.Problems[field] = []Problem{{Field: field, Code: ProblemInvalid, Detail: in.Msg}}
		u.silencesPage(w, r, http.StatusUnprocessableEntity, d)
		return
	case err != nil:
		u.editFailed(w, r, "silences", err)
		return
	}
	u.audit(r, "", "silence.create", s.ID, strings.Join(s.Matchers, ", "))
	redirect(w, r, "/silences", "flash.silence_created")
}

func (u *UI) expireSilenceFromPage(w http.ResponseWriter, r *http.Request) {
	u.expireSilenceThen(w, r, "/silences", "flash.silence_expired")
}

// sourceOption is one outlet in a form's choice of sources.
type sourceOption struct{ ID, Name string }

// sourceOptions lists the configured sources by name, for forms, from
// the list the page already reads for naming them; nil when it cannot be
// read (the form then takes an ID).
func sourceOptions(p *Page) []sourceOption {
	if p.srcNames == nil {
		return nil
	}
	names := p.srcNames()
	out := make([]sourceOption, 0, len(names))
	for id, name := range names {
		out = append(out, sourceOption{ID: id, Name: name})
	}
	slices.SortFunc(out, func(a, b sourceOption) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out
}
