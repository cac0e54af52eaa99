// Package fetch makes the crawler's HTTP requests: SSRF-safe, polite and
// bounded, for Get and for colly through Transport.
//
// Address guard: the dialer's Control hook checks the address actually
// dialled, after DNS resolution and on every redirect hop, and refuses
// loopback, private (RFC 1918, ULA), link-local (169.254.169.254, the
// cloud metadata service), multicast, unspecified, CGNAT (100.64/10),
// documentation, benchmarking and reserved ranges, IPv4-mapped forms of
// them, and NAT64/6to4 addresses embedding them, unless Options.AllowPrivate
// lists them. Proxies from the environment are ignored: a proxy would
// connect on our behalf, past the guard.
//
// Bounds: ConnectTimeout for TCP and TLS; Timeout for each HTTP exchange
// including the body (a server dripping one byte a second fails at
// Timeout); the caller's context throughout. Bodies are decoded here
// (gzip, x-gzip, deflate as zlib or raw, br, stacked up to three) and
// MaxBody counts decoded bytes, reading at most one byte past it, so a
// gzip bomb fails with KindTooLarge after MaxBody bytes of work and
// memory. Raw bytes are bounded too (MaxBody + 1/8 + 64 KiB), against
// streams that decode to nothing. An unknown Content-Encoding is
// KindDecode. At most MaxRedirects redirects; the same request twice in
// one chain is KindRedirectLoop; only http and https targets.
//
// Politeness, per host name (http and https of one name are one server):
// at most PerHostConcurrency requests in flight; request starts at least
// MinHostDelay apart, or the robots.txt Crawl-delay when longer (capped
// at one minute); after a 429 or 503 with Retry-After (seconds or
// HTTP-date, capped at MaxRetryAfter) the host cools down: requests wait,
// or fail at once with KindCoolingDown and RetryAfter when the caller's
// deadline comes first. A caller that must not be held by a host (the
// crawler's workers) marks its context with NoWait: a request that would
// wait longer than allowed, or find every per-host slot taken, fails at
// once with KindCoolingDown or KindHostBusy and RetryAfter set. GlobalConcurrency bounds requests across hosts; its slot is
// taken last, so requests queued behind a slow host do not hold it. A
// request holds its slots until its body is read to the end, fails or is
// closed.
//
// robots.txt (RFC 9309), per scheme, host and port: fetched once through
// the same guarded, polite transport by the first request that needs it
// (others wait for it), first 512 KiB only, cached for RobotsTTL. Rules
// are those of the group naming Options.RobotsAgent exactly, else "*".
// 2xx: parsed leniently (lines robotstxt would reject are dropped, not
// the whole file). 404, 410 and every other 4xx, or a redirect chain that
// breaks: no rules, all allowed. 429, 5xx, network failure or timeout: the
// host is treated as disallowed (KindRobots, Temporary, RetryAfter) for
// RobotsErrorTTL and then asked again, as Google does, because its rules
// cannot be known and it may be struggling; rules from an earlier
// successful fetch are kept instead when there are some.
//
// Errors are *Error with a Kind; messages name the URL without
// credentials. Logging is at debug level only; callers count metrics.
package fetch
