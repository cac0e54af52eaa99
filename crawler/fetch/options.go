package fetch

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Options bound and pace every request a Fetcher makes. Zero values take
// the documented defaults.
type Options struct {
	// UserAgent is sent with every request (replacing any the caller or
	// colly set) and must include a contact URL or address, so a site
	// owner who sees us in their logs can reach the press office.
	UserAgent string
	// RobotsAgent is the product token matched against robots.txt
	// User-agent lines; default: derived from UserAgent ("presswatch" for
	// "presswatch/1.0 (+https://…)").
	RobotsAgent string

	ConnectTimeout time.Duration // TCP connect and TLS handshake; default 10s
	// Timeout bounds one HTTP exchange, from sending the request to the
	// last byte of the body, for each redirect hop. Waiting for a
	// politeness slot is not included: that wait is bounded by the
	// caller's context.
	Timeout time.Duration // default 30s

	MaxBody      int64 // max body bytes AFTER decompression; default 10 MiB
	MaxRedirects int   // default 10

	// AllowPrivate lists IP addresses, CIDR prefixes, "localhost"
	// (127.0.0.0/8 and ::1) or host names that may be contacted although
	// they are (or resolve to) non-public addresses.
	AllowPrivate []string

	PerHostConcurrency int // requests in flight per host; default 2
	// MinHostDelay is the minimum gap between request starts to one host;
	// 0 means the default 1s, NoDelay (or any negative value) disables it.
	MinHostDelay      time.Duration
	GlobalConcurrency int // requests in flight across all hosts; default 16

	IgnoreRobots bool          // default false: robots.txt is honoured
	RobotsTTL    time.Duration // how long a fetched robots.txt is trusted; default 1h
	// RobotsErrorTTL is how long a host whose robots.txt answered 429/5xx
	// or could not be fetched stays closed before robots.txt is tried
	// again; default 10m, at most RobotsTTL.
	RobotsErrorTTL time.Duration
	// MaxRetryAfter caps how long a 429/503 Retry-After keeps a host
	// cooling down, so a typo or a hostile server cannot silence a source
	// for days; default 1h.
	MaxRetryAfter time.Duration

	Logger *slog.Logger // debug-level events only; default discards
}

// NoDelay disables Options.MinHostDelay (whose zero value means "default").
const NoDelay time.Duration = -1

const (
	defaultConnectTimeout = 10 * time.Second
	defaultTimeout        = 30 * time.Second
	defaultMaxBody        = 10 << 20
	defaultMaxRedirects   = 10
	defaultPerHost        = 2
	defaultMinHostDelay   = time.Second
	defaultGlobal         = 16
	defaultRobotsTTL      = time.Hour
	defaultRobotsErrorTTL = 10 * time.Minute
	defaultMaxRetryAfter  = time.Hour

	// robotsMaxBytes is how much of a robots.txt is read; RFC 9309 asks
	// crawlers to parse at least 500 KiB and Google stops at 500 KiB.
	robotsMaxBytes = 512 << 10
	// maxCrawlDelay caps a robots.txt Crawl-delay: a site asking for an
	// hour between requests is still read once a minute, which is
	// gentler than any operator would set by hand.
	maxCrawlDelay = time.Minute
)

// withDefaults validates o and fills in defaults.
func (o Options) withDefaults() (Options, error) {
	var errs []error
	ua := strings.TrimSpace(o.UserAgent)
	switch {
	case ua == "":
		errs = append(errs, errors.New("UserAgent is required: sites need to know who is fetching"))
	case strings.IndexFunc(ua, func(r rune) bool { return r < ' ' || r > '~' }) >= 0:
		errs = append(errs, fmt.Errorf("UserAgent %q must be printable ASCII", ua))
	case !strings.Contains(ua, "http://") && !strings.Contains(ua, "https://") && !strings.Contains(ua, "@"):
		errs = append(errs, fmt.Errorf("UserAgent %q has no contact URL or address (e.g. \"presswatch/1.0 (+https://example.org/bot)\")", ua))
	}
	o.UserAgent = ua
	if o.RobotsAgent == "" {
		o.RobotsAgent = productToken(ua)
	}
	o.RobotsAgent = strings.ToLower(o.RobotsAgent)
	if !validRobotsAgent(o.RobotsAgent) && ua != "" {
		errs = append(errs, fmt.Errorf("RobotsAgent %q must be at least two of a-z, '-' and '_' (set it when UserAgent has no such product token)", o.RobotsAgent))
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"ConnectTimeout", &o.ConnectTimeout, defaultConnectTimeout},
		{"Timeout", &o.Timeout, defaultTimeout},
		{"RobotsTTL", &o.RobotsTTL, defaultRobotsTTL},
		{"RobotsErrorTTL", &o.RobotsErrorTTL, defaultRobotsErrorTTL},
		{"MaxRetryAfter", &o.MaxRetryAfter, defaultMaxRetryAfter},
	} {
		switch {
		case *d.v < 0:
			errs = append(errs, fmt.Errorf("%s must not be negative, got %s", d.name, *d.v))
		case *d.v == 0:
			*d.v = d.def
		}
	}
	o.RobotsErrorTTL = min(o.RobotsErrorTTL, o.RobotsTTL)
	switch {
	case o.MinHostDelay == 0:
		o.MinHostDelay = defaultMinHostDelay
	case o.MinHostDelay < 0:
		o.MinHostDelay = 0
	}
	for _, n := range []struct {
		name string
		v    *int
		def  int
	}{
		{"MaxRedirects", &o.MaxRedirects, defaultMaxRedirects},
		{"PerHostConcurrency", &o.PerHostConcurrency, defaultPerHost},
		{"GlobalConcurrency", &o.GlobalConcurrency, defaultGlobal},
	} {
		switch {
		case *n.v < 0:
			errs = append(errs, fmt.Errorf("%s must not be negative, got %d", n.name, *n.v))
		case *n.v == 0:
			*n.v = n.def
		}
	}
	switch {
	case o.MaxBody < 0:
		errs = append(errs, fmt.Errorf("MaxBody must not be negative, got %d", o.MaxBody))
	case o.MaxBody == 0:
		o.MaxBody = defaultMaxBody
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if len(errs) > 0 {
		return o, fmt.Errorf("fetch options: %w", errors.Join(errs...))
	}
	return o, nil
}

// productToken picks the crawler's name out of a User-Agent: the first
// product that is not the "Mozilla/5.0 (compatible; …)" boilerplate.
func productToken(ua string) string {
	fields := strings.FieldsFunc(ua, func(r rune) bool {
		return r == ' ' || r == '(' || r == ')' || r == ';' || r == ','
	})
	for _, f := range fields {
		name, _, _ := strings.Cut(f, "/")
		name = strings.ToLower(name)
		if name == "mozilla" || name == "compatible" || !validRobotsAgent(name) {
			continue
		}
		return name
	}
	return ""
}

// validRobotsAgent follows RFC 9309's product token ([a-zA-Z_-]+), and
// wants two characters because robotstxt ties a one-letter group with "*".
func validRobotsAgent(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
