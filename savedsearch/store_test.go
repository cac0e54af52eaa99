package savedsearch_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/savedsearch"
)

func validQuery(q string) error {
	_, err := query.Parse(q, query.Options{})
	return err
}

func newStore(t *testing.T, now func() time.Time) *savedsearch.Store {
	t.Helper()
	b := bustest.Start(t)
	return savedsearch.New(b.KV(bus.BucketSavedSearches), validQuery, now)
}

func fieldErr(t *testing.T, err error, field, code string) *savedsearch.FieldError {
	t.Helper()
	var fe *savedsearch.FieldError
	if !errors.As(err, &fe) || fe.Field != field || fe.Code != code {
		t.Fatalf("error %v: want %s at %s", err, code, field)
	}
	return fe
}

func TestStoreValidatesAndKeepsSearchesToTheirOwner(t *testing.T) {
	ctx := context.Background()
	st := newStore(t, nil)
	s, err := st.Create(ctx, savedsearch.Search{Owner: "canbo", Name: "  Sạt lở  ", Query: `"sạt lở" AND label:disaster`, Filters: savedsearch.FiltersOf(url.Values{"tier": {"local"}, "from": {"2026-01-01"}})})
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "Sạt lở" || s.ID == "" || s.Filters != "tier=local" {
		t.Errorf("saved %+v: want the name trimmed, an ID, and the filters without dates", s)
	}
	if got := s.Params(); got.Get("q") != s.Query || got.Get("tier") != "local" || got.Has("from") {
		t.Errorf("params %v", got)
	}

	_, err = st.Create(ctx, savedsearch.Search{Owner: "canbo", Name: "", Query: "lu"})
	fieldErr(t, err, "name", savedsearch.CodeNameEmpty)
	// The same name typed without marks or in capitals is the same name.
	_, err = st.Create(ctx, savedsearch.Search{Owner: "canbo", Name: "SAT LO", Query: "lu"})
	fieldErr(t, err, "name", savedsearch.CodeNameDuplicate)
	fe := fieldErr(t, func() error {
		_, err := st.Create(ctx, savedsearch.Search{Owner: "canbo", Name: "Lỗi", Query: `lu AND (quet`})
		return err
	}(), "query", savedsearch.CodeQueryInvalid)
	if fe.Detail == "" {
		t.Error("a query that does not parse carries the query language's error")
	}
	_, err = st.Create(ctx, savedsearch.Search{Owner: "canbo", Name: "Trống", Query: "   "})
	fieldErr(t, err, "query", savedsearch.CodeQueryEmpty)

	// Another officer may use the same name, and sees none of canbo's.
	other, err := st.Create(ctx, savedsearch.Search{Owner: "khac", Name: "Sạt lở", Query: "lu"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, "khac", s.ID); !errors.Is(err, savedsearch.ErrNotFound) {
		t.Errorf("someone else's search: %v, want ErrNotFound", err)
	}
	if err := st.Delete(ctx, "khac", s.ID); !errors.Is(err, savedsearch.ErrNotFound) {
		t.Errorf("deleting someone else's search: %v", err)
	}
	if _, err := st.Update(ctx, "khac", s.ID, func(x *savedsearch.Search) error { x.Name = "mine"; return nil }); !errors.Is(err, savedsearch.ErrNotFound) {
		t.Errorf("renaming someone else's search: %v", err)
	}
	mine, err := st.List(ctx, "canbo")
	if err != nil || len(mine) != 1 || mine[0].ID != s.ID {
		t.Fatalf("canbo's list %+v, %v", mine, err)
	}

	// Rename: to a name in use is refused, to a new one kept.
	second, err := st.Create(ctx, savedsearch.Search{Owner: "canbo", Name: "Bão", Query: "bao"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Update(ctx, "canbo", second.ID, func(x *savedsearch.Search) error { x.Name = "sạt lở"; return nil })
	fieldErr(t, err, "name", savedsearch.CodeNameDuplicate)
	renamed, err := st.Update(ctx, "canbo", second.ID, func(x *savedsearch.Search) error { x.Name = "Áp thấp"; return nil })
	if err != nil || renamed.Name != "Áp thấp" {
		t.Fatalf("rename: %+v, %v", renamed, err)
	}
	mine, _ = st.List(ctx, "canbo")
	if len(mine) != 2 || mine[0].Name != "Áp thấp" || mine[1].Name != "Sạt lở" {
		t.Errorf("list by name: %+v", mine)
	}

	if err := st.Delete(ctx, "canbo", s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, "canbo", s.ID); !errors.Is(err, savedsearch.ErrNotFound) {
		t.Errorf("deleted search: %v", err)
	}
	if _, err := st.Get(ctx, "khac", other.ID); err != nil {
		t.Errorf("the other officer's search: %v", err)
	}
}

func TestSubscribeChecksReceiverAndAddress(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	st := newStore(t, func() time.Time { return now })
	s, err := st.Create(ctx, savedsearch.Search{Owner: "canbo", Name: "Lũ", Query: "lu"})
	if err != nil {
		t.Fatal(err)
	}
	offered := func(r string) (bool, bool) { return r == "email", r == "email" || r == "telegram" }
	_, err = st.Subscribe(ctx, "canbo", s.ID, &savedsearch.Subscription{Receiver: "webhook"}, offered)
	fieldErr(t, err, "receiver", savedsearch.CodeReceiver)
	_, err = st.Subscribe(ctx, "canbo", s.ID, &savedsearch.Subscription{Receiver: "email", To: "not an address"}, offered)
	fieldErr(t, err, "to", savedsearch.CodeAddress)
	got, err := st.Subscribe(ctx, "canbo", s.ID, &savedsearch.Subscription{Receiver: "email", To: "canbo@so.gov.vn"}, offered)
	if err != nil || got.Subscription == nil || !got.Subscription.Since.Equal(now) {
		t.Fatalf("subscribed: %+v, %v", got.Subscription, err)
	}
	// A chat receiver sends to its own chat: no address kept.
	got, err = st.Subscribe(ctx, "canbo", s.ID, &savedsearch.Subscription{Receiver: "telegram", To: "x@y.vn"}, offered)
	if err != nil || got.Subscription.To != "" {
		t.Fatalf("telegram subscription: %+v, %v", got.Subscription, err)
	}
	got, err = st.Subscribe(ctx, "canbo", s.ID, nil, offered)
	if err != nil || got.Subscription != nil {
		t.Fatalf("unsubscribed: %+v, %v", got.Subscription, err)
	}
}
