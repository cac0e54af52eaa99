package bus

import (
	"github.com/nats-io/nats.go/jetstream"
)

// Subjects carry the pipeline's messages; their payload is an article.Article
// in JSON.
const (
	SubjectFetched    = "article.fetched"
	SubjectClassified = "article.classified"
	// SubjectDeadLetterPrefix is followed by the consumer name.
	SubjectDeadLetterPrefix = "deadletter."
)

// Streams.
const (
	StreamFetched    = "ARTICLES_FETCHED"
	StreamClassified = "ARTICLES_CLASSIFIED"
	StreamDeadLetter = "DEADLETTER"
)

// KV buckets.
const (
	// BucketSeen remembers article URLs already fetched (key: article ID).
	BucketSeen = "crawl_seen"
	// BucketAlerts holds one record per alert (key: alert ID).
	BucketAlerts = "alerts"
	// BucketNotified records deliveries (key: alert ID + "." + receiver) so
	// a redelivered message never notifies twice.
	BucketNotified = "alert_notified"
)

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
