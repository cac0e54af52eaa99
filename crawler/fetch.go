package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/gocolly/colly/v2"
)

// Fetcher makes bounded HTTP requests through the address guard: feeds with
// a plain client (conditional GET), article pages with colly.
type Fetcher struct {
	client    *http.Client
	pages     *colly.Collector
	userAgent string
	maxBody   int64
	timeout   time.Duration
}

// FetcherOptions bound every request.
type FetcherOptions struct {
	UserAgent string
	Timeout   time.Duration
	MaxBody   int64
	Guard     *AddressGuard
}

// NewFetcher builds the HTTP client and the colly collector.
func NewFetcher(o FetcherOptions) *Fetcher {
	tr := o.Guard.Transport(10 * time.Second)
	client := &http.Client{
		Transport: tr,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("more than 10 redirects")
			}
			return nil
		},
	}
	c := colly.NewCollector(
		colly.UserAgent(o.UserAgent),
		colly.MaxBodySize(int(o.MaxBody)),
		colly.AllowURLRevisit(), // the seen-URL store decides what is new
	)
	c.IgnoreRobotsTxt = false
	c.SetClient(client)
	c.SetRequestTimeout(o.Timeout)
	return &Fetcher{client: client, pages: c, userAgent: o.UserAgent, maxBody: o.MaxBody, timeout: o.Timeout}
}

// feedResponse is a feed body or a not-modified answer.
type feedResponse struct {
	body         []byte
	notModified  bool
	etag         string
	lastModified string
}

// FetchFeed GETs u, sending the validators of the previous answer.
func (f *Fetcher) FetchFeed(ctx context.Context, u, etag, lastModified string) (*feedResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, unwrapURLError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return &feedResponse{notModified: true, etag: etag, lastModified: lastModified}, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP status %d", resp.StatusCode)
	}
	body, err := readLimited(resp.Body, f.maxBody)
	if err != nil {
		return nil, err
	}
	return &feedResponse{body: body, etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified")}, nil
}

// readLimited reads at most max bytes (after any transport decompression)
// and fails rather than truncating.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if n > max {
		return nil, fmt.Errorf("body larger than %d bytes", max)
	}
	return buf.Bytes(), nil
}

// page is a fetched article page.
type page struct {
	finalURL *url.URL
	body     []byte
	ctype    string
}

// FetchPage GETs an article page with colly.
func (f *Fetcher) FetchPage(ctx context.Context, u string) (*page, error) {
	c := f.pages.Clone()
	c.Context = ctx
	var (
		p    *page
		ferr error
	)
	c.OnResponse(func(r *colly.Response) {
		p = &page{finalURL: r.Request.URL, body: r.Body, ctype: r.Headers.Get("Content-Type")}
	})
	c.OnError(func(r *colly.Response, err error) {
		if r != nil && r.StatusCode != 0 {
			ferr = fmt.Errorf("HTTP status %d", r.StatusCode)
			return
		}
		ferr = unwrapURLError(err)
	})
	if err := c.Visit(u); err != nil && ferr == nil {
		ferr = unwrapURLError(err)
	}
	if ferr != nil {
		return nil, ferr
	}
	if p == nil {
		return nil, errors.New("no response")
	}
	if int64(len(p.body)) >= f.maxBody {
		return nil, fmt.Errorf("page larger than %d bytes", f.maxBody)
	}
	return p, nil
}

// unwrapURLError drops url.Error's quoting of the URL: callers already name
// the source and URL once.
func unwrapURLError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}
