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

	"github.com/presswatch/presswatch/crawler/charset"
	"github.com/presswatch/presswatch/crawler/extract"
	"github.com/presswatch/presswatch/crawler/fetch"
)

const (
	// extractMaxBytes is the largest page the command reads, as the
	// crawler's fetcher.
	extractMaxBytes = 10 << 20
	// extractFetchTimeout bounds fetching a page, redirects included.
	extractFetchTimeout = 30 * time.Second
)

// extractOutput is what the command prints, as JSON.
type extractOutput struct {
	Title        string   `json:"title"`
	Byline       string   `json:"byline"`
	Published    string   `json:"published,omitempty"` // RFC 3339
	Language     string   `json:"language"`
	CanonicalURL string   `json:"canonical_url"`
	Description  string   `json:"description"`
	Image        string   `json:"image"`
	SiteName     string   `json:"site_name"`
	Tags         []string `json:"tags"`
	Method       string   `json:"method"`
	Text         string   `json:"text"`
}

func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return extractPage(ctx, args, os.Stdin, stdout, stderr)
}

// extractPage is the extract command reading standard input from stdin, so
// that tests can give it a page.
func extractPage(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	opts, err := parseExtractFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	page, base, err := readPage(ctx, opts.src, stdin, opts.base)
	if err != nil {
		return err
	}
	ex, err := extract.New(extract.Options{})
	if err != nil {
		return err
	}
	res, extractErr := ex.Extract(page, base)
	if res == nil {
		return extractErr
	}
	if opts.textOnly {
		if res.Text != "" {
			if _, err := fmt.Fprintln(stdout, res.Text); err != nil {
				return err
			}
		}
		return extractErr
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(newExtractOutput(res)); err != nil {
		return err
	}
	// With no article text the metadata is still printed, and the reason
	// ends the command with a non-zero status.
	return extractErr
}

// extractArgs is the extract command line.
type extractArgs struct {
	src      string   // file or URL; standard input when empty
	base     *url.URL // --url, nil when not given
	textOnly bool
}

// parseExtractFlags returns flag.ErrHelp when help was asked for and
// printed.
func parseExtractFlags(args []string, stderr io.Writer) (extractArgs, error) {
	fl := flag.NewFlagSet("extract", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprintln(stderr, `usage: presswatch extract [--url URL] [--text] [FILE|URL]

Prints what the extractor makes of one page: a local HTML file, an http(s)
URL, or standard input when neither is given.`)
		fl.PrintDefaults()
	}
	pageURL := fl.String("url", "", "the page's URL, for relative links and the date-from-URL fallback (default: the fetched URL)")
	textOnly := fl.Bool("text", false, "print the article text alone")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return extractArgs{}, err
		}
		return extractArgs{}, errUsage
	}
	if fl.NArg() > 1 {
		fl.Usage()
		return extractArgs{}, errUsage
	}
	a := extractArgs{src: fl.Arg(0), textOnly: *textOnly}
	if *pageURL != "" {
		u, err := url.Parse(*pageURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return extractArgs{}, fmt.Errorf("extract: --url %q is not an absolute http(s) URL", *pageURL)
		}
		a.base = u
	}
	return a, nil
}

// readPage reads the page from src, or stdin when src is empty, and
// decodes it to UTF-8. A fetched page's final URL becomes the base when
// --url did not give one.
func readPage(ctx context.Context, src string, stdin io.Reader, base *url.URL) (string, *url.URL, error) {
	var body []byte
	var contentType string
	var err error
	switch {
	case src == "":
		body, err = readLimited(stdin, "standard input")
	case isHTTPURL(src):
		var final *url.URL
		body, contentType, final, err = fetchPage(ctx, src)
		if base == nil {
			base = final
		}
	default:
		body, err = readFile(src)
	}
	if err != nil {
		return "", nil, err
	}
	page, err := decodeHTML(body, contentType)
	if err != nil {
		return "", nil, err
	}
	return page, base, nil
}

func newExtractOutput(res *extract.Result) extractOutput {
	out := extractOutput{
		Title:        res.Title,
		Byline:       res.Byline,
		Language:     res.Lang,
		CanonicalURL: res.Canonical,
		Description:  res.Description,
		Image:        res.Image,
		SiteName:     res.SiteName,
		Tags:         res.Tags,
		Method:       res.Method,
		Text:         res.Text,
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if !res.Published.IsZero() {
		out.Published = res.Published.Format(time.RFC3339)
	}
	return out
}

func isHTTPURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// readLimited reads r up to extractMaxBytes and refuses more.
func readLimited(r io.Reader, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, extractMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("extract: read %s: %w", what, err)
	}
	if len(b) > extractMaxBytes {
		return nil, fmt.Errorf("extract: %s is larger than %d MiB", what, extractMaxBytes>>20)
	}
	return b, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	defer f.Close()
	return readLimited(f, path)
}

// fetchPage gets an http(s) page through the crawler's fetcher, so the
// operator sees what the crawler would get: same bounds, decompression and
// address guard (loopback allowed, for checking a local copy). robots.txt
// is not applied: this is one page an operator asked for by hand. It
// returns the body, its Content-Type and the URL after redirects.
func fetchPage(ctx context.Context, rawURL string) ([]byte, string, *url.URL, error) {
	f, err := fetch.New(fetch.Options{
		UserAgent:    "presswatch/" + version + " (extract; +https://github.com/presswatch/presswatch)",
		Timeout:      extractFetchTimeout,
		MaxBody:      extractMaxBytes,
		AllowPrivate: []string{"localhost"},
		IgnoreRobots: true,
		MinHostDelay: fetch.NoDelay,
	})
	if err != nil {
		return nil, "", nil, fmt.Errorf("extract: %w", err)
	}
	defer f.CloseIdleConnections()
	resp, err := f.Get(ctx, fetch.Request{URL: rawURL, Accept: []string{"text/html", "application/xhtml+xml"}})
	if err != nil {
		return nil, "", nil, fmt.Errorf("extract: %w", err)
	}
	return resp.Body, resp.ContentType, resp.URL, nil
}

// decodeHTML turns a page into UTF-8 as the crawler does.
func decodeHTML(body []byte, contentType string) (string, error) {
	text, _, err := charset.DecodeHTML(body, contentType)
	if err != nil {
		return "", fmt.Errorf("extract: decode: %w", err)
	}
	return text, nil
}
