package config

import "testing"

func TestSavedSearchesConfigErrorsNameFileLineAndKey(t *testing.T) {
	path := writeConfig(t, `alerts:
  receivers:
    - name: log
      log: {}
saved_searches:
  digest_time: "24:00"
  timezone: Asia/Hanoi_City
  receivers: [log]
  lookback: -1h
`)
	_, err := Load(path, nil)
	checkErrLines(t, err, []string{
		path + `:6: saved_searches.digest_time: invalid time of day "24:00" (want 00:00 to 23:59)`,
		path + `:7: saved_searches.timezone: unknown time zone "Asia/Hanoi_City"`,
		path + `:8: saved_searches.receivers[0]: must name an email or telegram receiver of alerts.receivers, got "log"`,
		path + `:9: saved_searches.lookback: must not be negative, got -1h0m0s`,
	})
}

func TestDigestTimeIsADailyCron(t *testing.T) {
	for in, want := range map[string]string{"07:00": "0 7 * * *", "18:45": "45 18 * * *", "00:05": "5 0 * * *"} {
		got, err := SavedSearches{DigestTime: in}.DigestCron()
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"7", "7:5", "25:00", "", "07:60"} {
		if _, err := (SavedSearches{DigestTime: bad}).DigestCron(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	c := Default()
	if c.SavedSearches.DigestTime != "07:00" || len(c.SavedSearches.DigestReceivers(c.Alerts)) != 0 {
		t.Errorf("defaults: %+v", c.SavedSearches)
	}
	c.Alerts.Receivers = append(c.Alerts.Receivers, Receiver{Name: "mail", Email: &EmailReceiver{}}, Receiver{Name: "tg", Telegram: &TelegramReceiver{}})
	if got := c.SavedSearches.DigestReceivers(c.Alerts); len(got) != 2 || got[0].Name != "mail" || got[1].Name != "tg" {
		t.Errorf("offered %v, want the email and telegram receivers", got)
	}
	c.SavedSearches.Receivers = []string{"tg"}
	if got := c.SavedSearches.DigestReceivers(c.Alerts); len(got) != 1 || got[0].Name != "tg" {
		t.Errorf("offered %v, want the one named", got)
	}
}
