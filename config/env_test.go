package config

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestEnvOverrides(t *testing.T) {
	dir := t.TempDir()
	urlFile := writeFile(t, dir, "nats-url", "nats://user:pw@nats.internal:4222\n")
	rolesFile := writeFile(t, dir, "roles", "crawler,web")
	yes, no := true, false

	tests := []struct {
		name string
		yaml string // config file, if any
		env  []string
		get  func(Config) any
		want any
	}{
		{"string", "", []string{"PRESSWATCH_NATS_URL=nats://n1:4222,nats://n2:4222"},
			func(c Config) any { return c.NATS.URL }, "nats://n1:4222,nats://n2:4222"},
		{"string over file", "listen: 127.0.0.1:1\n", []string{"PRESSWATCH_LISTEN=:9090"},
			func(c Config) any { return c.Listen }, ":9090"},
		{"int", "", []string{"PRESSWATCH_INDEXER_BATCH_SIZE=500"},
			func(c Config) any { return c.Indexer.BatchSize }, 500},
		{"duration", "", []string{"PRESSWATCH_CRAWLER_FETCH_TIMEOUT=1m30s"},
			func(c Config) any { return c.Crawler.FetchTimeout.D() }, 90 * time.Second},
		{"duration in days", "", []string{"PRESSWATCH_CRAWLER_SEEN_TTL=7d"},
			func(c Config) any { return c.Crawler.SeenTTL.D() }, 7 * 24 * time.Hour},
		{"byte size", "", []string{"PRESSWATCH_CRAWLER_MAX_BODY_BYTES=2MiB"},
			func(c Config) any { return c.Crawler.MaxBodyBytes }, ByteSize(2 << 20)},
		{"optional bool", "", []string{"PRESSWATCH_API_METRICS_PUBLIC=true"},
			func(c Config) any { return c.API.MetricsPublic }, &yes},
		{"optional bool over file", "api:\n  metrics_public: true\n", []string{"PRESSWATCH_API_METRICS_PUBLIC=false"},
			func(c Config) any { return c.API.MetricsPublic }, &no},
		{"list", "", []string{"PRESSWATCH_ROLES=crawler, indexer,,"},
			func(c Config) any { return c.Roles }, []string{"crawler", "indexer"}},
		{"list over file", "roles: [web]\n", []string{"PRESSWATCH_CRAWLER_ALLOW_PRIVATE_HOSTS=127.0.0.1,10.0.0.0/8"},
			func(c Config) any { return c.Crawler.AllowPrivateHosts }, []string{"127.0.0.1", "10.0.0.0/8"}},
		{"from file", "", []string{"PRESSWATCH_NATS_URL_FILE=" + urlFile},
			func(c Config) any { return c.NATS.URL }, "nats://user:pw@nats.internal:4222"},
		{"list from file", "", []string{"PRESSWATCH_ROLES_FILE=" + rolesFile},
			func(c Config) any { return c.Roles }, []string{"crawler", "web"}},
		{"last wins", "", []string{"PRESSWATCH_LOG_LEVEL=debug", "PRESSWATCH_LOG_LEVEL=warn"},
			func(c Config) any { return c.Log.Level }, "warn"},
		{"a field named *_file", "", []string{"PRESSWATCH_NATS_CREDENTIALS_FILE=/etc/x.creds"},
			func(c Config) any { return c.NATS.CredentialsFile }, "/etc/x.creds"},
		{"other variables ignored", "", []string{
			"HOME=/root", "PRESSWATCH_DEMO_TOKEN=x", "PRESSWATCH_TEST_NATS=1", "PRESSWATCH_E2E_BROWSER=chromium",
			"PRESSWATCH", "PRESSWATCHER_X=1", "PRESSWATCH_LOG_FORMAT=json",
		}, func(c Config) any { return c.Log.Format }, "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeConfig(t, tt.yaml)
			}
			c, err := Load(path, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.get(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestEnvErrors(t *testing.T) {
	dir := t.TempDir()
	empty := writeFile(t, dir, "empty", "")
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		name string
		yaml string
		env  []string
		want []string
	}{
		{"unknown variable", "", []string{"PRESSWATCH_NATS_ULR=nats://x"},
			[]string{"environment: unknown variable PRESSWATCH_NATS_ULR"}},
		{"unknown _FILE variable", "", []string{"PRESSWATCH_NATS_ULR_FILE=/x"},
			[]string{"environment: unknown variable PRESSWATCH_NATS_ULR_FILE"}},
		{"block is not a setting", "", []string{"PRESSWATCH_CRAWLER=x"},
			[]string{"environment: unknown variable PRESSWATCH_CRAWLER"}},
		{"settings inside lists have no variable", "", []string{"PRESSWATCH_CRAWLER_SOURCES=a"},
			[]string{"environment: unknown variable PRESSWATCH_CRAWLER_SOURCES"}},
		{"bad integer", "", []string{"PRESSWATCH_INDEXER_BATCH_SIZE=ten"},
			[]string{`environment: PRESSWATCH_INDEXER_BATCH_SIZE: invalid integer "ten"`}},
		{"bad duration", "", []string{"PRESSWATCH_NATS_ACK_WAIT=3 parsecs"},
			[]string{`environment: PRESSWATCH_NATS_ACK_WAIT: invalid duration "3 parsecs"`}},
		{"bad bool", "", []string{"PRESSWATCH_API_METRICS_PUBLIC=maybe"},
			[]string{`environment: PRESSWATCH_API_METRICS_PUBLIC: invalid boolean "maybe" (want true or false)`}},
		{"value and file", "", []string{"PRESSWATCH_NATS_URL=nats://a", "PRESSWATCH_NATS_URL_FILE=" + empty},
			[]string{"environment: PRESSWATCH_NATS_URL_FILE: set either PRESSWATCH_NATS_URL or PRESSWATCH_NATS_URL_FILE, not both"}},
		{"missing file", "", []string{"PRESSWATCH_NATS_URL_FILE=" + missing},
			[]string{"environment: PRESSWATCH_NATS_URL_FILE: read secret: open " + missing + ": no such file or directory"}},
		{"empty file", "", []string{"PRESSWATCH_NATS_URL_FILE=" + empty},
			[]string{"environment: PRESSWATCH_NATS_URL_FILE: read secret: " + empty + " is empty"}},
		{"all reported, sorted", "", []string{"PRESSWATCH_Z=1", "PRESSWATCH_LISTEN=:1", "PRESSWATCH_A=1", "PRESSWATCH_NATS_REPLICAS=x"},
			[]string{
				"environment: unknown variable PRESSWATCH_A",
				`environment: PRESSWATCH_NATS_REPLICAS: invalid integer "x"`,
				"environment: unknown variable PRESSWATCH_Z",
			}},
		// A value from the environment is reported as from there, not
		// from the line it replaced.
		{"validation names the variable", "listen: :8080\nroles: [web]\n", []string{"PRESSWATCH_LISTEN=localhost", "PRESSWATCH_ROLES=web,crawlr"},
			[]string{
				`environment: PRESSWATCH_LISTEN: listen: must be host:port (e.g. 127.0.0.1:8080 or :8080), got "localhost"`,
				`environment: PRESSWATCH_ROLES: roles[1]: must be one of crawler, classifier, indexer, alerts, web, got "crawlr"`,
			}},
		{"validation of an empty list", "", []string{"PRESSWATCH_ROLES= , "},
			[]string{"environment: PRESSWATCH_ROLES: roles: must list at least one of crawler, classifier, indexer, alerts, web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeConfig(t, tt.yaml)
			}
			_, err := Load(path, tt.env)
			checkErrLines(t, err, tt.want)
		})
	}
}

// The variable names are part of the deployment contract (compose files,
// Kubernetes manifests, systemd units use them): a renamed key must show
// up here.
func TestEnvVariableNames(t *testing.T) {
	c := Default()
	targets := make(map[string]envTarget)
	envTargets(reflect.ValueOf(&c).Elem(), "", targets)
	var got []string
	for name, target := range targets {
		if EnvVar(target.key) != name {
			t.Errorf("%s is the variable of %s, want %s", name, target.key, EnvVar(target.key))
		}
		got = append(got, name)
	}
	slices.Sort(got)
	want := []string{
		"PRESSWATCH_ALERTS_ACTION_LINKS_MUTE_HOURS",
		"PRESSWATCH_ALERTS_ACTION_LINKS_SECRET",
		"PRESSWATCH_ALERTS_ACTION_LINKS_SECRET_FILE",
		"PRESSWATCH_ALERTS_ACTION_LINKS_TTL",
		"PRESSWATCH_ALERTS_BASE_URL",
		"PRESSWATCH_ALERTS_ESCALATION_AFTER",
		"PRESSWATCH_ALERTS_ESCALATION_RECEIVERS",
		"PRESSWATCH_ALERTS_RETRY_ATTEMPTS",
		"PRESSWATCH_ALERTS_RETRY_BACKOFF",
		"PRESSWATCH_ALERTS_RETRY_MAX_BACKOFF",
		"PRESSWATCH_ALERTS_RETRY_TIMEOUT",
		"PRESSWATCH_ALERTS_SOURCE_SILENT_AFTER",
		"PRESSWATCH_ALERTS_TIMEZONE",
		"PRESSWATCH_API_METRICS_PUBLIC",
		"PRESSWATCH_CLASSIFIER_RULES_DIR",
		"PRESSWATCH_CRAWLER_ALLOW_PRIVATE_HOSTS",
		"PRESSWATCH_CRAWLER_CONCURRENCY",
		"PRESSWATCH_CRAWLER_EVIDENCE_RETENTION",
		"PRESSWATCH_CRAWLER_FETCH_TIMEOUT",
		"PRESSWATCH_CRAWLER_LANGUAGES",
		"PRESSWATCH_CRAWLER_MAX_BODY_BYTES",
		"PRESSWATCH_CRAWLER_MAX_ITEM_AGE",
		"PRESSWATCH_CRAWLER_MAX_RETRY_AFTER",
		"PRESSWATCH_CRAWLER_MIN_HOST_DELAY",
		"PRESSWATCH_CRAWLER_PAUSE_AFTER",
		"PRESSWATCH_CRAWLER_PER_HOST_CONCURRENCY",
		"PRESSWATCH_CRAWLER_RECHECK_EVERY",
		"PRESSWATCH_CRAWLER_RECHECK_FOR",
		"PRESSWATCH_CRAWLER_SEEN_TTL",
		"PRESSWATCH_CRAWLER_SOURCES_FILE",
		"PRESSWATCH_CRAWLER_SOURCES_RELOAD",
		"PRESSWATCH_CRAWLER_USER_AGENT",
		"PRESSWATCH_DATA_DIR",
		"PRESSWATCH_INDEXER_BATCH_INTERVAL",
		"PRESSWATCH_INDEXER_BATCH_SIZE",
		"PRESSWATCH_INDEXER_EXPORT_LIMIT",
		"PRESSWATCH_INDEXER_REPLICA",
		"PRESSWATCH_INDEXER_RETENTION",
		"PRESSWATCH_INDEXER_SEARCH_TIMEOUT",
		"PRESSWATCH_LISTEN",
		"PRESSWATCH_LOG_FORMAT",
		"PRESSWATCH_LOG_LEVEL",
		"PRESSWATCH_NATS_ACK_WAIT",
		"PRESSWATCH_NATS_ARTICLE_RETENTION",
		"PRESSWATCH_NATS_CREDENTIALS_FILE",
		"PRESSWATCH_NATS_DUPLICATE_WINDOW",
		"PRESSWATCH_NATS_EMBEDDED_LISTEN",
		"PRESSWATCH_NATS_MAX_DELIVER",
		"PRESSWATCH_NATS_REPLICAS",
		"PRESSWATCH_NATS_URL",
		"PRESSWATCH_REPORT_FOREIGN_LANGS",
		"PRESSWATCH_REPORT_LANG",
		"PRESSWATCH_REPORT_PLACES",
		"PRESSWATCH_REPORT_RESPONSE_TARGET",
		"PRESSWATCH_REPORT_RETENTION",
		"PRESSWATCH_REPORT_TIMEZONE",
		"PRESSWATCH_REPORT_TOP_OUTLETS",
		"PRESSWATCH_REPORT_TOP_STORIES",
		"PRESSWATCH_ROLES",
		"PRESSWATCH_SAVED_SEARCHES_DIGEST_TIME",
		"PRESSWATCH_SAVED_SEARCHES_LOOKBACK",
		"PRESSWATCH_SAVED_SEARCHES_RECEIVERS",
		"PRESSWATCH_SAVED_SEARCHES_TIMEZONE",
		"PRESSWATCH_WEB_HSTS_MAX_AGE",
		"PRESSWATCH_WEB_LOGIN_LOCKOUT",
		"PRESSWATCH_WEB_LOGIN_MAX_FAILURES",
		"PRESSWATCH_WEB_PROXY_AUTH_HEADER",
		"PRESSWATCH_WEB_PROXY_AUTH_TRUSTED_PROXIES",
		"PRESSWATCH_WEB_SECURE_COOKIES",
		"PRESSWATCH_WEB_SESSION_TTL",
	}
	if !slices.Equal(got, want) {
		t.Errorf("variables:\n got %q\nwant %q", got, want)
	}
	for _, name := range want {
		if nonConfigEnv(name) {
			t.Errorf("%s is both a setting and allowed as a non-config variable", name)
		}
	}
}

func TestNonConfigEnv(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"PRESSWATCH_DEMO_TOKEN", true},
		{"PRESSWATCH_TEST_NATS_URL", true},
		{"PRESSWATCH_E2E_CHROMIUM", true},
		{"PRESSWATCH_DEMO", false},
		{"PRESSWATCH_DEMO_TOKEN_FILE", false},
		{"PRESSWATCH_TESTING", false},
		{"PRESSWATCH_LISTEN", false},
	}
	for _, tt := range tests {
		if got := nonConfigEnv(tt.name); got != tt.want {
			t.Errorf("nonConfigEnv(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
