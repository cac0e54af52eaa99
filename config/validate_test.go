package config

import (
	"log/slog"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
}

// Default must hand out fresh slices and pointers: a caller changing its
// copy must not change the next caller's defaults.
func TestDefaultIsFresh(t *testing.T) {
	a := Default()
	a.Roles[0] = "changed"
	a.Alerts.Receivers[0].Name = "changed"
	b := Default()
	if b.Roles[0] != RoleCrawler || b.Alerts.Receivers[0].Name != "log" {
		t.Errorf("Default changed by a caller: %v, %v", b.Roles, b.Alerts.Receivers)
	}
}

func goodSource(id string) Source {
	return Source{ID: id, Kind: "feed", URL: "https://" + id + ".example/rss"}
}

func webhook(name, url string) Receiver {
	return Receiver{Name: name, Webhook: &WebhookReceiver{URL: Secret(url)}}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *Config)
		want   []string // nil: valid
	}{
		{"listen on any interface", func(c *Config) { c.Listen = ":8080" }, nil},
		{"listen IPv6", func(c *Config) { c.Listen = "[::1]:0" }, nil},
		{"log level upper case", func(c *Config) { c.Log.Level = "DEBUG" }, nil},
		{"nats cluster", func(c *Config) { c.NATS.URL = "nats://a:4222, tls://b:4222,wss://c/ws"; c.NATS.Replicas = 3 }, nil},
		{"full sources", func(c *Config) {
			s := goodSource("baochinhphu")
			s.Tier, s.MinInterval, s.MaxInterval = "official", Duration(time.Minute), Duration(time.Hour)
			c.Crawler.Sources = []Source{s, goodSource("vnexpress_1"), goodSource("0-local")}
		}, nil},
		{"receivers and tokens", func(c *Config) {
			c.Alerts.Receivers = append(c.Alerts.Receivers, webhook("slack", "https://hooks.slack.com/services/T/B/x"))
			c.Alerts.BaseURL = "https://presswatch.example.gov.vn"
			c.API.Tokens = []Token{{Name: "ci", Role: "viewer", Token: validToken}, {Name: "ops", Role: "admin", Token: validToken + "2"}}
		}, nil},
		{"private hosts", func(c *Config) { c.Crawler.AllowPrivateHosts = []string{"10.0.0.0/8", "fd00::/8", "::1", "localhost"} }, nil},

		{"proxy sign-on", func(c *Config) {
			c.Web.ProxyAuth = ProxyAuth{Header: "X-Remote-User", TrustedProxies: []string{"10.0.0.5", "192.168.0.0/16", "fd00::/8"}}
		}, nil},
		{"web limits", func(c *Config) {
			c.Web.SessionTTL, c.Web.LoginMaxFailures, c.Web.LoginLockout = Duration(8*24*time.Hour), 0, 0
		}, []string{"web.session_ttl: must be at most 7d (the session bucket's limit), got 8d", "web.login_max_failures: must be between 1 and 1000, got 0", "web.login_lockout: must be a positive duration, got 0s"}},
		{"proxy header without proxies", func(c *Config) { c.Web.ProxyAuth.Header = "X-Remote-User" },
			[]string{"web.proxy_auth.trusted_proxies: must list the proxies' addresses (CIDR) when web.proxy_auth.header is set"}},
		{"bad proxy header and address", func(c *Config) {
			c.Web.ProxyAuth = ProxyAuth{Header: "X Remote: User", TrustedProxies: []string{"10.0.0.0/33"}}
		}, []string{`web.proxy_auth.header: must be a header name such as X-Remote-User, got "X Remote: User"`, `web.proxy_auth.trusted_proxies[0]: "10.0.0.0/33" is not an address or CIDR such as 10.0.0.0/8`}},
		{"no data dir", func(c *Config) { c.DataDir = "" }, []string{"data_dir: must be set"}},
		{"listen without port", func(c *Config) { c.Listen = "localhost" },
			[]string{`listen: must be host:port (e.g. 127.0.0.1:8080 or :8080), got "localhost"`}},
		{"listen bad port", func(c *Config) { c.Listen = "localhost:http" },
			[]string{`listen: port must be a number from 0 to 65535, got "http"`}},
		{"listen port too big", func(c *Config) { c.Listen = ":65536" },
			[]string{`listen: port must be a number from 0 to 65535, got "65536"`}},
		{"embedded nats listen", func(c *Config) { c.NATS.EmbeddedListen = "127.0.0.1:4222" }, nil},
		{"embedded nats listen without port", func(c *Config) { c.NATS.EmbeddedListen = "4222" },
			[]string{`nats.embedded_listen: must be host:port (e.g. 127.0.0.1:8080 or :8080), got "4222"`}},
		{"no roles", func(c *Config) { c.Roles = nil },
			[]string{"roles: must list at least one of crawler, classifier, indexer, alerts, web"}},
		{"unknown and duplicate roles", func(c *Config) { c.Roles = []string{"web", "search", "web"} }, []string{
			`roles[1]: must be one of crawler, classifier, indexer, alerts, web, got "search"`,
			`roles[2]: "web" is listed twice`,
		}},
		{"log", func(c *Config) { c.Log = LogConfig{Level: "verbose", Format: "xml"} }, []string{
			`log.level: must be one of debug, info, warn, error, got "verbose"`,
			`log.format: must be one of text, json, got "xml"`,
		}},
		{"nats url scheme", func(c *Config) { c.NATS.URL = "nats://a:4222,http://b:4222" },
			[]string{`nats.url: must be a nats://, tls://, ws:// or wss:// URL with a host, got "http://b:4222"`}},
		{"nats url without host", func(c *Config) { c.NATS.URL = "a:4222" },
			[]string{`nats.url: must be a nats://, tls://, ws:// or wss:// URL with a host, got "a:4222"`}},
		{"nats url password not shown", func(c *Config) { c.NATS.URL = "http://user:hunter22@b:4222" },
			[]string{`nats.url: must be a nats://, tls://, ws:// or wss:// URL with a host, got "http://user:xxxxx@b:4222"`}},
		{"nats numbers", func(c *Config) { c.NATS.Replicas, c.NATS.MaxDeliver = 7, 0 }, []string{
			"nats.replicas: must be between 1 and 5, got 7",
			"nats.max_deliver: must be at least 1, got 0",
		}},
		{"nats durations", func(c *Config) { c.NATS.AckWait, c.NATS.DuplicateWindow = 0, -1 }, []string{
			"nats.ack_wait: must be a positive duration, got 0s",
			"nats.duplicate_window: must be a positive duration, got -1ns",
		}},
		{"duplicate window beyond retention", func(c *Config) { c.NATS.ArticleRetention = Duration(time.Hour) },
			[]string{"nats.duplicate_window: must not exceed nats.article_retention (1h0m0s), got 2h0m0s"}},
		{"crawler numbers", func(c *Config) {
			c.Crawler.Concurrency, c.Crawler.MaxBodyBytes, c.Crawler.FetchTimeout, c.Crawler.SeenTTL = 0, 1000, 0, 0
		}, []string{
			"crawler.concurrency: must be at least 1, got 0",
			"crawler.fetch_timeout: must be a positive duration, got 0s",
			"crawler.max_body_bytes: must be at least 1KiB, got 1KB",
			"crawler.seen_ttl: must be a positive duration, got 0s",
		}},
		{"retry-after cap too long", func(c *Config) { c.Crawler.MaxRetryAfter = Duration(30 * 24 * time.Hour) },
			[]string{"crawler.max_retry_after: must be between 1m and 7d, got 30d"}},
		{"retry-after cap too short", func(c *Config) { c.Crawler.MaxRetryAfter = Duration(time.Second) },
			[]string{"crawler.max_retry_after: must be between 1m and 7d, got 1s"}},
		{"user agent", func(c *Config) { c.Crawler.UserAgent = " " }, []string{"crawler.user_agent: must be set: sites need to know who is fetching"}},
		{"user agent not ASCII", func(c *Config) { c.Crawler.UserAgent = "Sở Văn hóa" }, []string{`crawler.user_agent: must be printable ASCII, got "Sở Văn hóa"`}},
		{"private hosts", func(c *Config) { c.Crawler.AllowPrivateHosts = []string{"10.0.0.0/33", "", "a b"} }, []string{
			`crawler.allow_private_hosts[0]: invalid CIDR "10.0.0.0/33"`,
			`crawler.allow_private_hosts[1]: must be an IP address, a CIDR prefix or localhost, got ""`,
			`crawler.allow_private_hosts[2]: must be an IP address, a CIDR prefix or localhost, got "a b"`,
		}},
		{"source id", func(c *Config) {
			c.Crawler.Sources = []Source{goodSource("ok"), goodSource("Upper"), goodSource("-dash"), goodSource("")}
		}, []string{
			`crawler.sources[1].id: must be lower-case letters, digits, - and _, starting with a letter or digit, got "Upper"`,
			`crawler.sources[2].id: must be lower-case letters, digits, - and _, starting with a letter or digit, got "-dash"`,
			`crawler.sources[3].id: must be lower-case letters, digits, - and _, starting with a letter or digit, got ""`,
		}},
		{"source duplicate id", func(c *Config) { c.Crawler.Sources = []Source{goodSource("a"), goodSource("b"), goodSource("a")} },
			[]string{`crawler.sources[2].id: duplicate id "a" (also crawler.sources[0])`}},
		{"source fields", func(c *Config) {
			c.Crawler.Sources = []Source{{ID: "a", Kind: "podcast", URL: "ftp://a.example/", Tier: "national", Interval: -1,
				MinInterval: Duration(time.Hour), MaxInterval: Duration(time.Minute)}}
		}, []string{
			`crawler.sources[0].kind: must be one of feed, sitemap, site, search, youtube, telegram, got "podcast"`,
			`crawler.sources[0].url: must be an absolute http(s) URL, got "ftp://a.example/"`,
			`crawler.sources[0].tier: must be one of official, central, local, foreign, social, got "national"`,
			`crawler.sources[0].interval: must not be negative, got -1ns`,
			`crawler.sources[0].min_interval: must not exceed max_interval (1m0s), got 1h0m0s`,
		}},
		{"source relative url", func(c *Config) { c.Crawler.Sources = []Source{{ID: "a", Kind: "feed", URL: "feed.xml"}} },
			[]string{`crawler.sources[0].url: must be an absolute http(s) URL, got "feed.xml"`}},
		{"indexer", func(c *Config) {
			c.Indexer = Indexer{Replica: "indexer.1", BatchSize: 10001}
		}, []string{
			"indexer.export_limit: must be 1..1000000, got 0",
			`indexer.replica: must be letters, digits, - and _, got "indexer.1"`,
			"indexer.batch_size: must be between 1 and 10000, got 10001",
			"indexer.batch_interval: must be a positive duration, got 0s",
			"indexer.search_timeout: must be a positive duration, got 0s",
		}},
		{"receivers", func(c *Config) {
			c.Alerts.Receivers = []Receiver{
				{Name: "log", Log: &LogReceiver{}},
				{Name: "log", Log: &LogReceiver{}},
				{Name: ""},
				{Name: "both", Log: &LogReceiver{}, Webhook: &WebhookReceiver{URL: "https://a.example/"}},
				{Name: "hook", Webhook: &WebhookReceiver{URL: "hooks.example/T0/secretpath", Timeout: -1}},
			}
		}, []string{
			`alerts.receivers[1].name: duplicate name "log" (also alerts.receivers[0])`,
			"alerts.receivers[2].name: must be set",
			"alerts.receivers[2]: must set exactly one of log, webhook, email, telegram, zalo, slack; 0 set",
			"alerts.receivers[3]: must set exactly one of log, webhook, email, telegram, zalo, slack; 2 set",
			// The URL is a secret and is not shown.
			"alerts.receivers[4].webhook.url: must be an absolute http(s) URL (set url or url_file)",
			"alerts.receivers[4].webhook.timeout: must not be negative, got -1ns",
			`alerts.receivers[4]: alerts.base_url is required with receiver "hook": messages link to the incident and carry one-tap actions (set it to the address officers open presswatch at)`,
		}},
		{"tokens", func(c *Config) {
			c.API.Tokens = []Token{
				{Name: "a", Role: "viewer", Token: validToken},
				{Name: "a", Role: "root", Token: "short"},
				{Name: "", Role: "admin"},
				{Name: "c", Role: "officer", Token: validToken},
				{Name: "d", Role: "officer", Token: validToken + " "},
			}
		}, []string{
			`api.tokens[1].name: duplicate name "a" (also api.tokens[0])`,
			`api.tokens[1].role: must be one of viewer, officer, lead, admin, got "root"`,
			"api.tokens[1].token: must be at least 16 characters, got 5",
			"api.tokens[2].name: must be set",
			"api.tokens[2].token: must be set (token or token_file)",
			"api.tokens[3].token: same token as api.tokens[0]",
			"api.tokens[4].token: must be one line without surrounding blanks",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.modify(&c)
			checkErrLines(t, c.Validate(), tt.want)
		})
	}
}

func TestSlogLevel(t *testing.T) {
	tests := []struct {
		level string
		want  slog.Level
	}{
		{"debug", slog.LevelDebug}, {"INFO", slog.LevelInfo}, {"warn", slog.LevelWarn},
		{"Error", slog.LevelError}, {"", slog.LevelInfo},
	}
	for _, tt := range tests {
		if got := (LogConfig{Level: tt.level}).SlogLevel(); got != tt.want {
			t.Errorf("SlogLevel(%q) = %v, want %v", tt.level, got, tt.want)
		}
	}
}

func TestHasRole(t *testing.T) {
	c := Default()
	c.Roles = []string{RoleCrawler, RoleWeb}
	for role, want := range map[string]bool{RoleCrawler: true, RoleWeb: true, RoleIndexer: false, "": false} {
		if got := c.HasRole(role); got != want {
			t.Errorf("HasRole(%q) = %v, want %v", role, got, want)
		}
	}
}

// Validate of a loaded Config keeps pointing into the file.
func TestValidateAfterLoad(t *testing.T) {
	path := writeConfig(t, "indexer:\n  batch_size: 100\n")
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Indexer.BatchSize = 0
	c.Crawler.Concurrency = 0
	checkErrLines(t, c.Validate(), []string{
		"crawler.concurrency: must be at least 1, got 0",
		path + ":2: indexer.batch_size: must be between 1 and 10000, got 0",
	})
}
