package app_test

import (
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// freeAddr is a loopback address with a free port, known before the app
// starts so that alerts.base_url can name it.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// webClient signs in through the login form like a browser and keeps the
// session's CSRF token for forms; it does not follow redirects.
type webClient struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newBrowserClient(t *testing.T, base string) *webClient {
	jar, _ := cookiejar.New(nil)
	return &webClient{t: t, base: base, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *webClient) do(method, target string, form url.Values) (int, string) {
	c.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = c.base + target
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(data); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(data)
}

func (c *webClient) get(target string) (int, string) { return c.do(http.MethodGet, target, nil) }

func (c *webClient) post(target string, form url.Values) (int, string) {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf)
	return c.do(http.MethodPost, target, form)
}

func (c *webClient) login(name, password string) {
	c.t.Helper()
	c.get("/login")
	if code, _ := c.post("/login", url.Values{"name": {name}, "password": {password}}); code != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d", name, code)
	}
	c.get("/account")
}

// getPage fetches a page without a session.
func getPage(t *testing.T, target string, _ url.Values) (int, string) {
	return newBrowserClient(t, "").get(target)
}
