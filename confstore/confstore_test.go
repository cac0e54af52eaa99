package confstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/confstore"
)

func TestSaveConflictHistoryRevision(t *testing.T) {
	b := bustest.Start(t)
	st := confstore.New(b.KV(bus.BucketRules))
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

	first, err := st.Save(ctx, confstore.Record{ID: "flood", Body: "v1", By: "lan", At: at, Action: confstore.ActionCreate}, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Creating it again, as a second officer who also saw no such rule,
	// is a conflict.
	if _, err := st.Save(ctx, confstore.Record{ID: "flood", Body: "other", By: "minh", At: at}, 0); !errors.Is(err, confstore.ErrConflict) {
		t.Fatalf("second create: %v, want ErrConflict", err)
	}
	second, err := st.Save(ctx, confstore.Record{ID: "flood", Body: "v2", By: "minh", At: at.Add(time.Minute), Action: confstore.ActionEdit}, first.Revision)
	if err != nil {
		t.Fatal(err)
	}
	// An edit based on the first revision lost the race.
	if _, err := st.Save(ctx, confstore.Record{ID: "flood", Body: "v2b", By: "lan", At: at}, first.Revision); !errors.Is(err, confstore.ErrConflict) {
		t.Fatalf("stale edit: %v, want ErrConflict", err)
	}
	cur, err := st.Get(ctx, "flood")
	if err != nil || cur.Body != "v2" || cur.Revision != second.Revision || cur.By != "minh" {
		t.Fatalf("current = %+v, %v; want v2 by minh", cur, err)
	}
	hist, err := st.History(ctx, "flood")
	if err != nil || len(hist) != 2 || hist[0].Body != "v2" || hist[1].Body != "v1" || hist[1].By != "lan" {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	old, err := st.Revision(ctx, "flood", first.Revision)
	if err != nil || old.Body != "v1" {
		t.Fatalf("revision %d = %+v, %v", first.Revision, old, err)
	}
	if _, err := st.Revision(ctx, "flood", 999); !errors.Is(err, confstore.ErrNotFound) {
		t.Fatalf("unknown revision: %v", err)
	}
	if _, err := st.Save(ctx, confstore.Record{ID: "tide", Deleted: true, By: "lan", At: at, Action: confstore.ActionDelete}, 0); err != nil {
		t.Fatal(err)
	}
	all, err := st.All(ctx)
	if err != nil || len(all) != 2 || all[0].ID != "flood" || !all[1].Deleted {
		t.Fatalf("all = %+v, %v", all, err)
	}
	if _, err := st.Get(ctx, "nope"); !errors.Is(err, confstore.ErrNotFound) {
		t.Fatalf("get unknown: %v", err)
	}
}
