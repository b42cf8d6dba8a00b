//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/pairup/pairup/internal/apitest"
)

// The proxy harness: real `pairup serve` processes behind Debian's nginx running the
// repository's deploy/nginx.conf, adapted to loopback. Every process it starts is stopped when
// the test ends, pass or fail, and dies with the test binary (Pdeathsig) if that is killed.

// moduleRoot is the directory of go.mod above the test's working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}

// buildPairup builds the command into a temporary directory of t and returns the binary.
func buildPairup(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pairup")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/pairup")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/pairup: %v\n%s", err, out)
	}
	return bin
}

// nginxBinary runs scripts/ensure-nginx.sh, which installs Debian's nginx when it is missing,
// and returns the path it prints.
func nginxBinary(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("sh", filepath.Join(moduleRoot(t), "scripts", "ensure-nginx.sh"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/ensure-nginx.sh could not provide nginx (%v): %s\n"+
			"install Debian's nginx package (apt-get install nginx) or set NGINX to an nginx binary", err, stderr.String())
	}
	if s := strings.TrimSpace(stderr.String()); s != "" {
		t.Log(s)
	}
	return strings.TrimSpace(string(out))
}

// process is a child process the harness started; done is closed when it has exited.
type process struct {
	name  string
	cmd   *exec.Cmd
	done  chan struct{}
	state *os.ProcessState // set before done is closed
}

func startProcess(t *testing.T, name string, cmd *exec.Cmd) *process {
	t.Helper()
	// Pdeathsig: if the test binary dies (a -timeout panic), the kernel kills the child too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		p.state = cmd.ProcessState
		close(p.done)
	}()
	return p
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *process) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil && !p.exited() {
		t.Fatalf("signal %s to %s: %v", sig, p.name, err)
	}
}

// wait waits for the process to exit, failing the test if it is still running at the deadline.
func (p *process) wait(t *testing.T, within time.Duration) *os.ProcessState {
	t.Helper()
	select {
	case <-p.done:
		return p.state
	case <-time.After(within):
		t.Fatalf("%s still running %v later", p.name, within)
		return nil
	}
}

// stop ends the process: sig first, SIGKILL if it has not exited within grace.
func (p *process) stop(sig os.Signal, grace time.Duration) {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// instance is one `pairup serve` process.
type instance struct {
	*process
	Addr string // 127.0.0.1:port
	log  string // its stdout and stderr
}

// startInstance runs the built binary's `pairup serve` on a random loopback port against
// dbURL and waits until it reports its address (it serves from then on).
func startInstance(t *testing.T, bin, name, dbURL string) *instance {
	t.Helper()
	dir := t.TempDir()
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(dbURL, "?") {
		sep = "&"
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"DATABASE_URL=" + dbURL + sep + "pool_max_conns=8",
		"PAIRUP_ADDR=127.0.0.1:0",
		"PAIRUP_JWT_SECRET=" + testSecret,
		"PAIRUP_WEB_DIR=" + filepath.Join(dir, "no-spa"),
	}
	cmd.Stdout, cmd.Stderr = pw, logFile
	p := startProcess(t, name, cmd)
	pw.Close()
	inst := &instance{process: p, log: logPath}
	addr := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "pairup: serving on http://"); ok {
				addr <- u
			}
		}
	}()
	t.Cleanup(func() {
		p.stop(syscall.SIGKILL, 0)
		<-scanned
		pr.Close()
		if t.Failed() {
			logTail(t, name, logPath, 60)
		}
	})
	select {
	case a := <-addr:
		inst.Addr = a
	case <-p.done:
		logTail(t, name, logPath, 60)
		t.Fatalf("%s exited before serving: %v", name, p.state)
	case <-time.After(30 * time.Second):
		logTail(t, name, logPath, 60)
		t.Fatalf("%s did not report its address within 30s", name)
	}
	return inst
}

// requests counts the requests the instance logged with a path that has the prefix.
func (i *instance) requests(t *testing.T, method, pathPrefix string) int {
	t.Helper()
	b, err := os.ReadFile(i.log)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`msg=request method=` + method + ` path=` + regexp.QuoteMeta(pathPrefix))
	return len(re.FindAll(b, -1))
}

// logTail logs the last n lines of a file.
func logTail(t *testing.T, name, path string, n int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Logf("%s: %v", name, err)
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	t.Logf("last %d lines of %s:\n%s", len(lines), name, strings.Join(lines, "\n"))
}

// proxy is nginx in front of the instances.
type proxy struct {
	*process
	URL      string // http://127.0.0.1:port
	errorLog string
}

// The rewrites of deploy/nginx.conf for the test, each of which must match exactly once: a
// loopback port, the two instances as a static upstream instead of Docker's DNS, a temporary
// web root. Everything else, the retries included, is the file as deployed.
var (
	nginxListen   = regexp.MustCompile(`(?m)^(\s*)listen\s+[^;]*;`)
	nginxRoot     = regexp.MustCompile(`(?m)^(\s*)root\s+[^;]*;`)
	nginxResolver = regexp.MustCompile(`(?m)^\s*resolver(_timeout)?\s+[^;]*;\n`)
	nginxSetAPI   = regexp.MustCompile(`(?m)^(\s*)set\s+\$api\s+[^;]*;`)
	nginxServer   = regexp.MustCompile(`(?m)^server\s*\{`)
)

// adaptNginx rewrites the deployed server configuration for loopback: listen on port, send
// $api to an upstream of the servers, serve root.
func adaptNginx(t *testing.T, conf string, port int, servers []string, root string) string {
	t.Helper()
	replace := func(re *regexp.Regexp, want int, repl string) {
		t.Helper()
		if n := len(re.FindAllStringIndex(conf, -1)); n != want {
			t.Fatalf("deploy/nginx.conf: %d matches of %s, want %d: update the proxy test's rewrites", n, re, want)
		}
		conf = re.ReplaceAllString(conf, repl)
	}
	replace(nginxListen, 1, fmt.Sprintf("${1}listen 127.0.0.1:%d;", port))
	replace(nginxRoot, 1, "${1}root "+root+";")
	replace(nginxResolver, 2, "")
	// proxy_pass $api looks the host up among the upstream blocks before it asks a resolver.
	replace(nginxSetAPI, 1, "${1}set $$api http://pairup_api;")
	var up strings.Builder
	up.WriteString("upstream pairup_api {\n")
	for _, s := range servers {
		fmt.Fprintf(&up, "    server %s;\n", s)
	}
	up.WriteString("}\n\nserver {")
	replace(nginxServer, 1, strings.ReplaceAll(up.String(), "$", "$$"))
	return conf
}

// nginxMain wraps the server configuration as the nginx image's main nginx.conf does, with
// every path under dir. One process without a master: all connections share one upstream
// state (so round robin alternates strictly), and nothing outlives a kill.
const nginxMain = `daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events {
    worker_connections 1024;
}
http {
    types {
        text/html html;
        application/javascript js;
        text/css css;
    }
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/default.conf;
}
`

// startNginx runs nginx with deploy/nginx.conf in front of the instances and waits until it
// serves the SPA's index.html.
func startNginx(t *testing.T, nginx string, instances ...*instance) *proxy {
	t.Helper()
	conf, err := os.ReadFile(filepath.Join(moduleRoot(t), "deploy", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	var servers []string
	for _, i := range instances {
		servers = append(servers, i.Addr)
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "html")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	const index = "<!doctype html><title>Pair-Up</title><p>proxy test</p>\n"
	if err := os.WriteFile(filepath.Join(root, "index.html"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(fmt.Sprintf(nginxMain, dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	errorLog := filepath.Join(dir, "error.log")
	t.Cleanup(func() {
		if t.Failed() {
			logTail(t, "nginx error.log", errorLog, 80)
		}
	})
	// A free port can be taken between the probe and nginx's bind: try again with another.
	for attempt := 1; ; attempt++ {
		port := freePort(t)
		adapted := adaptNginx(t, string(conf), port, servers, root)
		if err := os.WriteFile(filepath.Join(dir, "default.conf"), []byte(adapted), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(nginx, "-p", dir+"/", "-c", filepath.Join(dir, "nginx.conf"), "-e", errorLog)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		p := startProcess(t, "nginx", cmd)
		t.Cleanup(func() { p.stop(syscall.SIGTERM, 5*time.Second) })
		px := &proxy{process: p, URL: fmt.Sprintf("http://127.0.0.1:%d", port), errorLog: errorLog}
		answered := false
		waitFor(t, "nginx answering on "+px.URL+" (or exiting)", 15*time.Second, func() bool {
			if p.exited() {
				return true
			}
			r, err := http.Get(px.URL + "/")
			if err != nil {
				return false
			}
			body, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if r.StatusCode != 200 || string(body) != index {
				t.Fatalf("nginx answers / with %d %q, want the test's index.html", r.StatusCode, body)
			}
			answered = true
			return true
		})
		if answered {
			return px
		}
		if attempt == 3 || !strings.Contains(out.String()+readFile(errorLog), "Address already in use") {
			logTail(t, "nginx error.log", errorLog, 40)
			t.Fatalf("nginx exited (%v): %s", p.state, out.String())
		}
	}
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// load sends requests through the proxy from several goroutines, each waiting for its answer
// and then for its next tick, and records every answer.
type load struct {
	base   string
	client *http.Client
	ok     atomic.Int64
	stopCh chan struct{}
	wg     sync.WaitGroup
	once   sync.Once

	mu       sync.Mutex
	counts   map[string]int // "GET /api/labs 200" → how many
	failures []string
}

func newLoad(t *testing.T, base string) *load {
	l := &load{
		base:   base,
		client: &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}},
		stopCh: make(chan struct{}),
		counts: map[string]int{},
	}
	t.Cleanup(l.stop)
	return l
}

// pace is the time between the ticks of one goroutine of the load.
const pace = 15 * time.Millisecond

// do sends one request and returns its status, or 0 and records a failure when it failed at
// the transport level.
func (l *load) do(method, path string, tok apitest.Bearer, body any) int {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, l.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+string(tok))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := l.client.Do(req)
	if err != nil {
		l.fail(fmt.Sprintf("%s %s: %v", method, path, err))
		return 0
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		l.fail(fmt.Sprintf("%s %s: %d, reading the body: %v", method, path, resp.StatusCode, err))
		return 0
	}
	l.mu.Lock()
	l.counts[fmt.Sprintf("%s %s %d", method, routeOf(path), resp.StatusCode)]++
	l.mu.Unlock()
	return resp.StatusCode
}

// routeOf names a path by its route, so counts do not depend on which student sent it.
func routeOf(path string) string {
	if strings.HasPrefix(path, "/api/students/") {
		return "/api/students/{id}/project"
	}
	return path
}

func (l *load) fail(msg string) {
	l.mu.Lock()
	l.failures = append(l.failures, time.Now().Format("15:04:05.000")+" "+msg)
	l.mu.Unlock()
}

// run starts a goroutine that calls step on every tick until stop; step reports whether the
// answers it got were the expected ones.
func (l *load) run(step func() bool) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		tick := time.NewTicker(pace)
		defer tick.Stop()
		for {
			select {
			case <-l.stopCh:
				return
			case <-tick.C:
			}
			if step() {
				l.ok.Add(1)
			}
		}
	}()
}

// reader GETs the projects and the labs in turn; every answer must be 200.
func (l *load) reader(tok apitest.Bearer) {
	paths := []string{"/api/projects", "/api/labs"}
	n := 0
	l.run(func() bool {
		path := paths[n%len(paths)]
		n++
		if status := l.do("GET", path, tok, nil); status != 200 {
			if status != 0 {
				l.fail(fmt.Sprintf("GET %s: %d, want 200", path, status))
			}
			return false
		}
		return true
	})
}

// writer forms a team of creator and partner in the lab and dissolves it, over and over: each
// create must be 201 and each dissolve 204. inTeam reports the team's state after stop.
func (l *load) writer(tok apitest.Bearer, creator, partner string, lab int64) (inTeam func() bool) {
	var formed atomic.Bool
	path := "/api/students/" + creator + "/project"
	l.run(func() bool {
		if !formed.Load() {
			body := map[string]any{"partnerNumber": partner, "description": "Proxy test of " + creator, "lab_id": lab}
			if status := l.do("POST", path, tok, body); status != 201 {
				if status != 0 {
					l.fail(fmt.Sprintf("POST %s: %d, want 201", path, status))
				}
				return false
			}
			formed.Store(true)
			return true
		}
		if status := l.do("DELETE", path, tok, nil); status != 204 {
			if status != 0 {
				l.fail(fmt.Sprintf("DELETE %s: %d, want 204", path, status))
			}
			return false
		}
		formed.Store(false)
		return true
	})
	return formed.Load
}

// stop ends the load and waits for its goroutines.
func (l *load) stop() {
	l.once.Do(func() {
		close(l.stopCh)
		l.wg.Wait()
		l.client.CloseIdleConnections()
	})
}

// report is the answers counted, and the failures.
func (l *load) report() (map[string]int, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	counts := make(map[string]int, len(l.counts))
	for k, v := range l.counts {
		counts[k] = v
	}
	return counts, append([]string(nil), l.failures...)
}

// proxySocket is a WebSocket through the proxy whose frames a goroutine collects, so the test
// can tell a socket that ended from one that is still open without failing on either.
type proxySocket struct {
	conn   *websocket.Conn
	notify chan struct{} // a frame arrived or the connection ended
	done   chan struct{} // the reading goroutine ended

	mu     sync.Mutex
	frames [][]byte
	err    error // why reading ended; nil while open
	next   int   // the first frame the test has not looked at (test goroutine only)
}

// dialProxySocket opens /api/ws through the proxy with the token in the subprotocol list and
// waits for "ready".
func dialProxySocket(t *testing.T, base string, tok apitest.Bearer) *proxySocket {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/ws",
		&websocket.DialOptions{Subprotocols: []string{"pairup.v1", "bearer." + string(tok)}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial /api/ws through nginx: status %d: %v", status, err)
	}
	c.SetReadLimit(1 << 20)
	s := &proxySocket{conn: c, notify: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			_, data, err := c.Read(context.Background())
			s.mu.Lock()
			if err != nil {
				s.err = err
			} else {
				s.frames = append(s.frames, data)
			}
			s.mu.Unlock()
			select {
			case s.notify <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		c.CloseNow()
		<-s.done
	})
	if _, ok := s.await(t, 10*time.Second, func(f frame) bool { return f.Type == "ready" }); !ok {
		t.Fatalf("socket ended before ready: %v", s.ended())
	}
	return s
}

// ended is why the connection ended, or nil while it is open.
func (s *proxySocket) ended() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// await looks through the frames not yet looked at (each checked against openapi.yaml) for
// one that matches, waiting for more until the deadline. It returns false when the
// connection ended first, and fails the test at the deadline.
func (s *proxySocket) await(t *testing.T, within time.Duration, match func(frame) bool) (frame, bool) {
	t.Helper()
	timer := time.NewTimer(within)
	defer timer.Stop()
	for {
		s.mu.Lock()
		frames, err := s.frames[s.next:], s.err
		s.mu.Unlock()
		for _, data := range frames {
			s.next++
			if f := wsTParse(t, data); match(f) {
				return f, true
			}
		}
		if err != nil {
			return frame{}, false
		}
		select {
		case <-s.notify:
		case <-timer.C:
			t.Fatalf("no such frame within %v", within)
		}
	}
}

// closed waits until the connection ends and returns its close status (-1 without a close
// frame), failing the test if it is still open at the deadline.
func (s *proxySocket) closed(t *testing.T, within time.Duration) websocket.StatusCode {
	t.Helper()
	if _, ok := s.await(t, within, func(frame) bool { return false }); ok {
		t.Fatal("unreachable")
	}
	return websocket.CloseStatus(s.ended())
}

// probe proves the connection is open end to end: a frame of an unknown type gets its error
// answer.
func (s *proxySocket) probe(t *testing.T) bool {
	t.Helper()
	typ := fmt.Sprintf("proxy.probe.%d", wsTProbes.Add(1))
	data, _ := json.Marshal(map[string]string{"type": typ})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.conn.Write(ctx, websocket.MessageText, data); err != nil {
		return false
	}
	_, ok := s.await(t, 10*time.Second, func(f frame) bool {
		return f.Type == "error" && f.Code == "unknown_type" && strings.Contains(string(f.Raw), typ)
	})
	return ok
}

// pushedProject waits for a project.changed frame about pid.
func (s *proxySocket) pushedProject(t *testing.T, pid int64) bool {
	t.Helper()
	_, ok := s.await(t, 10*time.Second, func(f frame) bool {
		if f.Type != "project.changed" {
			return false
		}
		var p struct {
			Project struct {
				Pid int64 `json:"pid"`
			} `json:"project"`
		}
		return json.Unmarshal(f.Raw, &p) == nil && p.Project.Pid == pid
	})
	return ok
}
