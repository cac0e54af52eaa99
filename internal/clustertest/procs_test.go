package clustertest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinaries compiles presswatch and nats-server (from the nats-server
// module presswatch already depends on) into dir.
func buildBinaries(t *testing.T, dir string) (presswatch, natsServer string) {
	t.Helper()
	presswatch, natsServer = filepath.Join(dir, "presswatch"), filepath.Join(dir, "nats-server")
	for _, b := range []struct{ out, pkg string }{
		{presswatch, "github.com/presswatch/presswatch/cmd/presswatch"},
		{natsServer, "github.com/nats-io/nats-server/v2"},
	} {
		cmd := exec.Command("go", "build", "-o", b.out, b.pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return presswatch, natsServer
}

// freePorts returns n loopback ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var lns []net.Listener
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		_ = ln.Close()
	}
	return ports
}

// proc is one child process; its output goes to a log file kept across
// restarts.
type proc struct {
	name    string
	bin     string
	args    []string
	env     []string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
}

func (p *proc) start(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(p.bin, p.args...)
	// The children's configuration is theirs alone: presswatch refuses
	// unknown PRESSWATCH_* variables, such as the one that enables this
	// test.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PRESSWATCH_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, p.env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = f.Close()
		close(exited)
	}()
	p.cmd, p.exited = cmd, exited
}

func (p *proc) running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill(t *testing.T) {
	t.Helper()
	if !p.running() {
		t.Fatalf("%s is not running", p.name)
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop sends SIGTERM, and SIGKILL if the process has not stopped after
// grace.
func (p *proc) stop(grace time.Duration) {
	if !p.running() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(grace):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.exited
	}
}

func (p *proc) exitCode() int {
	if p.cmd == nil || p.cmd.ProcessState == nil {
		return -1
	}
	return p.cmd.ProcessState.ExitCode()
}

// logLines returns the lines of the process's log containing s.
func (p *proc) logLines(s string) []string {
	f, err := os.Open(p.logPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), s) {
			out = append(out, sc.Text())
		}
	}
	return out
}

// listenAddr is the HTTP address the latest run of a presswatch process
// logged at start, or "" before it has.
func (p *proc) listenAddr() string {
	lines := p.logLines(`"msg":"presswatch started"`)
	if len(lines) == 0 {
		return ""
	}
	var rec struct {
		Listen string `json:"listen"`
	}
	if json.Unmarshal([]byte(lines[len(lines)-1]), &rec) != nil {
		return ""
	}
	return rec.Listen
}

// tail returns the last n lines of the log, for a failure message.
func (p *proc) tail(n int) string {
	lines := p.logLines("")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// peakRSS reads the running process's high-water resident memory
// (Linux), for the sizing notes in docs/OPERATIONS.md.
func (p *proc) peakRSS() string {
	if !p.running() {
		return "n/a"
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return "n/a"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "n/a"
}

// natsNodeConfig is the configuration of one node of the test cluster.
func natsNodeConfig(name string, client, route int, routes []int, store string) string {
	var rs []string
	for _, r := range routes {
		rs = append(rs, fmt.Sprintf("nats-route://127.0.0.1:%d", r))
	}
	return fmt.Sprintf(`server_name: %s
host: 127.0.0.1
port: %d
jetstream {
  store_dir: %q
  max_memory_store: 64MB
  max_file_store: 2GB
}
cluster {
  name: presswatch-test
  host: 127.0.0.1
  port: %d
  routes: [%s]
}
`, name, client, store, route, strings.Join(rs, ", "))
}
