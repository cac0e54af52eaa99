// Package bus is presswatch's only message bus and shared state: NATS
// JetStream, either an embedded server storing under the data directory or an
// external cluster. It declares the topology, publishes with de-duplication
// and runs consumers with explicit acks and a dead-letter stream.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
)

// Options configure Open.
type Options struct {
	// URL of an external NATS cluster; empty runs an embedded server.
	URL             string
	CredentialsFile string
	// StoreDir is where the embedded server keeps JetStream data.
	StoreDir string
	// Listen is the embedded server's client address ("127.0.0.1:4222",
	// port 0 for a random one); empty accepts in-process connections only.
	Listen string
	// Name identifies this process's connection in server monitoring.
	Name string

	Replicas         int
	MaxDeliver       int
	AckWait          time.Duration
	DuplicateWindow  time.Duration
	ArticleRetention time.Duration
	SeenTTL          time.Duration
	// EvidenceRetention bounds how long raw HTML is kept.
	EvidenceRetention time.Duration

	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

func (o *Options) setDefaults() {
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.MaxDeliver <= 0 {
		o.MaxDeliver = 5
	}
	if o.AckWait <= 0 {
		o.AckWait = 30 * time.Second
	}
	if o.DuplicateWindow <= 0 {
		o.DuplicateWindow = 2 * time.Hour
	}
	if o.ArticleRetention <= 0 {
		o.ArticleRetention = 365 * 24 * time.Hour
	}
	if o.SeenTTL <= 0 {
		o.SeenTTL = 30 * 24 * time.Hour
	}
	if o.EvidenceRetention <= 0 {
		o.EvidenceRetention = 365 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	if o.Name == "" {
		o.Name = "presswatch"
	}
}

// Bus is a connection to JetStream with the pipeline's topology declared.
type Bus struct {
	opts    Options
	log     *slog.Logger
	srv     *server.Server
	nc      *nats.Conn
	js      jetstream.JetStream
	kv      map[string]jetstream.KeyValue
	objects map[string]jetstream.ObjectStore
	metrics *metrics
}

// Open connects (starting the embedded server when no URL is given) and
// declares every stream and KV bucket.
func Open(ctx context.Context, opts Options) (*Bus, error) {
	opts.setDefaults()
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	b := &Bus{opts: opts, log: opts.Logger.With("component", "bus"), kv: map[string]jetstream.KeyValue{}, objects: map[string]jetstream.ObjectStore{}, metrics: m}
	if err := b.connect(); err != nil {
		b.shutdownServer()
		return nil, err
	}
	if err := b.declare(ctx); err != nil {
		b.nc.Close()
		b.shutdownServer()
		return nil, err
	}
	if err := b.registerDepth(opts.Registerer); err != nil {
		b.nc.Close()
		b.shutdownServer()
		return nil, err
	}
	return b, nil
}

func (b *Bus) connect() error {
	copts := []nats.Option{
		nats.Name(b.opts.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				b.log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) { b.log.Info("nats reconnected", "url", nc.ConnectedUrlRedacted()) }),
	}
	url := b.opts.URL
	if url == "" {
		srv, err := b.startServer()
		if err != nil {
			return err
		}
		b.srv = srv
		copts = append(copts, nats.InProcessServer(srv))
	} else if b.opts.CredentialsFile != "" {
		copts = append(copts, nats.UserCredentials(b.opts.CredentialsFile))
	}
	nc, err := nats.Connect(url, copts...)
	if err != nil {
		return fmt.Errorf("connect to nats %s: %w", redactURL(url), err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return fmt.Errorf("jetstream: %w", err)
	}
	b.nc, b.js = nc, js
	return nil
}

func (b *Bus) startServer() (*server.Server, error) {
	if b.opts.StoreDir == "" {
		return nil, errors.New("embedded nats: no store directory")
	}
	if err := os.MkdirAll(b.opts.StoreDir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	sopts := &server.Options{
		ServerName:         "presswatch-embedded",
		JetStream:          true,
		StoreDir:           b.opts.StoreDir,
		NoSigs:             true,
		DontListen:         b.opts.Listen == "",
		Host:               "127.0.0.1",
		Port:               -1,
		MaxPayload:         8 << 20,
		JetStreamMaxMemory: 256 << 20,
	}
	if b.opts.Listen != "" {
		host, port, err := net.SplitHostPort(b.opts.Listen)
		if err != nil {
			return nil, fmt.Errorf("embedded nats listen %q: %w", b.opts.Listen, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return nil, fmt.Errorf("embedded nats listen %q: bad port: %w", b.opts.Listen, err)
		}
		if p == 0 {
			p = -1 // nats-server's "pick a random port"
		}
		sopts.Host, sopts.Port = host, p
	}
	srv, err := server.NewServer(sopts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	srv.SetLoggerV2(&serverLogger{log: b.log.With("component", "nats-server")}, false, false, false)
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, fmt.Errorf("embedded nats: not ready after 30s (store %s)", b.opts.StoreDir)
	}
	b.log.Info("embedded nats started", "store", filepath.Clean(b.opts.StoreDir), "client_url", clientURL(srv, sopts))
	return srv, nil
}

func clientURL(srv *server.Server, o *server.Options) string {
	if o.DontListen {
		return "in-process"
	}
	return srv.ClientURL()
}

// declare creates or updates the topology. A cluster that is still
// electing leaders answers with timeouts for a while after start, so each
// step is retried until ctx ends or 30 seconds pass.
func (b *Bus) declare(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		err := b.declareOnce(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		b.log.Warn("declaring the topology failed; retrying", "err", err)
		sleep(ctx, time.Second)
	}
}

func (b *Bus) declareOnce(ctx context.Context) error {
	for _, sc := range streams(b.opts) {
		if _, err := b.js.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("declare stream %s: %w", sc.Name, err)
		}
	}
	for _, kc := range buckets(b.opts) {
		kv, err := b.js.CreateOrUpdateKeyValue(ctx, kc)
		if err != nil {
			return fmt.Errorf("declare kv bucket %s: %w", kc.Bucket, err)
		}
		b.kv[kc.Bucket] = kv
	}
	for _, oc := range objectStores(b.opts) {
		obs, err := b.js.CreateOrUpdateObjectStore(ctx, oc)
		if err != nil {
			return fmt.Errorf("declare object store %s: %w", oc.Bucket, err)
		}
		b.objects[oc.Bucket] = obs
	}
	return nil
}

// JetStream gives access to the raw API for what the bus does not wrap.
func (b *Bus) JetStream() jetstream.JetStream { return b.js }

// Conn is the underlying connection (for request/reply services).
func (b *Bus) Conn() *nats.Conn { return b.nc }

// KV returns a bucket declared in the topology; it panics on an undeclared
// name because that is a programming error, not an input error.
func (b *Bus) KV(bucket string) jetstream.KeyValue {
	kv, ok := b.kv[bucket]
	if !ok {
		panic("bus: undeclared kv bucket " + bucket)
	}
	return kv
}

// Objects returns an object store declared in the topology; like KV, it
// panics on an undeclared name.
func (b *Bus) Objects(bucket string) jetstream.ObjectStore {
	obs, ok := b.objects[bucket]
	if !ok {
		panic("bus: undeclared object store " + bucket)
	}
	return obs
}

// ClientURL is the address other processes can connect to: the embedded
// server's when it listens, else the configured URL.
func (b *Bus) ClientURL() string {
	if b.srv != nil {
		if b.opts.Listen == "" {
			return ""
		}
		return b.srv.ClientURL()
	}
	return redactURL(b.opts.URL)
}

// Healthy reports whether the connection is up.
func (b *Bus) Healthy() error {
	if b.nc == nil || !b.nc.IsConnected() {
		return errors.New("nats not connected")
	}
	return nil
}

// Publish stores data on subject with msgID as the de-duplication key: a
// second publish with the same ID inside the duplicate window is a no-op.
// It returns once the stream has stored the message.
func (b *Bus) Publish(ctx context.Context, subject, msgID string, data []byte) error {
	ack, err := b.js.Publish(ctx, subject, data, jetstream.WithMsgID(msgID))
	if err != nil {
		return fmt.Errorf("publish %s id %s: %w", subject, msgID, err)
	}
	if !ack.Duplicate {
		b.metrics.published.WithLabelValues(subject).Inc()
	}
	return nil
}

// Close drains the connection (in-flight acks are sent) and shuts down the
// embedded server, waiting for it to finish writing.
func (b *Bus) Close() error {
	var err error
	if b.nc != nil && !b.nc.IsClosed() {
		done := make(chan struct{})
		b.nc.SetClosedHandler(func(*nats.Conn) { close(done) })
		if derr := b.nc.Drain(); derr != nil {
			err = fmt.Errorf("drain nats: %w", derr)
			b.nc.Close()
		} else {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				b.nc.Close()
			}
		}
	}
	b.shutdownServer()
	return err
}

func (b *Bus) shutdownServer() {
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
}

// redactURL drops credentials from a (comma-separated) NATS URL list
// before it is logged or put in an error.
func redactURL(list string) string {
	if list == "" {
		return "embedded"
	}
	parts := strings.Split(list, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil {
			parts[i] = "<unparsable url>"
			continue
		}
		parts[i] = u.Redacted()
	}
	return strings.Join(parts, ",")
}
