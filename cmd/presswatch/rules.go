package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/extract"
)

// runRules is "presswatch rules check|test": the officers' tools to
// validate a rule set and try it on documents before it goes live.
func runRules(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: presswatch rules check [--sources FILE] DIR | rules test --rules DIR FILE|URL… | rules backtest --rules DIR [--since 7d] RULE_ID | rules eval [--rules DIR] [--set DIR] [--corpus DIR] | rules export [--data DIR] [--out FILE]")
		return errUsage
	}
	switch args[0] {
	case "check":
		return rulesCheck(args[1:], stdout, stderr)
	case "test":
		return rulesTest(ctx, args[1:], os.Stdin, stdout, stderr)
	case "backtest":
		return rulesBacktest(ctx, args[1:], stdout, stderr)
	case "eval":
		return rulesEval(args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, "rules", args[1:], stdout, stderr)
	}
	return fmt.Errorf("presswatch rules: unknown subcommand %q (check, test, backtest, eval or export)", args[0])
}

func rulesCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rules check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sources := fs.String("sources", "", "sources file (crawler.sources_file) to check source ids against")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() != 1 {
		return errors.New("presswatch rules check: give the rules directory")
	}
	dir := fs.Arg(0)
	var lint classifier.LintOptions
	if *sources != "" {
		srcs, err := config.Sources(config.Config{Crawler: config.Crawler{SourcesFile: *sources}})
		if err != nil {
			return fmt.Errorf("presswatch rules check: %w", err)
		}
		lint.Sources = []string{"manual"} // officers' links
		for _, s := range srcs {
			lint.Sources = append(lint.Sources, s.ID)
		}
	}
	rs, err := classifier.LoadDir(os.DirFS(dir), ".")
	if err != nil {
		return prefixLines(err, dir)
	}
	checked, failures := rs.CheckExamples()
	for _, f := range failures {
		fmt.Fprintln(stdout, prefixPath(dir, f.String()))
	}
	warnings := rs.Lint(lint)
	for _, w := range warnings {
		fmt.Fprintln(stdout, "warning: "+prefixPath(dir, w.String()))
	}
	if len(failures) > 0 {
		return fmt.Errorf("presswatch rules check: %d of %d examples failed", len(failures), checked)
	}
	fmt.Fprintf(stdout, "%d rules, %d examples: all pass, %d warnings (version %s)\n", rs.Len(), checked, len(warnings), rs.Version)
	return nil
}

// prefixLines puts the directory in front of each file:line error so the
// operator can open it directly.
func prefixLines(err error, dir string) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = prefixPath(dir, l)
	}
	return errors.New(strings.Join(lines, "\n"))
}

func prefixPath(dir, line string) string {
	if dir == "." || strings.HasPrefix(line, "read rules") {
		return line
	}
	return strings.TrimSuffix(dir, "/") + "/" + line
}

// testResult is one line of rules test output.
type testResult struct {
	Input    string           `json:"input"`
	Title    string           `json:"title,omitempty"`
	Labels   []string         `json:"labels"`
	Severity article.Severity `json:"severity,omitempty"`
	Matches  []article.Match  `json:"matches"`
	Error    string           `json:"error,omitempty"`
}

func rulesTest(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rules test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("rules", "rules", "rules directory")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	rs, err := classifier.LoadDir(os.DirFS(*dir), ".")
	if err != nil {
		return prefixLines(err, *dir)
	}
	x, err := extract.New(extract.Options{})
	if err != nil {
		return err
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, in := range inputs {
		res := testResult{Input: in, Labels: []string{}, Matches: []article.Match{}}
		a, err := loadDocument(ctx, in, stdin, x)
		if err != nil {
			res.Error = err.Error()
			failed++
		} else {
			rs.Apply(a)
			res.Title, res.Severity = a.Title, a.Severity
			if a.Labels != nil {
				res.Labels = a.Labels
			}
			if a.Matches != nil {
				res.Matches = a.Matches
			}
		}
		if err := enc.Encode(res); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("presswatch rules test: %d of %d documents could not be read", failed, len(inputs))
	}
	return nil
}

// loadDocument reads a page (URL or HTML file) through the extractor, or
// plain text (a .txt file, or standard input with "-").
func loadDocument(ctx context.Context, in string, stdin io.Reader, x *extract.Extractor) (*article.Article, error) {
	var (
		body  []byte
		ctype string
		page  *url.URL
		err   error
	)
	switch {
	case in == "-":
		body, err = readLimited(stdin, "standard input")
	case isHTTPURL(in):
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		body, ctype, page, err = fetchPage(ctx, in)
	default:
		body, err = readFile(in)
	}
	if err != nil {
		return nil, err
	}
	text := string(body)
	if ctype != "" || strings.Contains(strings.ToLower(text[:min(len(text), 1024)]), "<html") {
		html, err := decodeHTML(body, ctype)
		if err != nil {
			return nil, err
		}
		r, err := x.Extract(html, page)
		if err != nil && !errors.Is(err, extract.ErrNoContent) {
			return nil, err
		}
		return &article.Article{Title: r.Title, Text: r.Text, Byline: r.Byline, Lang: r.Lang}, nil
	}
	// Plain text: the first line is the title.
	title, rest, _ := strings.Cut(strings.TrimSpace(text), "\n")
	return &article.Article{Title: strings.TrimSpace(title), Text: strings.TrimSpace(rest)}, nil
}

// rulesBacktest asks a running presswatch how many recent articles a rule
// would have flagged, with samples.
func rulesBacktest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rules backtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("rules", "rules", "rules directory")
	since := fs.String("since", "7d", "how far back: 7d, 48h")
	server := fs.String("server", envOr("PRESSWATCH_SERVER", "http://127.0.0.1:8080"), "presswatch API base URL")
	token := fs.String("token", "", "API token (default: PRESSWATCH_TOKEN)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() != 1 {
		return errors.New("presswatch rules backtest: give one rule id")
	}
	rs, err := classifier.LoadDir(os.DirFS(*dir), ".")
	if err != nil {
		return prefixLines(err, *dir)
	}
	q, ok := rs.RuleQuery(fs.Arg(0))
	if !ok {
		return fmt.Errorf("presswatch rules backtest: no enabled rule %q in %s", fs.Arg(0), *dir)
	}
	tok := *token
	if tok == "" {
		tok = os.Getenv("PRESSWATCH_TOKEN")
	}
	scope, _ := rs.RuleScope(fs.Arg(0))
	body, _ := json.Marshal(map[string]any{"query": q, "since": *since, "sources": scope.Sources, "tiers": scope.Tiers, "langs": scope.Langs})
	var res struct {
		Total   int `json:"total"`
		Samples []struct {
			Title     string    `json:"title"`
			URL       string    `json:"url"`
			Source    string    `json:"source"`
			Published time.Time `json:"published"`
		} `json:"samples"`
		Error string `json:"error"`
	}
	if err := postJSON(ctx, strings.TrimRight(*server, "/")+"/api/v1/rules/preview", tok, body, &res); err != nil {
		return fmt.Errorf("presswatch rules backtest: %w", err)
	}
	fmt.Fprintf(stdout, "rule %s would have flagged %d articles in the last %s\nquery: %s\n", fs.Arg(0), res.Total, *since, q)
	if len(scope.Sources)+len(scope.Tiers)+len(scope.Langs) > 0 {
		fmt.Fprintf(stdout, "scope: sources %v, tiers %v, langs %v\n", scope.Sources, scope.Tiers, scope.Langs)
	}
	fmt.Fprintln(stdout)
	for _, s := range res.Samples {
		fmt.Fprintf(stdout, "%s  %-16s %s\n  %s\n", s.Published.Format("2006-01-02"), s.Source, s.Title, s.URL)
	}
	return nil
}
