package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/presswatch/presswatch/demosite/sink"
	"github.com/presswatch/presswatch/internal/wait"
)

// mailedIncident waits for an e-mail about an incident still new and
// returns the incident's ID and the message's links by label.
func mailedIncident(t *testing.T, base string, sinks *sink.Sinks) (string, map[string]string) {
	t.Helper()
	var id string
	var links map[string]string
	wait.For(t, 60*time.Second, func() error {
		for _, m := range sinks.Mail() {
			l := map[string]string{}
			for line := range strings.Lines(m.Text) {
				if label, u, ok := strings.Cut(strings.TrimSpace(line), ": "+base); ok {
					l[label] = base + u
				}
			}
			deep, ok := l["Xem và xử lý"]
			if !ok || l["Xác nhận đã biết"] == "" {
				continue
			}
			cand := strings.TrimPrefix(deep, base+"/alerts/")
			var al struct {
				Status string `json:"status"`
			}
			if getJSON(t, base+"/api/v1/alerts/"+cand, &al) == http.StatusOK && al.Status == "new" {
				id, links = cand, l
				return nil
			}
		}
		return fmt.Errorf("no e-mail about a new incident among %d", len(sinks.Mail()))
	})
	return id, links
}

func alertStatus(t *testing.T, base, id string) string {
	var al struct {
		Status   string `json:"status"`
		Assignee string `json:"assignee"`
	}
	getJSON(t, base+"/api/v1/alerts/"+id, &al)
	return al.Status
}

// incidentJourneys: acknowledge from an e-mail link (and the link refused
// when replayed or forged), snooze from the incident, assign with the
// picker, respond and receive "response published", and the inbox,
// incident and link pages at phone width.
func incidentJourneys(t *testing.T, b *browser, base string, sinks *sink.Sinks) {
	id, links := mailedIncident(t, base, sinks)
	ack := links["Xác nhận đã biết"]
	t.Run("acknowledge from an e-mail link", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(ack), chromedp.WaitVisible(`#link-confirm`, chromedp.ByID))
		b.shot("20-link-confirm-1280")
		if st := alertStatus(t, base, id); st != "new" {
			t.Fatalf("opening the link acted: %s", st)
		}
		b.run(chromedp.Click(`#link-confirm`, chromedp.ByID), chromedp.WaitVisible(`#link-done`, chromedp.ByID))
		b.shot("21-link-done-1280")
		if st := alertStatus(t, base, id); st != "acknowledged" {
			t.Errorf("after the one-tap acknowledge: %s", st)
		}
		var msg string
		b.run(chromedp.Navigate(ack), chromedp.Text(`#link-failed`, &msg, chromedp.ByID))
		if !strings.Contains(msg, "đã được dùng một lần") {
			t.Errorf("replayed link says %q", msg)
		}
		b.shot("22-link-replayed-1280")
		b.run(chromedp.Navigate(ack[:len(ack)-2]+"xx"), chromedp.Text(`#link-failed`, &msg, chromedp.ByID))
		if !strings.Contains(msg, "chữ ký không khớp") && !strings.Contains(msg, "không đúng định dạng") {
			t.Errorf("forged link says %q", msg)
		}
		b.shot("23-link-forged-1280")
	})
	t.Run("snooze from the incident", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(base+"/alerts/"+id), chromedp.WaitVisible(`#do-snooze`, chromedp.ByID))
		b.run(chromedp.SendKeys(`#snooze-reason`, "Đã có thông cáo, theo dõi tiếp", chromedp.ByID), chromedp.Click(`#do-snooze`, chromedp.ByID))
		b.waitURL("flash=flash.snoozed")
		var text string
		b.run(chromedp.Text(`.silenced`, &text, chromedp.ByQuery))
		if !strings.Contains(text, "Đã có thông cáo") {
			t.Errorf("the incident does not show its snooze: %q", text)
		}
		b.shot("24-incident-snoozed-1280")
	})
	t.Run("assign with the picker", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(base+"/alerts/"+id), chromedp.WaitVisible(`#assignee`, chromedp.ByID))
		b.run(chromedp.SetValue(`#assignee`, "canbo-nnmt", chromedp.ByID), chromedp.Click(`#do-assign`, chromedp.ByID))
		b.waitURL("flash=flash.done")
		var who string
		b.run(chromedp.Text(`#alert-assignee`, &who, chromedp.ByID))
		if who != "canbo-nnmt" {
			t.Errorf("assignee shown: %q", who)
		}
		b.shot("25-incident-assigned-1280")
	})
	t.Run("respond and see the response published message", func(t *testing.T) {
		b.t = t
		const official = "https://dienbien.gov.vn/thong-cao-su-viec"
		b.run(chromedp.Navigate(base+"/alerts/"+id), chromedp.WaitVisible(`#link`, chromedp.ByID))
		b.run(chromedp.SendKeys(`#link`, official, chromedp.ByID), chromedp.Click(`#do-respond`, chromedp.ByID))
		b.waitURL("flash=flash.done")
		wait.For(t, 30*time.Second, func() error {
			for _, m := range sinks.Mail() {
				if strings.HasPrefix(m.Subject, "[Đã phản hồi]") && strings.Contains(m.Text, official) && strings.Contains(m.Text, base+"/alerts/"+id) {
					return nil
				}
			}
			return fmt.Errorf("no 'response published' e-mail among %d", len(sinks.Mail()))
		})
		b.shot("26-incident-responded-1280")
	})
	phoneJourney(t, b, base, id, sinks)
}

// phoneJourney: the inbox, the incident and a one-tap link at 390 px.
func phoneJourney(t *testing.T, b *browser, base, id string, sinks *sink.Sinks) {
	t.Run("inbox at 390 px", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(base+"/alerts?show=all&department=*"), chromedp.WaitVisible(`table.inbox`, chromedp.ByQuery))
		b.shot("27-inbox-1280")
		b.run(chromedp.EmulateViewport(390, 844))
		defer b.run(chromedp.EmulateViewport(1280, 900))
		b.run(chromedp.Navigate(base+"/alerts?show=all&department=*"), chromedp.WaitVisible(`tr.alert-row`, chromedp.ByQuery))
		var display string
		var width int
		b.run(chromedp.Evaluate(`getComputedStyle(document.querySelector('tr.alert-row')).display`, &display),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &width))
		if display != "block" || width > 390 {
			t.Errorf("inbox at 390 px: rows display %q, page %d px wide; want cards and no sideways scroll", display, width)
		}
		b.shot("28-inbox-390")
		b.run(chromedp.Navigate(base+"/alerts/"+id), chromedp.WaitVisible(`#alert-status`, chromedp.ByID))
		b.run(chromedp.Evaluate(`document.documentElement.scrollWidth`, &width))
		if width > 390 {
			t.Errorf("incident page at 390 px is %d px wide", width)
		}
		b.shot("29-incident-390")
		id2, links2 := mailedIncident(t, base, sinks)
		b.run(chromedp.Navigate(links2["Tôi nhận xử lý"]), chromedp.WaitVisible(`#link-confirm`, chromedp.ByID))
		b.shot("30-link-confirm-390")
		b.run(chromedp.Click(`#link-confirm`, chromedp.ByID), chromedp.WaitVisible(`#link-done`, chromedp.ByID))
		b.shot("31-link-done-390")
		if st := alertStatus(t, base, id2); st != "assigned" {
			t.Errorf("after the one-tap take: %s", st)
		}
		b.run(chromedp.Navigate(links2["Tôi nhận xử lý"]), chromedp.WaitVisible(`#link-failed`, chromedp.ByID))
		b.shot("32-link-replayed-390")
	})
}
