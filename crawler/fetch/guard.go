package fetch

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// guard refuses connections to addresses a crawler must never reach on a
// stranger's say-so: loopback, private networks, link-local (the cloud
// metadata service at 169.254.169.254), multicast and reserved ranges.
// It runs in net.Dialer.Control, on the address actually being dialled,
// so DNS rebinding and every redirect hop are covered.
type guard struct {
	allow []netip.Prefix
	// names are host names the operator trusts to resolve to non-public
	// addresses (config accepts host names in allow_private_hosts).
	names map[string]bool
	// reserved lists ranges netip has no predicate for.
	reserved []netip.Prefix
	// nat64 and sixToFour embed an IPv4 address that a gateway would
	// reach for us, so the embedded address is what must be checked.
	nat64, sixToFour netip.Prefix
}

func newGuard(allow []string) (*guard, error) {
	g := &guard{
		names:     make(map[string]bool),
		nat64:     netip.MustParsePrefix("64:ff9b::/96"),
		sixToFour: netip.MustParsePrefix("2002::/16"),
	}
	for _, p := range []string{
		"0.0.0.0/8",       // "this network"
		"100.64.0.0/10",   // carrier-grade NAT, often internal in clouds
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // TEST-NET-1
		"192.88.99.0/24",  // deprecated 6to4 relay anycast
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // TEST-NET-2
		"203.0.113.0/24",  // TEST-NET-3
		"240.0.0.0/4",     // reserved, and the broadcast address
		"::/96",           // deprecated IPv4-compatible IPv6
		"100::/64",        // discard-only
		"64:ff9b:1::/48",  // local-use NAT64
		"2001:2::/48",     // benchmarking
		"2001:db8::/32",   // documentation
		"3fff::/20",       // documentation
		"fec0::/10",       // deprecated site-local
	} {
		g.reserved = append(g.reserved, netip.MustParsePrefix(p))
	}
	for _, a := range allow {
		a = strings.TrimSpace(a)
		switch {
		case strings.EqualFold(a, "localhost"):
			g.allow = append(g.allow, netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
		case strings.Contains(a, "/"):
			p, err := netip.ParsePrefix(a)
			if err != nil {
				return nil, fmt.Errorf("allow_private_hosts: %q is not a CIDR prefix: %w", a, err)
			}
			g.allow = append(g.allow, unmapPrefix(p.Masked()))
		default:
			if ip, err := netip.ParseAddr(a); err == nil {
				ip = ip.Unmap().WithZone("")
				g.allow = append(g.allow, netip.PrefixFrom(ip, ip.BitLen()))
				continue
			}
			name := normalizeHost(a)
			if !validHostName(name) {
				return nil, fmt.Errorf("allow_private_hosts: %q is not an IP address, CIDR prefix, host name or localhost", a)
			}
			g.names[name] = true
		}
	}
	return g, nil
}

// unmapPrefix turns ::ffff:10.0.0.0/104 into 10.0.0.0/8, because check
// compares unmapped addresses.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p
}

func validHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// public reports whether ip is an ordinary Internet address.
func (g *guard) public(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range g.reserved {
		if p.Contains(ip) {
			return false
		}
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case g.nat64.Contains(ip):
			return g.public(netip.AddrFrom4([4]byte(b[12:16])))
		case g.sixToFour.Contains(ip):
			return g.public(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	return true
}

// check returns a *blockedError when ip may not be contacted.
func (g *guard) check(ip netip.Addr) error {
	if g.public(ip) {
		return nil
	}
	plain := ip.Unmap().WithZone("")
	for _, p := range g.allow {
		if p.Contains(plain) {
			return nil
		}
	}
	return &blockedError{addr: ip.Unmap().String()}
}

func (g *guard) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("address guard: %w", err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		// The dialer resolves names before Control runs; anything else is
		// unexpected and must not slip through.
		return &blockedError{addr: host}
	}
	return g.check(ip)
}

// dialContext dials through the guarded dialer, except for host names the
// operator listed in allow_private_hosts, which may resolve anywhere.
func (g *guard) dialContext(guarded, trusted *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if len(g.names) > 0 {
			if host, _, err := net.SplitHostPort(addr); err == nil && g.names[normalizeHost(host)] {
				return trusted.DialContext(ctx, network, addr)
			}
		}
		return guarded.DialContext(ctx, network, addr)
	}
}

// normalizeHost lower-cases a host name and drops a trailing dot, so
// "Example.ORG." and "example.org" share politeness and allow entries.
func normalizeHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(h), ".")
}
