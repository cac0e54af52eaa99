package crawler

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/extract"
	"github.com/presswatch/presswatch/crawler/fetch"
)

func testFetcher(t *testing.T, allow []string) *fetch.Fetcher {
	t.Helper()
	f, err := fetch.New(fetch.Options{UserAgent: "presswatch-test (+https://example.org)", Timeout: 10 * time.Second,
		MaxBody: 4 << 20, AllowPrivate: allow, PerHostConcurrency: 4, MinHostDelay: fetch.NoDelay})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTestFetchShowsTheNewestItemAsExtracted(t *testing.T) {
	t.Parallel()
	site, srv := siteServer(t, 3)
	x, err := extract.New(extract.Options{Languages: []string{"vi", "en"}})
	if err != nil {
		t.Fatal(err)
	}
	src := config.Source{ID: "demo", Kind: "feed", URL: srv.URL + "/rss.xml"}
	p, err := TestFetch(context.Background(), testFetcher(t, []string{"127.0.0.1"}), x, src)
	if err != nil {
		t.Fatal(err)
	}
	items := site.Published()
	newest := items[len(items)-1]
	if p.Items != 3 || p.Title != newest.Title || !strings.HasPrefix(p.URL, srv.URL+newest.Path) {
		t.Fatalf("preview = %+v, want 3 items, newest %q", p, newest.Title)
	}
	if p.Lang != "vi" || p.TextStart == "" || p.Partial || p.Published.IsZero() {
		t.Fatalf("preview lacks extraction: %+v", p)
	}

	// The same source without an exception for the loopback address is
	// refused by the guard, before anything is read.
	_, err = TestFetch(context.Background(), testFetcher(t, nil), x, src)
	if addr, ok := fetch.IsBlocked(err); !ok || addr != "127.0.0.1" {
		t.Fatalf("err = %v, want the guard to refuse 127.0.0.1", err)
	}
	if err := testFetcher(t, nil).CheckHost(context.Background(), src.URL); err == nil {
		t.Fatal("CheckHost let a loopback address through")
	} else if _, ok := fetch.IsBlocked(err); !ok {
		t.Fatalf("CheckHost: %v, want a blocked address", err)
	}
	if err := testFetcher(t, []string{"127.0.0.1"}).CheckHost(context.Background(), src.URL); err != nil {
		t.Fatalf("CheckHost with an exception: %v", err)
	}

	empty := config.Source{ID: "none", Kind: "feed", URL: srv.URL + "/nothing-here"}
	_, err = TestFetch(context.Background(), testFetcher(t, []string{"127.0.0.1"}), x, empty)
	if err == nil || errors.Is(err, ErrNothingListed) || !strings.Contains(err.Error(), "404") {
		t.Fatalf("missing feed: %v, want the HTTP status", err)
	}
}
