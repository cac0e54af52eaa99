package config

import (
	"fmt"
	"time"

	"github.com/presswatch/presswatch/alerts/schedule"
)

// SavedSearches configures the daily digest of saved searches that
// officers subscribed to.
type SavedSearches struct {
	// DigestTime is when the daily digest goes out, "HH:MM" in Timezone.
	DigestTime string `yaml:"digest_time"`
	// Timezone of DigestTime; alerts.timezone when empty.
	Timezone string `yaml:"timezone"`
	// Receivers name the receivers of alerts.receivers a subscription may
	// choose: an email receiver sends to the address the officer gives,
	// a chat receiver (telegram) to its configured chat. Empty offers
	// every email and telegram receiver.
	Receivers []string `yaml:"receivers"`
	// Lookback is how far before the last digest a late article (one
	// indexed after the digest but published before it) is still
	// reported.
	Lookback Duration `yaml:"lookback"`
}

func defaultSavedSearches() SavedSearches {
	return SavedSearches{DigestTime: "07:00", Lookback: Duration(3 * day)}
}

// DigestCron is the cron schedule of the daily digest ("0 7 * * *").
func (s SavedSearches) DigestCron() (string, error) {
	m, err := schedule.ParseClock(s.DigestTime)
	if err != nil {
		return "", err
	}
	if m >= 24*60 {
		return "", fmt.Errorf("invalid time of day %q (want 00:00 to 23:59)", s.DigestTime)
	}
	return fmt.Sprintf("%d %d * * *", m%60, m/60), nil
}

// DigestReceivers are the receivers subscriptions may choose, in the
// order of alerts.receivers.
func (s SavedSearches) DigestReceivers(a Alerts) []Receiver {
	var out []Receiver
	for _, r := range a.Receivers {
		offered := r.Email != nil || r.Telegram != nil
		if len(s.Receivers) > 0 {
			offered = false
			for _, n := range s.Receivers {
				offered = offered || n == r.Name
			}
		}
		if offered {
			out = append(out, r)
		}
	}
	return out
}

func (s SavedSearches) validate(ch *checker, a Alerts) {
	if _, err := s.DigestCron(); err != nil {
		ch.fail("saved_searches.digest_time", "%v", err)
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil {
			ch.fail("saved_searches.timezone", "unknown time zone %q", s.Timezone)
		}
	}
	for i, name := range s.Receivers {
		found := false
		for _, r := range a.Receivers {
			if r.Name == name {
				found = r.Email != nil || r.Telegram != nil
			}
		}
		if !found {
			ch.fail(indexKey("saved_searches.receivers", i), "must name an email or telegram receiver of alerts.receivers, got %q", name)
		}
	}
	if s.Lookback < 0 {
		ch.fail("saved_searches.lookback", "must not be negative, got %s", s.Lookback)
	}
}
