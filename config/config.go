// Package config loads presswatch.yaml, applies PRESSWATCH_* environment
// overrides and validates the result. Every error names the file, line and
// key at fault so that an operator can fix it without reading the source.
package config

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
)

// Config is the whole of presswatch.yaml. Field tags give the YAML key; the
// environment override of a scalar field is PRESSWATCH_ followed by its key
// path in upper case joined with underscores (nats.url -> PRESSWATCH_NATS_URL),
// and PRESSWATCH_<PATH>_FILE reads the value from a file (for secrets).
type Config struct {
	// DataDir holds the embedded NATS store and the Bleve index.
	DataDir string `yaml:"data_dir"`
	// Listen is the HTTP address of the API, UI, health and metrics.
	Listen string `yaml:"listen"`
	// Roles run in this process: crawler, classifier, indexer, alerts, web.
	Roles []string  `yaml:"roles"`
	Log   LogConfig `yaml:"log"`
	NATS  NATS      `yaml:"nats"`

	Crawler    Crawler    `yaml:"crawler"`
	Classifier Classifier `yaml:"classifier"`
	Indexer    Indexer    `yaml:"indexer"`
	Alerts     Alerts     `yaml:"alerts"`
	API        API        `yaml:"api"`
	Web        Web        `yaml:"web"`
	Report     Report     `yaml:"report"`
	// SavedSearches configures the saved searches' daily digest.
	SavedSearches SavedSearches `yaml:"saved_searches"`

	// path is the file the config was read from, for resolving relative paths.
	path string
	// origins says where each key path got its value (file:line or an
	// environment variable), so that Validate can point at it.
	origins *origins
}

// Path returns the file the configuration was loaded from, as given to
// Load; empty when it came from defaults and the environment only. Reload
// passes it back to Load.
func (c Config) Path() string { return c.path }

// HasRole reports whether this process runs role.
func (c Config) HasRole(role string) bool {
	return slices.Contains(c.Roles, role)
}

// LogConfig selects the slog handler.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// NATS configures the bus: an embedded server unless URL is set.
type NATS struct {
	URL string `yaml:"url"`
	// CredentialsFile is a NATS .creds file for an external cluster.
	CredentialsFile string `yaml:"credentials_file"`
	// EmbeddedListen is the client address of the embedded server; empty
	// means in-process connections only.
	EmbeddedListen string `yaml:"embedded_listen"`
	// Replicas for streams and KV buckets (1 embedded, 3 in a cluster).
	Replicas int `yaml:"replicas"`
	// MaxDeliver is how many times a message is tried before it goes to
	// the dead-letter stream.
	MaxDeliver int `yaml:"max_deliver"`
	// AckWait is how long a consumer may hold a message before redelivery.
	AckWait Duration `yaml:"ack_wait"`
	// DuplicateWindow is how long Nats-Msg-Id deduplication remembers IDs.
	DuplicateWindow Duration `yaml:"duplicate_window"`
	// ArticleRetention bounds how long articles stay in the streams (the
	// source for reindexing).
	ArticleRetention Duration `yaml:"article_retention"`
}

// Crawler configures fetching.
type Crawler struct {
	// SourcesFile lists the sources (relative to this file).
	SourcesFile string   `yaml:"sources_file"`
	Sources     []Source `yaml:"sources"`
	UserAgent   string   `yaml:"user_agent"`
	// Concurrency bounds page fetches in flight across all sources.
	Concurrency  int      `yaml:"concurrency"`
	FetchTimeout Duration `yaml:"fetch_timeout"`
	MaxBodyBytes ByteSize `yaml:"max_body_bytes"`
	// SeenTTL is how long a fetched URL is remembered and not fetched again.
	SeenTTL Duration `yaml:"seen_ttl"`
	// AllowPrivateHosts lists IP addresses, CIDR prefixes or "localhost" the
	// crawler may connect to although they are private or loopback
	// (for a local test site).
	AllowPrivateHosts []string `yaml:"allow_private_hosts"`
	// PerHostConcurrency bounds requests in flight to one host.
	PerHostConcurrency int `yaml:"per_host_concurrency"`
	// MinHostDelay is the least time between two requests to one host
	// (robots.txt Crawl-delay raises it).
	MinHostDelay Duration `yaml:"min_host_delay"`
	// MaxRetryAfter caps how long a host's 429/503 Retry-After keeps its
	// sources waiting.
	MaxRetryAfter Duration `yaml:"max_retry_after"`
	// PauseAfter consecutive failures pauses a source until an admin
	// resumes it.
	PauseAfter int `yaml:"pause_after"`
	// EvidenceRetention is how long raw HTML snapshots are kept.
	EvidenceRetention Duration `yaml:"evidence_retention"`
	// RecheckEvery and RecheckFor schedule re-fetches of flagged articles
	// to record edits and removals.
	RecheckEvery Duration `yaml:"recheck_every"`
	RecheckFor   Duration `yaml:"recheck_for"`
	// Languages are the candidates for language detection (ISO 639-1).
	Languages []string `yaml:"languages"`
	// MaxItemAge skips sitemap and feed items older than this.
	MaxItemAge Duration `yaml:"max_item_age"`
	// SourcesReload is how often the sources file is checked for changes.
	SourcesReload Duration `yaml:"sources_reload"`
}

// Source is one place the crawler reads.
type Source struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`
	Kind        string   `yaml:"kind"` // feed, sitemap, site, search, youtube, telegram
	URL         string   `yaml:"url"`
	Tier        string   `yaml:"tier"` // official, central, local, foreign, social
	Lang        string   `yaml:"lang"`
	Regions     []string `yaml:"regions"`
	Interval    Duration `yaml:"interval"`
	MinInterval Duration `yaml:"min_interval"`
	MaxInterval Duration `yaml:"max_interval"`
	Enabled     *bool    `yaml:"enabled"`

	// Include and Exclude are regular expressions over link URLs (site
	// crawls and sitemaps): a link is followed when it matches an include
	// pattern (or none are given) and no exclude pattern.
	Include []string `yaml:"include"`
	Exclude []string `yaml:"exclude"`
	// Depth bounds how many links a site crawl follows from the seed.
	Depth int `yaml:"depth"`
	// ArticlePattern is a regular expression that recognises article URLs
	// on a site; without it, pages typed og:type=article are articles.
	ArticlePattern string `yaml:"article_pattern"`
	// Queries fill the {query} placeholder of a search source's URL.
	Queries []string `yaml:"queries"`
}

// IsEnabled reports whether the source is polled (enabled unless set false).
func (s Source) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// Classifier configures rule matching.
type Classifier struct {
	// RulesDir holds *.yaml rule files (relative to this file).
	RulesDir string `yaml:"rules_dir"`
}

// Indexer configures the Bleve writer.
type Indexer struct {
	// Replica names this indexer's durable consumer; each replica keeps its
	// own full index.
	Replica       string   `yaml:"replica"`
	BatchSize     int      `yaml:"batch_size"`
	BatchInterval Duration `yaml:"batch_interval"`
	SearchTimeout Duration `yaml:"search_timeout"`
	// Retention drops monthly index partitions older than this; 0 keeps
	// everything. (Articles stay in the stream for nats.article_retention
	// and can be reindexed.)
	Retention Duration `yaml:"retention"`
	// ExportLimit bounds the rows of one CSV export.
	ExportLimit int `yaml:"export_limit"`
}

// Alerts configures receivers and the alert engine (config/alerts.go).
type Alerts struct {
	Receivers []Receiver `yaml:"receivers"`

	// Timezone of duty hours, quiet hours and daily digests unless a block
	// names its own (default Asia/Ho_Chi_Minh).
	Timezone string `yaml:"timezone"`
	// BaseURL of the web UI, for deep links and one-tap actions in
	// messages; required when a receiver other than log is configured.
	BaseURL     string       `yaml:"base_url"`
	ActionLinks ActionLinks  `yaml:"action_links"`
	Departments []Department `yaml:"departments"`
	// Route is the routing tree; without it every alert goes to every
	// receiver.
	Route      *AlertRoute     `yaml:"route"`
	Escalation Escalation      `yaml:"escalation"`
	Silences   []StaticSilence `yaml:"silences"`
	Retry      DeliveryRetry   `yaml:"retry"`
	// SourceSilentAfter raises an alert for a source that brought nothing
	// for this long (default 6h).
	SourceSilentAfter Duration `yaml:"source_silent_after"`
}

// ActionLinks configures the one-tap links of messages (acknowledge, take
// it, mute for some hours).
type ActionLinks struct {
	// Secret signs the links (HMAC-SHA256, at least 32 bytes). Empty: a
	// random key is made once and shared through NATS KV.
	Secret     Secret `yaml:"secret"`
	SecretFile string `yaml:"secret_file"`
	// TTL is how long a link works (default 72h, at most 336h).
	TTL Duration `yaml:"ttl"`
	// MuteHours is how long the mute link silences the story (default 4).
	MuteHours int `yaml:"mute_hours"`
}

// Receiver is one notification target; exactly one kind block is set.
type Receiver struct {
	Name    string           `yaml:"name"`
	Log     *LogReceiver     `yaml:"log"`
	Webhook *WebhookReceiver `yaml:"webhook"`

	// --- delivery channels and message wording (receivers; see receivers.go) ---
	Email    *EmailReceiver    `yaml:"email"`
	Telegram *TelegramReceiver `yaml:"telegram"`
	Zalo     *ZaloReceiver     `yaml:"zalo"`
	Slack    *SlackReceiver    `yaml:"slack"`
	// Lang, vi or en, is the language of every message of this receiver;
	// unset, the notification's language decides (Vietnamese if none).
	Lang string `yaml:"lang"`
	// Templates replace the embedded message templates, part by part.
	Templates *Templates `yaml:"templates"`
	// --- end of delivery block ---

	// --- delivery policy (alert engine; config/alerts.go) ---
	// QuietHours defer notifications below critical until they end.
	QuietHours *QuietHours `yaml:"quiet_hours"`
	// Digest batches lower-severity alerts into one message per period.
	Digest *Digest `yaml:"digest"`
	// --- end delivery policy ---
}

// LogReceiver writes alerts to the process log.
type LogReceiver struct{}

// WebhookReceiver posts signed JSON.
type WebhookReceiver struct {
	// URL is a Secret because Slack-compatible and chat webhook URLs carry
	// their access token in the path: whoever reads the URL can post.
	URL     Secret `yaml:"url"`
	URLFile string `yaml:"url_file"`
	// Secret signs each request body (HMAC-SHA256) so the receiver can
	// tell our posts from forgeries.
	Secret     Secret `yaml:"secret"`
	SecretFile string `yaml:"secret_file"`
	// Timeout bounds one delivery attempt; zero leaves the notifier's own.
	Timeout Duration `yaml:"timeout"`
}

// Format prints w with its secrets redacted. Secret's own methods are not
// enough here: Receiver holds w by pointer, and when a pointer meets a verb
// it does not take (fmt.Sprintf("%s", cfg)), fmt prints the struct behind
// it without calling any method of its fields.
func (w WebhookReceiver) Format(f fmt.State, verb rune) {
	type webhookReceiver WebhookReceiver // same fields, no Format: no recursion
	w.URL, w.Secret = Secret(w.URL.String()), Secret(w.Secret.String())
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), webhookReceiver(w))
}

// API configures machine access.
type API struct {
	Tokens []Token `yaml:"tokens"`
	// MetricsPublic lets /metrics answer without a token (for Prometheus
	// scraping inside a trusted network); unset or false asks for a token
	// of role viewer or higher.
	MetricsPublic *bool `yaml:"metrics_public"`
}

// Web configures the web UI's sign-in.
type Web struct {
	// SessionTTL is how long a sign-in lasts (at most 7d).
	SessionTTL Duration `yaml:"session_ttl"`
	// SecureCookies forces the session cookie's Secure flag; unset sets it
	// when the request came over HTTPS.
	SecureCookies *bool `yaml:"secure_cookies"`
	// HSTSMaxAge, when set, sends Strict-Transport-Security with this
	// max-age on every response to a request that came over HTTPS.
	HSTSMaxAge Duration `yaml:"hsts_max_age"`
	// LoginMaxFailures failed logins of one user name from one client
	// address start a wait that doubles with each further failure, up to
	// LoginLockout.
	LoginMaxFailures int      `yaml:"login_max_failures"`
	LoginLockout     Duration `yaml:"login_lockout"`
	// ProxyAuth trusts a reverse proxy's header naming the signed-in user.
	ProxyAuth ProxyAuth `yaml:"proxy_auth"`
}

// ProxyAuth is single sign-on at a reverse proxy.
type ProxyAuth struct {
	// Header carries the user name, e.g. X-Remote-User; empty disables.
	Header string `yaml:"header"`
	// TrustedProxies are the CIDRs the header is accepted from.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// Token is a bearer token for machine access.
type Token struct {
	// Name identifies the client in logs and audit records (never the
	// token itself).
	Name      string `yaml:"name"`
	Role      string `yaml:"role"` // viewer, officer, admin
	Token     Secret `yaml:"token"`
	TokenFile string `yaml:"token_file"`
}

// Secret is a string that never prints its value: not through fmt (any
// verb), encoding/json, encoding.TextMarshaler (so YAML too) or log/slog.
// Only Reveal gives it out. An empty secret prints as empty so that "not
// set" stays visible when debugging. One hole remains, as the type is a
// string: encoding/json writes a map key of a string type as it is, so
// never key a map that may be marshalled by a Secret.
type Secret string

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "<redacted>"
}

// GoString keeps %#v from leaking the value too.
func (s Secret) GoString() string { return s.String() }

// Format covers the verbs String does not: without it fmt prints a bad
// verb such as %d or %x on a string type as "%!d(config.Secret=value)".
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = io.WriteString(f, strconv.Quote(s.String()))
		return
	}
	_, _ = io.WriteString(f, s.String())
}

// MarshalJSON keeps secrets out of JSON dumps of the configuration.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText keeps secrets out of text encodings (YAML, slog's text
// handler).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue keeps secrets out of structured logs.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Reveal returns the secret value for the one place that must use it.
func (s Secret) Reveal() string { return string(s) }
