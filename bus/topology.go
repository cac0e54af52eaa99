package bus

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Subjects carry the pipeline's messages; their payload is an article.Article
// in JSON.
const (
	SubjectFetched    = "article.fetched"
	SubjectClassified = "article.classified"
	// SubjectRevision carries an article's edit or removal (an
	// article.Revision in JSON).
	SubjectRevision = "article.revision"
	// SubjectSpike carries a spike.Event: coverage surging for a rule,
	// label or story.
	SubjectSpike = "spike.detected"
	// SubjectSubmit carries a URL an officer submitted by hand.
	SubjectSubmit = "crawl.submit"
	// SubjectAudit carries one audit record (a web/auth.AuditEvent in
	// JSON) per officer or admin action.
	SubjectAudit = "audit.event"
	// SubjectDeadLetterPrefix is followed by the consumer name.
	SubjectDeadLetterPrefix = "deadletter."
	// SubjectOutboxPrefix is followed by a receiver name: notifications
	// decided and waiting to be sent (an alerts envelope in JSON).
	SubjectOutboxPrefix = "alerts.outbox."
)

// Streams.
const (
	StreamFetched    = "ARTICLES_FETCHED"
	StreamClassified = "ARTICLES_CLASSIFIED"
	StreamDeadLetter = "DEADLETTER"
	StreamRevisions  = "ARTICLE_REVISIONS"
	StreamSubmit     = "CRAWL_SUBMIT"
	StreamSpikes     = "SPIKES"
	StreamAudit      = "AUDIT"
	StreamOutbox     = "ALERTS_OUTBOX"
)

// KV buckets.
const (
	// BucketSeen remembers article URLs already fetched (key: article ID).
	BucketSeen = "crawl_seen"
	// BucketAlerts holds one record per alert (key: alert ID).
	BucketAlerts = "alerts"
	// BucketNotified records deliveries (key: receiver + "." +
	// notification key) so a redelivered outbox message is not sent twice.
	BucketNotified = "alert_notified"
	// BucketAlertGroups holds notification group state, digests and
	// escalation timers, updated with compare-and-set by every alert
	// process.
	BucketAlertGroups = "alert_groups"
	// BucketSilences holds silences (key: silence ID).
	BucketSilences = "alert_silences"
	// BucketAlertDeadLetters holds notifications that failed for good
	// (key: receiver + "." + notification key), for an admin to replay.
	BucketAlertDeadLetters = "alert_deadletters"
	// BucketActionLinks records the one-tap action links used (key: the
	// link's nonce); a used link is refused. Its TTL outlives any link.
	BucketActionLinks = "alert_action_links"
	// BucketAlertKeys holds the key that signs action links when the
	// configuration gives none (key: "action-links").
	BucketAlertKeys = "alert_keys"
	// BucketDismissals keeps dismissed alerts as negative examples for
	// rule tuning (key: alert ID).
	BucketDismissals = "alert_dismissals"
	// BucketSourceHealth holds each source's health (key: source ID).
	BucketSourceHealth = "source_health"
	// BucketRecheck tracks flagged articles to fetch again (key: article
	// ID).
	BucketRecheck = "recheck"
	// BucketStories holds story clusters and their members.
	BucketStories = "stories"
	// BucketCases holds articles officers marked misleading.
	BucketCases = "misleading_cases"
	// BucketSpikes records spike events already emitted (key: the event
	// ID, encoded), so that of several classifier processes seeing the same
	// surge exactly one publishes it.
	BucketSpikes = "spikes_fired"
	// BucketUsers holds the web UI's local accounts (key: user name).
	BucketUsers = "users"
	// BucketSessions holds web sessions (key: hash of the session ID), so
	// logout and role changes take effect in every web process.
	BucketSessions = "sessions"
	// BucketReportRuns records each scheduled report (key: schedule and
	// period), created once, so one process of many builds and sends it.
	BucketReportRuns = "report_runs"
	// BucketAPITokens holds API tokens created in the UI (key: SHA-256 of
	// the token; the token itself is never stored).
	BucketAPITokens = "api_tokens"
	// BucketRules holds rules edited in the web UI (key: rule ID), one
	// record per save; the history is the rule's change log and what a
	// roll-back restores. They override the rules files by ID.
	BucketRules = "config_rules"
	// BucketSources holds sources added or edited in the web UI (key:
	// source ID); they override the configured sources by ID.
	BucketSources = "config_sources"
	// BucketSubmissions tracks links officers submitted (key: the
	// article ID): queued, retrying, fetched or failed, and why.
	BucketSubmissions = "submissions"
	// BucketSavedSearches holds officers' saved searches and their
	// subscriptions (key: "search." + search ID) and what each one's
	// daily digest sent (key: "digest." + search ID).
	BucketSavedSearches = "saved_searches"
	// BucketIndexerReplicas holds one short lease per indexer replica name
	// (key: the replica name), so that a second indexer started with the
	// same indexer.replica is refused instead of sharing a consumer and
	// indexing nothing. See ReplicaLeaseTTL.
	BucketIndexerReplicas = "indexer_replicas"
	// ObjectEvidence keeps raw article HTML (name: content hash).
	ObjectEvidence = "evidence"
	// ObjectReports archives built reports (name: report/period/file), so
	// every web process lists and serves the same ones.
	ObjectReports = "reports"
)

// ReplicaLeaseTTL is how long an indexer's claim on its replica name
// lasts unless renewed: a killed indexer's name is free again after it.
const ReplicaLeaseTTL = 15 * time.Second

// ConsumerSpec names a durable pull consumer and what it reads.
type ConsumerSpec struct {
	Name          string
	Stream        string
	FilterSubject string
}

// ClassifierConsumer is shared by all classifier processes, which compete
// for its messages.
func ClassifierConsumer() ConsumerSpec {
	return ConsumerSpec{Name: "classifier", Stream: StreamFetched, FilterSubject: SubjectFetched}
}

// AlertsConsumer is shared by all alert processes.
func AlertsConsumer() ConsumerSpec {
	return ConsumerSpec{Name: "alerts", Stream: StreamClassified, FilterSubject: SubjectClassified}
}

// SubmitConsumer is shared by all crawler processes.
func SubmitConsumer() ConsumerSpec {
	return ConsumerSpec{Name: "crawler-submit", Stream: StreamSubmit, FilterSubject: SubjectSubmit}
}

// RecheckConsumer lets crawlers learn which articles were flagged.
func RecheckConsumer() ConsumerSpec {
	return ConsumerSpec{Name: "crawler-recheck", Stream: StreamClassified, FilterSubject: SubjectClassified}
}

// IndexerConsumer is one per indexer replica: every replica reads the whole
// stream into its own index.
func IndexerConsumer(replica string) ConsumerSpec {
	return ConsumerSpec{Name: "indexer-" + replica, Stream: StreamClassified, FilterSubject: SubjectClassified}
}

// streams declares every stream. Articles are kept (limits retention) so an
// index can be rebuilt from them; the dead-letter stream keeps what failed
// until an operator deals with it.
func streams(o Options) []jetstream.StreamConfig {
	return []jetstream.StreamConfig{
		{
			Name:       StreamFetched,
			Subjects:   []string{SubjectFetched},
			Storage:    jetstream.FileStorage,
			Replicas:   o.Replicas,
			Retention:  jetstream.LimitsPolicy,
			MaxAge:     o.ArticleRetention,
			Duplicates: o.DuplicateWindow,
		},
		{
			Name:       StreamClassified,
			Subjects:   []string{SubjectClassified},
			Storage:    jetstream.FileStorage,
			Replicas:   o.Replicas,
			Retention:  jetstream.LimitsPolicy,
			MaxAge:     o.ArticleRetention,
			Duplicates: o.DuplicateWindow,
		},
		{
			Name:       StreamRevisions,
			Subjects:   []string{SubjectRevision},
			Storage:    jetstream.FileStorage,
			Replicas:   o.Replicas,
			Retention:  jetstream.LimitsPolicy,
			MaxAge:     o.ArticleRetention,
			Duplicates: o.DuplicateWindow,
		},
		{
			Name:       StreamSpikes,
			Subjects:   []string{SubjectSpike},
			Storage:    jetstream.FileStorage,
			Replicas:   o.Replicas,
			Retention:  jetstream.LimitsPolicy,
			MaxAge:     o.ArticleRetention,
			Duplicates: o.DuplicateWindow,
		},
		{
			// Requests are work: each is removed once a crawler acked it.
			Name:       StreamSubmit,
			Subjects:   []string{SubjectSubmit},
			Storage:    jetstream.FileStorage,
			Replicas:   o.Replicas,
			Retention:  jetstream.WorkQueuePolicy,
			Duplicates: o.DuplicateWindow,
		},
		{
			// Who did what, kept as long as the articles it refers to.
			Name:      StreamAudit,
			Subjects:  []string{SubjectAudit},
			Storage:   jetstream.FileStorage,
			Replicas:  o.Replicas,
			Retention: jetstream.LimitsPolicy,
			MaxAge:    o.ArticleRetention,
		},
		{
			// Notifications decided, one subject per receiver; each is
			// removed once sent or dead-lettered. The duplicate window
			// makes a decision re-published after a crash count once.
			Name:       StreamOutbox,
			Subjects:   []string{SubjectOutboxPrefix + ">"},
			Storage:    jetstream.FileStorage,
			Replicas:   o.Replicas,
			Retention:  jetstream.WorkQueuePolicy,
			Duplicates: o.DuplicateWindow,
		},
		{
			Name:       StreamDeadLetter,
			Subjects:   []string{SubjectDeadLetterPrefix + ">"},
			Storage:    jetstream.FileStorage,
			Replicas:   o.Replicas,
			Retention:  jetstream.LimitsPolicy,
			MaxAge:     o.ArticleRetention,
			Duplicates: o.DuplicateWindow,
		},
	}
}

// buckets declares every KV bucket.
func buckets(o Options) []jetstream.KeyValueConfig {
	return []jetstream.KeyValueConfig{
		{Bucket: BucketSeen, Description: "article IDs already fetched", TTL: o.SeenTTL, Storage: jetstream.FileStorage, Replicas: o.Replicas},
		{Bucket: BucketAlerts, Description: "alerts by ID", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		{Bucket: BucketNotified, Description: "deliveries by alert and receiver", Storage: jetstream.FileStorage, Replicas: o.Replicas},
		{Bucket: BucketAlertGroups, Description: "alert notification groups, digests, escalation timers", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		{Bucket: BucketSilences, Description: "alert silences", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		{Bucket: BucketAlertDeadLetters, Description: "notifications that failed for good", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		{Bucket: BucketDismissals, Description: "dismissed alerts, negative examples for rule tuning", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		{Bucket: BucketActionLinks, Description: "one-tap action links used", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1, TTL: 30 * 24 * time.Hour},
		{Bucket: BucketAlertKeys, Description: "keys signing action links", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		{Bucket: BucketSourceHealth, Description: "source health by source id", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		{Bucket: BucketRecheck, Description: "flagged articles to fetch again", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		// Stories are reported on for months; a member re-assigned after
		// its record expired simply starts a new story.
		{Bucket: BucketStories, Description: "story clusters", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1, TTL: 90 * 24 * time.Hour},
		// Cases last until an officer unmarks them; history keeps
		// re-markings for audit.
		{Bucket: BucketCases, Description: "articles marked misleading", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 5},
		// An event ID names at most a day; three days outlive any replay
		// that could meet it again.
		{Bucket: BucketSpikes, Description: "spike events emitted", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1, TTL: 72 * time.Hour},
		{Bucket: BucketUsers, Description: "web UI accounts by name", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		// The bucket's TTL bounds every session; each record also carries
		// its own, shorter, expiry (web.session_ttl).
		{Bucket: BucketSessions, Description: "web sessions by hashed ID", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1, TTL: 7 * 24 * time.Hour},
		{Bucket: BucketAPITokens, Description: "API tokens by SHA-256", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		{Bucket: BucketReportRuns, Description: "scheduled report runs by schedule and period", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		// History is the change log officers read and roll back from; 64
		// is the most a KV bucket keeps.
		{Bucket: BucketRules, Description: "rules edited in the web UI, by rule ID", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 64},
		{Bucket: BucketSources, Description: "sources edited in the web UI, by source ID", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 64},
		{Bucket: BucketSubmissions, Description: "links officers submitted and what became of them", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1, TTL: 30 * 24 * time.Hour},
		{Bucket: BucketSavedSearches, Description: "saved searches and their subscriptions", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1},
		{Bucket: BucketIndexerReplicas, Description: "indexer replica name leases", Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1, TTL: ReplicaLeaseTTL},
	}
}

// objectStores declares every object store. Compression is done by the
// server (S2), so evidence is stored compressed without our own codec.
func objectStores(o Options) []jetstream.ObjectStoreConfig {
	return []jetstream.ObjectStoreConfig{
		{Bucket: ObjectEvidence, Description: "raw HTML of fetched articles, by content hash", TTL: o.EvidenceRetention,
			Storage: jetstream.FileStorage, Replicas: o.Replicas, Compression: true},
		{Bucket: ObjectReports, Description: "archived reports (PDF, XLSX, HTML, CSV) by period", TTL: o.ReportRetention,
			Storage: jetstream.FileStorage, Replicas: o.Replicas, Compression: true},
	}
}

func consumerConfig(spec ConsumerSpec, o Options) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       spec.Name,
		FilterSubject: spec.FilterSubject,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       o.AckWait,
		// Redelivery is bounded by the consumer loop, which sends exhausted
		// messages to the dead-letter stream; the server would only drop
		// them silently.
		MaxDeliver:    -1,
		MaxAckPending: 1000,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
}
