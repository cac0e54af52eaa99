package fetch

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// page is a Vietnamese article, long enough to span several reads.
var page = []byte(strings.Repeat("<p>Bão số 3 gây mưa lớn ở Thừa Thiên Huế; đường ngập sâu.</p>\n", 4000))

// encode compresses b with one Content-Encoding.
func encode(t testing.TB, enc string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "zlib":
		w = zlib.NewWriter(&buf)
	case "raw-deflate":
		w, _ = flate.NewWriter(&buf, flate.DefaultCompression)
	case "br":
		w = brotli.NewWriter(&buf)
	default:
		t.Fatalf("unknown encoding %s", enc)
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGetOK(t *testing.T) {
	t.Parallel()
	var gotUA, gotAE, gotAccept string
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotAE, gotAccept = r.UserAgent(), r.Header.Get("Accept-Encoding"), r.Header.Get("Accept")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("ETag", `"abc"`)
		_, _ = w.Write(page)
	}))
	f := newTestFetcher(t, nil)
	resp, err := f.Get(context.Background(), Request{URL: srv.URL + "/a", Accept: []string{"text/html", "application/xhtml+xml"}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resp.Body, page) || resp.Status != 200 || resp.ContentType != "text/html; charset=utf-8" || resp.ETag != `"abc"` {
		t.Errorf("got status %d, type %q, etag %q, %d bytes", resp.Status, resp.ContentType, resp.ETag, len(resp.Body))
	}
	if resp.URL.String() != srv.URL+"/a" {
		t.Errorf("URL = %s", resp.URL)
	}
	if gotUA != testUA || gotAE != "gzip, deflate, br" || gotAccept != "text/html, application/xhtml+xml" {
		t.Errorf("server saw User-Agent %q, Accept-Encoding %q, Accept %q", gotUA, gotAE, gotAccept)
	}
}

func TestInvalidURL(t *testing.T) {
	t.Parallel()
	f := newTestFetcher(t, nil)
	for _, u := range []string{"ftp://example.org/x", "file:///etc/passwd", "/relative", "http://", "http://u:pw@host:port/", "http://a b/"} {
		_, err := f.Get(context.Background(), Request{URL: u})
		asError(t, err, KindInvalidURL)
		if strings.Contains(err.Error(), "pw") {
			t.Errorf("%q: message %q leaks the password", u, err)
		}
	}
}

func TestDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		header   string // Content-Encoding sent
		body     []byte
		want     []byte
		wantKind Kind
	}{
		{"identity", "", page, page, 0},
		{"explicit identity", "identity", page, page, 0},
		{"gzip", "gzip", encode(t, "gzip", page), page, 0},
		{"x-gzip", "x-gzip", encode(t, "gzip", page), page, 0},
		{"deflate as zlib", "deflate", encode(t, "zlib", page), page, 0},
		{"deflate as raw deflate", "deflate", encode(t, "raw-deflate", page), page, 0},
		{"brotli", "br", encode(t, "br", page), page, 0},
		{"upper case", "GZIP", encode(t, "gzip", page), page, 0},
		{"stacked gzip then br", "gzip, br", encode(t, "br", encode(t, "gzip", page)), page, 0},
		{"concatenated gzip members", "gzip", append(encode(t, "gzip", page[:1000]), encode(t, "gzip", page[1000:])...), page, 0},
		{"empty gzip body", "gzip", nil, nil, 0},
		{"unknown encoding", "zstd", []byte("(zstd frame)"), nil, KindDecode},
		{"too many layers", "gzip, gzip, gzip, gzip", encode(t, "gzip", page), nil, KindDecode},
		{"corrupt gzip", "gzip", []byte("this is not gzip at all"), nil, KindDecode},
		{"truncated gzip", "gzip", encode(t, "gzip", page)[:500], nil, KindDecode},
		{"corrupt brotli", "br", []byte("\xff\xff\xff\xff not brotli"), nil, KindDecode},
		{"invalid UTF-8 passes unchanged", "", []byte("<p>\xff\xfe caf\xe9 \xc3\x28 \xed\xa0\x80</p>"), []byte("<p>\xff\xfe caf\xe9 \xc3\x28 \xed\xa0\x80</p>"), 0},
		{"invalid UTF-8 in gzip", "gzip", encode(t, "gzip", []byte("\x80\x81\xfe\xff")), []byte("\x80\x81\xfe\xff"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				if tt.header != "" {
					w.Header().Set("Content-Encoding", tt.header)
				}
				_, _ = w.Write(tt.body)
			}))
			f := newTestFetcher(t, nil)
			resp, err := f.Get(context.Background(), Request{URL: srv.URL})
			if tt.wantKind != 0 {
				asError(t, err, tt.wantKind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(resp.Body, tt.want) {
				t.Errorf("body: got %d bytes %.40q, want %d bytes %.40q", len(resp.Body), resp.Body, len(tt.want), tt.want)
			}
			if ce := resp.Header.Get("Content-Encoding"); ce != "" {
				t.Errorf("Content-Encoding %q left on a decoded body", ce)
			}
		})
	}
}

// TestDrip: a server that sends one byte a second must fail at Timeout,
// whether it drips the body or the headers.
func TestDrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers bool // headers first, then the drip
	}{
		{"body", true},
		{"headers", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.headers {
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(200)
				}
				tick := time.NewTicker(time.Second)
				defer tick.Stop()
				for range 120 {
					if tt.headers {
						if _, err := w.Write([]byte("x")); err != nil {
							return
						}
						w.(http.Flusher).Flush()
					}
					select {
					case <-r.Context().Done():
						return
					case <-tick.C:
					}
				}
			}))
			f := newTestFetcher(t, func(o *Options) { o.Timeout = time.Second })
			start := time.Now()
			_, err := f.Get(context.Background(), Request{URL: srv.URL})
			elapsed := time.Since(start)
			fe := asError(t, err, KindTimeout)
			var te *timeoutError
			if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) || !fe.Temporary() {
				t.Errorf("%v: want our Timeout as cause, DeadlineExceeded and Temporary", err)
			}
			if elapsed > 15*time.Second {
				t.Errorf("took %s with a 1s timeout", elapsed)
			}
		})
	}
}

func TestCanceled(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		_, _ = w.Write([]byte("x"))
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done()
	}))
	f := newTestFetcher(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	var err error
	within(t, 20*time.Second, func() { _, err = f.Get(ctx, Request{URL: srv.URL}) })
	asError(t, err, KindCanceled)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%v is not context.Canceled", err)
	}
}

// endless writes filler until the client goes away.
func endless(w io.Writer, ctx context.Context) {
	chunk := bytes.Repeat([]byte("<p>spam</p>\n"), 4096)
	for ctx.Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// TestTooLarge covers an endless body and a 50 MB page, with and without
// Content-Length and compression.
func TestTooLarge(t *testing.T) {
	t.Parallel()
	const fifty = 50 << 20
	tests := []struct {
		name    string
		maxBody int64
		handler http.HandlerFunc
		want    string
	}{
		{"endless chunked body", 1 << 20, func(w http.ResponseWriter, r *http.Request) {
			endless(w, r.Context())
		}, "body larger than 1048576 bytes after decompression"},
		{"50 MB page with Content-Length", 10 << 20, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(fifty))
			_, _ = io.CopyN(w, zeros{}, fifty)
		}, "body larger than 10485760 bytes after decompression"},
		{"50 MB page without Content-Length", 10 << 20, func(w http.ResponseWriter, r *http.Request) {
			w.(http.Flusher).Flush()
			_, _ = io.CopyN(w, zeros{}, fifty)
		}, "body larger than 10485760 bytes after decompression"},
		{"50 MB page gzipped", 10 << 20, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
			chunk := make([]byte, 64<<10)
			for sent := 0; sent < fifty && r.Context().Err() == nil; sent += len(chunk) {
				if _, err := zw.Write(chunk); err != nil || zw.Flush() != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
			_ = zw.Close()
		}, "body larger than 10485760 bytes after decompression"},
		{"endless stream of empty gzip members", 64 << 10, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			member := encode(t, "gzip", nil)
			for r.Context().Err() == nil {
				if _, err := w.Write(bytes.Repeat(member, 1000)); err != nil {
					return
				}
			}
		}, "compressed body larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				tt.handler(w, r)
			}))
			f := newTestFetcher(t, func(o *Options) { o.MaxBody = tt.maxBody })
			var err error
			within(t, 30*time.Second, func() { _, err = f.Get(context.Background(), Request{URL: srv.URL}) })
			fe := asError(t, err, KindTooLarge)
			if !strings.Contains(err.Error(), tt.want) || fe.Temporary() {
				t.Errorf("%v (temporary %v), want %q and not temporary", err, fe.Temporary(), tt.want)
			}
		})
	}
}

type zeros struct{}

type flushWriter interface {
	io.WriteCloser
	Flush() error
}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestBomb serves 1 GiB of zeros compressed on the fly; with MaxBody
// 1 MiB each must fail fast, having allocated little.
func TestBomb(t *testing.T) {
	t.Parallel()
	const gib = 1 << 30
	writers := map[string]func(io.Writer) flushWriter{
		"gzip": func(w io.Writer) flushWriter {
			zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
			return zw
		},
		"deflate": func(w io.Writer) flushWriter {
			zw, _ := zlib.NewWriterLevel(w, zlib.BestCompression)
			return zw
		},
		"br": func(w io.Writer) flushWriter { return brotli.NewWriterLevel(w, 1) },
	}
	for _, enc := range []string{"gzip", "deflate", "br"} {
		t.Run(enc, func(t *testing.T) {
			var sent atomic.Int64
			srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", enc)
				zw := writers[enc](w)
				chunk := make([]byte, 64<<10)
				for sent.Load() < gib && r.Context().Err() == nil {
					// Flushing hands the client each piece at once, so
					// the server compresses little more than the client
					// decodes.
					if _, err := zw.Write(chunk); err != nil || zw.Flush() != nil {
						return
					}
					w.(http.Flusher).Flush()
					sent.Add(int64(len(chunk)))
				}
				_ = zw.Close()
			}))
			f := newTestFetcher(t, func(o *Options) { o.MaxBody = 1 << 20 })
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var err error
			t0 := time.Now()
			within(t, 30*time.Second, func() { _, err = f.Get(context.Background(), Request{URL: srv.URL}) })
			runtime.ReadMemStats(&after)
			asError(t, err, KindTooLarge)
			// TotalAlloc counts every allocation in the process, the
			// server's compressor included; decoding the whole bomb into
			// memory would cost a gibibyte.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 96<<20 {
				t.Errorf("allocated %d MiB fetching a bomb with MaxBody 1 MiB", grew>>20)
			}
			t.Logf("server compressed %d MiB before the client hung up; get took %s", sent.Load()>>20, time.Since(t0))
		})
	}
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case p == "/b":
			http.Redirect(w, r, "/a", http.StatusMovedPermanently)
		case p == "/self":
			http.Redirect(w, r, "/self", http.StatusFound)
		case p == "/cookie":
			if _, err := r.Cookie("seen"); err != nil {
				http.SetCookie(w, &http.Cookie{Name: "seen", Value: "1"})
				http.Redirect(w, r, "/cookie", http.StatusFound)
				return
			}
			_, _ = w.Write([]byte("with cookie"))
		case p == "/ftp":
			http.Redirect(w, r, "ftp://example.org/file", http.StatusFound)
		case strings.HasPrefix(p, "/chain/"):
			n, _ := strconv.Atoi(strings.TrimPrefix(p, "/chain/"))
			if n > 0 {
				http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusTemporaryRedirect)
				return
			}
			_, _ = w.Write([]byte("end of chain"))
		default:
			http.NotFound(w, r)
		}
	}))
	f := newTestFetcher(t, nil)
	tests := []struct {
		path     string
		wantKind Kind
		wantURL  string
	}{
		{"/chain/10", 0, "/chain/0"},
		{"/chain/11", KindTooManyRedirects, ""},
		{"/a", KindRedirectLoop, ""},
		{"/self", KindRedirectLoop, ""},
		{"/cookie", KindRedirectLoop, ""}, // no cookie jar: the same request again
		{"/ftp", KindInvalidURL, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := f.Get(context.Background(), Request{URL: srv.URL + tt.path})
			if tt.wantKind != 0 {
				fe := asError(t, err, tt.wantKind)
				if fe.Temporary() {
					t.Errorf("%v should not be temporary", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.URL.Path != tt.wantURL {
				t.Errorf("final URL %s, want path %s", resp.URL, tt.wantURL)
			}
		})
	}
}

// TestRetryAfter: a 429 or 503 with Retry-After cools the host down:
// later requests wait, or fail at once when their deadline comes first,
// while other hosts are unaffected.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		retryAfter func() string
		min, max   time.Duration
	}{
		{"429 seconds", 429, func() string { return "2" }, 2 * time.Second, 2 * time.Second},
		{"503 seconds", 503, func() string { return "2" }, 2 * time.Second, 2 * time.Second},
		// The date has whole seconds: 3s from now is 2 to 3s away.
		{"429 HTTP date", 429, func() string { return time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat) }, time.Second, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each waits out a cool-down
			var calls atomic.Int32
			srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					w.Header().Set("Retry-After", tt.retryAfter())
					w.WriteHeader(tt.status)
					return
				}
				_, _ = w.Write([]byte("welcome back"))
			}))
			other := serve(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte("other host"))
			}))
			f := newTestFetcher(t, func(o *Options) { o.AllowPrivate = []string{"127.0.0.0/8"} })

			_, err := f.Get(context.Background(), Request{URL: srv.URL + "/first"})
			cooledAt := time.Now()
			fe := asError(t, err, KindStatus)
			if fe.Status != tt.status || !fe.Temporary() || fe.RetryAfter < tt.min || fe.RetryAfter > tt.max {
				t.Fatalf("%v: status %d, temporary %v, retry after %s; want %d, true, in [%s, %s]",
					err, fe.Status, fe.Temporary(), fe.RetryAfter, tt.status, tt.min, tt.max)
			}

			short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err = f.Get(short, Request{URL: srv.URL + "/impatient"})
			fe = asError(t, err, KindCoolingDown)
			if fe.RetryAfter <= 0 || fe.RetryAfter > tt.max || fe.Status != tt.status || !fe.Temporary() {
				t.Errorf("%v: retry after %s, status %d, temporary %v", err, fe.RetryAfter, fe.Status, fe.Temporary())
			}
			if !strings.Contains(err.Error(), "cooling down after HTTP") {
				t.Errorf("message %q does not say why", err)
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("server called %d times during the cool-down, want 1", n)
			}

			// A deadline before the cool-down ends: were the cool-down
			// global, this would fail at once.
			otherCtx, cancelOther := context.WithDeadline(context.Background(), cooledAt.Add(tt.min/2))
			defer cancelOther()
			if _, err := f.Get(otherCtx, Request{URL: other.URL}); err != nil {
				t.Errorf("another host suffered from the cool-down: %v", err)
			}

			resp, err := f.Get(context.Background(), Request{URL: srv.URL + "/patient"})
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != "welcome back" {
				t.Errorf("body %q", resp.Body)
			}
			if waited := time.Since(cooledAt); waited < tt.min/2 {
				t.Errorf("the patient request went out after %s, before the cool-down ended", waited)
			}
		})
	}
}

func TestServerErrorStorm(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, strings.Repeat("internal error ", 100), http.StatusInternalServerError)
	}))
	f := newTestFetcher(t, func(o *Options) { o.PerHostConcurrency = 4 })
	const n = 40
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := f.Get(context.Background(), Request{URL: fmt.Sprintf("%s/%d", srv.URL, i)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fe := asError(t, err, KindStatus)
		if fe.Status != 500 || !fe.Temporary() || fe.RetryAfter != 0 {
			t.Errorf("%v: status %d temporary %v retry after %s", err, fe.Status, fe.Temporary(), fe.RetryAfter)
		}
	}
	if got := calls.Load(); got != n {
		t.Errorf("server saw %d requests, want %d (failures must not be cached)", got, n)
	}
}

func TestContentType(t *testing.T) {
	t.Parallel()
	html := []byte("<!DOCTYPE html><html><head><title>Tin tức</title></head><body>Xin chào</body></html>")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name     string
		header   []string // nil: no Content-Type at all
		body     []byte
		accept   []string
		wantKind Kind
		wantType string
	}{
		{"pdf refused", []string{"application/pdf"}, []byte("%PDF-1.7"), []string{"text/html"}, KindContentType, ""},
		{"html with charset", []string{"text/html; charset=utf-8"}, html, []string{"text/html"}, 0, "text/html; charset=utf-8"},
		{"xhtml", []string{"application/xhtml+xml"}, html, []string{"text/html", "application/xhtml+xml"}, 0, "application/xhtml+xml"},
		{"case and wildcard", []string{"Application/RSS+XML"}, []byte("<rss/>"), []string{"application/*"}, 0, "Application/RSS+XML"},
		{"anything when Accept is empty", []string{"application/pdf"}, []byte("%PDF"), nil, 0, "application/pdf"},
		{"sniffed html", nil, html, []string{"text/html"}, 0, "text/html; charset=utf-8"},
		{"sniffed png refused", nil, png, []string{"text/html"}, KindContentType, ""},
		{"malformed header", []string{"text/html;;;=="}, html, []string{"text/html"}, 0, "text/html;;;=="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = tt.header // nil stops net/http from sniffing
				_, _ = w.Write(tt.body)
			}))
			f := newTestFetcher(t, nil)
			resp, err := f.Get(context.Background(), Request{URL: srv.URL, Accept: tt.accept})
			if tt.wantKind != 0 {
				fe := asError(t, err, tt.wantKind)
				if fe.Temporary() {
					t.Errorf("%v should not be temporary", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.ContentType != tt.wantType {
				t.Errorf("ContentType %q, want %q", resp.ContentType, tt.wantType)
			}
		})
	}
}

// TestConnectionReset cuts the connection in the middle of the body.
func TestConnectionReset(t *testing.T) {
	t.Parallel()
	gz := encode(t, "gzip", page)
	tests := []struct {
		name  string
		head  string
		body  []byte
		reset bool // RST rather than FIN
	}{
		{"reset with Content-Length", "Content-Length: 100000\r\n", page[:1000], true},
		{"closed with Content-Length", "Content-Length: 100000\r\n", page[:1000], false},
		{"reset inside gzip", "Content-Encoding: gzip\r\nContent-Length: " + strconv.Itoa(len(gz)) + "\r\n", gz[:len(gz)/2], true},
		{"closed inside a chunk", "Transfer-Encoding: chunked\r\n", []byte("1000\r\n" + string(page[:100])), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + tt.head + "\r\n")
				_, _ = buf.Write(tt.body)
				_ = buf.Flush()
				if tt.reset {
					_ = conn.(*net.TCPConn).SetLinger(0)
				}
				_ = conn.Close()
			}))
			f := newTestFetcher(t, nil)
			_, err := f.Get(context.Background(), Request{URL: srv.URL})
			fe := asError(t, err, KindNetwork)
			if !fe.Temporary() {
				t.Errorf("%v should be temporary", err)
			}
		})
	}
}

func TestConditionalGet(t *testing.T) {
	t.Parallel()
	const etag, lastMod = `"v1-abc"`, "Wed, 21 Oct 2015 07:28:00 GMT"
	tests := []struct {
		name           string
		sendETag       bool
		sendLastMod    bool
		repeatOn304    bool // does the 304 repeat the validators?
		wantConditions string
	}{
		{"etag", true, false, true, "If-None-Match=" + etag},
		{"last-modified", false, true, true, "If-Modified-Since=" + lastMod},
		{"both, 304 without validators", true, true, false, "If-None-Match=" + etag + " If-Modified-Since=" + lastMod},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []string
			var mu sync.Mutex
			srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
				mu.Lock()
				seen = append(seen, strings.TrimSpace(cond("If-None-Match", inm)+" "+cond("If-Modified-Since", ims)))
				mu.Unlock()
				if tt.repeatOn304 || (inm == "" && ims == "") {
					if tt.sendETag {
						w.Header().Set("ETag", etag)
					}
					if tt.sendLastMod {
						w.Header().Set("Last-Modified", lastMod)
					}
				}
				if (tt.sendETag && inm == etag) || (!tt.sendETag && ims == lastMod) {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.Header().Set("Content-Type", "application/rss+xml")
				_, _ = w.Write([]byte("<rss/>"))
			}))
			f := newTestFetcher(t, nil)
			first, err := f.Get(context.Background(), Request{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if first.NotModified || string(first.Body) != "<rss/>" {
				t.Fatalf("first fetch: not modified %v, body %q", first.NotModified, first.Body)
			}
			second, err := f.Get(context.Background(), Request{URL: srv.URL, ETag: first.ETag, LastModified: first.LastModified})
			if err != nil {
				t.Fatal(err)
			}
			if !second.NotModified || second.Status != 304 || len(second.Body) != 0 {
				t.Errorf("second fetch: not modified %v, status %d, %d bytes", second.NotModified, second.Status, len(second.Body))
			}
			if second.ETag != first.ETag || second.LastModified != first.LastModified {
				t.Errorf("validators changed: %q %q -> %q %q", first.ETag, first.LastModified, second.ETag, second.LastModified)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) != 2 || seen[0] != "" || seen[1] != tt.wantConditions {
				t.Errorf("server saw conditions %q, want [\"\" %q]", seen, tt.wantConditions)
			}
		})
	}
}

func cond(name, v string) string {
	if v == "" {
		return ""
	}
	return name + "=" + v
}

// inflight counts concurrent requests at a server and remembers the peak.
type inflight struct {
	now, peak atomic.Int32
}

func (c *inflight) handler(hold time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := c.now.Add(1)
		defer c.now.Add(-1)
		for {
			p := c.peak.Load()
			if n <= p || c.peak.CompareAndSwap(p, n) {
				break
			}
		}
		select {
		case <-time.After(hold):
		case <-r.Context().Done():
		}
		_, _ = w.Write([]byte("ok"))
	}
}

func TestPerHostConcurrency(t *testing.T) {
	t.Parallel()
	var c inflight
	srv := serve(t, "", c.handler(50*time.Millisecond))
	f := newTestFetcher(t, func(o *Options) { o.PerHostConcurrency = 2 })
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			if _, err := f.Get(context.Background(), Request{URL: fmt.Sprintf("%s/%d", srv.URL, i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := c.peak.Load(); p > 2 || p < 1 {
		t.Errorf("peak concurrency at the host %d, want at most 2", p)
	}
}

// TestGlobalConcurrency runs three hosts (three loopback addresses, three
// host names) through a global bound of 2.
func TestGlobalConcurrency(t *testing.T) {
	t.Parallel()
	var c inflight
	var urls []string
	for _, addr := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"} {
		urls = append(urls, serve(t, addr, c.handler(50*time.Millisecond)).URL)
	}
	f := newTestFetcher(t, func(o *Options) {
		o.AllowPrivate = []string{"127.0.0.0/8"}
		o.PerHostConcurrency = 2
		o.GlobalConcurrency = 2
	})
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			if _, err := f.Get(context.Background(), Request{URL: urls[i%3] + "/"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := c.peak.Load(); p > 2 || p < 1 {
		t.Errorf("peak concurrency across hosts %d, want at most 2", p)
	}
}

// arrivals records when requests reach a server.
type arrivals struct {
	mu sync.Mutex
	at []time.Time
}

func (a *arrivals) add() {
	a.mu.Lock()
	a.at = append(a.at, time.Now())
	a.mu.Unlock()
}

// minGap is the smallest gap between consecutive arrivals.
func (a *arrivals) minGap() (time.Duration, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	gap := time.Duration(1<<63 - 1)
	for i := 1; i < len(a.at); i++ {
		gap = min(gap, a.at[i].Sub(a.at[i-1]))
	}
	return gap, len(a.at)
}

func TestMinHostDelay(t *testing.T) {
	t.Parallel()
	var a arrivals
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.add()
		_, _ = w.Write([]byte("ok"))
	}))
	f := newTestFetcher(t, func(o *Options) {
		o.MinHostDelay = 200 * time.Millisecond
		o.PerHostConcurrency = 4
	})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			if _, err := f.Get(context.Background(), Request{URL: fmt.Sprintf("%s/%d", srv.URL, i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Loose: the client spaces starts by 200ms; arrival jitter can eat
	// some of that, not half.
	if gap, n := a.minGap(); n != 4 || gap < 100*time.Millisecond {
		t.Errorf("%d requests, smallest gap %s; want 4 at least ~200ms apart", n, gap)
	}
	// A request that must wait for its host's delay ends with its
	// context. The delay counts from the previous request's start, so it
	// is an hour here: with 200ms, a first answer slower than that (a
	// loaded machine) leaves no wait at all.
	slow := newTestFetcher(t, func(o *Options) { o.MinHostDelay = time.Hour })
	if _, err := slow.Get(context.Background(), Request{URL: srv.URL + "/now"}); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := slow.Get(short, Request{URL: srv.URL + "/too-soon"})
	asError(t, err, KindTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v is not DeadlineExceeded", err)
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		o       Options
		wantErr string
	}{
		{"no user agent", Options{}, "UserAgent is required"},
		{"no contact", Options{UserAgent: "presswatch/1.0"}, "no contact URL"},
		{"control character", Options{UserAgent: "presswatch/1.0\n(+https://x)"}, "printable ASCII"},
		{"no product token", Options{UserAgent: "(+https://example.org)"}, "RobotsAgent"},
		{"negative", Options{UserAgent: testUA, Timeout: -time.Second}, "Timeout must not be negative"},
		{"bad allow", Options{UserAgent: testUA, AllowPrivate: []string{"10.0.0.0/99"}}, "allow_private_hosts"},
		{"email contact", Options{UserAgent: "presswatch/1.0 (baochi@example.gov.vn)"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.o)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New error = %v, want %q", err, tt.wantErr)
			}
		})
	}
	o, err := Options{UserAgent: "Mozilla/5.0 (compatible; PressWatch/1.0; +https://x.org/bot)"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := Options{
		UserAgent: o.UserAgent, RobotsAgent: "presswatch", ConnectTimeout: 10 * time.Second, Timeout: 30 * time.Second,
		MaxBody: 10 << 20, MaxRedirects: 10, PerHostConcurrency: 2, MinHostDelay: time.Second, GlobalConcurrency: 16,
		RobotsTTL: time.Hour, RobotsErrorTTL: 10 * time.Minute, MaxRetryAfter: time.Hour, Logger: o.Logger,
	}
	if fmt.Sprint(o) != fmt.Sprint(want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", o, want)
	}
	if o, _ := (Options{UserAgent: testUA, MinHostDelay: NoDelay}).withDefaults(); o.MinHostDelay != 0 {
		t.Errorf("NoDelay gave MinHostDelay %s", o.MinHostDelay)
	}
}

// TestBodyHoldsSlot: through Transport/Client a response holds its host's
// slot until the body is closed; closing it while another goroutine reads
// aborts the read and frees the slot.
func TestBodyHoldsSlot(t *testing.T) {
	t.Parallel()
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/drip" {
			w.WriteHeader(200)
			for r.Context().Err() == nil {
				if _, err := w.Write([]byte("x")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(100 * time.Millisecond):
				}
			}
			return
		}
		_, _ = w.Write(page)
	}))
	f := newTestFetcher(t, func(o *Options) {
		o.PerHostConcurrency = 1
		o.GlobalConcurrency = 1
	})
	resp, err := f.Client().Get(srv.URL + "/first")
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = f.Get(short, Request{URL: srv.URL + "/second"})
	asError(t, err, KindTimeout)
	_ = resp.Body.Close()
	if _, err := f.Get(context.Background(), Request{URL: srv.URL + "/third"}); err != nil {
		t.Fatalf("after Close: %v", err)
	}

	resp, err = f.Client().Get(srv.URL + "/drip")
	if err != nil {
		t.Fatal(err)
	}
	readErr := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, resp.Body)
		readErr <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the reader block; the test holds either way
	_ = resp.Body.Close()
	select {
	case err := <-readErr:
		if err == nil {
			t.Error("reading a closed drip ended without error")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Close did not abort the read")
	}
	if _, err := f.Get(context.Background(), Request{URL: srv.URL + "/fourth"}); err != nil {
		t.Fatalf("after aborting a read: %v", err)
	}
}
