package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/crawler/fetch"
)

// manualSource is the source ID of links officers submit.
const manualSource = "manual"

// submitPatience is how many attempts a submitted link gets while its site
// fails temporarily (about twenty minutes with the bus's backoff).
const submitPatience = 25

// Submission is a link an officer asks to have fetched: the payload of
// crawl.submit.
type Submission struct {
	URL         string    `json:"url"`
	SubmittedBy string    `json:"submitted_by,omitempty"`
	Submitted   time.Time `json:"submitted"`
}

// Publisher is what Submit needs.
type Publisher interface {
	Publish(ctx context.Context, subject, msgID string, data []byte) error
}

// Submit queues a link for any crawler process and returns the article ID
// it will have. Submitting the same link twice queues it once.
func Submit(ctx context.Context, p Publisher, rawURL, by string, now time.Time) (id string, err error) {
	id, canonical, err := article.IDFromURL(rawURL)
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(Submission{URL: canonical, SubmittedBy: by, Submitted: now.UTC()})
	if err != nil {
		return "", fmt.Errorf("encode submission: %w", err)
	}
	if err := p.Publish(ctx, bus.SubjectSubmit, "submit:"+id, data); err != nil {
		return "", err
	}
	return id, nil
}

func (c *Crawler) handleSubmit(ctx context.Context, msg jetstream.Msg) error {
	var s Submission
	if err := json.Unmarshal(msg.Data(), &s); err != nil {
		return bus.Permanent(fmt.Errorf("decode crawl.submit: %w", err))
	}
	done := make(chan error, 1)
	src := config.Source{ID: manualSource, Name: "Submitted by an officer", Kind: "manual"}
	select {
	case c.jobs <- job{src: src, cand: candidate{url: s.URL}, done: done}:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stopping:
		return bus.Transient(errors.New("crawler stopping"))
	}
	err := <-done
	if errors.Is(err, errAlreadySeen) {
		err = nil
	}
	if err == nil {
		c.recordSubmission(ctx, s, SubmissionFetched, nil)
		return nil
	}
	c.log.Warn("submitted link failed", "url", s.URL, "err", err)
	var fe *fetch.Error
	if errors.As(err, &fe) && !fe.Temporary() {
		// A 404 or a refused address will not get better: keep it in
		// the dead-letter stream, and say why on the link's page.
		c.recordSubmission(ctx, s, SubmissionFailed, err)
		return bus.Permanent(err)
	}
	if md, merr := msg.Metadata(); merr == nil && md.NumDelivered < submitPatience {
		// A site down for a while (5xx, cooling down after 429,
		// robots.txt unreachable): keep trying, with the bus's
		// backoff, before giving up.
		c.recordSubmission(ctx, s, SubmissionRetrying, err)
		return bus.Transient(err)
	}
	c.recordSubmission(ctx, s, SubmissionFailed, err)
	return err
}

// recordSubmission tells the officer what became of the link.
func (c *Crawler) recordSubmission(ctx context.Context, s Submission, state string, cause error) {
	if err := RecordSubmission(ctx, c.bus.KV(bus.BucketSubmissions), c.submissionStatus(s, state, cause)); err != nil {
		c.log.Warn("record submission", "url", s.URL, "err", err)
	}
}

func (c *Crawler) submissionStatus(s Submission, state string, cause error) SubmissionStatus {
	id, _, _ := article.IDFromURL(s.URL)
	st := SubmissionStatus{ID: id, URL: s.URL, SubmittedBy: s.SubmittedBy, Submitted: s.Submitted, State: state, Updated: c.now().UTC()}
	if cause != nil {
		st.Error = cause.Error()
	}
	return st
}
