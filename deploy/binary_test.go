package deploy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/presswatch/presswatch/config"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

// TestMain removes the binary the manifest tests build.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// presswatchBinary builds the presswatch command once for the tests that
// run it against the manifests' command lines.
func presswatchBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "presswatch-deploy-test")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "presswatch")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/presswatch").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build presswatch: %v", buildErr)
	}
	return binPath
}

var roleNames = []string{"crawler", "classifier", "indexer", "alerts", "web"}

// checkCommand runs the binary with a manifest's arguments and --help:
// flag parsing stops at --help, so it exits 0 only if every flag before
// it is one the command accepts. It returns the flag values by name.
func checkCommand(t *testing.T, where string, args []string) map[string]string {
	t.Helper()
	if len(args) == 0 || args[0] != "serve" {
		t.Errorf("%s: command %q does not run presswatch serve", where, args)
		return nil
	}
	cmd := exec.Command(presswatchBinary(t), append(slices.Clone(args), "--help")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: presswatch %s refused: %v\n%s", where, strings.Join(args, " "), err, out)
	}
	flags := map[string]string{}
	for i := 1; i+1 < len(args); i += 2 {
		flags[strings.TrimLeft(args[i], "-")] = args[i+1]
	}
	for _, r := range strings.Split(flags["roles"], ",") {
		if !slices.Contains(roleNames, r) {
			t.Errorf("%s: unknown role %q in --roles", where, r)
		}
	}
	return flags
}

// checkConfig loads the shipped configuration as a process would see it:
// the manifest's environment plus its flags, with the file and secret
// paths of the container mapped to real files here.
func checkConfig(t *testing.T, where string, env map[string]string, flags map[string]string) {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile("compose/config/presswatch.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rules, _ := filepath.Abs("../examples/rules")
	sources, _ := filepath.Abs("../examples/sources.yaml")
	secrets := filepath.Join(dir, "secrets")
	if err := os.MkdirAll(secrets, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(secrets, "metrics-token"), []byte("a-metrics-token-for-the-test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("/etc/presswatch/rules", rules, "/etc/presswatch/sources.yaml", sources, "/run/secrets", secrets).Replace(string(data))
	cfgPath := filepath.Join(dir, "presswatch.yaml")
	if err := os.WriteFile(cfgPath, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var vars []string
	for k, v := range env {
		if k == "PRESSWATCH_DATA_DIR" {
			v = filepath.Join(dir, "data")
		}
		vars = append(vars, k+"="+v)
	}
	for flag, key := range map[string]string{"roles": "roles", "nats-url": "nats.url"} {
		if v := flags[flag]; v != "" {
			vars = append(vars, config.EnvVar(key)+"="+v)
		}
	}
	if _, err := config.Load(cfgPath, vars); err != nil {
		t.Errorf("%s: the configuration does not load with this process's flags and environment: %v", where, err)
	}
}
