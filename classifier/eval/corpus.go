package eval

import (
	"bufio"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// CorpusReport is how the rules behave on a corpus of articles about other
// places (national news): every alert there is an alert an officer of the
// province reads for nothing, unless the article names a place of the
// province.
type CorpusReport struct {
	Articles int
	// Flagged articles and the alerts (distinct flagging rules) on them.
	Flagged, Alerts int
	// NoPlace counts flagged articles that name no place of the province
	// as written, with its marks (the province list compared as plain
	// text, not through the matcher under test); NoPlaceAlerts their
	// alerts. Examples lists some of them.
	NoPlace, NoPlaceAlerts int
	Examples               []string
	// ProvinceMatches counts articles the query "Điện Biên" matches;
	// DienBienFalse those of them whose text does not contain "Điện Biên"
	// as written (it matched through another spelling, "diễn biến").
	ProvinceMatches, DienBienFalse int
	// ByRule counts the no-place alerts per rule.
	ByRule map[string]int
}

// CorpusDoc is one article of a corpus.
type CorpusDoc struct {
	Name, Title, Text string
}

// ReadCorpus reads the *.txt files of dir: "# key = value" header lines,
// then the title on the first line and the text below (the vi-dantri
// layout).
func ReadCorpus(fsys fs.FS, dir string) ([]CorpusDoc, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", dir, err)
	}
	sort.Strings(names)
	docs := make([]CorpusDoc, 0, len(names))
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		d := CorpusDoc{Name: path.Base(n)}
		var body []string
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			switch {
			case strings.HasPrefix(line, "#") && len(body) == 0 && d.Title == "":
			case d.Title == "" && line != "":
				d.Title = line
			default:
				body = append(body, line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("corpus %s: %w", n, err)
		}
		d.Text = strings.TrimSpace(strings.Join(body, "\n"))
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("corpus %s: no *.txt files", dir)
	}
	return docs, nil
}

// ScanCorpus classifies every document (Vietnamese, a central outlet) and
// counts alerts on articles that name no place of the province (the
// ruleset's province list).
func ScanCorpus(rs *classifier.Ruleset, docs []CorpusDoc) (*CorpusReport, error) {
	places, ok := rs.List("province")
	if !ok {
		return nil, fmt.Errorf("corpus: the rule set has no province list")
	}
	dienBien, err := query.Parse(`"Điện Biên"`, query.Options{})
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	rep := &CorpusReport{Articles: len(docs), ByRule: map[string]int{}}
	for _, d := range docs {
		a := &article.Article{Title: d.Title, Text: d.Text, Lang: "vi", Tier: "central"}
		rs.Apply(a)
		written := lowerNFC(d.Title + "\n" + d.Text)
		qdoc := &query.Document{Text: map[string]string{query.FieldTitle: d.Title, query.FieldText: d.Text}}
		if query.Eval(dienBien, qdoc) {
			rep.ProvinceMatches++
			if !containsWord(written, "điện biên") {
				rep.DienBienFalse++
			}
		}
		var alerts []string
		for _, id := range Fired(a) {
			if id != classifier.ResponseID {
				alerts = append(alerts, id)
			}
		}
		if len(alerts) == 0 {
			continue
		}
		rep.Flagged++
		rep.Alerts += len(alerts)
		if namesPlace(written, places) {
			continue
		}
		rep.NoPlace++
		rep.NoPlaceAlerts += len(alerts)
		for _, id := range alerts {
			rep.ByRule[id]++
		}
		if len(rep.Examples) < 10 {
			rep.Examples = append(rep.Examples, fmt.Sprintf("%s: %v: %s", d.Name, alerts, d.Title))
		}
	}
	return rep, nil
}

func lowerNFC(s string) string { return strings.ToLower(textnorm.Normalize(s)) }

// namesPlace reports whether text (lower-case NFC) holds one of the
// places as written, as whole words.
func namesPlace(text string, places []string) bool {
	for _, p := range places {
		if containsWord(text, lowerNFC(p)) {
			return true
		}
	}
	return false
}

// containsWord reports whether w occurs in s with no letter or digit
// right before or after it.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if !wordRuneBefore(s, start) && !wordRuneAt(s, end) {
			return true
		}
		i = start + 1
	}
}

func wordRuneBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWord(r)
}

func wordRuneAt(s string, i int) bool {
	for _, r := range s[i:] {
		return isWord(r)
	}
	return false
}

func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
