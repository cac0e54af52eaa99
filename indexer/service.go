package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"
)

// NATS subjects of the search service: any indexer replica answers, so a
// web process on another machine can search.
const (
	SubjectSearch  = "presswatch.search"
	SubjectArticle = "presswatch.article"
	SubjectTally   = "presswatch.tally"
)

// Serve registers the index as the NATS micro service "presswatch-search"
// until Stop is called on the returned service.
func (x *Index) Serve(nc *nats.Conn, timeout time.Duration) (micro.Service, error) {
	svc, err := micro.AddService(nc, micro.Config{
		Name:        "presswatch-search",
		Version:     "1.0.0",
		Description: "full-text search over the article index",
		QueueGroup:  "presswatch-search",
	})
	if err != nil {
		return nil, fmt.Errorf("search service: %w", err)
	}
	handle := func(do func(ctx context.Context, data []byte) (any, error)) micro.HandlerFunc {
		return func(r micro.Request) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			v, err := do(ctx, r.Data())
			if err != nil {
				code := "500"
				switch {
				case errors.Is(err, ErrBadQuery):
					code = "400"
				case errors.Is(err, ErrNotFound):
					code = "404"
				case errors.Is(err, context.DeadlineExceeded):
					code = "504"
				}
				_ = r.Error(code, err.Error(), nil)
				return
			}
			_ = r.RespondJSON(v)
		}
	}
	if err := svc.AddEndpoint("search", handle(func(ctx context.Context, data []byte) (any, error) {
		var req SearchRequest
		if err := json.Unmarshal(data, &req); err != nil {
			return nil, fmt.Errorf("%w: request: %w", ErrBadQuery, err)
		}
		return x.Search(ctx, req)
	}), micro.WithEndpointSubject(SubjectSearch)); err != nil {
		_ = svc.Stop()
		return nil, fmt.Errorf("search service: %w", err)
	}
	if err := svc.AddEndpoint("tally", handle(func(ctx context.Context, data []byte) (any, error) {
		var req TallyRequest
		if err := json.Unmarshal(data, &req); err != nil {
			return nil, fmt.Errorf("%w: request: %w", ErrBadQuery, err)
		}
		return x.Tally(ctx, req)
	}), micro.WithEndpointSubject(SubjectTally)); err != nil {
		_ = svc.Stop()
		return nil, fmt.Errorf("search service: %w", err)
	}
	if err := svc.AddEndpoint("article", handle(func(ctx context.Context, data []byte) (any, error) {
		return x.Get(ctx, string(data))
	}), micro.WithEndpointSubject(SubjectArticle)); err != nil {
		_ = svc.Stop()
		return nil, fmt.Errorf("search service: %w", err)
	}
	return svc, nil
}

// ErrUnavailable is returned when no indexer answers (HTTP 503).
var ErrUnavailable = errors.New("search unavailable")

// Remote searches through the NATS service, for processes without an
// index of their own.
type Remote struct{ NC *nats.Conn }

// Search asks any indexer replica.
func (r Remote) Search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	data, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var out SearchResult
	if err := r.request(ctx, SubjectSearch, data, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Tally asks any indexer replica for a report's counts.
func (r Remote) Tally(ctx context.Context, req TallyRequest) (*Tally, error) {
	data, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var out Tally
	if err := r.request(ctx, SubjectTally, data, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get asks any indexer replica for one article.
func (r Remote) Get(ctx context.Context, id string) (*ArticleView, error) {
	var out ArticleView
	if err := r.request(ctx, SubjectArticle, []byte(id), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (r Remote) request(ctx context.Context, subject string, data []byte, out any) error {
	msg, err := r.NC.RequestWithContext(ctx, subject, data)
	if err != nil {
		if errors.Is(err, nats.ErrNoResponders) {
			return fmt.Errorf("%w: no indexer is running", ErrUnavailable)
		}
		return fmt.Errorf("search service: %w", err)
	}
	if code := msg.Header.Get(micro.ErrorCodeHeader); code != "" {
		desc := msg.Header.Get(micro.ErrorHeader)
		switch code {
		case "400":
			return fmt.Errorf("%w: %s", ErrBadQuery, stripBadQuery(desc))
		case "404":
			return fmt.Errorf("%s: %w", desc, ErrNotFound)
		case "504":
			return fmt.Errorf("%s: %w", desc, context.DeadlineExceeded)
		}
		return fmt.Errorf("search service: %s", desc)
	}
	if err := json.Unmarshal(msg.Data, out); err != nil {
		return fmt.Errorf("search service answer: %w", err)
	}
	return nil
}

// stripBadQuery avoids "bad query: bad query: …" once the error crossed
// the wire.
func stripBadQuery(s string) string {
	const p = "bad query: "
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
