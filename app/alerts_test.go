package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/alerts"
	"github.com/presswatch/presswatch/bus/bustest"
	"github.com/presswatch/presswatch/config"
)

const reloadBase = `data_dir: %s
alerts:
  receivers:
    - name: log
      log: {}
    - name: ops
      log: {}
  departments:
    - id: so-y-te
      name: Sở Y tế
      focal_points: [{name: Văn phòng, email: vp@syt.example.gov.vn}]
  route:
    receivers: [log]
`

// A changed routing tree is installed in the running service; one that
// does not validate is refused with FILE:LINE and the old one stays.
func TestAlertRoutingReloads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "presswatch.yaml")
	write := func(extra string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(strings.Replace(reloadBase, "%s", filepath.Join(dir, "data"), 1)+extra), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("")
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := New(cfg, slog.New(slog.DiscardHandler))
	b := bustest.Start(t)
	receivers, err := a.receivers()
	if err != nil {
		t.Fatal(err)
	}
	o, err := alertOptions(cfg.Alerts, receivers)
	if err != nil {
		t.Fatal(err)
	}
	o.Registerer = prometheus.NewRegistry()
	svc, err := alerts.NewService(b, o)
	if err != nil {
		t.Fatal(err)
	}

	write("    routes:\n      - matchers: ['department=so-y-te']\n        receivers: [ops]\n")
	if err := a.reloadAlerts(path, svc); err != nil {
		t.Fatal(err)
	}
	if r := svc.Route(); len(r.Routes) != 1 || r.Routes[0].Receivers[0] != "ops" {
		t.Fatalf("reloaded route = %+v", r)
	}

	write("    routes:\n      - matchers: ['department=so-xay-dung']\n        receivers: [email]\n")
	err = a.reloadAlerts(path, svc)
	if err == nil || !strings.Contains(err.Error(), "presswatch.yaml:16: alerts.route.routes[0].receivers[0]: unknown receiver \"email\"") ||
		!strings.Contains(err.Error(), `unknown department "so-xay-dung"`) {
		t.Fatalf("bad routing: %v", err)
	}
	if r := svc.Route(); len(r.Routes) != 1 || r.Routes[0].Receivers[0] != "ops" {
		t.Errorf("a refused reload changed the routing: %+v", r)
	}
}
