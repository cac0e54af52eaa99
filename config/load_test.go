package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// validToken is long enough for Validate.
const validToken = "tok-0123456789abcdef"

func TestLoadUnknownKey(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // error, with FILE standing for the path
	}{
		{
			name: "top level",
			yaml: "listen: :8080\ncolour: red\n",
			want: `FILE:2: unknown key "colour"`,
		},
		{
			name: "nested",
			yaml: "crawler:\n  concurrency: 4\n  user_agnet: x\n",
			want: `FILE:3: unknown key "user_agnet"`,
		},
		{
			name: "inside a list item",
			yaml: `crawler:
  sources:
    - {id: a, kind: feed, url: "https://a.example/rss"}
    - {id: b, kind: feed, url: "https://b.example/rss"}
    - id: c
      kindd: feed
      url: https://c.example/rss
`,
			want: `FILE:6: unknown key "kindd"`,
		},
		{
			name: "inside a pointer struct",
			yaml: `alerts:
  receivers:
    - name: hook
      webhook:
        url: https://hooks.example/x
        retries: 3
`,
			want: `FILE:6: unknown key "retries"`,
		},
		{
			name: "inside an empty struct",
			yaml: "alerts:\n  receivers:\n    - name: log\n      log: {level: info}\n",
			want: `FILE:4: unknown key "level"`,
		},
		{
			name: "unexported field is not a key",
			yaml: "path: /etc\n",
			want: `FILE:1: unknown key "path"`,
		},
		{
			name: "key case matters",
			yaml: "\n\nListen: :8080\n",
			want: `FILE:3: unknown key "Listen"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.yaml)
			_, err := Load(path, nil)
			checkErrLines(t, err, []string{strings.ReplaceAll(tt.want, "FILE", path)})
		})
	}
}

// The message is a contract: other tests and tools match on it, with the
// path exactly as given to Load.
func TestLoadUnknownKeyRelativePath(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.yaml", "log:\n  level: info\n\n\n\n\n  colour: red\n")
	t.Chdir(dir)
	_, err := Load("bad.yaml", nil)
	checkErrLines(t, err, []string{`bad.yaml:7: unknown key "colour"`})
	e := firstError(t, err)
	if e.File != "bad.yaml" || e.Line != 7 {
		t.Errorf("Error = %+v, want File bad.yaml Line 7", e)
	}
}

func TestLoadBadValues(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"duration", "crawler:\n  fetch_timeout: 3 parsecs\n", `FILE:2: crawler.fetch_timeout: invalid duration "3 parsecs"`},
		{"duration without unit", "nats:\n  ack_wait: 30\n", `FILE:2: nats.ack_wait: invalid duration "30" (missing unit, e.g. "30s")`},
		{"byte size", "crawler:\n  max_body_bytes: 10 megs\n", `FILE:2: crawler.max_body_bytes: invalid byte size "10 megs" (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`},
		{"int", "indexer:\n  batch_size: ten\n", `FILE:2: indexer.batch_size: invalid integer "ten"`},
		{"int from float", "indexer:\n  batch_size: 2.5\n", `FILE:2: indexer.batch_size: invalid integer "2.5"`},
		{"int overflow", "nats:\n  replicas: 99999999999999999999\n", `FILE:2: nats.replicas: invalid integer "99999999999999999999"`},
		{"bool", "api:\n  metrics_public: maybe\n", `FILE:2: api.metrics_public: invalid boolean "maybe" (want true or false)`},
		{"bool in list item", "crawler:\n  sources:\n    - id: a\n      enabled: sometimes\n", `FILE:4: crawler.sources[0].enabled: invalid boolean "sometimes" (want true or false)`},
		{"string for list", "roles: crawler\n", `FILE:1: roles: expected a list, got "crawler"`},
		{"scalar for mapping", "log: debug\n", `FILE:1: log: expected a mapping, got "debug"`},
		{"list for scalar", "listen: [a, b]\n", `FILE:1: listen: expected a string, got a list`},
		{"mapping for int", "nats:\n  replicas: {n: 3}\n", `FILE:2: nats.replicas: expected an integer, got a mapping`},
		{"list for pointer struct", "alerts:\n  receivers:\n    - name: x\n      webhook: [a]\n", `FILE:4: alerts.receivers[0].webhook: expected a mapping, got a list`},
		{"top level not a mapping", "just text\n", `FILE:1: expected a mapping of settings, got "just text"`},
		{"duplicate key", "listen: :1\nlisten: :2\n", `FILE:2: listen: duplicate key (first set at line 1)`},
		{"key not a name", "[a]: b\n", `FILE:1: a key must be a plain name, got a list`},
		{"bad merge", "log:\n  <<: text\n", `FILE:2: log: a merge (<<) needs a mapping or a list of mappings, got "text"`},
		{"long value cut short", "log: " + strings.Repeat("ô", 50) + "\n", `FILE:1: log: expected a mapping, got "` + strings.Repeat("ô", 40) + `..."`},
		{"repeats reported once", "crawler:\n  sources:\n    - &s {id: a, colour: red}\n    - *s\n    - *s\n", `FILE:3: unknown key "colour"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.yaml)
			_, err := Load(path, nil)
			checkErrLines(t, err, []string{strings.ReplaceAll(tt.want, "FILE", path)})
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	path := writeConfig(t, `listen: 127.0.0.1:8080
colour: red
crawler:
  fetch_timeout: 3 parsecs
  concurrency: many
  sources:
    - id: a
      kind: feed
      url: feed.xml
      shape: round
alerts:
  receivers:
    - name: hook
      webhook:
        url: https://hooks.example/x
        timeout: soon
indexer:
  batch_size: 0
`)
	_, err := Load(path, []string{"PRESSWATCH_NATS_ULR=nats://x:4222"})
	checkErrLines(t, err, []string{
		path + `:2: unknown key "colour"`,
		path + `:4: crawler.fetch_timeout: invalid duration "3 parsecs"`,
		path + `:5: crawler.concurrency: invalid integer "many"`,
		path + `:10: unknown key "shape"`,
		path + `:16: alerts.receivers[0].webhook.timeout: invalid duration "soon"`,
		`environment: unknown variable PRESSWATCH_NATS_ULR`,
	})
}

func TestLoadTooManyProblems(t *testing.T) {
	var b strings.Builder
	for i := range maxErrors + 5 {
		b.WriteString("k")
		b.WriteString(strings.Repeat("x", i+1))
		b.WriteString(": 1\n")
	}
	_, err := Load(writeConfig(t, b.String()), nil)
	lines := errLines(err)
	if len(lines) != maxErrors+1 || lines[maxErrors] != "... and 5 more problems" {
		t.Errorf("got %d lines ending %q", len(lines), lines[len(lines)-1])
	}
}

// withoutOrigins lets tests compare a loaded Config with an expected one.
func withoutOrigins(c Config) Config {
	c.origins = nil
	return c
}

func TestLoadDefaults(t *testing.T) {
	tests := []struct {
		name string
		yaml string
	}{
		{"empty file", ""},
		{"comments only", "# nothing set\n"},
		{"empty document", "---\n"},
		{"null document", "~\n"},
		{"empty mapping", "{}\n"},
		{"null blocks keep defaults", "crawler:\nnats:\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.yaml)
			got, err := Load(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			want.path = path
			resolvePaths(&want, filepath.Dir(path))
			if !reflect.DeepEqual(withoutOrigins(got), want) {
				t.Errorf("Load = %+v\nwant %+v", got, want)
			}
		})
	}
	t.Run("no file", func(t *testing.T) {
		got, err := Load("", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(withoutOrigins(got), Default()) || got.Path() != "" {
			t.Errorf("Load(\"\") = %+v, want Default()", got)
		}
	})
}

func TestLoadValues(t *testing.T) {
	path := writeConfig(t, `data_dir: /var/lib/presswatch
listen: "[::1]:9090"
roles: [crawler, indexer]
log: {level: debug, format: json}
nats:
  url: nats://a:4222,nats://b:4222
  replicas: 3
  article_retention: 730d
crawler:
  max_body_bytes: 512KiB
  allow_private_hosts: [10.0.0.0/8, localhost]
  sources:
    - id: vnexpress
      kind: feed
      url: https://vnexpress.net/rss/thoi-su.rss
      regions: [national]
      interval: 10m
      enabled: false
alerts:
  receivers:
    - name: log
      log:
api:
  metrics_public: yes
`)
	c, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := false
	checks := []struct {
		name      string
		got, want any
	}{
		{"data_dir", c.DataDir, "/var/lib/presswatch"},
		{"listen", c.Listen, "[::1]:9090"},
		{"roles", c.Roles, []string{"crawler", "indexer"}},
		{"log", c.Log, LogConfig{Level: "debug", Format: "json"}},
		{"nats.url", c.NATS.URL, "nats://a:4222,nats://b:4222"},
		{"nats.replicas", c.NATS.Replicas, 3},
		{"nats.max_deliver (default kept)", c.NATS.MaxDeliver, 5},
		{"nats.article_retention", c.NATS.ArticleRetention.D(), 730 * 24 * time.Hour},
		{"crawler.max_body_bytes", c.Crawler.MaxBodyBytes.Int64(), int64(512 << 10)},
		{"crawler.allow_private_hosts", c.Crawler.AllowPrivateHosts, []string{"10.0.0.0/8", "localhost"}},
		{"crawler.sources", c.Crawler.Sources, []Source{{
			ID: "vnexpress", Kind: "feed", URL: "https://vnexpress.net/rss/thoi-su.rss",
			Regions: []string{"national"}, Interval: Duration(10 * time.Minute), Enabled: &f,
		}}},
		{"source enabled", c.Crawler.Sources[0].IsEnabled(), false},
		// "log:" with no value still selects the log kind.
		{"alerts.receivers", c.Alerts.Receivers, []Receiver{{Name: "log", Log: &LogReceiver{}}}},
		{"api.metrics_public", *c.API.MetricsPublic, true},
		{"path", c.Path(), path},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
}

func TestLoadNullList(t *testing.T) {
	path := writeConfig(t, "\nroles:\n")
	_, err := Load(path, nil)
	checkErrLines(t, err, []string{path + ":2: roles: must list at least one of crawler, classifier, indexer, alerts, web"})
}

// Anchors and merge keys let a long sources list share settings.
func TestLoadMergeKeys(t *testing.T) {
	path := writeConfig(t, `crawler:
  sources:
    - &base
      id: base
      kind: feed
      url: https://a.example/rss
      tier: local
      interval: 15m
    - <<: *base
      id: other
      url: https://b.example/rss
    - <<: [{tier: central, lang: vi}, *base]
      id: third
    - <<: *base
      id: fourth
      colour: red
`)
	c, err := Load(path, nil)
	checkErrLines(t, err, []string{path + `:16: unknown key "colour"`})

	path = writeConfig(t, `crawler:
  sources:
    - &base
      id: base
      kind: feed
      url: https://a.example/rss
      tier: local
      interval: 15m
    - <<: *base
      id: other
      url: https://b.example/rss
    - <<: [{tier: central, lang: vi}, *base]
      id: third
`)
	if c, err = Load(path, nil); err != nil {
		t.Fatal(err)
	}
	got := c.Crawler.Sources
	if len(got) != 3 {
		t.Fatalf("got %d sources", len(got))
	}
	if s := got[1]; s.ID != "other" || s.URL != "https://b.example/rss" || s.Tier != "local" || s.Interval.D() != 15*time.Minute {
		t.Errorf("merged source = %+v", s)
	}
	// Earlier mappings in a merge list win over later ones.
	if s := got[2]; s.ID != "third" || s.Tier != "central" || s.Lang != "vi" || s.URL != "https://a.example/rss" {
		t.Errorf("merged source = %+v", s)
	}
}

// Merge keys nest without bound in the Go types, so a small file of
// aliases could make the decoder visit 10^9 mappings ("billion laughs").
func TestLoadAliasBomb(t *testing.T) {
	level := "&l0 {format: text}"
	for i := 1; i <= 9; i++ {
		prev := "*l" + strconv.Itoa(i-1)
		level = "&l" + strconv.Itoa(i) + " {<<: [" + level + strings.Repeat(", "+prev, 9) + "]}"
	}
	path := writeConfig(t, "log:\n  <<: ["+level+"]\n")
	done := make(chan error, 1)
	go func() {
		_, err := Load(path, nil)
		done <- err
	}()
	select {
	case err := <-done:
		want := "document too large or too deeply aliased (more than 1048576 nodes)"
		if lines := errLines(err); len(lines) != 1 || !strings.HasPrefix(lines[0], path+":2:") || !strings.HasSuffix(lines[0], want) {
			t.Errorf("got %q, want one line %q", lines, path+":2: "+want)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Load still busy after 30s")
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	_, err := Load(missing, nil)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}

	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"syntax", "listen: :8080\ncrawler:\n  sources: [a, b\n", "FILE: yaml: line 2: did not find expected ',' or ']'"},
		{"tab indentation", "log:\n\tlevel: info\n", "FILE: yaml: line 2: found character that cannot start any token"},
		{"two documents", "listen: :8080\n---\nlisten: :9090\n", "FILE:2: a second YAML document: the file must hold exactly one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.yaml)
			_, err := Load(path, nil)
			checkErrLines(t, err, []string{strings.ReplaceAll(tt.want, "FILE", path)})
		})
	}
}

func TestLoadResolvesRelativePaths(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "etc/secrets/token", validToken+"\n")
	writeFile(t, dir, "etc/presswatch.yaml", `data_dir: data
nats:
  credentials_file: ../creds/presswatch.creds
crawler:
  sources_file: sources.yaml
classifier:
  rules_dir: /srv/rules
api:
  tokens:
    - {name: ci, role: viewer, token_file: secrets/token}
`)
	t.Chdir(dir)
	c, err := Load(filepath.Join("etc", "presswatch.yaml"), []string{"PRESSWATCH_CRAWLER_SOURCES_FILE=mine.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, got, want string }{
		{"data_dir", c.DataDir, "etc/data"},
		{"nats.credentials_file", c.NATS.CredentialsFile, "creds/presswatch.creds"},
		// From the environment: relative to the working directory.
		{"crawler.sources_file", c.Crawler.SourcesFile, "mine.yaml"},
		{"classifier.rules_dir (absolute)", c.Classifier.RulesDir, "/srv/rules"},
		{"api.tokens[0].token_file", c.API.Tokens[0].TokenFile, "etc/secrets/token"},
		{"api.tokens[0].token", c.API.Tokens[0].Token.Reveal(), validToken},
	}
	for _, tt := range tests {
		if tt.got != filepath.FromSlash(tt.want) {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}

	// Without a file nothing is resolved: defaults are relative to the
	// working directory.
	c, err = Load("", nil)
	if err != nil || c.DataDir != "./data" || c.Classifier.RulesDir != "rules" {
		t.Errorf("Load(\"\") = data_dir %q, rules_dir %q, %v", c.DataDir, c.Classifier.RulesDir, err)
	}
}

func TestLoadSecretFiles(t *testing.T) {
	const hook = `alerts:
  base_url: https://presswatch.example.gov.vn
  receivers:
    - name: hook
      webhook:
`
	tests := []struct {
		name   string
		files  map[string]string // relative to the config's directory
		yaml   string
		check  func(t *testing.T, c Config)
		errors []string // FILE and DIR stand for the config file and its directory
	}{
		{
			name:  "webhook url and secret, token",
			files: map[string]string{"url": "https://hooks.slack.example/T0/B0/xyz\n", "key": "s3cret\r\n", "tok": validToken + "\n\n"},
			yaml: hook + `        url_file: url
        secret_file: key
api:
  tokens:
    - {name: ci, role: viewer, token_file: tok}
`,
			check: func(t *testing.T, c Config) {
				w := c.Alerts.Receivers[0].Webhook
				if w.URL.Reveal() != "https://hooks.slack.example/T0/B0/xyz" || w.Secret.Reveal() != "s3cret" {
					t.Errorf("webhook = %q, %q", w.URL.Reveal(), w.Secret.Reveal())
				}
			},
			// Only one newline is trimmed: the second is part of the value.
			errors: []string{"FILE:10: api.tokens[0].token: must be one line without surrounding blanks"},
		},
		{
			name:  "inline and file both set",
			files: map[string]string{"key": "s3cret"},
			yaml:  hook + "        url: https://hooks.example/x\n        secret: abc\n        secret_file: key\n",
			errors: []string{
				"FILE:8: alerts.receivers[0].webhook.secret_file: set either secret or secret_file, not both",
			},
		},
		{
			name: "missing file",
			yaml: hook + "        url_file: nope\n",
			errors: []string{
				"FILE:6: alerts.receivers[0].webhook.url_file: read secret: open DIR/nope: no such file or directory",
			},
		},
		{
			name:  "file too large",
			files: map[string]string{"tok": strings.Repeat("x", 64<<10+1)},
			yaml:  "api:\n  tokens:\n    - name: ci\n      role: admin\n      token_file: tok\n",
			errors: []string{
				"FILE:5: api.tokens[0].token_file: read secret: DIR/tok is larger than 64KiB",
			},
		},
		{
			name:  "empty file",
			files: map[string]string{"tok": "\n"},
			yaml:  "api:\n  tokens:\n    - name: ci\n      role: admin\n      token_file: tok\n",
			errors: []string{
				"FILE:5: api.tokens[0].token_file: read secret: DIR/tok is empty",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, dir, name, content)
			}
			path := writeFile(t, dir, "presswatch.yaml", tt.yaml)
			c, err := Load(path, nil)
			var want []string
			for _, e := range tt.errors {
				want = append(want, strings.NewReplacer("FILE", path, "DIR", dir).Replace(e))
			}
			checkErrLines(t, err, want)
			if err == nil && tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

// Validation problems point at the line the value was written on.
func TestLoadValidationLines(t *testing.T) {
	path := writeConfig(t, `crawler:
  sources:
    - id: good
      kind: feed
      url: https://a.example/rss
    - id: bad
      kind: feed
      url: feed.xml
    - id: good
      kind: podcast
      url: https://b.example/sitemap.xml
alerts:
  receivers:
    - name: empty
roles: [crawler, crawler]
`)
	_, err := Load(path, nil)
	checkErrLines(t, err, []string{
		path + `:15: roles[1]: "crawler" is listed twice`,
		path + `:8: crawler.sources[1].url: must be an absolute http(s) URL, got "feed.xml"`,
		path + `:10: crawler.sources[2].kind: must be one of feed, sitemap, site, search, youtube, telegram, got "podcast"`,
		path + `:9: crawler.sources[2].id: duplicate id "good" (also crawler.sources[0])`,
		path + `:14: alerts.receivers[0]: must set exactly one of log, webhook, email, telegram, zalo, slack; 0 set`,
	})
}
