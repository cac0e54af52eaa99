package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const examplePath = "../examples/presswatch.yaml"

// secretFileKeys are the *_file keys Load reads itself.
func secretFileKeys() []string { return []string{"url_file", "secret_file", "token_file"} }

// collectSecretFiles finds the values of the secret *_file keys in a YAML
// tree, so that the test follows the example rather than repeating it.
func collectSecretFiles(n *yaml.Node, out map[string]string) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			for _, name := range secretFileKeys() {
				if k.Value == name && v.Kind == yaml.ScalarNode {
					out[v.Value] = name
				}
			}
		}
	}
	for _, c := range n.Content {
		collectSecretFiles(c, out)
	}
}

// The example is what operators copy: it must load, with the secret files
// it names in place (they are files of their own, not part of the
// example), and without any other file (sources_file and rules_dir are
// read by the crawler and classifier, not by Load).
func TestExampleLoads(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := writeFile(t, dir, "presswatch.yaml", string(data))

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	secrets := make(map[string]string)
	collectSecretFiles(&doc, secrets)
	if len(secrets) == 0 {
		t.Fatal("the example reads no secret from a file")
	}
	for file, key := range secrets {
		if filepath.IsAbs(file) {
			t.Errorf("%s %s is absolute: the test cannot provide it", key, file)
			continue
		}
		value := "example-secret-0123456789abcdef\n"
		if key == "url_file" {
			value = "https://hooks.example.org/services/T0/B0/example\n"
		}
		writeFile(t, dir, file, value)
	}

	c, err := Load(path, nil)
	if err != nil {
		t.Fatalf("example does not load:\n%v", err)
	}
	checks := []struct{ name, got, want string }{
		{"data_dir", c.DataDir, "/var/lib/presswatch"},
		{"listen", c.Listen, "0.0.0.0:8080"},
		{"sources_file", c.Crawler.SourcesFile, filepath.Join(dir, "sources.yaml")},
		{"rules_dir", c.Classifier.RulesDir, filepath.Join(dir, "rules")},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	var hooks, logs int
	for _, r := range c.Alerts.Receivers {
		if r.Webhook != nil && r.Webhook.Secret != "" {
			hooks++
		}
		if r.Log != nil {
			logs++
		}
	}
	if hooks != 1 || logs != 1 || len(c.API.Tokens) != 1 || c.API.Tokens[0].Token == "" {
		t.Errorf("want one log receiver, one webhook with a secret and one token; got %+v, %+v", c.Alerts.Receivers, c.API.Tokens)
	}
}

// yamlKeys lists the key names of struct type t and the structs under it.
// Types already seen are skipped: the routing tree nests routes in routes.
func yamlKeys(t reflect.Type, out map[string]bool, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[Duration]() || t == reflect.TypeFor[ByteSize]() || seen[t] {
		return
	}
	seen[t] = true
	for i := range t.NumField() {
		if name, ok := yamlName(t.Field(i)); ok {
			out[name] = true
			yamlKeys(t.Field(i).Type, out, seen)
		}
	}
}

// The example documents every key (set, or shown commented out) and every
// environment variable.
func TestExampleDocumentsEverything(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	keys := make(map[string]bool)
	yamlKeys(reflect.TypeFor[Config](), keys, map[reflect.Type]bool{})
	for key := range keys {
		re := regexp.MustCompile(`(?m)^[ \t]*(?:#[ \t]*)?(?:-[ \t]*)?` + regexp.QuoteMeta(key) + `:`)
		if !re.MatchString(text) {
			t.Errorf("example lacks key %q", key)
		}
	}
	c := Default()
	targets := make(map[string]envTarget)
	envTargets(reflect.ValueOf(&c).Elem(), "", targets)
	for name := range targets {
		if !strings.Contains(text, name) {
			t.Errorf("example does not name %s", name)
		}
	}
}
