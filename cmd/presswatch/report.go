package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/presswatch/presswatch/report/render"
)

// runReport asks a running presswatch for a report over its API, as
// search does: the server holds the index and the alert store, in every
// deployment.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", envOr("PRESSWATCH_SERVER", "http://127.0.0.1:8080"), "presswatch API base URL (or PRESSWATCH_SERVER)")
	token := fs.String("token", "", "API token (default: PRESSWATCH_TOKEN)")
	from := fs.String("from", "", "first day of the period, YYYY-MM-DD (default: last week's Monday)")
	to := fs.String("to", "", "last day of the period, YYYY-MM-DD (default: last week's Sunday)")
	format := fs.String("format", "pdf", "pdf, xlsx, html or csv")
	lang := fs.String("lang", "", "vi or en (default: report.lang)")
	out := fs.String("out", "", "file to write (default: the report's name in the current directory; - for standard output)")
	timeout := fs.Duration("timeout", 3*time.Minute, "how long to wait for the server")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: presswatch report [--from YYYY-MM-DD --to YYYY-MM-DD] [--format pdf|xlsx|html|csv] [--out FILE]\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("presswatch report: unexpected argument %q", fs.Arg(0))
	}
	f, err := render.ParseFormat(*format)
	if err != nil {
		return fmt.Errorf("presswatch report: %w", err)
	}
	tok := *token
	if tok == "" {
		tok = os.Getenv("PRESSWATCH_TOKEN")
	}
	q := url.Values{"format": {string(f)}}
	for k, v := range map[string]string{"from": *from, "to": *to, "lang": *lang} {
		if v != "" {
			q.Set(k, v)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	body, disposition, err := fetchReport(ctx, *server, tok, q)
	if err != nil {
		return fmt.Errorf("presswatch report: %w", err)
	}
	name := reportName(*out, disposition, f)
	if name == "-" {
		_, err := stdout.Write(body)
		return err
	}
	if err := os.WriteFile(name, body, 0o644); err != nil {
		return fmt.Errorf("presswatch report: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", name, len(body))
	return nil
}

// fetchReport asks server for the report q describes and returns it with
// its Content-Disposition. A refusal is an error carrying the server's
// reason.
func fetchReport(ctx context.Context, server, token string, q url.Values) (body []byte, disposition string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(server, "/")+"/api/v1/reports/render?"+q.Encode(), nil)
	if err != nil {
		return nil, "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return nil, "", fmt.Errorf("%s: %s", resp.Status, e.Error)
	}
	return body, resp.Header.Get("Content-Disposition"), nil
}

// reportName is the file to write: out if given, else the name the
// server suggests (its base name only), else bao-cao.<format>.
func reportName(out, disposition string, f render.Format) string {
	if out != "" {
		return out
	}
	_, params, _ := mime.ParseMediaType(disposition)
	name := filepath.Base(params["filename"])
	if name == "." || name == "/" || name == "" {
		name = "bao-cao." + string(f)
	}
	return name
}
