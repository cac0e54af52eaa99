package actionlink_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/alerts/actionlink"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
)

var key = bytes.Repeat([]byte("k"), 32)

func TestSignVerifyRefusesForgedExpiredMalformed(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	s, err := actionlink.NewSigner(key, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tok := s.Sign("abc123", actionlink.Mute, 4, now)
	c, err := s.Verify(tok, now.Add(59*time.Minute))
	if err != nil || c.Alert != "abc123" || c.Action != actionlink.Mute || c.Hours != 4 {
		t.Fatalf("verify fresh link: %+v, %v", c, err)
	}
	if _, err := s.Verify(tok, now.Add(time.Hour)); !errors.Is(err, actionlink.ErrExpired) {
		t.Errorf("an hour later: %v, want expired", err)
	}
	other, _ := actionlink.NewSigner(bytes.Repeat([]byte("x"), 32), time.Hour)
	if _, err := other.Verify(tok, now); !errors.Is(err, actionlink.ErrForged) {
		t.Errorf("another key: %v, want forged", err)
	}
	// Changing the claims (another alert, another action) breaks the
	// signature: the payload is what is signed.
	p, sig, _ := strings.Cut(tok, ".")
	forged := s.Sign("zzz999", actionlink.Ack, 0, now)
	fp, _, _ := strings.Cut(forged, ".")
	if _, err := s.Verify(fp+"."+sig, now); !errors.Is(err, actionlink.ErrForged) {
		t.Errorf("swapped payload: %v, want forged", err)
	}
	for _, bad := range []string{"", ".", p, p + ".", "!!!.???", p + "." + sig + "x", strings.Repeat("a", 2000) + "." + sig} {
		if _, err := s.Verify(bad, now); err == nil {
			t.Errorf("Verify(%.40q) accepted", bad)
		}
	}
	if _, err := actionlink.NewSigner([]byte("short"), 0); err == nil {
		t.Error("a 5-byte key was accepted")
	}
	if vi, _ := actionlink.Reason(actionlink.ErrUsed); !strings.Contains(vi, "đã được dùng") {
		t.Errorf("Vietnamese reason for a used link: %q", vi)
	}
}

// Of several uses of one link at once, on two buses sharing nothing but
// the KV bucket, exactly one wins.
func TestLedgerOneUse(t *testing.T) {
	b := bustest.Start(t)
	ctx := context.Background()
	l := actionlink.NewLedger(b.KV(bus.BucketActionLinks))
	s, _ := actionlink.NewSigner(key, time.Hour)
	now := time.Now()
	c, err := s.Verify(s.Sign("a1", actionlink.Ack, 0, now), now)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, used := 0, 0
	for range 8 {
		wg.Go(func() {
			err := l.Use(ctx, c, "officer", now)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, actionlink.ErrUsed):
				used++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if won != 1 || used != 7 {
		t.Fatalf("won %d, refused as used %d; want 1 and 7", won, used)
	}
	if u, err := l.Used(ctx, c); err != nil || !u {
		t.Errorf("Used after use: %v, %v", u, err)
	}
}

func TestSharedKeyIsStableAcrossCallers(t *testing.T) {
	b := bustest.Start(t)
	ctx := context.Background()
	k1, err := actionlink.SharedKey(ctx, b.KV(bus.BucketAlertKeys))
	if err != nil {
		t.Fatal(err)
	}
	k2, err := actionlink.SharedKey(ctx, b.KV(bus.BucketAlertKeys))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k2) || len(k1) < 32 {
		t.Fatalf("keys differ or short: %x %x", k1, k2)
	}
}

func FuzzVerify(f *testing.F) {
	s, _ := actionlink.NewSigner(key, time.Hour)
	now := time.Unix(1_800_000_000, 0)
	f.Add(s.Sign("a", actionlink.Ack, 0, now))
	f.Add("e30.AAAA")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := s.Verify(tok, now)
		if err == nil && (c.Alert == "" || c.Nonce == "") {
			t.Fatalf("accepted empty claims from %q", tok)
		}
	})
}
