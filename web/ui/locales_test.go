package ui

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/confstore"
	"github.com/presswatch/presswatch/crawler"
)

// TestLocalesHaveEveryKey fails on a message missing in either language:
// every key of one locale is in the other, every key a template names
// literally is in both, and so is every enum value shown by name.
func TestLocalesHaveEveryKey(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"vi", "en"} {
		for _, b := range []string{"vi", "en"} {
			for k := range cat[a] {
				if _, ok := cat[b][k]; !ok {
					t.Errorf("%q is in %s.json, not in %s.json", k, a, b)
				}
			}
		}
	}
	need := map[string]bool{}
	literal := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	err = fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(templateFS, path)
		for _, m := range literal.FindAllStringSubmatch(string(data), -1) {
			need[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	enums := map[string][]string{
		"tier":     article.Tiers(),
		"kind":     config.SourceKinds(),
		"severity": {"info", "low", "medium", "high", "critical"},
		"history":  {string(confstore.ActionCreate), string(confstore.ActionEdit), string(confstore.ActionDelete), string(confstore.ActionRollback)},
		"problem":  {ProblemInvalid, ProblemDuplicate, ProblemBlocked, ProblemParse, ProblemExamples, ProblemFetch, "conflict"},
		"origin":   {OriginFile, OriginBuiltin, OriginUI},
		"role":     {"viewer", "officer", "admin"},
		"links":    {crawler.SubmissionQueued, crawler.SubmissionRetrying, crawler.SubmissionFetched, crawler.SubmissionFailed},
	}
	for prefix, values := range enums {
		for _, v := range values {
			need[prefix+"."+v] = true
		}
	}
	for _, c := range silenceChoices {
		need["silences.for_"+c.Key] = true
	}
	keys := make([]string, 0, len(need))
	for k := range need {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, lang := range []string{"vi", "en"} {
			if _, ok := cat[lang][k]; !ok {
				t.Errorf("%s.json has no %q", lang, k)
			}
		}
	}
}
