package fetch

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"
)

// TestColly crawls the hostile server with colly over Transport(): colly
// must see decoded bodies, once, and the same *Error kinds as Get.
func TestColly(t *testing.T) {
	t.Parallel()
	gz, br := encode(t, "gzip", page), encode(t, "br", page)
	other := serve(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("must not be reached"))
	}))
	var (
		mu     sync.Mutex
		seenUA []string
	)
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seenUA = append(seenUA, r.UserAgent())
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
		case "/gzip":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(gz)
		case "/br":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", "br")
			_, _ = w.Write(br)
		case "/sitemap.xml.gz":
			// colly gunzips *.xml.gz itself unless told the body is
			// already decoded: an unbounded gzip bomb path.
			w.Header().Set("Content-Type", "application/x-gzip")
			_, _ = w.Write(gz)
		case "/endless":
			w.Header().Set("Content-Type", "text/html")
			endless(w, r.Context())
		case "/bomb":
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
			chunk := make([]byte, 64<<10)
			for r.Context().Err() == nil {
				if _, err := zw.Write(chunk); err != nil || zw.Flush() != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		case "/drip":
			w.WriteHeader(200)
			for r.Context().Err() == nil {
				if _, err := w.Write([]byte("x")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(time.Second):
				}
			}
		case "/reset":
			conn, buf, _ := w.(http.Hijacker).Hijack()
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>")
			_ = buf.Flush()
			_ = conn.(*net.TCPConn).SetLinger(0)
			_ = conn.Close()
		case "/loop-a":
			http.Redirect(w, r, "/loop-b", http.StatusFound)
		case "/loop-b":
			http.Redirect(w, r, "/loop-a", http.StatusFound)
		case "/to-other":
			http.Redirect(w, r, other.URL+"/", http.StatusFound)
		case "/bad-encoding":
			w.Header().Set("Content-Encoding", "compress")
			_, _ = w.Write([]byte("\x1f\x9d..."))
		default:
			http.NotFound(w, r)
		}
	}))
	f := newTestFetcher(t, func(o *Options) {
		o.IgnoreRobots = false
		o.MaxBody = 1 << 20
		o.Timeout = time.Second
	})
	tests := []struct {
		path     string
		wantKind Kind
		wantBody []byte
	}{
		{"/gzip", 0, page},
		{"/br", 0, page},
		{"/sitemap.xml.gz", 0, gz},
		{"/endless", KindTooLarge, nil},
		{"/bomb", KindTooLarge, nil},
		{"/drip", KindTimeout, nil},
		{"/reset", KindNetwork, nil},
		{"/private/page", KindRobots, nil},
		{"/loop-a", KindRedirectLoop, nil},
		{"/to-other", KindBlockedAddress, nil},
		{"/bad-encoding", KindDecode, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c := colly.NewCollector(colly.AllowURLRevisit(), colly.MaxBodySize(0))
			c.WithTransport(f.Transport())
			c.SetRequestTimeout(30 * time.Second)
			var body []byte
			var cbErr error
			c.OnResponse(func(r *colly.Response) { body = r.Body })
			c.OnError(func(_ *colly.Response, err error) { cbErr = err })
			var err error
			within(t, 30*time.Second, func() { err = c.Visit(srv.URL + tt.path) })
			if tt.wantKind == 0 {
				if err != nil || cbErr != nil {
					t.Fatalf("Visit: %v, OnError: %v", err, cbErr)
				}
				if !bytes.Equal(body, tt.wantBody) {
					t.Errorf("colly saw %d bytes %.30q, want %d bytes %.30q", len(body), body, len(tt.wantBody), tt.wantBody)
				}
				return
			}
			asError(t, cbErr, tt.wantKind)
			var fe *Error
			if !errors.As(err, &fe) || fe.Kind != tt.wantKind {
				t.Errorf("Visit returned %v, want kind %v", err, tt.wantKind)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	for _, ua := range seenUA {
		if ua != testUA {
			t.Errorf("colly's request carried User-Agent %q, want %q", ua, testUA)
		}
	}
	if strings.Join(seenUA, "") == "" {
		t.Error("no request reached the server")
	}
}
