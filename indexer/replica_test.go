package indexer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/bus/bustest"
)

// A name whose holder runs on is refused once the holder is seen renewing;
// a name whose holder was killed (no release, no renewal) is taken once
// its lease lapses.
func TestClaimReplicaRefusesALiveHolderAndTakesALapsedLease(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	const ttl = time.Second
	ctx := context.Background()
	kv, err := b.JetStream().CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "replica_leases_test", TTL: ttl, History: 1})
	if err != nil {
		t.Fatal(err)
	}
	held, err := ClaimReplica(ctx, kv, "indexer", ttl)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ClaimReplica(ctx, kv, "indexer", ttl); !errors.Is(err, ErrReplicaTaken) || !strings.Contains(err.Error(), "renewed it while this indexer waited") {
		t.Fatalf("second claim while the holder renews: %v, want ErrReplicaTaken naming the renewals", err)
	}
	// kill -9: the holder stops renewing and never releases.
	held.cancel()
	<-held.done
	taken, err := ClaimReplica(ctx, kv, "indexer", ttl)
	if err != nil {
		t.Fatalf("claim after the holder died: %v, want the lapsed lease taken", err)
	}
	if err := taken.Release(ctx); err != nil {
		t.Fatal(err)
	}
}
