package fetch

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestRetryAfterIsCappedAtMaxRetryAfter: a server asking for a week is
// honoured for MaxRetryAfter only.
func TestRetryAfterIsCappedAtMaxRetryAfter(t *testing.T) {
	t.Parallel()
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "604800")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	f := newTestFetcher(t, func(o *Options) { o.MaxRetryAfter = 10 * time.Minute })
	_, err := f.Get(context.Background(), Request{URL: srv.URL + "/a"})
	if fe := asError(t, err, KindStatus); fe.RetryAfter != 10*time.Minute {
		t.Errorf("retry after %s, want the 10m cap", fe.RetryAfter)
	}
	short, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = f.Get(short, Request{URL: srv.URL + "/b"})
	if fe := asError(t, err, KindCoolingDown); fe.RetryAfter > 10*time.Minute || fe.RetryAfter < 9*time.Minute {
		t.Errorf("cool-down of %s, want at most the 10m cap", fe.RetryAfter)
	}
}

// TestNoWaitFailsAtOnceInsteadOfHoldingTheCaller: under NoWait, a cooling
// host, a host with every slot taken and a host delay longer than allowed
// each fail at once, saying when to come back; without NoWait the same
// request waits.
func TestNoWaitFailsAtOnceInsteadOfHoldingTheCaller(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var calls atomic.Int32
	srv := serve(t, "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		switch r.URL.Path {
		case "/slow":
			<-release
		case "/busy":
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Run("slots taken", func(t *testing.T) {
		f := newTestFetcher(t, func(o *Options) { o.PerHostConcurrency = 1 })
		done := make(chan error, 1)
		go func() { _, err := f.Get(context.Background(), Request{URL: srv.URL + "/slow"}); done <- err }()
		for calls.Load() == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		_, err := f.Get(NoWait(context.Background(), time.Second), Request{URL: srv.URL + "/next"})
		if fe := asError(t, err, KindHostBusy); fe.RetryAfter <= 0 || !fe.Temporary() {
			t.Errorf("%v: retry after %s, temporary %v", err, fe.RetryAfter, fe.Temporary())
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("host delay", func(t *testing.T) {
		f := newTestFetcher(t, func(o *Options) { o.MinHostDelay = time.Hour })
		if _, err := f.Get(context.Background(), Request{URL: srv.URL + "/first"}); err != nil {
			t.Fatal(err)
		}
		_, err := f.Get(NoWait(context.Background(), 50*time.Millisecond), Request{URL: srv.URL + "/second"})
		if fe := asError(t, err, KindHostBusy); fe.RetryAfter < 59*time.Minute {
			t.Errorf("%v: retry after %s, want about the hour's delay", err, fe.RetryAfter)
		}
	})
	t.Run("cooling", func(t *testing.T) {
		f := newTestFetcher(t, nil)
		if _, err := f.Get(context.Background(), Request{URL: srv.URL + "/busy"}); err == nil {
			t.Fatal("503 was no error")
		}
		before := calls.Load()
		_, err := f.Get(NoWait(context.Background(), time.Second), Request{URL: srv.URL + "/after"})
		if fe := asError(t, err, KindCoolingDown); fe.RetryAfter < 59*time.Minute || fe.Status != http.StatusServiceUnavailable {
			t.Errorf("%v: retry after %s, status %d", err, fe.RetryAfter, fe.Status)
		}
		if calls.Load() != before {
			t.Error("the cooling host was contacted")
		}
	})
}
