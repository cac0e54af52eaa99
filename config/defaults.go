package config

import "time"

// Roles a process can run.
const (
	RoleCrawler    = "crawler"
	RoleClassifier = "classifier"
	RoleIndexer    = "indexer"
	RoleAlerts     = "alerts"
	RoleWeb        = "web"
)

// DefaultUserAgent is the crawler's User-Agent unless configured. It names
// the project and a URL so that site operators can find out who is
// fetching; the binary may replace "dev" with its version.
const DefaultUserAgent = "presswatch/dev (+https://github.com/presswatch/presswatch)"

// knownRoles is a function, not a package variable, so that no caller can
// change the set.
func knownRoles() []string {
	return []string{RoleCrawler, RoleClassifier, RoleIndexer, RoleAlerts, RoleWeb}
}

// Default returns the configuration of a single-process install with an
// embedded NATS server: what Load starts from before reading the file. It
// is valid as it stands. Every call returns fresh slices and pointers, so
// callers may modify the result.
func Default() Config {
	return Config{
		DataDir: "./data",
		Listen:  "127.0.0.1:8080",
		Roles:   knownRoles(),
		Log:     LogConfig{Level: "info", Format: "text"},
		NATS: NATS{
			Replicas:         1,
			MaxDeliver:       5,
			AckWait:          Duration(30 * time.Second),
			DuplicateWindow:  Duration(2 * time.Hour),
			ArticleRetention: Duration(365 * day),
		},
		Crawler: Crawler{
			UserAgent:    DefaultUserAgent,
			Concurrency:  8,
			FetchTimeout: Duration(20 * time.Second),
			MaxBodyBytes: 10 << 20,
			SeenTTL:      Duration(30 * day),

			PerHostConcurrency: 2,
			MinHostDelay:       Duration(time.Second),
			MaxRetryAfter:      Duration(time.Hour),
			PauseAfter:         10,
			EvidenceRetention:  Duration(365 * day),
			RecheckEvery:       Duration(time.Hour),
			RecheckFor:         Duration(7 * day),
			Languages:          []string{"vi", "en", "fr", "lo", "th", "zh", "km"},
			MaxItemAge:         Duration(7 * day),
			SourcesReload:      Duration(10 * time.Second),
		},
		Classifier: Classifier{RulesDir: "rules"},
		Indexer: Indexer{
			Replica:       "indexer",
			BatchSize:     200,
			BatchInterval: Duration(time.Second),
			SearchTimeout: Duration(5 * time.Second),
			ExportLimit:   10000,
		},
		Alerts: Alerts{
			Receivers: []Receiver{{Name: "log", Log: &LogReceiver{}}},
		},
		Web:           Web{SessionTTL: Duration(12 * time.Hour), LoginMaxFailures: 5, LoginLockout: Duration(15 * time.Minute)},
		Report:        defaultReport(),
		SavedSearches: defaultSavedSearches(),
	}
}
