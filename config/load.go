package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Load reads the configuration: Default, then the YAML file at path (none
// if path is empty), then the PRESSWATCH_* variables in env (pass
// os.Environ()), then Validate.
//
// Decoding is strict. Unknown keys and values that do not parse, in the
// file and the environment, are reported together, one per line, each as
// "FILE:LINE: KEY: problem" (see Error); when there are none, so are all
// the problems Validate finds.
//
// Relative paths in the file are relative to the file's directory, so the
// service finds its rules and sources whatever its working directory;
// relative paths from the environment are relative to the working
// directory, like command-line arguments. The *_file secrets (webhook and
// slack url_file, secret_file, email password_file, telegram
// bot_token_file, zalo access_token_file, token_file) are read here; other referenced
// files (sources_file, rules_dir, credentials_file) are read by the
// components that use them.
//
// Command-line flags that override settings are best passed as variables
// appended to env (later entries win): their errors then name the flag's
// variable rather than the line it replaced.
func Load(path string, env []string) (Config, error) {
	c := Default()
	c.origins = newOrigins()
	var errs errList

	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("read config: %w", err)
		}
		c.path = path
		doc, err := parseYAML(path, data)
		if err != nil {
			return Config{}, err
		}
		d := decoder{file: path, origins: c.origins, errs: &errs}
		d.document(doc, &c)
		resolvePaths(&c, filepath.Dir(path))
		readSecretFiles(&c, &errs)
	}
	applyEnv(&c, env, &errs)
	if err := errs.err(); err != nil {
		// Validation waits until the values read: a misspelt key would
		// otherwise also be reported as the missing setting it was meant
		// to be.
		return Config{}, err
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// resolvePaths makes the relative paths of the file relative to its
// directory. The defaults (./data, rules) are resolved too: they name
// places beside the config file, not wherever the process was started
// (systemd starts it in /).
func resolvePaths(c *Config, dir string) {
	for _, p := range []*string{
		&c.DataDir,
		&c.NATS.CredentialsFile,
		&c.Crawler.SourcesFile,
		&c.Classifier.RulesDir,
	} {
		*p = resolvePath(dir, *p)
	}
	for i := range c.Alerts.Receivers {
		if w := c.Alerts.Receivers[i].Webhook; w != nil {
			w.URLFile = resolvePath(dir, w.URLFile)
			w.SecretFile = resolvePath(dir, w.SecretFile)
		}
		c.Alerts.Receivers[i].resolveDeliveryPaths(dir)
	}
	for i := range c.API.Tokens {
		c.API.Tokens[i].TokenFile = resolvePath(dir, c.API.Tokens[i].TokenFile)
	}
}

func resolvePath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// readSecretFiles fills each secret from its *_file sibling.
func readSecretFiles(c *Config, errs *errList) {
	for i := range c.Alerts.Receivers {
		c.Alerts.Receivers[i].readDeliverySecrets(c.origins, errs, indexKey("alerts.receivers", i))
		w := c.Alerts.Receivers[i].Webhook
		if w == nil {
			continue
		}
		key := indexKey("alerts.receivers", i) + ".webhook"
		readSecretFile(c.origins, errs, &w.URL, w.URLFile, key, "url")
		readSecretFile(c.origins, errs, &w.Secret, w.SecretFile, key, "secret")
	}
	al := &c.Alerts.ActionLinks
	readSecretFile(c.origins, errs, &al.Secret, al.SecretFile, "alerts.action_links", "secret")
	for i := range c.API.Tokens {
		t := &c.API.Tokens[i]
		readSecretFile(c.origins, errs, &t.Token, t.TokenFile, indexKey("api.tokens", i), "token")
	}
}

// readSecretFile sets *dst (key parent.name) from file (key
// parent.name_file), unless file is empty.
func readSecretFile(o *origins, errs *errList, dst *Secret, file, parent, name string) {
	if file == "" {
		return
	}
	key, fileKey := joinKey(parent, name), joinKey(parent, name+"_file")
	if *dst != "" {
		errs.add(o.errorAt(fileKey, "set either %s or %s_file, not both", name, name))
		return
	}
	value, err := readSecret(file)
	if err != nil {
		e := o.errorAt(fileKey, "")
		e.Msg, e.Err = "", err
		errs.add(e)
		return
	}
	*dst = Secret(value)
	if org, ok := o.at(fileKey); ok {
		o.set(key, org)
	}
}

// maxSecretSize bounds a secret file, so that a path mistaken for one
// (a log, /dev/zero) fails at once instead of filling memory.
const maxSecretSize = 64 << 10

// readSecret reads a secret from a file, dropping the one trailing newline
// that editors and `echo` add but that is no part of the secret.
func readSecret(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("read secret: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretSize+1))
	if err != nil {
		return "", fmt.Errorf("read secret: %w", err)
	}
	if len(b) > maxSecretSize {
		return "", fmt.Errorf("read secret: %s is larger than %s", file, ByteSize(maxSecretSize))
	}
	s := trimNewline(string(b))
	if s == "" {
		return "", fmt.Errorf("read secret: %s is empty", file)
	}
	return s, nil
}

// trimNewline drops one trailing "\n" or "\r\n".
func trimNewline(s string) string {
	if t, ok := strings.CutSuffix(s, "\n"); ok {
		return strings.TrimSuffix(t, "\r")
	}
	return s
}

// hasNewline reports whether s spans lines; a multi-line secret is almost
// always a file read whole by mistake.
func hasNewline(s string) bool { return strings.ContainsAny(s, "\r\n") }
