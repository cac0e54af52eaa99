package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzLoad feeds arbitrary files to Load. It must not panic or hang, and it
// returns either a Config that passes Validate or an error whose every line
// points into the file.
func FuzzLoad(f *testing.F) {
	if example, err := os.ReadFile(examplePath); err == nil {
		f.Add(example)
	}
	for _, seed := range []string{
		"",
		"listen: :8080\ncolour: red\n",
		"roles: [crawler, crawler]\nlog: {level: debug}\n",
		"crawler:\n  fetch_timeout: 7d\n  max_body_bytes: 1.5MiB\n  sources:\n    - {id: a, kind: feed, url: \"https://a.example/rss\", enabled: no}\n",
		"alerts:\n  receivers:\n    - name: h\n      webhook: {url: \"https://h.example\", secret_file: s, timeout: 1s}\n    - name: l\n      log:\n",
		"api:\n  tokens:\n    - {name: a, role: admin, token: 0123456789abcdef}\n  metrics_public: true\n",
		"crawler:\n  sources:\n    - &b {id: a, kind: feed, url: \"https://a.example/\"}\n    - <<: *b\n      id: b\n",
		"nats: {url: \"nats://a:1,tls://b:2\", replicas: 3, ack_wait: 30, article_retention: 1h}\n",
		"a: &a [1]\nb: *a\n---\nc: 1\n",
		"listen: :1\nlisten: :2\n? [x]\n: y\n",
	} {
		f.Add([]byte(seed))
	}
	// One file per worker process, rewritten for each input (a worker runs
	// one input at a time): a fresh directory per input halves the rate.
	path := filepath.Join(f.TempDir(), "presswatch.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		c, err := Load(path, nil)
		// The slowest legitimate input, an alias bomb stopped by maxNodes,
		// takes a fraction of a second.
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("Load took %v", took)
		}
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("Load accepted a config that Validate rejects: %v", verr)
			}
			return
		}
		for _, line := range errLines(err) {
			if !strings.HasPrefix(line, path+":") && !strings.HasPrefix(line, "... and ") {
				t.Fatalf("error line does not name the file: %q", line)
			}
		}
	})
}
