package notify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestPostScrubsTheURLFromTransportErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	_, err = Post(context.Background(), &http.Client{}, time.Second, "test", "http://"+addr+"/botSECRET/send", nil, []byte("{}"), "SECRET")
	if err == nil {
		t.Fatal("no error")
	}
	if retry, _ := IsTemporary(err); !retry {
		t.Errorf("refused connection is not temporary: %v", err)
	}
	if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "/bot") {
		t.Errorf("error leaks the URL: %v", err)
	}
}

func TestPostTimeoutStaysATimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	_, err := Post(context.Background(), srv.Client(), 50*time.Millisecond, "test", srv.URL+"/hook/SECRET", nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("err = %v", err)
	}
	if retry, _ := IsTemporary(err); !retry {
		t.Errorf("timeout not temporary")
	}
}

func TestPostReturnsTheAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test") != "1" || r.Method != http.MethodPost {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte("slow down"))
	}))
	defer srv.Close()
	a, err := Post(context.Background(), srv.Client(), time.Second, "test", srv.URL, http.Header{"X-Test": {"1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = a.Check("test")
	if retry, after := IsTemporary(err); !retry || after != 7*time.Second || !strings.Contains(err.Error(), "slow down") {
		t.Errorf("check: %v (retry %v after %v)", err, retry, after)
	}
}

func TestScrubKeepsClassification(t *testing.T) {
	err := Scrub(Temporary(errors.New("token abc in text"), 3*time.Second), "abc")
	if retry, after := IsTemporary(err); !retry || after != 3*time.Second || strings.Contains(err.Error(), "abc") {
		t.Errorf("scrub: %v %v %v", err, retry, after)
	}
}

// Receivers leave the client and timeout unset and rely on Post's defaults.
func TestPostDefaultsClientAndTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	a, err := Post(context.Background(), nil, 0, "test", srv.URL, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != http.StatusNoContent {
		t.Errorf("status = %d", a.Status)
	}
}
