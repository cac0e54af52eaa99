package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/presswatch/presswatch/article"
)

// The allowed values are functions rather than package variables so that
// nothing can change them at run time, and so that each set can grow in
// one place.

func logLevels() []string  { return []string{"debug", "info", "warn", "error"} }
func logFormats() []string { return []string{"text", "json"} }

// sourceKinds lists the kinds the crawler can read; it grows as fetchers
// for sites and sitemaps land.
func sourceKinds() []string {
	return []string{"feed", "sitemap", "site", "search", "youtube", "telegram"}
}

func sourceTiers() []string { return article.Tiers() }
func tokenRoles() []string  { return []string{"viewer", "officer", "lead", "admin"} }
func natsSchemes() []string { return []string{"nats", "tls", "ws", "wss"} }

const (
	minMaxBodyBytes = 1 << 10
	maxBatchSize    = 10000
	maxReplicas     = 5
	// minTokenLen keeps API tokens out of guessing range.
	minTokenLen = 16
)

// SlogLevel returns the slog level named by Level (info if unset or not
// valid; Validate reports the latter).
func (l LogConfig) SlogLevel() slog.Level {
	switch strings.ToLower(l.Level) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// checker collects validation problems, positioned by where each key was
// set.
type checker struct {
	o    *origins
	errs []error
}

func (ch *checker) fail(key, format string, args ...any) {
	ch.errs = append(ch.errs, ch.o.errorAt(key, format, args...))
}

func (ch *checker) oneOf(key, value string, allowed []string) {
	if !slices.Contains(allowed, value) {
		ch.fail(key, "must be one of %s, got %q", strings.Join(allowed, ", "), value)
	}
}

func (ch *checker) positive(key string, d Duration) {
	if d <= 0 {
		ch.fail(key, "must be a positive duration, got %s", d)
	}
}

func (ch *checker) intRange(key string, v, lo, hi int) {
	if v < lo || v > hi {
		ch.fail(key, "must be between %d and %d, got %d", lo, hi, v)
	}
}

// Validate checks the settings and reports every problem, each naming its
// key path, and its file and line (or environment variable) when the
// configuration came from Load. Sources read from sources_file are
// validated by Sources.
func (c Config) Validate() error {
	ch := &checker{o: c.origins}

	if c.DataDir == "" {
		ch.fail("data_dir", "must be set")
	}
	ch.hostPort("listen", c.Listen)
	if len(c.Roles) == 0 {
		ch.fail("roles", "must list at least one of %s", strings.Join(knownRoles(), ", "))
	}
	for i, r := range c.Roles {
		key := indexKey("roles", i)
		ch.oneOf(key, r, knownRoles())
		if j := slices.Index(c.Roles, r); j < i {
			ch.fail(key, "%q is listed twice", r)
		}
	}
	if !slices.Contains(logLevels(), strings.ToLower(c.Log.Level)) {
		ch.fail("log.level", "must be one of %s, got %q", strings.Join(logLevels(), ", "), c.Log.Level)
	}
	ch.oneOf("log.format", c.Log.Format, logFormats())

	c.NATS.validate(ch)
	c.Crawler.validate(ch)
	c.Indexer.validateExtra(ch)

	if !isName(c.Indexer.Replica) {
		// It becomes part of a JetStream durable consumer name.
		ch.fail("indexer.replica", "must be letters, digits, - and _, got %q", c.Indexer.Replica)
	}
	ch.intRange("indexer.batch_size", c.Indexer.BatchSize, 1, maxBatchSize)
	ch.positive("indexer.batch_interval", c.Indexer.BatchInterval)
	ch.positive("indexer.search_timeout", c.Indexer.SearchTimeout)

	c.Alerts.validate(ch)
	c.Alerts.validateEngine(ch)
	c.Report.validate(ch, c.Alerts)
	c.SavedSearches.validate(ch, c.Alerts)
	c.API.validate(ch)
	c.Web.validate(ch)
	return joinErrors(ch.errs)
}

func joinErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	var l errList
	for _, e := range errs {
		l.add(e)
	}
	return l.err()
}

// hostPort checks a listen address.
func (ch *checker) hostPort(key, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		ch.fail(key, "must be host:port (e.g. 127.0.0.1:8080 or :8080), got %q", addr)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		ch.fail(key, "port must be a number from 0 to 65535, got %q", port)
	}
	if strings.ContainsAny(host, " /") {
		ch.fail(key, "invalid host %q", host)
	}
}

func (n NATS) validate(ch *checker) {
	if n.URL != "" {
		for u := range strings.SplitSeq(n.URL, ",") {
			if msg := checkNATSURL(strings.TrimSpace(u)); msg != "" {
				ch.fail("nats.url", "%s", msg)
			}
		}
	}
	if n.EmbeddedListen != "" {
		ch.hostPort("nats.embedded_listen", n.EmbeddedListen)
	}
	ch.intRange("nats.replicas", n.Replicas, 1, maxReplicas)
	if n.MaxDeliver < 1 {
		ch.fail("nats.max_deliver", "must be at least 1, got %d", n.MaxDeliver)
	}
	ch.positive("nats.ack_wait", n.AckWait)
	ch.positive("nats.duplicate_window", n.DuplicateWindow)
	ch.positive("nats.article_retention", n.ArticleRetention)
	if n.ArticleRetention > 0 && n.DuplicateWindow > n.ArticleRetention {
		// JetStream refuses a stream whose duplicate window exceeds its max age.
		ch.fail("nats.duplicate_window", "must not exceed nats.article_retention (%s), got %s", n.ArticleRetention, n.DuplicateWindow)
	}
}

// checkNATSURL returns what is wrong with one server URL, or "". The URL
// may carry a user and password, so the message shows it redacted.
func checkNATSURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("invalid URL %s", redactURL(s))
	}
	if !slices.Contains(natsSchemes(), u.Scheme) || u.Host == "" {
		return fmt.Sprintf("must be a nats://, tls://, ws:// or wss:// URL with a host, got %s", redactURL(s))
	}
	return ""
}

// redactURL quotes s with any password hidden; when s does not parse and
// holds an "@", all of it is hidden since we cannot tell what is secret.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return strconv.Quote(u.Redacted())
	}
	if strings.Contains(s, "@") {
		return "(redacted)"
	}
	return strconv.Quote(s)
}

func (ix Indexer) validateExtra(ch *checker) {
	if ix.Retention < 0 {
		ch.fail("indexer.retention", "must not be negative, got %s", ix.Retention)
	}
	if ix.ExportLimit < 1 || ix.ExportLimit > 1000000 {
		ch.fail("indexer.export_limit", "must be 1..1000000, got %d", ix.ExportLimit)
	}
}

func (cr Crawler) validate(ch *checker) {
	switch {
	case strings.TrimSpace(cr.UserAgent) == "":
		ch.fail("crawler.user_agent", "must be set: sites need to know who is fetching")
	case strings.IndexFunc(cr.UserAgent, func(r rune) bool { return r < ' ' || r > '~' }) >= 0:
		// Go's HTTP client refuses control characters in a header, and
		// non-ASCII is garbled by servers; better to fail at start.
		ch.fail("crawler.user_agent", "must be printable ASCII, got %q", cr.UserAgent)
	case !strings.Contains(cr.UserAgent, "http://") && !strings.Contains(cr.UserAgent, "https://") && !strings.Contains(cr.UserAgent, "@"):
		ch.fail("crawler.user_agent", "must name a contact URL or address, like \"presswatch/1.0 (+https://example.gov.vn/bot)\", got %q", cr.UserAgent)
	}
	if cr.Concurrency < 1 {
		ch.fail("crawler.concurrency", "must be at least 1, got %d", cr.Concurrency)
	}
	ch.positive("crawler.fetch_timeout", cr.FetchTimeout)
	if cr.MaxBodyBytes < minMaxBodyBytes {
		ch.fail("crawler.max_body_bytes", "must be at least 1KiB, got %s", cr.MaxBodyBytes)
	}
	ch.positive("crawler.seen_ttl", cr.SeenTTL)
	for i, h := range cr.AllowPrivateHosts {
		key := indexKey("crawler.allow_private_hosts", i)
		if strings.Contains(h, "/") {
			if _, err := netip.ParsePrefix(h); err != nil {
				ch.fail(key, "invalid CIDR %q", h)
			}
		} else if h != "localhost" && net.ParseIP(h) == nil {
			// The guard checks the address a connection goes to, after DNS,
			// so it can only allow addresses, not names.
			ch.fail(key, "must be an IP address, a CIDR prefix or localhost, got %q", h)
		}
	}
	if cr.PerHostConcurrency < 1 {
		ch.fail("crawler.per_host_concurrency", "must be at least 1, got %d", cr.PerHostConcurrency)
	}
	if cr.MinHostDelay < 0 {
		ch.fail("crawler.min_host_delay", "must not be negative, got %s", cr.MinHostDelay)
	}
	if cr.MaxRetryAfter < Duration(time.Minute) || cr.MaxRetryAfter > Duration(7*24*time.Hour) {
		ch.fail("crawler.max_retry_after", "must be between 1m and 7d, got %s", cr.MaxRetryAfter)
	}
	if cr.PauseAfter < 1 {
		ch.fail("crawler.pause_after", "must be at least 1, got %d", cr.PauseAfter)
	}
	for _, k := range []struct {
		key string
		d   Duration
	}{{"crawler.evidence_retention", cr.EvidenceRetention}, {"crawler.recheck_every", cr.RecheckEvery},
		{"crawler.recheck_for", cr.RecheckFor}, {"crawler.max_item_age", cr.MaxItemAge}, {"crawler.sources_reload", cr.SourcesReload}} {
		ch.positive(k.key, k.d)
	}
	for i, l := range cr.Languages {
		if len(l) != 2 || strings.ToLower(l) != l {
			ch.fail(indexKey("crawler.languages", i), "must be a lower-case ISO 639-1 code like vi, got %q", l)
		}
	}
	validateSources(ch, "crawler.sources", cr.Sources)
}

// validateSources checks a list of sources whose key path is listKey
// (crawler.sources, or sources in a sources file).
func validateSources(ch *checker, listKey string, sources []Source) {
	seen := make(map[string]int)
	for i, s := range sources {
		key := indexKey(listKey, i)
		validateSource(ch, key, s)
		if j, dup := seen[s.ID]; dup && s.ID != "" {
			ch.fail(key+".id", "duplicate id %q (also %s)", s.ID, indexKey(listKey, j))
		} else {
			seen[s.ID] = i
		}
	}
}

// validateSource checks one source whose key path is key.
func validateSource(ch *checker, key string, s Source) {
	if !isID(s.ID) {
		ch.fail(key+".id", "must be lower-case letters, digits, - and _, starting with a letter or digit, got %q", s.ID)
	}
	ch.oneOf(key+".kind", s.Kind, sourceKinds())
	if !article.IsWebURL(s.URL) {
		ch.fail(key+".url", "must be an absolute http(s) URL, got %q", s.URL)
	}
	if s.Tier != "" {
		ch.oneOf(key+".tier", s.Tier, sourceTiers())
	}
	for _, f := range []struct {
		name string
		d    Duration
	}{{"interval", s.Interval}, {"min_interval", s.MinInterval}, {"max_interval", s.MaxInterval}} {
		if f.d < 0 {
			ch.fail(key+"."+f.name, "must not be negative, got %s", f.d)
		}
	}
	if s.MinInterval > 0 && s.MaxInterval > 0 && s.MinInterval > s.MaxInterval {
		ch.fail(key+".min_interval", "must not exceed max_interval (%s), got %s", s.MaxInterval, s.MinInterval)
	}
	for _, f := range []struct {
		name     string
		patterns []string
	}{{"include", s.Include}, {"exclude", s.Exclude}, {"article_pattern", nonEmpty(s.ArticlePattern)}} {
		for i, p := range f.patterns {
			if _, err := regexp.Compile(p); err != nil {
				k := key + "." + f.name
				if f.name != "article_pattern" {
					k = indexKey(k, i)
				}
				ch.fail(k, "invalid regular expression: %v", err)
			}
		}
	}
	if s.Depth < 0 || s.Depth > 5 {
		ch.fail(key+".depth", "must be 0..5, got %d", s.Depth)
	}
	switch s.Kind {
	case "search":
		if !strings.Contains(s.URL, "{query}") {
			ch.fail(key+".url", "a search source's url needs a {query} placeholder, got %q", s.URL)
		}
		if len(s.Queries) == 0 {
			ch.fail(key+".queries", "a search source needs at least one query")
		}
	case "telegram":
		if !telegramPath.MatchString(s.URL) {
			ch.fail(key+".url", "a telegram source's url is a public channel page like https://t.me/s/CHANNEL, got %q", s.URL)
		}
	}
}

var telegramPath = regexp.MustCompile(`^https?://[^/]+/s/[A-Za-z0-9_]{3,64}/?$`)

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func (a Alerts) validate(ch *checker) {
	seen := make(map[string]int)
	for i, r := range a.Receivers {
		key := indexKey("alerts.receivers", i)
		if r.Name == "" {
			ch.fail(key+".name", "must be set")
		} else if !isID(r.Name) {
			// The name is part of delivery-record keys in NATS KV.
			ch.fail(key+".name", "must be lower-case letters, digits, - and _, starting with a letter or digit, got %q", r.Name)
		} else if j, dup := seen[r.Name]; dup {
			ch.fail(key+".name", "duplicate name %q (also alerts.receivers[%d])", r.Name, j)
		} else {
			seen[r.Name] = i
		}
		if kinds := r.kinds(); len(kinds) != 1 {
			ch.fail(key, "must set exactly one of %s; %d set", strings.Join(receiverKinds(), ", "), len(kinds))
		}
		r.validateDelivery(ch, key)
		if w := r.Webhook; w != nil {
			// The URL is a secret: say what is wrong, never what it is.
			if !article.IsWebURL(w.URL.Reveal()) {
				ch.fail(key+".webhook.url", "must be an absolute http(s) URL (set url or url_file)")
			}
			if w.Timeout < 0 {
				ch.fail(key+".webhook.timeout", "must not be negative, got %s", w.Timeout)
			}
		}
	}
}

func (a API) validate(ch *checker) {
	names := make(map[string]int)
	values := make(map[Secret]int)
	for i, t := range a.Tokens {
		key := indexKey("api.tokens", i)
		if t.Name == "" {
			ch.fail(key+".name", "must be set")
		} else if j, dup := names[t.Name]; dup {
			ch.fail(key+".name", "duplicate name %q (also api.tokens[%d])", t.Name, j)
		} else {
			names[t.Name] = i
		}
		ch.oneOf(key+".role", t.Role, tokenRoles())
		switch tok := t.Token.Reveal(); {
		case tok == "":
			ch.fail(key+".token", "must be set (token or token_file)")
		case len(tok) < minTokenLen:
			ch.fail(key+".token", "must be at least %d characters, got %d", minTokenLen, len(tok))
		case hasNewline(tok) || strings.TrimSpace(tok) != tok:
			ch.fail(key+".token", "must be one line without surrounding blanks")
		default:
			// Two clients with one token could not be told apart.
			if j, dup := values[t.Token]; dup {
				ch.fail(key+".token", "same token as api.tokens[%d]", j)
			} else {
				values[t.Token] = i
			}
		}
	}
}

func (w Web) validate(ch *checker) {
	ch.positive("web.session_ttl", w.SessionTTL)
	if w.SessionTTL.D() > 7*24*time.Hour {
		ch.fail("web.session_ttl", "must be at most 7d (the session bucket's limit), got %s", w.SessionTTL)
	}
	ch.intRange("web.login_max_failures", w.LoginMaxFailures, 1, 1000)
	ch.positive("web.login_lockout", w.LoginLockout)
	if w.HSTSMaxAge < 0 || w.HSTSMaxAge > Duration(2*365*24*time.Hour) {
		ch.fail("web.hsts_max_age", "must be between 0 (off) and 730d, got %s", w.HSTSMaxAge)
	}
	if h := w.ProxyAuth.Header; h != "" {
		if strings.ContainsAny(h, " :\r\n") {
			ch.fail("web.proxy_auth.header", "must be a header name such as X-Remote-User, got %q", h)
		}
		if len(w.ProxyAuth.TrustedProxies) == 0 {
			ch.fail("web.proxy_auth.trusted_proxies", "must list the proxies' addresses (CIDR) when web.proxy_auth.header is set")
		}
	}
	for i, c := range w.ProxyAuth.TrustedProxies {
		if _, err := ParseCIDR(c); err != nil {
			ch.fail(indexKey("web.proxy_auth.trusted_proxies", i), "%v", err)
		}
	}
}

// ParseCIDR reads a trusted proxy's address: a CIDR, or one address.
func ParseCIDR(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR such as 10.0.0.0/8", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// isID reports whether s matches ^[a-z0-9][a-z0-9_-]*$: safe in NATS
// subjects, KV keys and file names.
func isID(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '-' || r == '_') && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// isName reports whether s is letters, digits, - and _.
func isName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return s != ""
}
