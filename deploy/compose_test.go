package deploy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Entrypoint  []string          `yaml:"entrypoint"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Secrets     []string          `yaml:"secrets"`
		DependsOn   any               `yaml:"depends_on"`
		Deploy      struct {
			Replicas int `yaml:"replicas"`
		} `yaml:"deploy"`
	} `yaml:"services"`
	Secrets map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
	Volumes map[string]any `yaml:"volumes"`
}

// The compose file has the shape the scale-out needs, every presswatch
// command line is one the binary accepts, every process's configuration
// loads, and every file, secret and volume it names exists.
func TestComposeDeployment(t *testing.T) {
	var c composeFile
	readYAML(t, "compose/compose.yaml", &c)
	roles := map[string]int{}
	replicaNames := map[string]string{}
	for name, s := range c.Services {
		where := "compose service " + name
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") {
				if _, err := os.Stat(filepath.Join("compose", src)); err != nil && src != "../../bin/presswatch" {
					t.Errorf("%s mounts %s, which does not exist", where, src)
				}
			} else if _, ok := c.Volumes[src]; !ok {
				t.Errorf("%s uses volume %s, not declared", where, src)
			}
		}
		for _, sec := range s.Secrets {
			if _, ok := c.Secrets[sec]; !ok {
				t.Errorf("%s uses secret %s, not declared", where, sec)
			}
		}
		if !slices.Equal(s.Entrypoint, []string{"/usr/local/bin/presswatch"}) {
			continue
		}
		flags := checkCommand(t, where, s.Command)
		if flags == nil {
			continue
		}
		if cfg := flags["config"]; !mounted(s.Volumes, cfg) {
			t.Errorf("%s: --config %s is not inside a mounted directory", where, cfg)
		}
		for _, u := range strings.Split(flags["nats-url"], ",") {
			host := strings.TrimSuffix(strings.TrimPrefix(u, "nats://"), ":4222")
			if _, ok := c.Services[host]; !ok {
				t.Errorf("%s: --nats-url names %s, not a service", where, host)
			}
		}
		checkConfig(t, where, s.Environment, flags)
		n := max(s.Deploy.Replicas, 1)
		for _, r := range strings.Split(flags["roles"], ",") {
			roles[r] += n
		}
		if slices.Contains(strings.Split(flags["roles"], ","), "indexer") {
			rep := s.Environment["PRESSWATCH_INDEXER_REPLICA"]
			if other, dup := replicaNames[rep]; dup || rep == "" {
				t.Errorf("%s: indexer replica name %q is empty or also used by %s", where, rep, other)
			}
			replicaNames[rep] = name
		}
	}
	want := map[string]int{"crawler": 2, "classifier": 2, "alerts": 2, "indexer": 2, "web": 1}
	if fmt.Sprint(roles) != fmt.Sprint(want) {
		t.Errorf("processes per role = %v, want %v", roles, want)
	}
	for _, n := range []string{"nats-1", "nats-2", "nats-3", "prometheus", "grafana"} {
		if _, ok := c.Services[n]; !ok {
			t.Errorf("no %s service", n)
		}
	}
	for i := 1; i <= 3; i++ {
		cmd := strings.Join(c.Services[fmt.Sprintf("nats-%d", i)].Command, " ")
		for j := 1; j <= 3; j++ {
			if !strings.Contains(cmd, fmt.Sprintf("nats://nats-%d:6222", j)) || !strings.Contains(cmd, "--js") {
				t.Errorf("nats-%d does not route to nats-%d with JetStream: %s", i, j, cmd)
			}
		}
	}
	checkComposePrometheus(t, c)
}

// mounted reports whether path is, or lies under, a volume's container
// path.
func mounted(volumes []string, path string) bool {
	for _, v := range volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && (parts[1] == path || strings.HasPrefix(path, strings.TrimSuffix(parts[1], "/")+"/")) {
			return true
		}
	}
	return false
}

// Prometheus scrapes exactly the presswatch services, on the port they
// listen on, with the token the configuration accepts.
func checkComposePrometheus(t *testing.T, c composeFile) {
	t.Helper()
	var p struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			Authorization struct {
				CredentialsFile string `yaml:"credentials_file"`
			} `yaml:"authorization"`
			DNSSDConfigs []struct {
				Names []string `yaml:"names"`
				Port  int      `yaml:"port"`
			} `yaml:"dns_sd_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, "compose/prometheus.yml", &p)
	var scraped []string
	for _, sc := range p.ScrapeConfigs {
		if sc.Authorization.CredentialsFile != "/run/secrets/metrics-token" {
			t.Errorf("scrape config reads token %q, want the metrics-token secret", sc.Authorization.CredentialsFile)
		}
		for _, d := range sc.DNSSDConfigs {
			if d.Port != 8080 {
				t.Errorf("scrapes port %d, presswatch listens on 8080", d.Port)
			}
			scraped = append(scraped, d.Names...)
		}
	}
	var want []string
	for name, s := range c.Services {
		if slices.Contains(s.Entrypoint, "/usr/local/bin/presswatch") {
			want = append(want, name)
		}
	}
	slices.Sort(scraped)
	slices.Sort(want)
	if !slices.Equal(scraped, want) {
		t.Errorf("Prometheus scrapes %v, the presswatch services are %v", scraped, want)
	}
	if !mounted(c.Services["prometheus"].Volumes, p.RuleFiles[0]) {
		t.Errorf("rule file %s is not mounted into prometheus", p.RuleFiles[0])
	}
}
