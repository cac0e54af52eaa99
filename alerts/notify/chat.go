package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/presswatch/presswatch/article"
)

// ChatAPI is what the chat receivers (Telegram, Zalo, Slack-compatible
// webhooks) share: one HTTP endpoint that takes a JSON body, a name for
// errors taken from the API's host, and the secrets no error may quote.
// Each receiver keeps only what is its own: the body's shape and how to
// read the answer.
type ChatAPI struct {
	// What names the API in errors: "telegram api.telegram.org".
	What     string
	endpoint string
	header   http.Header
	secrets  []string
	client   *http.Client
	timeout  time.Duration
}

// ChatOptions describe one chat API.
type ChatOptions struct {
	// Kind names the receiver in errors ("telegram").
	Kind string
	// BaseURL is the API server; its host names the API in errors. An
	// empty BaseURL takes DefaultURL.
	BaseURL, DefaultURL string
	// Path is appended to BaseURL to form the endpoint.
	Path string
	// Header holds extra request headers (Content-Type is always JSON).
	Header http.Header
	// Secrets are scrubbed from every error; the endpoint always is.
	Secrets []string
	Client  *http.Client
	Timeout time.Duration
}

// NewChatAPI checks the API URL and builds the endpoint.
func NewChatAPI(o ChatOptions) (*ChatAPI, error) {
	base := o.BaseURL
	if base == "" {
		base = o.DefaultURL
	}
	if !article.IsWebURL(base) {
		return nil, fmt.Errorf("%s: api_url must be an absolute http(s) URL", o.Kind)
	}
	u, _ := url.Parse(base)
	header := http.Header{"Content-Type": {"application/json"}}
	for k, v := range o.Header {
		header[k] = v
	}
	return &ChatAPI{
		What: o.Kind + " " + u.Host, endpoint: strings.TrimRight(base, "/") + o.Path,
		header: header, secrets: o.Secrets, client: o.Client, timeout: o.Timeout,
	}, nil
}

// PostJSON encodes v and posts it. A request that cannot be sent or
// answered is a temporary error; the answer is the receiver's to judge.
func (c *ChatAPI) PostJSON(ctx context.Context, v any) (*Answer, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: encode: %w", c.What, err)
	}
	return Post(ctx, c.client, c.timeout, c.What, c.endpoint, c.header, body, c.secrets...)
}

// Scrub is Scrub with this API's secrets and endpoint.
func (c *ChatAPI) Scrub(err error) error {
	return Scrub(err, append([]string{c.endpoint}, c.secrets...)...)
}

// Errorf formats an error about this API, naming it and scrubbing its
// secrets.
func (c *ChatAPI) Errorf(format string, args ...any) error {
	return c.Scrub(fmt.Errorf(c.What+": "+format, args...))
}
