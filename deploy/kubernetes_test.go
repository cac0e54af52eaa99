package deploy_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type k8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

type k8sContainer struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Env   []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom any    `yaml:"valueFrom"`
	} `yaml:"env"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	StartupProbe   *k8sProbe `yaml:"startupProbe"`
	VolumeMounts   []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data map[string]string `yaml:"data"`
	Spec struct {
		Replicas    int    `yaml:"replicas"`
		ServiceName string `yaml:"serviceName"`
		ClusterIP   string `yaml:"clusterIP"`
		Selector    yaml.Node
		Ports       []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
		} `yaml:"ports"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				ServiceAccountName string         `yaml:"serviceAccountName"`
				Containers         []k8sContainer `yaml:"containers"`
				Volumes            []struct {
					Name      string `yaml:"name"`
					ConfigMap *struct {
						Name string `yaml:"name"`
					} `yaml:"configMap"`
					Secret *struct {
						SecretName string `yaml:"secretName"`
					} `yaml:"secret"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
		VolumeClaimTemplates []struct {
			Metadata struct {
				Name string `yaml:"name"`
			} `yaml:"metadata"`
		} `yaml:"volumeClaimTemplates"`
	} `yaml:"spec"`
}

// selector reads a Service's selector or a workload's matchLabels.
func (o k8sObject) selector() map[string]string {
	var s struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	}
	if o.Kind == "Service" {
		var m map[string]string
		_ = o.Spec.Selector.Decode(&m)
		return m
	}
	_ = o.Spec.Selector.Decode(&s)
	return s.MatchLabels
}

type kustomization struct {
	Resources          []string `yaml:"resources"`
	ConfigMapGenerator []struct {
		Name  string   `yaml:"name"`
		Files []string `yaml:"files"`
	} `yaml:"configMapGenerator"`
}

// Made by the operator from the office's own files (kustomization.yaml
// says how), never shipped.
var operatorProvided = []string{"presswatch-rules", "presswatch-sources", "presswatch-secrets"}

func loadManifests(t *testing.T) (kustomization, []k8sObject) {
	t.Helper()
	var k kustomization
	readYAML(t, "kustomization.yaml", &k)
	var objs []k8sObject
	for _, r := range k.Resources {
		data, err := os.ReadFile(r)
		if err != nil {
			t.Fatalf("kustomization resource: %v", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var o k8sObject
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", r, err)
			}
			objs = append(objs, o)
		}
	}
	for _, g := range k.ConfigMapGenerator {
		for _, f := range g.Files {
			_, file, ok := strings.Cut(f, "=")
			if !ok {
				file = f
			}
			if _, err := os.Stat(file); err != nil {
				t.Errorf("configMapGenerator %s: %v", g.Name, err)
			}
		}
	}
	return k, objs
}

// The manifests refer to each other consistently: selectors match pod
// labels, services reach named ports, volumes name ConfigMaps and Secrets
// that exist, probes use declared ports, and every presswatch container's
// command line and environment are accepted by the binary.
func TestKubernetesManifests(t *testing.T) {
	k, objs := loadManifests(t)
	configs := slices.Clone(operatorProvided)
	for _, g := range k.ConfigMapGenerator {
		configs = append(configs, g.Name)
	}
	services := map[string]k8sObject{}
	var workloads []k8sObject
	for _, o := range objs {
		switch o.Kind {
		case "ConfigMap", "Secret":
			configs = append(configs, o.Metadata.Name)
		case "Service":
			services[o.Metadata.Name] = o
		case "Deployment", "StatefulSet":
			workloads = append(workloads, o)
		}
	}
	roles := map[string]int{}
	for _, w := range workloads {
		checkWorkload(t, w, configs, services, roles)
	}
	want := map[string]int{"crawler": 2, "classifier": 2, "alerts": 2, "indexer": 2, "web": 1}
	if fmt.Sprint(roles) != fmt.Sprint(want) {
		t.Errorf("pods per role = %v, want %v", roles, want)
	}
	for name, s := range services {
		checkService(t, name, s, workloads)
	}
	checkNATS(t, objs)
}

func checkWorkload(t *testing.T, w k8sObject, configs []string, services map[string]k8sObject, roles map[string]int) {
	t.Helper()
	where := w.Kind + " " + w.Metadata.Name
	labels := w.Spec.Template.Metadata.Labels
	for k, v := range w.selector() {
		if labels[k] != v {
			t.Errorf("%s: selector %s=%s does not match its pod labels %v", where, k, v, labels)
		}
	}
	if w.Kind == "StatefulSet" {
		if s, ok := services[w.Spec.ServiceName]; !ok || s.Spec.ClusterIP != "None" {
			t.Errorf("%s: serviceName %q is not a headless Service", where, w.Spec.ServiceName)
		}
	}
	volumes := map[string]bool{}
	for _, v := range w.Spec.Template.Spec.Volumes {
		volumes[v.Name] = true
		if v.ConfigMap != nil && !slices.Contains(configs, v.ConfigMap.Name) {
			t.Errorf("%s: volume %s uses ConfigMap %s, which nothing makes", where, v.Name, v.ConfigMap.Name)
		}
		if v.Secret != nil && !slices.Contains(configs, v.Secret.SecretName) {
			t.Errorf("%s: volume %s uses Secret %s, which nothing makes", where, v.Name, v.Secret.SecretName)
		}
	}
	for _, c := range w.Spec.VolumeClaimTemplates {
		volumes[c.Metadata.Name] = true
	}
	for _, c := range w.Spec.Template.Spec.Containers {
		ports := map[string]bool{}
		for _, p := range c.Ports {
			ports[p.Name] = true
		}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				t.Errorf("%s: container %s mounts %s, not a volume", where, c.Name, m.Name)
			}
		}
		for _, p := range []any{probePort(c.ReadinessProbe), probePort(c.LivenessProbe), probePort(c.StartupProbe)} {
			if name, ok := p.(string); ok && !ports[name] {
				t.Errorf("%s: a probe uses port %q, not declared", where, name)
			}
		}
		if c.Image == "presswatch" {
			checkPresswatchContainer(t, where, w, c, roles)
		}
	}
}

func probePort(p *k8sProbe) any {
	if p == nil {
		return nil
	}
	return p.HTTPGet.Port
}

func checkPresswatchContainer(t *testing.T, where string, w k8sObject, c k8sContainer, roles map[string]int) {
	t.Helper()
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.LivenessProbe == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Errorf("%s: readiness must probe /readyz and liveness /healthz", where)
	}
	flags := checkCommand(t, where, c.Args)
	if flags == nil {
		return
	}
	mounts := make([]string, 0, len(c.VolumeMounts))
	for _, m := range c.VolumeMounts {
		mounts = append(mounts, "x:"+m.MountPath)
	}
	if !mounted(mounts, flags["config"]) {
		t.Errorf("%s: --config %s is not inside a mount", where, flags["config"])
	}
	env := map[string]string{}
	for _, e := range c.Env {
		v := e.Value
		if e.ValueFrom != nil {
			v = w.Metadata.Name + "-0" // a pod name, from metadata.name
		}
		env[e.Name] = v
	}
	checkConfig(t, where, env, flags)
	for _, r := range strings.Split(flags["roles"], ",") {
		roles[r] += max(w.Spec.Replicas, 1)
	}
	if slices.Contains(strings.Split(flags["roles"], ","), "indexer") && (w.Kind != "StatefulSet" || env["PRESSWATCH_INDEXER_REPLICA"] == "") {
		t.Errorf("%s: indexers need a StatefulSet with the pod name as PRESSWATCH_INDEXER_REPLICA (one index and consumer each)", where)
	}
}

func checkService(t *testing.T, name string, s k8sObject, workloads []k8sObject) {
	t.Helper()
	sel := s.selector()
	for _, w := range workloads {
		labels := w.Spec.Template.Metadata.Labels
		matches := len(sel) > 0
		for k, v := range sel {
			matches = matches && labels[k] == v
		}
		if !matches {
			continue
		}
		for _, p := range s.Spec.Ports {
			tp, named := p.TargetPort.(string)
			found := !named
			for _, c := range w.Spec.Template.Spec.Containers {
				for _, cp := range c.Ports {
					found = found || cp.Name == tp
				}
			}
			if !found {
				t.Errorf("Service %s: targetPort %q is not a port of %s", name, tp, w.Metadata.Name)
			}
		}
		return
	}
	t.Errorf("Service %s: selector %v matches no workload", name, sel)
}

// The NATS routes name every StatefulSet pod through its headless Service.
func checkNATS(t *testing.T, objs []k8sObject) {
	t.Helper()
	var conf string
	replicas := 0
	for _, o := range objs {
		if o.Kind == "ConfigMap" && o.Metadata.Name == "nats-config" {
			conf = o.Data["nats.conf"]
		}
		if o.Kind == "StatefulSet" && o.Metadata.Name == "nats" {
			replicas = o.Spec.Replicas
		}
	}
	if replicas != 3 {
		t.Errorf("NATS runs %d nodes, want 3", replicas)
	}
	for i := range replicas {
		if route := fmt.Sprintf("nats://nats-%d.nats:6222", i); !strings.Contains(conf, route) {
			t.Errorf("nats.conf has no route %s", route)
		}
	}
	if !strings.Contains(conf, "jetstream") {
		t.Error("nats.conf does not enable JetStream")
	}
}

// kubectl's built-in kustomize, where installed, builds the whole set.
func TestKustomizeBuilds(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed")
	}
	out, err := exec.Command(kubectl, "kustomize", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize deploy/: %v\n%s", err, out)
	}
	for _, kind := range []string{"StatefulSet", "Deployment", "Service", "ConfigMap"} {
		if !bytes.Contains(out, []byte("kind: "+kind)) {
			t.Errorf("the build has no %s", kind)
		}
	}
}
