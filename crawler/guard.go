package crawler

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// AddressGuard refuses connections to loopback, private, link-local
// (cloud metadata lives there), multicast and unspecified addresses unless
// they are allowed. It checks the resolved address at connect time, so
// neither DNS tricks nor redirects get around it.
type AddressGuard struct {
	allow []netip.Prefix
}

// NewAddressGuard parses allow entries: IP addresses, CIDR prefixes or
// "localhost" (127.0.0.0/8 and ::1).
func NewAddressGuard(allow []string) (*AddressGuard, error) {
	g := &AddressGuard{}
	for _, a := range allow {
		a = strings.TrimSpace(a)
		switch {
		case a == "localhost":
			g.allow = append(g.allow, netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
		case strings.Contains(a, "/"):
			p, err := netip.ParsePrefix(a)
			if err != nil {
				return nil, fmt.Errorf("allow_private_hosts: %q is not a CIDR prefix: %w", a, err)
			}
			g.allow = append(g.allow, p.Masked())
		default:
			ip, err := netip.ParseAddr(a)
			if err != nil {
				return nil, fmt.Errorf("allow_private_hosts: %q is not an IP address, CIDR prefix or localhost", a)
			}
			g.allow = append(g.allow, netip.PrefixFrom(ip, ip.BitLen()))
		}
	}
	return g, nil
}

// Check returns an error when ip may not be contacted.
func (g *AddressGuard) Check(ip netip.Addr) error {
	ip = ip.Unmap()
	if !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() || isSharedOrReserved(ip)) {
		return nil
	}
	for _, p := range g.allow {
		if p.Contains(ip) {
			return nil
		}
	}
	return fmt.Errorf("refusing to connect to non-public address %s (allow it with crawler.allow_private_hosts)", ip)
}

// isSharedOrReserved covers ranges netip has no predicate for: carrier-grade
// NAT (100.64/10), 0/8 and the IPv4 reserved block.
func isSharedOrReserved(ip netip.Addr) bool {
	for _, p := range []string{"100.64.0.0/10", "0.0.0.0/8", "240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15"} {
		if netip.MustParsePrefix(p).Contains(ip) {
			return true
		}
	}
	return false
}

func (g *AddressGuard) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("address guard: %w", err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("address guard: %q is not an IP address", host)
	}
	return g.Check(ip)
}

// Transport returns an HTTP transport whose every connection passes g.
func (g *AddressGuard) Transport(connectTimeout time.Duration) *http.Transport {
	d := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second, Control: g.control}
	return &http.Transport{
		Proxy:                 nil, // a proxy would connect on our behalf, past the guard
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   connectTimeout,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
