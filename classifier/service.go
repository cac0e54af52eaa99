package classifier

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/classifier/sentiment"
	"github.com/presswatch/presswatch/classifier/story"
)

// Bus is what the classifier needs from the message bus.
type Bus interface {
	Consume(ctx context.Context, spec bus.ConsumerSpec, h bus.Handler) error
	Publish(ctx context.Context, subject, msgID string, data []byte) error
}

// Signals are the classifier's optional signals beyond keyword rules.
type Signals struct {
	// Sentiment scores articles; nil leaves sentiment at 0.
	Sentiment *sentiment.Lexicon
	// Stories assigns story IDs and finds copies of articles marked
	// misleading; nil leaves stories out.
	Stories *story.Clusterer
}

// Service reads article.fetched, classifies and publishes
// article.classified. The rule set can be swapped while it runs.
type Service struct {
	bus     Bus
	signals Signals
	rules   atomic.Pointer[Ruleset]
	log     *slog.Logger
	now     func() time.Time
	metrics serviceMetrics
	// lastErr is the last refused reload's message, so a broken file is
	// reported once rather than at every check.
	lastErr atomic.Pointer[string]
}

// NewService returns a classifier using rs until SetRules replaces it.
func NewService(b Bus, rs *Ruleset, sig Signals, log *slog.Logger, reg prometheus.Registerer) (*Service, error) {
	s := &Service{bus: b, signals: sig, log: log.With("component", "classifier"), now: time.Now}
	var err error
	if s.metrics, err = newServiceMetrics(reg); err != nil {
		return nil, err
	}
	s.SetRules(rs)
	return s, nil
}

// SetRules makes rs the active rule set for the next article.
func (s *Service) SetRules(rs *Ruleset) {
	s.rules.Store(rs)
	s.metrics.rules.Set(float64(rs.Len()))
}

// Rules returns the active rule set.
func (s *Service) Rules() *Ruleset { return s.rules.Load() }

// Run consumes until ctx is cancelled.
func (s *Service) Run(ctx context.Context) error {
	return s.bus.Consume(ctx, bus.ClassifierConsumer(), s.handle)
}

func (s *Service) handle(ctx context.Context, msg jetstream.Msg) error {
	start := time.Now()
	var a article.Article
	if err := json.Unmarshal(msg.Data(), &a); err != nil {
		return bus.Permanent(fmt.Errorf("decode article.fetched: %w", err))
	}
	if a.ID == "" {
		return bus.Permanent(fmt.Errorf("article.fetched without id (url %q)", a.URL))
	}
	rs := s.rules.Load()
	rs.Apply(&a)
	if err := s.applySignals(ctx, rs, &a); err != nil {
		// The story store is the bus itself: a failure is the
		// dependency's, and the message is retried.
		return bus.Transient(err)
	}
	a.Classified = s.now().UTC()
	data, err := json.Marshal(&a)
	if err != nil {
		return bus.Permanent(fmt.Errorf("encode article %s: %w", a.ID, err))
	}
	// The same article content under the same rules is one message, however
	// often it is redelivered; a new rule set or an edit is a new one.
	msgID := a.ID + ":" + short(a.ContentHash) + ":" + rs.Version
	if err := s.bus.Publish(ctx, bus.SubjectClassified, msgID, data); err != nil {
		return bus.Transient(err)
	}
	s.metrics.classified.WithLabelValues(fmt.Sprint(a.Flagged())).Inc()
	s.metrics.duration.Observe(time.Since(start).Seconds())
	if a.Flagged() {
		s.log.Info("article flagged", "id", a.ID, "title", a.Title, "severity", a.Severity, "labels", a.Labels)
	}
	return nil
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

// WatchDir reloads the rules from dir whenever its files change, checking
// every interval (see Watch).
func (s *Service) WatchDir(ctx context.Context, dir string, interval time.Duration) {
	s.Watch(ctx, dir, func() (*Ruleset, error) { return LoadDir(os.DirFS(dir), ".") }, interval)
}

// Watch reloads the rules with load every interval; from names where they
// come from in logs. A change is applied only once load gives the same
// version at two checks in a row, so a file caught half-written by an
// editor is not taken for the new rule set. A rule set that fails to load
// is refused with its errors and the active one stays.
func (s *Service) Watch(ctx context.Context, from string, load func() (*Ruleset, error), interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	pending := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rs, err := load()
		if err != nil {
			if s.lastReloadErr(err) {
				s.metrics.reloads.WithLabelValues("refused").Inc()
				s.log.Error("rules reload refused; keeping the active rule set", "from", from, "active_version", s.Rules().Version, "err", err)
			}
			pending = ""
			continue
		}
		s.lastErr.Store(nil)
		if rs.Version == s.Rules().Version {
			pending = ""
			continue
		}
		if rs.Version != pending {
			pending = rs.Version
			continue
		}
		s.SetRules(rs)
		pending = ""
		s.metrics.reloads.WithLabelValues("ok").Inc()
		s.log.Info("rules reloaded", "from", from, "version", rs.Version, "rules", rs.Len())
	}
}

// lastReloadErr records err and reports whether it differs from the last.
func (s *Service) lastReloadErr(err error) bool {
	msg := err.Error()
	prev := s.lastErr.Swap(&msg)
	return prev == nil || *prev != msg
}

// applySignals adds sentiment, the story and copies of misleading cases.
func (s *Service) applySignals(ctx context.Context, rs *Ruleset, a *article.Article) error {
	if lex := s.signals.Sentiment; lex != nil {
		lang := a.Lang
		if lang == "" {
			lang = "vi" // most of what the office reads
		}
		text := a.Title + "\n" + a.Text
		a.Sentiment = lex.Score(lang, text).Value
		if prov, ok := rs.mentions("province"); ok {
			a.ProvinceSentiment = lex.ScoreMentions(lang, text, prov).Value
		}
	}
	if st := s.signals.Stories; st != nil {
		response := slices.ContainsFunc(a.Matches, func(m article.Match) bool { return m.RuleID == ResponseID })
		asg, err := st.Assign(ctx, story.Doc{ID: a.ID, URL: a.URL, Title: a.Title, Text: a.Text, Source: a.SourceID, Site: a.Site, Published: a.Published, Response: response})
		if err != nil {
			return fmt.Errorf("story of %s: %w", a.ID, err)
		}
		a.StoryID, a.VersionOf = asg.StoryID, asg.VersionOf
		if ans := asg.Answers; ans != nil {
			for i := range a.Matches {
				if a.Matches[i].RuleID == ResponseID {
					a.Matches[i].Terms = append(a.Matches[i].Terms, fmt.Sprintf("trả lời bài %s (%.0f%% tiêu đề)", ans.ArticleID, 100*ans.Containment))
				}
			}
		}
		for _, c := range asg.Copies {
			a.Matches = append(a.Matches, article.Match{
				RuleID: "misleading.copy", Title: "Bản sao của tin đã được xác định là sai sự thật",
				Labels: []string{"misleading", "sensitive"}, Severity: article.SeverityHigh,
				Rebuttal: c.RebuttalURL, CaseID: c.CaseID,
				Terms: []string{fmt.Sprintf("giống %.0f%% bài %s", 100*c.Similarity, c.URL)},
			})
			for _, l := range []string{"misleading", "sensitive"} {
				if !slices.Contains(a.Labels, l) {
					a.Labels = append(a.Labels, l)
				}
			}
			slices.Sort(a.Labels)
			if a.Severity.Rank() < article.SeverityHigh.Rank() {
				a.Severity = article.SeverityHigh
			}
		}
	}
	return nil
}
