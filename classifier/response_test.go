package classifier

import (
	"slices"
	"strings"
	"testing"

	"github.com/presswatch/presswatch/article"
)

const responseYAML = `
lists:
  province: [Điện Biên, Tuần Giáo]
  authorities: [Sở Y tế, UBND tỉnh]
  denial_markers: [bác bỏ, sai sự thật, không đúng sự thật]
  rumour_markers: [tin đồn, sai sự thật]
signals:
  markers:
    - {id: rumour, lists: [rumour_markers], labels: [rumour]}
  response:
    title: {vi: "Phản hồi chính thức"}
    query: >-
      (tier:official AND @denial_markers) OR (@authorities NEAR/12 @denial_markers)
    labels: [official-response]
  credibility:
    tiers: {social: 1.5, unknown: 1}
    signals: {rumour: 1.5}
    threshold: 2.5
    labels: [misleading]
    severity: medium
    flag: true
rules:
  - id: health.food-poisoning
    query: '"ngộ độc thực phẩm" AND @province'
    labels: [health]
    severity: high
  - id: misinfo.rumour
    query: '@rumour_markers AND @province AND NOT label:official-response'
    labels: [misleading]
    severity: high
`

func TestAnOfficialDenialRaisesNothing(t *testing.T) {
	rs := compileOne(t, map[string]string{"r.yaml": responseYAML})
	rumour := &article.Article{Title: "Tin đồn 3 học sinh Tuần Giáo tử vong vì ngộ độc thực phẩm", Text: "Chia sẻ trên mạng xã hội."}
	rs.Apply(rumour)
	for _, id := range []string{"health.food-poisoning", "misinfo.rumour", CredibilityID} {
		if m := matchByID(rumour, id); m == nil || m.Signal {
			t.Errorf("rumour: %s did not flag: %+v", id, rumour.Matches)
		}
	}

	for _, tc := range []struct {
		name string
		a    article.Article
	}{
		{"authority in the text", article.Article{Title: "Sở Y tế bác bỏ tin đồn học sinh Tuần Giáo ngộ độc thực phẩm",
			Text: "Sở Y tế tỉnh Điện Biên khẳng định không có ngộ độc thực phẩm, thông tin trên mạng là sai sự thật."}},
		{"official source", article.Article{Tier: "official", Title: "Thông tin về tin đồn ở Tuần Giáo",
			Text: "Không có học sinh nào ngộ độc thực phẩm; tin đồn là sai sự thật."}},
	} {
		a := tc.a
		rs.Apply(&a)
		if a.Flagged() || a.Severity != article.SeverityNone {
			t.Errorf("%s: flagged (severity %q): %+v", tc.name, a.Severity, a.Matches)
		}
		if !slices.Contains(a.Labels, "official-response") || slices.Contains(a.Labels, "misleading") {
			t.Errorf("%s: labels %v", tc.name, a.Labels)
		}
		if m := matchByID(&a, ResponseID); m == nil || len(m.Terms) == 0 {
			t.Errorf("%s: no explained response match: %+v", tc.name, a.Matches)
		}
		// The denied topic stays as context, so the response is found
		// by topic, but it flags nothing.
		if m := matchByID(&a, "health.food-poisoning"); m == nil || !m.Signal {
			t.Errorf("%s: topic match %+v", tc.name, m)
		}
		if matchByID(&a, CredibilityID) != nil || matchByID(&a, "misinfo.rumour") != nil {
			t.Errorf("%s: weighed as misinformation: %+v", tc.name, a.Matches)
		}
	}

	// Denial wording far from any authority, in a social post, is no
	// official response.
	far := &article.Article{Tier: "social", Title: "Tin đồn ngộ độc thực phẩm ở Tuần Giáo",
		Text: "Sở Y tế chưa lên tiếng. Người dân hoang mang, nhiều người chia sẻ lại và nói rằng việc này chắc chắn xảy ra, dù có người cho rằng đó là sai sự thật."}
	rs.Apply(far)
	if matchByID(far, ResponseID) != nil || !far.Flagged() {
		t.Errorf("far denial wording: %+v", far.Matches)
	}
}

func TestCheckExamplesCountsOnlyFlaggingMatches(t *testing.T) {
	rs := compileOne(t, map[string]string{"r.yaml": responseYAML + `
  - id: health.examples
    query: '"ngộ độc thực phẩm" AND @province'
    severity: high
    examples:
      no_match: ["Sở Y tế bác bỏ tin ngộ độc thực phẩm ở Tuần Giáo"]
`})
	if _, failures := rs.CheckExamples(); len(failures) != 0 {
		t.Errorf("a topic in an official denial counted as a match: %v", failures)
	}
}

func TestBadResponseSignalNamesFileLineAndColumn(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"signals:\n  response:\n    query: '@nope AND x'\n    labels: [r]\n", "s.yaml:3:13: signals: response: query: unknown list @nope"},
		{"signals:\n  response:\n    labels: [r]\n", "s.yaml:2: signals: response: no query"},
		{"signals:\n  response:\n    query: bác bỏ\n", "s.yaml:2: signals: response: give the labels"},
	} {
		_, err := Compile(map[string][]byte{"s.yaml": []byte(tc.yaml)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
