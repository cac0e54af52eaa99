package crawler

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/fetch"
	"github.com/presswatch/presswatch/demosite"
	"github.com/presswatch/presswatch/sourcehealth"
)

// TestCoolingHostDoesNotHoldOtherHosts: one host answers every article
// page with 429 and Retry-After: 3600. Its jobs must be deferred, not
// parked in the fetcher: with two workers and a dozen of its articles
// queued, another host's new articles still arrive within that source's
// poll interval, and the cooling host's source says why it waits.
func TestCoolingHostDoesNotHoldOtherHosts(t *testing.T) {
	t.Parallel()
	cooling := demosite.New(demosite.Options{Initial: 12, Limit: 12})
	var refused atomic.Int32
	coolSrv := listenOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/tin/") {
			refused.Add(1)
			w.Header().Set("Retry-After", "3600")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		cooling.Handler().ServeHTTP(w, r)
	}))
	other := demosite.New(demosite.Options{Initial: 2, Limit: 8})
	otherSrv := listenOn(t, "127.0.0.1", other.Handler())

	const otherInterval = 2 * time.Second
	sources := []config.Source{
		{ID: "cooling", Kind: "feed", URL: coolSrv.URL + "/rss.xml", Interval: config.Duration(time.Hour)},
		{ID: "other", Kind: "feed", URL: otherSrv.URL + "/rss.xml", Interval: config.Duration(otherInterval),
			MinInterval: config.Duration(otherInterval), MaxInterval: config.Duration(otherInterval)},
	}
	h := newHarness(t, sources, func(o *Options) {
		o.Concurrency = 2
		f, err := fetch.New(fetch.Options{UserAgent: "presswatch-test (+https://example.org)", Timeout: 10 * time.Second,
			AllowPrivate: []string{"127.0.0.0/8"}, PerHostConcurrency: 2, MinHostDelay: fetch.NoDelay})
		if err != nil {
			t.Fatal(err)
		}
		o.Fetcher = f
	})
	ctx := context.Background()
	store := sourcehealth.Store{KV: h.b.KV(bus.BucketSourceHealth)}
	h.waitFor("the cooling host's source to say it waits", 30*time.Second, func() bool {
		hs, _, err := store.Get(ctx, "cooling")
		return err == nil && strings.Contains(hs.Waiting, "cooling down after HTTP 429")
	})
	h.waitFor("the other host's first articles", 30*time.Second, func() bool {
		arts, _ := h.published()
		return len(arts) == 2
	})

	// With the old fetcher both workers would now sit in the per-host
	// acquire for an hour. Released articles must come within one poll
	// interval; the slack covers a loaded test machine, not an hour.
	other.Release(6)
	released := time.Now()
	h.waitFor("the other host's new articles", otherInterval+15*time.Second, func() bool {
		arts, _ := h.published()
		return len(arts) == len(other.Published())
	})
	t.Logf("new articles from the other host arrived %s after release", time.Since(released).Round(time.Millisecond))

	arts, _ := h.published()
	for _, a := range arts {
		if a.SourceID == "cooling" {
			t.Errorf("article %s from the cooling host was published (partial=%v): it must wait, not fall back to the feed text", a.URL, a.Partial)
		}
	}
	// The host said "come back in an hour": no more than the requests in
	// flight when it said so may have reached it.
	if n := refused.Load(); n > 2 {
		t.Errorf("the cooling host got %d page requests, want at most its 2 slots", n)
	}
	checkWaiting(t, h, store, sources[0])
}

// checkWaiting asserts that the cooling source's record, its status for
// the API and the metrics say it waits for its host for about an hour.
func checkWaiting(t *testing.T, h *harness, store sourcehealth.Store, src config.Source) {
	t.Helper()
	ctx := context.Background()
	hs, _, err := store.Get(ctx, "cooling")
	if err != nil {
		t.Fatal(err)
	}
	if left := time.Until(hs.WaitingUntil); left < 50*time.Minute || left > time.Hour {
		t.Errorf("waiting until %s (in %s), want about an hour from now", hs.WaitingUntil, left)
	}
	if hs.ConsecutiveFailures != 0 || hs.Paused {
		t.Errorf("a waiting source counted as failing: %+v", hs)
	}
	st := StatusOf(src, hs)
	if st.Waiting == "" || st.WaitingUntil.IsZero() {
		t.Errorf("status does not show the wait: %+v", st)
	}
	if n := testutil.ToFloat64(h.c.m.waiting); n != 1 {
		t.Errorf("sources_waiting_for_host = %v, want 1", n)
	}
	if n := testutil.ToFloat64(h.c.m.deferred); n != 12 {
		t.Errorf("jobs_deferred = %v, want the cooling host's 12 articles", n)
	}
}

func listenOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	l, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}
