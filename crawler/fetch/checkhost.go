package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
)

// CheckHost resolves the host of rawURL and reports a *Error of
// KindBlockedAddress when any of its addresses is one the guard refuses, so that
// a source pointing into the office's network is turned away when it is
// entered, not only when first polled. The dial-time guard stays the
// real protection: a name may resolve differently later.
func (f *Fetcher) CheckHost(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return &Error{Kind: KindInvalidURL, URL: redactRaw(rawURL), Err: errors.New("no host")}
	}
	host := u.Hostname()
	if f.guard.names[normalizeHost(host)] {
		return nil
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return &Error{Kind: KindNetwork, URL: redact(u), Err: fmt.Errorf("resolve %s: %w", host, err)}
		}
		addrs = ips
	}
	for _, ip := range addrs {
		if err := f.guard.check(ip); err != nil {
			return &Error{Kind: KindBlockedAddress, URL: redact(u), Err: err}
		}
	}
	return nil
}

// IsBlocked reports whether err is the guard refusing a non-public
// address, and which.
func IsBlocked(err error) (addr string, ok bool) {
	var be *blockedError
	if errors.As(err, &be) {
		return be.addr, true
	}
	return "", false
}
