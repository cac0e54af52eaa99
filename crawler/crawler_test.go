package crawler

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/demosite"
)

func TestAddressGuard(t *testing.T) {
	g, err := NewAddressGuard(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ip := range []string{"127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.5", "169.254.169.254", "::1", "fd00::1", "0.0.0.0", "100.64.0.1", "::ffff:127.0.0.1"} {
		if g.Check(netip.MustParseAddr(ip)) == nil {
			t.Errorf("%s allowed by default", ip)
		}
	}
	for _, ip := range []string{"8.8.8.8", "2001:4860:4860::8888", "203.113.131.1"} {
		if err := g.Check(netip.MustParseAddr(ip)); err != nil {
			t.Errorf("%s refused: %v", ip, err)
		}
	}
	g, err = NewAddressGuard([]string{"localhost", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ip := range []string{"127.0.0.1", "10.9.9.9", "::1"} {
		if err := g.Check(netip.MustParseAddr(ip)); err != nil {
			t.Errorf("%s refused despite allow list: %v", ip, err)
		}
	}
	if g.Check(netip.MustParseAddr("192.168.1.1")) == nil {
		t.Error("192.168.1.1 allowed although not listed")
	}
	if _, err := NewAddressGuard([]string{"intranet.local"}); err == nil || !strings.Contains(err.Error(), "intranet.local") {
		t.Errorf("bad allow entry: %v", err)
	}
}

func TestFetcherRefusesLoopbackUnlessAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<rss/>") }))
	defer srv.Close()
	deny, _ := NewAddressGuard(nil)
	f := NewFetcher(FetcherOptions{UserAgent: "t", Timeout: 5 * time.Second, MaxBody: 1 << 20, Guard: deny})
	if _, err := f.FetchFeed(context.Background(), srv.URL, "", ""); err == nil || !strings.Contains(err.Error(), "non-public address") {
		t.Errorf("loopback fetch: %v", err)
	}
	if _, err := f.FetchPage(context.Background(), srv.URL+"/page"); err == nil {
		t.Error("loopback page fetch allowed")
	}
	allow, _ := NewAddressGuard([]string{"127.0.0.1"})
	f = NewFetcher(FetcherOptions{UserAgent: "t", Timeout: 5 * time.Second, MaxBody: 1 << 20, Guard: allow})
	if _, err := f.FetchFeed(context.Background(), srv.URL, "", ""); err != nil {
		t.Errorf("allowed fetch: %v", err)
	}
}

func TestFetchFeedBoundsBodyAndHonoursNotModified(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		if r.URL.Path == "/big" {
			io.WriteString(w, strings.Repeat("x", 4096))
			return
		}
		io.WriteString(w, "<rss/>")
	}))
	defer srv.Close()
	allow, _ := NewAddressGuard([]string{"localhost"})
	f := NewFetcher(FetcherOptions{UserAgent: "t", Timeout: 5 * time.Second, MaxBody: 1024, Guard: allow})
	if _, err := f.FetchFeed(context.Background(), srv.URL+"/big", "", ""); err == nil || !strings.Contains(err.Error(), "larger than 1024") {
		t.Errorf("oversized feed: %v", err)
	}
	r, err := f.FetchFeed(context.Background(), srv.URL, "", "")
	if err != nil || r.etag != `"v1"` {
		t.Fatalf("first fetch: %+v %v", r, err)
	}
	r, err = f.FetchFeed(context.Background(), srv.URL, r.etag, "")
	if err != nil || !r.notModified {
		t.Errorf("conditional fetch: %+v %v", r, err)
	}
}

// A broken source must not stop the healthy one.
func TestBrokenSourceDoesNotBlockOthers(t *testing.T) {
	site := demosite.New(demosite.Options{Initial: 5, Limit: 5})
	good := httptest.NewServer(site.Handler())
	defer good.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<?xml version='1.0'?><rss><channel><item><title>unterminated")
	}))
	defer bad.Close()
	b := bustest.Start(t)
	allow, _ := NewAddressGuard([]string{"127.0.0.1"})
	reg := prometheus.NewRegistry()
	c, err := New(b, Options{
		Sources: []config.Source{
			{ID: "bad", Kind: "feed", URL: bad.URL + "/rss.xml", Interval: config.Duration(time.Hour)},
			{ID: "good", Kind: "feed", URL: good.URL + "/rss.xml", Interval: config.Duration(time.Hour)},
		},
		Concurrency: 2,
		Fetcher:     NewFetcher(FetcherOptions{UserAgent: "t", Timeout: 5 * time.Second, MaxBody: 1 << 20, Guard: allow}),
		Logger:      slog.New(slog.DiscardHandler),
		Registerer:  reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = c.Run(ctx); close(done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, err := b.JetStream().Stream(context.Background(), bus.StreamFetched)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := s.Info(context.Background())
		if info.State.Msgs == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("published %d of 5", info.State.Msgs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	mfs, _ := reg.Gather()
	var badErrors float64
	for _, mf := range mfs {
		if mf.GetName() != "presswatch_crawler_feed_polls_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["source"] == "bad" && labels["result"] == "error" {
				badErrors = m.GetCounter().GetValue()
			}
		}
	}
	if badErrors != 1 {
		t.Errorf("bad source poll errors = %v, want 1", badErrors)
	}
}
