package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/temoto/robotstxt"
)

// robotsRules is the group of a robots.txt that applies to our agent.
type robotsRules struct {
	group      *robotstxt.Group
	crawlDelay time.Duration
}

func (r *robotsRules) allowed(path string) bool { return r.group.Test(path) }

// parseRobots returns the rules for agent. robotstxt fails a whole file on
// one odd line (a Crawl-delay of "5s", a rule before any User-agent),
// matches agents by prefix, and multiplies each rule by the agents of its
// group; cleanRobots first rewrites the file into the lines that concern
// agent, in a form it accepts, the way Google's parser reads what it can
// and RFC 9309 matches product tokens exactly.
func parseRobots(body []byte, agent string) (*robotsRules, error) {
	clean, err := cleanRobots(body, agent)
	if err != nil {
		return nil, err
	}
	data, err := robotstxt.FromBytes(clean)
	if err != nil {
		return nil, err
	}
	g := data.FindGroup(agent)
	return &robotsRules{group: g, crawlDelay: min(g.CrawlDelay, maxCrawlDelay)}, nil
}

// Every request is matched against every rule that concerns us, and a
// wildcard rule is a compiled regexp whose matching cost grows with its
// length. Real files stay far below these bounds; a file beyond them is
// treated as disallowing everything rather than cut into allowing
// something (a site can close itself to us anyway).
const (
	maxRobotsRules     = 5000
	maxRobotsRuleBytes = 2048
)

// robotsLimitError is parseRobots' answer to a file beyond those bounds.
type robotsLimitError struct {
	msg string
}

func (e *robotsLimitError) Error() string { return e.msg }

// cleanRobots keeps the groups whose User-agent is "*" or agent, with
// only those two agents (each once), in a canonical form: rule paths are
// percent-encoded like request paths; an empty rule, an invalid
// Crawl-delay or a wildcard rule robotstxt cannot compile becomes
// "Disallow:", which allows nothing new but still makes the group exist;
// a field without a colon is read as "field value" (Google does too);
// rules before the first User-agent, other robots' groups and unknown
// fields are dropped. Like robotstxt, a User-agent line that follows a
// rule starts a new group, and consecutive ones share a group.
func cleanRobots(body []byte, agent string) ([]byte, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	c := &robotsCleaner{agent: agent}
	for len(body) > 0 {
		var line []byte
		if i := bytes.IndexAny(body, "\r\n"); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			line, body = body, nil
		}
		key, v, ok := robotsField(line)
		if !ok {
			continue
		}
		if err := c.field(key, v); err != nil {
			return nil, err
		}
	}
	c.flush()
	return c.out.Bytes(), nil
}

// robotsCleaner is cleanRobots' state between lines.
type robotsCleaner struct {
	agent   string
	out     bytes.Buffer
	agents  []string // of the current group, "*" and/or agent
	members []string // its rule lines, canonical
	inRun   bool     // the last field was a User-agent
	started bool     // a User-agent has been seen
	rules   int
}

// robotsField is the lower-cased field name of a line and the first word
// of its value, comments removed; ok is false for a line that is no field.
func robotsField(line []byte) (key, v string, ok bool) {
	if i := bytes.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	k, val, found := bytes.Cut(line, []byte(":"))
	if !found {
		f := bytes.Fields(line)
		if len(f) != 2 {
			return "", "", false
		}
		k, val = f[0], f[1]
	}
	if f := bytes.Fields(val); len(f) > 0 {
		v = string(f[0])
	}
	return strings.ToLower(string(bytes.TrimSpace(k))), v, true
}

// field takes one field: a User-agent opens or extends a group, a rule
// joins the current group if that group is ours.
func (c *robotsCleaner) field(key, v string) error {
	var member string
	switch key {
	case "user-agent", "useragent":
		c.userAgent(v)
		return nil
	case "allow", "disallow":
		var err error
		if member, err = c.pathRule(key, v); err != nil {
			return err
		}
	case "crawl-delay", "crawldelay":
		member = crawlDelayRule(v)
	default:
		return nil
	}
	if !c.started {
		return nil
	}
	c.inRun = false
	if len(c.agents) == 0 {
		return nil // another robot's group
	}
	if c.rules++; c.rules > maxRobotsRules {
		return &robotsLimitError{fmt.Sprintf("more than %d rules apply to us", maxRobotsRules)}
	}
	c.members = append(c.members, member)
	return nil
}

func (c *robotsCleaner) userAgent(v string) {
	if !c.inRun {
		c.flush()
	}
	c.inRun, c.started = true, true
	if a := robotsAgentValue(v, c.agent); a != "" && !slices.Contains(c.agents, a) {
		c.agents = append(c.agents, a)
	}
}

// pathRule is the canonical line of an Allow or Disallow field.
func (c *robotsCleaner) pathRule(key, v string) (string, error) {
	field := "Disallow:"
	if key == "allow" {
		field = "Allow:"
	}
	v = escapeRobotsPath(v)
	if len(v) > maxRobotsRuleBytes && len(c.agents) > 0 {
		return "", &robotsLimitError{fmt.Sprintf("a rule for us is longer than %d bytes", maxRobotsRuleBytes)}
	}
	switch {
	case v == "":
		return field + "\n", nil
	case len(c.agents) > 0 && !compilableRobotsPattern(v):
		return "Disallow:\n", nil
	default:
		return field + " " + v + "\n", nil
	}
}

// crawlDelayRule is the canonical line of a Crawl-delay field.
func crawlDelayRule(v string) string {
	d, err := strconv.ParseFloat(v, 64)
	if err != nil || d < 0 || math.IsNaN(d) {
		return "Disallow:\n"
	}
	// robotstxt converts to a Duration without a range check.
	d = min(d, 86400)
	return "Crawl-delay: " + strconv.FormatFloat(d, 'f', -1, 64) + "\n"
}

// flush writes the current group if it is ours and holds a rule.
func (c *robotsCleaner) flush() {
	if len(c.agents) > 0 && len(c.members) > 0 {
		for _, a := range c.agents {
			c.out.WriteString("User-agent: " + a + "\n")
		}
		for _, m := range c.members {
			c.out.WriteString(m)
		}
	}
	c.agents, c.members = c.agents[:0], c.members[:0]
}

func robotsAgentValue(v, agent string) string {
	end := strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_')
	})
	if end < 0 {
		end = len(v)
	}
	switch {
	case end == 0 && strings.HasPrefix(v, "*"):
		return "*"
	case end > 0 && strings.EqualFold(v[:end], agent):
		return agent
	}
	return ""
}

// escapeRobotsPath percent-encodes what a request path would carry
// encoded (Vietnamese sites write "Disallow: /tìm-kiếm"), and anything the
// robotstxt scanner would split on.
func escapeRobotsPath(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= ' ' || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// compilableRobotsPattern repeats robotstxt's translation of a wildcard
// rule, whose compile error would otherwise reject the whole file.
func compilableRobotsPattern(v string) bool {
	if !strings.ContainsAny(v, "*$") {
		return true
	}
	if !strings.HasPrefix(v, "*") && !strings.HasPrefix(v, "/") {
		v = "/" + v
	}
	v = strings.TrimRight(v, "*")
	if !strings.ContainsAny(v, "*$") {
		return true
	}
	v = strings.ReplaceAll(regexp.QuoteMeta(v), `\*`, `.*`)
	_, err := regexp.Compile(strings.ReplaceAll(v, `\$`, `$`))
	return err == nil
}

// robotsPath is what robots.txt rules are matched against: the path and
// query as sent.
func robotsPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// robotsEntry is one origin's robots.txt, shared by every request to it
// and fetched by one of them.
type robotsEntry struct {
	ready chan struct{} // closed when the fields below are set
	// rules is nil when the origin is closed: robots.txt was unreachable
	// or unparseable (reason says which).
	rules       *robotsRules
	reason      error
	unreachable bool
	expires     time.Time
	// abandoned means the fetch was cut short by its caller's context, not
	// by the host; waiters look again.
	abandoned bool
}

func (e *robotsEntry) isReady() bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

// checkRobots returns a KindRobots error when robots.txt keeps u closed.
func (f *Fetcher) checkRobots(ctx context.Context, u *url.URL, loc string) error {
	e, err := f.robotsFor(ctx, u)
	if err != nil {
		// Name the page asked for, not the robots.txt behind it.
		var fe *Error
		if errors.As(err, &fe) {
			c := *fe
			c.URL = loc
			return &c
		}
		return err
	}
	if e.rules == nil {
		fe := &Error{Kind: KindRobots, URL: loc, Err: e.reason, robotsUnreachable: e.unreachable}
		if e.unreachable {
			fe.RetryAfter = max(time.Until(e.expires), time.Second)
		}
		return fe
	}
	if !e.rules.allowed(robotsPath(u)) {
		return &Error{Kind: KindRobots, URL: loc, Err: fmt.Errorf("disallowed by robots.txt for user agent %q", f.o.RobotsAgent)}
	}
	return nil
}

// robotsFor returns the current robots.txt entry for u's origin, fetching
// it when missing or expired. Concurrent callers share one fetch.
func (f *Fetcher) robotsFor(ctx context.Context, u *url.URL) (*robotsEntry, error) {
	key := origin(u)
	for {
		f.mu.Lock()
		prev := f.robots[key]
		if prev != nil {
			if !prev.isReady() {
				f.mu.Unlock()
				select {
				case <-prev.ready:
				case <-ctx.Done():
					return nil, classify(ctx, redact(u), ctx.Err())
				}
				if prev.abandoned {
					continue
				}
				return prev, nil
			}
			if time.Now().Before(prev.expires) {
				f.mu.Unlock()
				return prev, nil
			}
		}
		e := &robotsEntry{ready: make(chan struct{})}
		f.robots[key] = e
		if prev == nil {
			f.noteNewEntryLocked()
		}
		f.mu.Unlock()

		err := f.loadRobots(ctx, u, e, prev)
		if err != nil {
			f.mu.Lock()
			if f.robots[key] == e {
				if prev != nil {
					f.robots[key] = prev
				} else {
					delete(f.robots, key)
				}
			}
			e.abandoned = true
			f.mu.Unlock()
			close(e.ready)
			return nil, err
		}
		close(e.ready)
		return e, nil
	}
}

// loadRobots fetches robots.txt into e, following RFC 9309 (and Google):
//   - 2xx: the rules; only the first 512 KiB are read.
//   - other 4xx (404, 410, 401, 403, …) and redirect trouble: no robots.txt,
//     everything is allowed.
//   - 429, 5xx, network failure or timeout: the host is closed for
//     RobotsErrorTTL (keeping the rules of an earlier successful fetch when
//     there is one), because a server that cannot serve robots.txt may be
//     struggling, and its rules cannot be known.
//
// It returns an error only when the caller, not the host, stopped the
// fetch (context, cool-down, blocked address); nothing is cached then.
func (f *Fetcher) loadRobots(ctx context.Context, u *url.URL, e, prev *robotsEntry) error {
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	loc := redact(ru)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru.String(), nil)
	if err != nil {
		return &Error{Kind: KindInvalidURL, URL: loc, Err: err}
	}
	closed := func(reason error) {
		if prev != nil && prev.rules != nil {
			e.rules = prev.rules
		} else {
			e.reason, e.unreachable = reason, true
		}
		e.expires = time.Now().Add(f.o.RobotsErrorTTL)
		f.o.Logger.Debug("fetch: robots.txt unreachable", "url", loc, "err", reason, "until", e.expires)
	}
	resp, err := f.robotsClient.Do(req)
	if err != nil {
		fe := classify(ctx, loc, err)
		switch {
		case callerStopped(ctx, fe):
			return fe
		case fe.Kind == KindTooManyRedirects || fe.Kind == KindRedirectLoop || fe.Kind == KindInvalidURL:
			e.rules = &robotsRules{group: &robotstxt.Group{}}
			e.expires = time.Now().Add(f.o.RobotsTTL)
		default:
			closed(fmt.Errorf("robots.txt unreachable, so the host is treated as disallowed: %w", fe))
		}
		return nil
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		closed(fmt.Errorf("robots.txt unreachable (HTTP %d), so the host is treated as disallowed", resp.StatusCode))
		return nil
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		e.rules = &robotsRules{group: &robotstxt.Group{}}
		e.expires = time.Now().Add(f.o.RobotsTTL)
		f.o.Logger.Debug("fetch: no robots.txt", "url", loc, "status", resp.StatusCode)
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, robotsMaxBytes))
	if err != nil {
		fe := classify(ctx, loc, err)
		if callerStopped(ctx, fe) {
			return fe
		}
		closed(fmt.Errorf("robots.txt unreachable, so the host is treated as disallowed: %w", fe))
		return nil
	}
	if len(body) == robotsMaxBytes {
		// Drop the line the limit cut in two.
		if i := bytes.LastIndexAny(body, "\r\n"); i >= 0 {
			body = body[:i]
		}
	}
	rules, err := parseRobots(body, f.o.RobotsAgent)
	e.expires = time.Now().Add(f.o.RobotsTTL)
	if err != nil {
		// Beyond our limits, or (cleanRobots leaves robotstxt nothing to
		// reject) a bug: err on the side of the site.
		e.reason = fmt.Errorf("robots.txt not usable, so the host is treated as disallowed: %w", err)
		f.o.Logger.Debug("fetch: robots.txt not usable", "url", loc, "err", err)
		return nil
	}
	e.rules = rules
	f.o.Logger.Debug("fetch: robots.txt loaded", "url", loc, "crawl_delay", rules.crawlDelay)
	return nil
}

// callerStopped tells failures that say nothing about the host: the
// caller's context ended, its deadline was too close for a polite wait,
// the host is cooling down or busy under NoWait, or the guard refused it.
func callerStopped(ctx context.Context, fe *Error) bool {
	if ctx.Err() != nil {
		return true
	}
	var dw *deadlineFirstError
	switch {
	case fe.Kind == KindCanceled, fe.Kind == KindCoolingDown, fe.Kind == KindHostBusy, fe.Kind == KindBlockedAddress:
		return true
	case errors.As(fe, &dw):
		return true
	}
	return false
}

// deadlineFirstError is the cause when a polite wait would outlast the
// caller's deadline.
type deadlineFirstError struct {
	wait time.Duration
	host string
}

func (e *deadlineFirstError) Error() string {
	return fmt.Sprintf("waiting %s for a polite slot at host %s would pass the deadline", roundDuration(e.wait), e.host)
}

func (e *deadlineFirstError) Is(target error) bool { return target == context.DeadlineExceeded }
