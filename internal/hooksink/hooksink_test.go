package hooksink

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSinkCountsDeliveriesByKeyAndNotesAlerts(t *testing.T) {
	s := New()
	srv := httptest.NewServer(s)
	defer srv.Close()
	post := func(key, body string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	post("k1", `{"notification":{"alerts":[{"id":"a1"},{"id":"a2"}]}}`)
	post("k1", `{"notification":{"alerts":[{"id":"a1"}]}}`)
	post("k2", `not json`)
	keys, alerts := s.Keys(), s.AlertIDs()
	if keys["k1"] != 2 || keys["k2"] != 1 || len(keys) != 2 {
		t.Errorf("keys = %v, want k1:2 k2:1", keys)
	}
	if alerts["a1"] != 1 || alerts["a2"] != 1 || len(alerts) != 2 {
		t.Errorf("alerts = %v, want a1 and a2 once", alerts)
	}
	keys["k1"] = 99
	if s.Keys()["k1"] != 2 {
		t.Error("Keys returned the sink's own map")
	}
}
