package indexer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus/bustest"
)

func TestRemoteSearchAnswersLikeTheLocalIndex(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	idx := openTestIndex(t)
	if err := idx.IndexBatch(corpus()); err != nil {
		t.Fatal(err)
	}
	svc, err := idx.Serve(b.Conn(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop()
	remote := Remote{NC: b.Conn()}
	ctx := context.Background()
	for _, q := range []string{"lu quet", `"dien bien" NEAR/3 "giai phong"`, "label:crisis", ""} {
		local := mustSearch(t, idx, SearchRequest{Q: q})
		got, err := remote.Search(ctx, SearchRequest{Q: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if strings.Join(ids(got), ",") != strings.Join(ids(local), ",") || got.Total != local.Total {
			t.Errorf("%q: remote %v, local %v", q, ids(got), ids(local))
		}
	}
	if _, err := remote.Search(ctx, SearchRequest{Q: "lũ AND"}); !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), "col") {
		t.Errorf("bad query over NATS: %v", err)
	}
	v, err := remote.Get(ctx, "d1")
	if err != nil || v.Title != "Lũ quét ở Mường Chà" || v.Severity != "high" {
		t.Errorf("get: %+v %v", v, err)
	}
	if _, err := remote.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get missing: %v", err)
	}
}

func TestRemoteWithoutIndexerIsUnavailable(t *testing.T) {
	t.Parallel()
	b := bustest.Start(t)
	_, err := Remote{NC: b.Conn()}.Search(context.Background(), SearchRequest{Q: "x"})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("err = %v, want ErrUnavailable", err)
	}
}
