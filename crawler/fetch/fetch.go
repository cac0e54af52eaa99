package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/presswatch/presswatch/internal/retryafter"
)

// Fetcher makes every crawler request: guarded, polite and bounded. It is
// safe for concurrent use; make one per process so politeness is shared.
type Fetcher struct {
	o            Options
	guard        *guard
	base         *http.Transport
	tr           *transport
	client       *http.Client
	robotsClient *http.Client
	global       chan struct{} // GlobalConcurrency slots

	mu      sync.Mutex
	hosts   map[string]*hostState
	robots  map[string]*robotsEntry // by origin
	created int                     // new map entries, to pace sweeps
}

// New validates o and builds a Fetcher.
func New(o Options) (*Fetcher, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	g, err := newGuard(o.AllowPrivate)
	if err != nil {
		return nil, fmt.Errorf("fetch options: %w", err)
	}
	guarded := &net.Dialer{Timeout: o.ConnectTimeout, KeepAlive: 30 * time.Second, Control: g.control}
	trusted := &net.Dialer{Timeout: o.ConnectTimeout, KeepAlive: 30 * time.Second}
	f := &Fetcher{
		o: o, guard: g,
		base: &http.Transport{
			Proxy:                  nil, // a proxy would connect on our behalf, past the guard
			DialContext:            g.dialContext(guarded, trusted),
			ForceAttemptHTTP2:      true, // a custom dialer turns it off otherwise
			MaxIdleConns:           100,
			MaxIdleConnsPerHost:    o.PerHostConcurrency,
			IdleConnTimeout:        90 * time.Second,
			TLSHandshakeTimeout:    o.ConnectTimeout,
			ExpectContinueTimeout:  time.Second,
			DisableCompression:     true, // body.go decodes, counting decoded bytes
			MaxResponseHeaderBytes: 1 << 20,
		},
		global: make(chan struct{}, o.GlobalConcurrency),
		hosts:  make(map[string]*hostState),
		robots: make(map[string]*robotsEntry),
	}
	f.tr = &transport{f: f, robots: !o.IgnoreRobots}
	f.client = &http.Client{Transport: f.tr, CheckRedirect: followRedirect}
	f.robotsClient = &http.Client{Transport: &transport{f: f}, CheckRedirect: followRedirect}
	return f, nil
}

// followRedirect leaves the redirect policy to the transport, which sees
// every hop (through Request.Response), also under colly's client.
func followRedirect(*http.Request, []*http.Request) error { return nil }

// Transport returns the RoundTripper behind Get, for colly
// (c.WithTransport(f.Transport())): every request it carries, redirect
// hops included, passes the address guard, robots.txt, the per-host and
// global limits, Options.Timeout, the redirect limit and loop check; every
// body it returns is decoded (Content-Encoding removed, Uncompressed set,
// so colly does not decode again) and fails with KindTooLarge past
// MaxBody. Errors are *Error (wrapped in *url.Error by http.Client).
// A response body must be closed (or read to the end) to free its host's
// slot. Leave colly's IgnoreRobotsTxt at its default (true), and set
// colly.MaxBodySize(0): colly truncates silently where this transport
// fails loudly.
func (f *Fetcher) Transport() http.RoundTripper { return f.tr }

// Client returns an http.Client over Transport, without a cookie jar or
// overall timeout (Options.Timeout applies to each hop).
func (f *Fetcher) Client() *http.Client {
	c := *f.client
	return &c
}

// CloseIdleConnections closes kept-alive connections, for shutdown and
// tests.
func (f *Fetcher) CloseIdleConnections() { f.base.CloseIdleConnections() }

// Request is one GET.
type Request struct {
	URL          string
	ETag         string // sent as If-None-Match
	LastModified string // sent as If-Modified-Since
	// Accept lists accepted media types ("text/html", "application/*");
	// empty accepts any. Another Content-Type (sniffed when the header is
	// missing) fails with KindContentType.
	Accept []string
}

// Response is a successful (2xx) or not-modified (304) answer.
type Response struct {
	URL          *url.URL // final URL after redirects
	Status       int
	Header       http.Header // Content-Encoding removed: Body is decoded
	ContentType  string      // the header, or sniffed when it is missing
	Body         []byte      // decoded, at most MaxBody bytes, charset untouched
	NotModified  bool        // 304: Body is empty, keep the previous copy
	ETag         string
	LastModified string
}

// Get fetches r.URL. Any status other than 2xx and 304 is an error of
// KindStatus (with RetryAfter for 429/503).
func (f *Fetcher) Get(ctx context.Context, r Request) (*Response, error) {
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, &Error{Kind: KindInvalidURL, URL: redactRaw(r.URL), Err: unwrapURLError(err)}
	}
	loc := redact(u)
	if err := checkURL(u); err != nil {
		return nil, &Error{Kind: KindInvalidURL, URL: loc, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: KindInvalidURL, URL: loc, Err: unwrapURLError(err)}
	}
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	accept := "*/*" // some servers and CDNs refuse requests without one
	if len(r.Accept) > 0 {
		accept = strings.Join(r.Accept, ", ")
	}
	req.Header.Set("Accept", accept)
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, classify(ctx, loc, err)
	}
	defer resp.Body.Close()
	final := resp.Request.URL
	floc := redact(final)
	out := &Response{
		URL: final, Status: resp.StatusCode, Header: resp.Header,
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		// A 304 need not repeat the validators; the caller's still hold.
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = r.ETag
		}
		if out.LastModified == "" {
			out.LastModified = r.LastModified
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		// Reading a little lets the connection be reused, which makes a
		// 500 storm cheaper for both sides.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		fe := &Error{Kind: KindStatus, URL: floc, Status: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			fe.RetryAfter = retryafter.Parse(resp.Header.Get("Retry-After"), time.Now(), f.o.MaxRetryAfter)
		}
		return nil, fe
	}
	ct := resp.Header.Get("Content-Type")
	if ct != "" && !accepted(r.Accept, ct) {
		// Refuse before downloading the PDF or video.
		return nil, contentTypeError(floc, ct, r.Accept)
	}
	out.Body, err = readAll(resp.Body, resp.ContentLength, f.o.MaxBody)
	if err != nil {
		return nil, classify(ctx, floc, err)
	}
	if ct == "" {
		ct = http.DetectContentType(out.Body)
		if !accepted(r.Accept, ct) {
			return nil, contentTypeError(floc, ct+" (sniffed)", r.Accept)
		}
	}
	out.ContentType = ct
	return out, nil
}

func readAll(r io.Reader, hint, maxBody int64) ([]byte, error) {
	var buf bytes.Buffer
	if hint > 0 && hint <= maxBody {
		buf.Grow(int(hint) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

func contentTypeError(loc, ct string, accept []string) *Error {
	return &Error{Kind: KindContentType, URL: loc, Err: fmt.Errorf("content type %s is not accepted (want %s)", ct, strings.Join(accept, ", "))}
}

// accepted matches the media type of ct against accept entries, which may
// end in "/*".
func accepted(accept []string, ct string) bool {
	if len(accept) == 0 {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	for _, a := range accept {
		a, _, _ = strings.Cut(a, ";")
		a = strings.ToLower(strings.TrimSpace(a))
		switch {
		case a == "*/*" || a == mt:
			return true
		case strings.HasSuffix(a, "/*") && strings.HasPrefix(mt, a[:len(a)-1]):
			return true
		}
	}
	return false
}

func checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("only http and https URLs are fetched, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return errors.New("URL has no host")
	}
	return nil
}

// transport applies guard, politeness, robots.txt and body limits to each
// request (each redirect hop is one).
type transport struct {
	f      *Fetcher
	robots bool // check robots.txt first (off for fetching robots.txt)
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	f := t.f
	u := req.URL
	loc := redact(u)
	ctx := req.Context()
	fail := func(err error) (*http.Response, error) {
		if req.Body != nil {
			_ = req.Body.Close() // the RoundTripper contract, even on error
		}
		f.o.Logger.Debug("fetch: failed", "url", loc, "err", err)
		return nil, err
	}
	if err := checkURL(u); err != nil {
		return fail(&Error{Kind: KindInvalidURL, URL: loc, Err: err})
	}
	if err := f.checkRedirects(req, loc); err != nil {
		return fail(err)
	}
	if t.robots && u.Path != "/robots.txt" {
		if err := f.checkRobots(ctx, u, loc); err != nil {
			return fail(err)
		}
	}
	h, release, err := f.acquire(ctx, u, loc)
	if err != nil {
		return fail(err)
	}
	hopCtx, cancel := context.WithTimeoutCause(ctx, f.o.Timeout, &timeoutError{f.o.Timeout})
	done := func() {
		cancel()
		release()
	}
	out := req.Clone(hopCtx)
	out.Header.Set("User-Agent", f.o.UserAgent)
	// Asking ourselves keeps net/http from decoding transparently, which
	// would hide the encoding and let a bomb past MaxBody.
	out.Header.Set("Accept-Encoding", "gzip, deflate, br")
	resp, err := f.base.RoundTrip(out)
	if err != nil {
		fe := classify(hopCtx, loc, err) // before done() cancels hopCtx
		done()
		return fail(fe)
	}
	f.noteRetryAfter(h, resp)
	enc := resp.Header.Get("Content-Encoding")
	resp.Body = newBody(resp.Body, loc, enc, resp.ContentLength, f.o.MaxBody,
		func(err error) *Error { return classify(hopCtx, loc, err) }, done)
	if enc != "" {
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
	}
	resp.Uncompressed = true
	// The client walks redirect chains through resp.Request; give it back
	// its own request, not our clone.
	resp.Request = req
	f.o.Logger.Debug("fetch: response", "url", loc, "status", resp.StatusCode, "content_encoding", enc)
	return resp, nil
}

// checkRedirects enforces MaxRedirects and refuses loops. The chain is
// read from req.Response (set by http.Client on each hop), so the checks
// hold under any client, colly's included. A loop is the same method, URL
// and cookies twice: a site that redirects to the same URL to set a cookie
// works with a cookie jar and fails fast without one.
func (f *Fetcher) checkRedirects(req *http.Request, loc string) error {
	hops := 0
	for prev := req.Response; prev != nil && prev.Request != nil; prev = prev.Request.Response {
		hops++
		p := prev.Request
		if p.Method == req.Method && p.URL.String() == req.URL.String() && p.Header.Get("Cookie") == req.Header.Get("Cookie") {
			return &Error{Kind: KindRedirectLoop, URL: loc, Err: errors.New("redirect loop (this URL was already requested in the chain)")}
		}
	}
	if hops > f.o.MaxRedirects {
		return &Error{Kind: KindTooManyRedirects, URL: loc, Err: fmt.Errorf("stopped after %d redirects", f.o.MaxRedirects)}
	}
	return nil
}
