package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/internal/wait"
)

// scamSite serves one feed with one article whose word (xyzcauvang) no
// rule knows until an officer writes one.
func scamSite(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	var base string
	mux.HandleFunc("/rss.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Tin Cau Vang</title><link>%[1]s/</link><description>x</description>
<item><title>Cảnh báo chiêu xyzcauvang nhắm vào người dân Điện Biên</title><link>%[1]s/tin/xyzcauvang.html</link>
<pubDate>%[2]s</pubDate><description>Chiêu xyzcauvang.</description></item>
</channel></rss>`, base, time.Now().Add(-time.Hour).Format(time.RFC1123Z))
	})
	// The same news told again by another page the feed does not list:
	// an officer submits it, and it joins the first one's story.
	mux.HandleFunc("/tin/xyzcauvang-tiep.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		p := `<p>Công an tỉnh Điện Biên cảnh báo chiêu xyzcauvang: kẻ gian gọi điện mời người dân nộp tiền để nhận quà, sau đó chiếm đoạt tài sản; người dân cần cảnh giác và báo ngay cho cơ quan chức năng.</p>`
		fmt.Fprintf(w, `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tiếp tục cảnh báo chiêu xyzcauvang ở Điện Biên</title></head>
<body><article><h1>Tiếp tục cảnh báo chiêu xyzcauvang ở Điện Biên</h1>%s%s%s</article></body></html>`, p, p, p)
	})
	mux.HandleFunc("/tin/xyzcauvang.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		p := `<p>Công an tỉnh Điện Biên cảnh báo chiêu xyzcauvang: kẻ gian gọi điện mời người dân nộp tiền để nhận quà, sau đó chiếm đoạt tài sản; người dân cần cảnh giác và báo ngay cho cơ quan chức năng.</p>`
		fmt.Fprintf(w, `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cảnh báo chiêu xyzcauvang nhắm vào người dân Điện Biên</title></head>
<body><article><h1>Cảnh báo chiêu xyzcauvang nhắm vào người dân Điện Biên</h1>%s%s%s</article></body></html>`, p, p, p)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	base = srv.URL
	return base
}

// flakyHook is a webhook receiver that fails until told to work, so
// that notifications end up as failed deliveries an officer retries.
type flakyHook struct {
	mu       sync.Mutex
	healthy  bool
	received int
}

func (f *flakyHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.healthy {
		http.Error(w, "receiver down", http.StatusServiceUnavailable)
		return
	}
	f.received++
}

func (f *flakyHook) set(healthy bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.healthy = healthy
	return f.received
}

// addFlakyReceiver routes every alert, at once, to a failing webhook.
func addFlakyReceiver(t *testing.T, cfg *config.Config) *flakyHook {
	hook := &flakyHook{}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	cfg.Alerts.Receivers = append(cfg.Alerts.Receivers, config.Receiver{Name: "flaky", Webhook: &config.WebhookReceiver{URL: config.Secret(srv.URL)}})
	if cfg.Alerts.Route != nil {
		// Beside the receivers other journeys read, not instead of them.
		cfg.Alerts.Route.Receivers = append(cfg.Alerts.Route.Receivers, "flaky")
	} else {
		cfg.Alerts.Route = &config.AlertRoute{Receivers: []string{"flaky"}, GroupWait: config.Duration(100 * time.Millisecond),
			GroupInterval: config.Duration(time.Minute), RepeatInterval: config.Duration(4 * time.Hour)}
	}
	cfg.Alerts.Retry = config.DeliveryRetry{Attempts: 2, Backoff: config.Duration(50 * time.Millisecond), MaxBackoff: config.Duration(100 * time.Millisecond), Timeout: config.Duration(2 * time.Second)}
	return hook
}

// editedRule is scam.fraud rewritten by an officer to catch a new scam.
const editedRule = `id: scam.fraud
title: {vi: "Lừa đảo kiểu mới", en: "New scam"}
query: 'xyzcauvang AND @province'
labels: [sensitive, scam]
severity: high
department: cong-an-tinh
examples:
  match: ["Chiêu xyzcauvang ở Điện Biên"]
  no_match: ["Chiêu xyzcauvang ở Hà Nội"]
`

// configJourneys: an officer edits a rule (preview, save), adds the feed
// that brings the next matching article (test fetch first), sees the
// alert, rolls the rule back; silences are created and expired; bad
// input is refused at its field with nothing changed.
func configJourneys(t *testing.T, b *browser, base string) {
	scam := scamSite(t)
	t.Run("bad rule input is refused at the field", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(base+"/rules/scam.fraud/edit"), chromedp.WaitVisible(`#r-yaml`, chromedp.ByID))
		b.shotBoth("20-rule-editor")
		b.run(chromedp.SetValue(`#r-yaml`, "id: scam.fraud\nseverity: high\nquery: 'lừa đảo AND ('\n", chromedp.ByID),
			chromedp.Click(`#r-save`, chromedp.ByID), chromedp.WaitVisible(`#r-yaml-err .field-error`, chromedp.ByQuery))
		msg := b.text(`#r-yaml-err .field-error`)
		if !strings.Contains(msg, "Quy tắc không hợp lệ") || !strings.Contains(msg, "dòng 3, cột") {
			t.Errorf("parse error shown as %q", msg)
		}
		b.shotBoth("21-rule-parse-error")
		// A new rule with an id in use.
		b.run(chromedp.Navigate(base+"/rules/new"), chromedp.WaitVisible(`#r-yaml`, chromedp.ByID),
			chromedp.SetValue(`#r-yaml`, "id: disaster.flood\nquery: 'lũ'\nseverity: low\n", chromedp.ByID),
			chromedp.Click(`#r-save`, chromedp.ByID), chromedp.WaitVisible(`#r-yaml-err .field-error`, chromedp.ByQuery))
		if msg := b.text(`#r-yaml-err .field-error`); !strings.Contains(msg, "đã được dùng") {
			t.Errorf("duplicate id shown as %q", msg)
		}
		// Unchanged: the live rule still has its file query.
		b.run(chromedp.Navigate(base+"/rules"), chromedp.WaitVisible(`table.rules`, chromedp.ByQuery))
		if rules := b.text(`table.rules`); !strings.Contains(rules, "lừa đảo") || strings.Contains(rules, "xyzcauvang") {
			t.Error("a refused edit changed the live rules")
		}
	})
	t.Run("edit a rule, preview, save", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(base+"/rules/scam.fraud/edit"), chromedp.WaitVisible(`#r-yaml`, chromedp.ByID),
			chromedp.SetValue(`#r-yaml`, editedRule, chromedp.ByID), chromedp.SetValue(`#r-since`, "30d", chromedp.ByID),
			chromedp.Click(`#r-preview`, chromedp.ByID), chromedp.WaitVisible(`#rule-preview h2`, chromedp.ByQuery))
		if got := b.text(`#rule-preview`); !strings.Contains(got, "xyzcauvang") {
			t.Errorf("preview %q", got)
		}
		b.shotBoth("22-rule-preview")
		b.run(chromedp.SendKeys(`#r-note`, "chiêu lừa mới", chromedp.ByID), chromedp.Click(`#r-save`, chromedp.ByID))
		b.waitURL("flash=flash.rule_saved")
		b.run(chromedp.WaitVisible(`.history table`, chromedp.ByQuery))
		if hist := b.text(`.history`); !strings.Contains(hist, "admin") || !strings.Contains(hist, "Sửa") {
			t.Errorf("history %q", hist)
		}
		b.shotBoth("23-rule-saved-history")
	})
	t.Run("concurrent edit is refused", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(base+"/rules/scam.fraud/edit"), chromedp.WaitVisible(`#r-yaml`, chromedp.ByID))
		// Another officer saves from the same revision first.
		var status int
		b.run(chromedp.Evaluate(`(async () => { const f = new FormData(document.getElementById('rule-form')); f.set('action','save'); f.set('note','other officer');
			const r = await fetch('/rules/save', {method:'POST', body: new URLSearchParams(f)}); return r.status; })()`, &status, awaitPromise))
		if status != http.StatusOK {
			t.Fatalf("the other officer's save: HTTP %d", status)
		}
		b.run(chromedp.Click(`#r-save`, chromedp.ByID), chromedp.WaitVisible(`#conflict`, chromedp.ByID))
		if msg := b.text(`#conflict`); !strings.Contains(msg, "Người khác vừa lưu") {
			t.Errorf("conflict shown as %q", msg)
		}
		b.shotBoth("24-rule-conflict")
	})
	t.Run("add a feed source with a test fetch", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(base+"/sources"), chromedp.WaitVisible(`#add-source`, chromedp.ByID),
			chromedp.Click(`#add-source`, chromedp.ByID), chromedp.WaitVisible(`#s-id`, chromedp.ByID))
		// A private address the configuration has no exception for.
		b.run(chromedp.SendKeys(`#s-id`, "cau-vang", chromedp.ByID), chromedp.SendKeys(`#s-name`, "Tin Cầu Vàng", chromedp.ByID),
			chromedp.SendKeys(`#s-url`, "http://10.20.30.40/rss.xml", chromedp.ByID), chromedp.Click(`#s-test`, chromedp.ByID),
			chromedp.WaitVisible(`#s-url-err .field-error`, chromedp.ByQuery))
		if msg := b.text(`#s-url-err`); !strings.Contains(msg, "mạng nội bộ") {
			t.Errorf("private address shown as %q", msg)
		}
		b.shotBoth("25-source-private-refused")
		b.run(chromedp.SetValue(`#s-url`, "not a url", chromedp.ByID))
		b.submit(`#s-save`, `#s-url-err .field-error`)
		if msg := b.text(`#s-url-err`); !strings.Contains(msg, "không hợp lệ") {
			t.Errorf("invalid URL shown as %q", msg)
		}
		b.run(chromedp.SetValue(`#s-url`, scam+"/rss.xml", chromedp.ByID), chromedp.SetValue(`#s-tier`, "local", chromedp.ByID),
			chromedp.SetValue(`#s-interval`, "1s", chromedp.ByID))
		b.submit(`#s-test`, `#test-result`)
		if got := b.text(`#test-result`); !strings.Contains(got, "xyzcauvang") || !strings.Contains(got, "Tiếng Việt") {
			t.Errorf("test fetch shows %q", got)
		}
		b.shotBoth("26-source-test-fetch")
		b.run(chromedp.Click(`#s-save`, chromedp.ByID))
		b.waitURL("flash=flash.source_saved")
		b.run(chromedp.WaitVisible(`a[href="/sources/cau-vang/edit"]`, chromedp.ByQuery))
		b.shotBoth("27-sources")
		// Its article arrives and the edited rule raises an alert on it.
		wait.For(t, 60*time.Second, func() error {
			var al struct {
				Alerts []struct {
					Title string `json:"title"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"alerts"`
			}
			getJSON(t, base+"/api/v1/alerts", &al)
			for _, a := range al.Alerts {
				for _, r := range a.Rules {
					if r.ID == "scam.fraud" && strings.Contains(a.Title, "xyzcauvang") {
						return nil
					}
				}
			}
			return fmt.Errorf("no scam.fraud alert on the new source's article among %d", len(al.Alerts))
		})
		// A duplicate id is refused.
		b.run(chromedp.Navigate(base+"/sources/new"), chromedp.WaitVisible(`#s-id`, chromedp.ByID),
			chromedp.SendKeys(`#s-id`, "demo", chromedp.ByID), chromedp.SendKeys(`#s-url`, scam+"/rss.xml", chromedp.ByID),
			chromedp.Click(`#s-save`, chromedp.ByID), chromedp.WaitVisible(`.field-error`, chromedp.ByQuery))
		if msg := b.text(`form .field-error`); !strings.Contains(msg, "đã được dùng") {
			t.Errorf("duplicate source id shown as %q", msg)
		}
	})
	t.Run("submit a link and see it join a story", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(base+"/search"), chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll('details').forEach(d => d.open = true)`, nil),
			chromedp.SendKeys(`#submit-url`, scam+"/tin/xyzcauvang-tiep.html", chromedp.ByID),
			chromedp.Submit(`#submit-url`, chromedp.ByID))
		b.waitURL("/links/")
		b.run(chromedp.WaitVisible(`#state`, chromedp.ByID))
		b.shotBoth("32-link-queued")
		wait.For(t, 60*time.Second, func() error {
			var n int
			b.run(chromedp.Reload(), chromedp.WaitVisible(`#state`, chromedp.ByID),
				chromedp.Evaluate(`document.querySelectorAll('#story li').length`, &n))
			if n < 2 {
				return fmt.Errorf("state %q, story of %d", b.text(`#state`), n)
			}
			return nil
		})
		if got := b.text(`#story`); !strings.Contains(got, "Cảnh báo chiêu xyzcauvang nhắm vào người dân") {
			t.Errorf("the story does not list the first article: %q", got)
		}
		b.shotBoth("33-link-joined-story")
	})
	t.Run("roll the rule back", func(t *testing.T) {
		b.t = t
		b.run(chromedp.Navigate(base+"/rules/scam.fraud/edit"), chromedp.WaitVisible(`.history form.inline-form button`, chromedp.ByQuery),
			chromedp.Click(`.history form.inline-form button`, chromedp.ByQuery))
		b.waitURL("flash=flash.rule_rolled_back")
		b.run(chromedp.WaitVisible(`#r-yaml`, chromedp.ByID))
		var yaml string
		b.run(chromedp.Value(`#r-yaml`, &yaml, chromedp.ByID))
		if strings.Contains(yaml, "xyzcauvang") || !strings.Contains(yaml, "lừa đảo") {
			t.Errorf("after roll-back the rule reads %q", yaml)
		}
		b.shotBoth("28-rule-rolled-back")
	})
	t.Run("create and expire a silence", func(t *testing.T) {
		b.t = t
		var before int
		b.run(chromedp.Navigate(base+"/silences"), chromedp.WaitVisible(`#silence-form`, chromedp.ByID),
			chromedp.Evaluate(`document.querySelectorAll('form[action$="/expire"]').length`, &before),
			chromedp.Click(`#si-create`, chromedp.ByID), chromedp.WaitVisible(`.field-error`, chromedp.ByQuery))
		b.shotBoth("29-silence-refused")
		b.run(chromedp.SetValue(`#si-rule`, "scam.fraud", chromedp.ByID), chromedp.SetValue(`#si-for`, "4h", chromedp.ByID),
			chromedp.SendKeys(`#si-comment`, "đã nắm tình hình", chromedp.ByID), chromedp.Click(`#si-create`, chromedp.ByID))
		b.waitURL("flash=flash.silence_created")
		b.run(chromedp.WaitVisible(`form[action$="/expire"] button`, chromedp.ByQuery))
		b.shotBoth("30-silences")
		b.run(chromedp.Click(`form[action$="/expire"] button`, chromedp.ByQuery))
		b.waitURL("flash=flash.silence_expired")
		var left int
		b.run(chromedp.WaitVisible(`main h1`, chromedp.ByQuery), chromedp.Evaluate(`document.querySelectorAll('form[action$="/expire"]').length`, &left))
		if left != before {
			t.Errorf("%d silences active after expiring the new one, want the %d from before", left, before)
		}
	})
}

// retryJourney: a notification that failed for good is listed with its
// error; once the receiver works again, an officer retries it.
func retryJourney(t *testing.T, b *browser, base string, hook *flakyHook) {
	t.Run("retry a failed delivery", func(t *testing.T) {
		b.t = t
		wait.For(t, 60*time.Second, func() error {
			var n int
			b.run(chromedp.Navigate(base+"/deliveries"), chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
				chromedp.Evaluate(`document.querySelectorAll('tr.dead-letter').length`, &n))
			if n == 0 {
				return fmt.Errorf("no failed delivery listed yet")
			}
			return nil
		})
		if got := b.text(`tr.dead-letter`); !strings.Contains(got, "503") {
			t.Errorf("the row does not show the error: %q", got)
		}
		b.shotBoth("31-deliveries")
		before := hook.set(true)
		b.run(chromedp.Click(`#retry`, chromedp.ByID))
		b.waitURL("flash=flash.retried")
		wait.For(t, 30*time.Second, func() error {
			if got := hook.set(true); got <= before {
				return fmt.Errorf("the receiver got %d posts, want more than %d", got, before)
			}
			return nil
		})
	})
}

// contrastJS returns how many text elements it checked and those whose
// colour on their background is below WCAG 2.1 AA (4.5:1; 3:1 for large
// text).
const contrastJS = `(() => {
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const bg = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c; } return [255, 255, 255]; };
  const bad = []; let checked = 0;
  for (const el of document.querySelectorAll('main *, header *')) {
    if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const st = getComputedStyle(el); if (st.visibility === 'hidden' || st.display === 'none') continue;
    if (el.closest('.visually-hidden')) continue;
    checked++;
    const a = lum(rgb(st.color)), b = lum(bg(el)); const r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const large = parseFloat(st.fontSize) >= 24 || (parseFloat(st.fontSize) >= 18.66 && Number(st.fontWeight) >= 700);
    if (r < (large ? 3 : 4.5)) bad.push(el.tagName + '.' + el.className + ' ' + r.toFixed(2) + ': ' + el.textContent.trim().slice(0, 40));
  }
  return {checked, bad};
})()`

// a11yJourney checks the pages this work added for contrast and for
// keyboard use: the skip link first, then every control reachable with
// Tab and visibly focused.
func a11yJourney(t *testing.T, b *browser, base string) {
	t.Run("contrast and keyboard", func(t *testing.T) {
		b.t = t
		for _, p := range []string{"/sources", "/sources/new", "/rules", "/rules/scam.fraud/edit", "/silences", "/deliveries", "/alerts", "/search?q=lu+quet"} {
			var res struct {
				Checked int      `json:"checked"`
				Bad     []string `json:"bad"`
			}
			b.run(chromedp.Navigate(base+p), chromedp.WaitVisible(`main h1`, chromedp.ByQuery), chromedp.Evaluate(contrastJS, &res))
			if res.Checked < 10 {
				t.Errorf("%s: only %d text elements checked", p, res.Checked)
			}
			for _, e := range res.Bad {
				t.Errorf("%s: contrast below AA: %s", p, e)
			}
		}
		b.run(chromedp.Navigate(base+"/sources/new"), chromedp.WaitVisible(`#s-id`, chromedp.ByID))
		var first string
		b.run(chromedp.KeyEvent("\t"), chromedp.Evaluate(`document.activeElement.className`, &first))
		if first != "skip" {
			t.Errorf("the first Tab reaches %q, want the skip link", first)
		}
		// Tab on from the skip link into the form: every stop shows focus,
		// and the ID field and the test-fetch button are reached.
		seen := map[string]bool{}
		for range 40 {
			var id, outline string
			b.run(chromedp.KeyEvent("\t"), chromedp.Evaluate(`document.activeElement.id`, &id),
				chromedp.Evaluate(`getComputedStyle(document.activeElement).outlineStyle`, &outline))
			if id != "" && outline == "none" {
				t.Errorf("#%s has focus but no visible outline", id)
			}
			seen[id] = true
		}
		for _, id := range []string{"s-id", "s-url", "s-test", "s-save"} {
			if !seen[id] {
				t.Errorf("Tab never reaches #%s", id)
			}
		}
	})
}

// awaitPromise makes Evaluate wait for the promise an async script
// returns.
func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// submit clicks a form's button and waits for want on the page that
// answers; want is removed first, so the old page cannot satisfy the wait.
func (b *browser) submit(button, want string) {
	b.t.Helper()
	b.run(chromedp.Evaluate(`document.querySelectorAll(`+strconv.Quote(want)+`).forEach(e => e.remove())`, nil),
		chromedp.Click(button, chromedp.ByQuery), chromedp.WaitVisible(want, chromedp.ByQuery))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.run(chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// shotBoth takes the page at desktop width and at a 390 px phone width.
func (b *browser) shotBoth(name string) {
	b.shot(name + "-1280")
	b.run(chromedp.EmulateViewport(390, 844))
	b.shot(name + "-390")
	b.run(chromedp.EmulateViewport(1280, 900))
}
