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
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", envOr("PRESSWATCH_SERVER", "http://127.0.0.1:8080"), "presswatch API base URL (or PRESSWATCH_SERVER)")
	token := fs.String("token", "", "API token (default: PRESSWATCH_TOKEN)")
	limit := fs.Int("limit", 20, "results")
	from := fs.String("from", "", "published from (2026-11-01 or RFC 3339)")
	to := fs.String("to", "", "published until")
	sort := fs.String("sort", "", "relevance or newest")
	asJSON := fs.Bool("json", false, "print the API's JSON")
	var filters multiFlag
	fs.Var(&filters, "filter", "field=value filter, repeatable: source, site, tier, lang, label, severity, story")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: presswatch search [flags] \"QUERY\"\n\nQuery syntax: docs/QUERY.md. Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 1 {
		return errors.New("presswatch search: give the query as one argument (quote it)")
	}
	tok := *token
	if tok == "" {
		tok = os.Getenv("PRESSWATCH_TOKEN")
	}
	q := url.Values{}
	q.Set("q", fs.Arg(0))
	q.Set("limit", fmt.Sprint(*limit))
	for k, v := range map[string]string{"from": *from, "to": *to, "sort": *sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return fmt.Errorf("presswatch search: --filter %q: want field=value", f)
		}
		q.Add(k, v)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*server, "/")+"/api/v1/search?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("presswatch search: %w", err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("presswatch search: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("presswatch search: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return fmt.Errorf("presswatch search: %s: %s", resp.Status, e.Error)
	}
	if *asJSON {
		_, err := stdout.Write(body)
		return err
	}
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
