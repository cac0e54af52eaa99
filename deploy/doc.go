// Package deploy holds the deployment files (compose, Kubernetes,
// systemd, Prometheus rules, Grafana dashboards) and the tests that check
// them against the code: every metric a dashboard or rule reads is one
// presswatch registers, and every command line and variable a manifest
// passes is one the binary accepts. It has no code of its own.
package deploy
