// Package logger is the receiver that writes alerts to the process log:
// always available, useful in the demo and as a last resort.
package logger

import (
	"context"
	"log/slog"

	"github.com/presswatch/presswatch/alerts"
)

// Notifier logs each alert at warning level.
type Notifier struct{ log *slog.Logger }

// New returns a log receiver.
func New(log *slog.Logger) *Notifier { return &Notifier{log: log.With("receiver", "log")} }

// Notify never fails.
func (n *Notifier) Notify(_ context.Context, nt *alerts.Notification) error {
	for _, a := range nt.Alerts {
		attrs := []any{"kind", nt.Kind, "alert", a.ID, "severity", a.Severity, "labels", a.Labels, "departments", a.Departments}
		if len(a.Articles) > 0 {
			attrs = append(attrs, "title", a.Articles[0].Title, "url", a.Articles[0].URL)
		}
		n.log.Warn("ALERT", attrs...)
	}
	return nil
}
