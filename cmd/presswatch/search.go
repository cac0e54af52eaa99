package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/presswatch/presswatch/indexer"
)

// runSearch queries a running presswatch over its API: the index is held
// open by the server, and the API is the one contract every deployment
// (embedded or scaled out) offers.
func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sf, err := parseSearchFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	q, err := sf.query()
	if err != nil {
		return err
	}
	body, err := sf.get(ctx, q)
	if err != nil {
		return err
	}
	if sf.asJSON {
		_, err := stdout.Write(body)
		return err
	}
	return printSearchResult(stdout, body)
}

// searchFlags is the search command line.
type searchFlags struct {
	server, token     string
	limit             int
	from, to, sort, q string
	asJSON            bool
	filters           multiFlag
}

// parseSearchFlags returns flag.ErrHelp when help was asked for and
// printed.
func parseSearchFlags(args []string, stderr io.Writer) (searchFlags, error) {
	var sf searchFlags
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&sf.server, "server", envOr("PRESSWATCH_SERVER", "http://127.0.0.1:8080"), "presswatch API base URL (or PRESSWATCH_SERVER)")
	fs.StringVar(&sf.token, "token", "", "API token (default: PRESSWATCH_TOKEN)")
	fs.IntVar(&sf.limit, "limit", 20, "results")
	fs.StringVar(&sf.from, "from", "", "published from (2026-11-01 or RFC 3339)")
	fs.StringVar(&sf.to, "to", "", "published until")
	fs.StringVar(&sf.sort, "sort", "", "relevance or newest")
	fs.BoolVar(&sf.asJSON, "json", false, "print the API's JSON")
	fs.Var(&sf.filters, "filter", "field=value filter, repeatable: source, site, tier, lang, label, severity, story")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: presswatch search [flags] \"QUERY\"\n\nQuery syntax: docs/QUERY.md. Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return sf, err
		}
		return sf, errUsage
	}
	if fs.NArg() > 1 {
		return sf, errors.New("presswatch search: give the query as one argument (quote it)")
	}
	sf.q = fs.Arg(0)
	if sf.token == "" {
		sf.token = os.Getenv("PRESSWATCH_TOKEN")
	}
	return sf, nil
}

// query is the API's query string.
func (sf searchFlags) query() (url.Values, error) {
	q := url.Values{}
	q.Set("q", sf.q)
	q.Set("limit", fmt.Sprint(sf.limit))
	for k, v := range map[string]string{"from": sf.from, "to": sf.to, "sort": sf.sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for _, f := range sf.filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("presswatch search: --filter %q: want field=value", f)
		}
		q.Add(k, v)
	}
	return q, nil
}

// get asks the server's search API and returns the body of a successful
// answer; an error answer becomes an error carrying the API's message.
func (sf searchFlags) get(ctx context.Context, q url.Values) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(sf.server, "/")+"/api/v1/search?"+q.Encode(), nil)
	if err != nil {
		return nil, fmt.Errorf("presswatch search: %w", err)
	}
	if sf.token != "" {
		req.Header.Set("Authorization", "Bearer "+sf.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("presswatch search: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("presswatch search: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return nil, fmt.Errorf("presswatch search: %s: %s", resp.Status, e.Error)
	}
	return body, nil
}

// printSearchResult prints the hits for a terminal.
func printSearchResult(stdout io.Writer, body []byte) error {
	var res indexer.SearchResult
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("presswatch search: %w", err)
	}
	more := ""
	if res.TotalIsLowerBound {
		more = "+"
	}
	fmt.Fprintf(stdout, "%d%s results (%d ms)\n\n", res.Total, more, res.TookMS)
	for _, h := range res.Hits {
		labels := ""
		if len(h.Labels) > 0 {
			labels = " [" + strings.Join(h.Labels, ", ") + "]"
		}
		fmt.Fprintf(stdout, "%s  %-16s %s%s\n  %s\n  %s\n\n", h.Published.Format("2006-01-02"), h.Source, h.Title, labels, h.URL, plainSnippet(h.Snippet))
	}
	return nil
}

var markTag = regexp.MustCompile(`</?mark>`)

// plainSnippet shows the API's HTML snippet in a terminal: matched words
// in brackets.
func plainSnippet(s string) string {
	s = strings.NewReplacer("<mark>", "[", "</mark>", "]").Replace(s)
	return html.UnescapeString(markTag.ReplaceAllString(s, ""))
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// postJSON posts body to u and decodes the answer into out; a non-2xx
// answer is an error carrying the API's message.
func postJSON(ctx context.Context, u, token string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		return fmt.Errorf("%s: %s", resp.Status, e.Error)
	}
	return json.Unmarshal(data, out)
}
