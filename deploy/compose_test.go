// The tests in this directory check the Docker deployment without Docker, since these machines
// have no engine and no Compose plugin. docker-compose.yml is loaded and validated by compose-go,
// the loader Docker Compose itself uses. The Dockerfiles, .dockerignore and the nginx
// configuration are read as text.
package deploy

import (
	"context"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// repoRoot is where docker-compose.yml, the api's Dockerfile and the build contexts are.
const repoRoot = ".."

// loadCompose loads a Compose file the way `docker compose` does: compose-go's loader with its
// JSON-schema validation, interpolation, normalisation and consistency checks (a depends_on on
// an unknown service, an undeclared named volume…). The environment is empty, so the result
// does not depend on the machine's variables.
func loadCompose(file string) (*types.Project, error) {
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(context.Background())
}

var loadProject = sync.OnceValues(func() (*types.Project, error) {
	return loadCompose(filepath.Join(repoRoot, "docker-compose.yml"))
})

func project(t *testing.T) *types.Project {
	t.Helper()
	p, err := loadProject()
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

func service(t *testing.T, name string) types.ServiceConfig {
	t.Helper()
	s, err := project(t).GetService(name)
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return s
}

// env returns a service's environment variable and whether it is set.
func env(s types.ServiceConfig, key string) (string, bool) {
	v, ok := s.Environment[key]
	if !ok || v == nil {
		return "", false
	}
	return *v, true
}

// dockerfileOf is the path of the Dockerfile a service is built from, and its build context.
func dockerfileOf(t *testing.T, s types.ServiceConfig) (dockerfile, contextDir string) {
	t.Helper()
	if s.Build == nil {
		t.Fatalf("service %s has no build section", s.Name)
	}
	contextDir = s.Build.Context
	dockerfile = s.Build.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	if !filepath.IsAbs(dockerfile) {
		dockerfile = filepath.Join(contextDir, dockerfile)
	}
	return dockerfile, contextDir
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestComposeHasTheThreeServices(t *testing.T) {
	t.Parallel()
	got := project(t).ServiceNames()
	slices.Sort(got)
	if want := []string{"api", "db", "web"}; !slices.Equal(got, want) {
		t.Fatalf("services = %v, want %v", got, want)
	}
}

// The checks above mean something only if the loader refuses a broken file.
func TestComposeLoaderRejectsBrokenFiles(t *testing.T) {
	t.Parallel()
	orig, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(string) string{
		"unknown condition": func(s string) string {
			return strings.Replace(s, "condition: service_healthy", "condition: service_up", 1)
		},
		"misspelt key": func(s string) string {
			return strings.Replace(s, "    healthcheck:", "    healtcheck:", 1)
		},
		"undeclared volume": func(s string) string {
			return strings.Replace(s, "volumes:\n  pgdata:", "volumes:\n  other:", 1)
		},
		"unknown dependency": func(s string) string {
			return strings.Replace(s, "    depends_on:\n      db:", "    depends_on:\n      database:", 1)
		},
	} {
		broken := edit(string(orig))
		if broken == string(orig) {
			t.Fatalf("%s: the edit no longer applies to docker-compose.yml; update this test", name)
		}
		file := filepath.Join(t.TempDir(), "docker-compose.yml")
		if err := os.WriteFile(file, []byte(broken), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := loadCompose(file); err == nil {
			t.Errorf("%s: compose-go accepted the broken file", name)
		}
	}
}

func TestComposeDB(t *testing.T) {
	t.Parallel()
	db := service(t, "db")
	if !strings.HasPrefix(db.Image, "postgres:") {
		t.Errorf("db image = %q, want the official postgres image", db.Image)
	}

	hc := db.HealthCheck
	if hc == nil || hc.Disable || len(hc.Test) < 2 || !strings.Contains(strings.Join(hc.Test, " "), "pg_isready") {
		t.Fatalf("db healthcheck = %+v, want a pg_isready test", hc)
	}
	if hc.Interval == nil || hc.Retries == nil {
		t.Errorf("db healthcheck has no interval or retries: %+v", hc)
	}

	var data *types.ServiceVolumeConfig
	for i, v := range db.Volumes {
		if strings.HasPrefix(v.Target, "/var/lib/postgresql") {
			data = &db.Volumes[i]
		}
	}
	if data == nil || data.Type != types.VolumeTypeVolume {
		t.Fatalf("db volumes = %+v, want a named volume on /var/lib/postgresql…", db.Volumes)
	}
	if _, ok := project(t).Volumes[data.Source]; !ok {
		t.Errorf("volume %q is not declared at the top level", data.Source)
	}
	if len(db.Ports) != 0 {
		t.Errorf("db publishes %+v: the database should be reachable on the compose network only", db.Ports)
	}

	// The api's DATABASE_URL and the healthcheck name the same user and database as the image's
	// variables that create them.
	user, _ := env(db, "POSTGRES_USER")
	password, _ := env(db, "POSTGRES_PASSWORD")
	name, _ := env(db, "POSTGRES_DB")
	if user == "" || password == "" || name == "" {
		t.Fatalf("db needs POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB; environment = %v", db.Environment)
	}
	raw, _ := env(service(t, "api"), "DATABASE_URL")
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("api DATABASE_URL %q: %v", raw, err)
	}
	pw, _ := u.User.Password()
	if u.Hostname() != "db" || u.User.Username() != user || pw != password || strings.TrimPrefix(u.Path, "/") != name {
		t.Errorf("api DATABASE_URL %q does not match db's user %q, password and database %q", raw, user, name)
	}
	test := strings.Join(hc.Test, " ")
	if !strings.Contains(test, "-U "+user) || !strings.Contains(test, "-d "+name) {
		t.Errorf("db healthcheck %q does not check user %q and database %q", test, user, name)
	}
}

func TestComposeAPI(t *testing.T) {
	t.Parallel()
	api := service(t, "api")

	dockerfile, contextDir := dockerfileOf(t, api)
	if contextDir != abs(t, repoRoot) || dockerfile != abs(t, filepath.Join(repoRoot, "Dockerfile")) {
		t.Errorf("api builds %s in %s, want the root Dockerfile in the repository root", dockerfile, contextDir)
	}

	if dep, ok := api.DependsOn["db"]; !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("api depends_on = %+v, want db with condition service_healthy", api.DependsOn)
	}

	// `docker compose up --scale api=3` fails on a fixed host port or a container name.
	for _, p := range api.Ports {
		if p.Published != "" {
			t.Errorf("api publishes host port %s: replicas could not share it (nginx reaches them)", p.Published)
		}
	}
	if api.ContainerName != "" {
		t.Errorf("api has container_name %q, which rules out replicas", api.ContainerName)
	}

	// Replicas must share the signing key, which they do when they generate it in the database.
	if _, ok := env(api, "PAIRUP_JWT_SECRET"); ok {
		t.Error("api sets PAIRUP_JWT_SECRET: leave it unset so every replica shares the generated key")
	}
	if v, _ := env(api, "PAIRUP_TOKEN_TTL"); v != "" {
		if _, err := time.ParseDuration(v); err != nil {
			t.Errorf("PAIRUP_TOKEN_TTL %q is not a Go duration: %v", v, err)
		}
	}
	documented := readmeVariables(t)
	for key := range api.Environment {
		if !documented[key] {
			t.Errorf("api sets %s, which README.md's configuration table does not list", key)
		}
	}

	// The image runs `pairup serve`, which migrates before serving.
	argv, binary := apiCommand(t, api)
	if len(argv) < 2 || path.Base(argv[0]) != "pairup" || argv[1] != "serve" {
		t.Errorf("api runs %q, want pairup serve", argv)
	}
	if argv[0] != binary {
		t.Errorf("api runs %s, but the runtime stage installs the binary as %s", argv[0], binary)
	}

	// The image has no shell and no HTTP client: the healthcheck execs the binary's own
	// `pairup health` (exit 0 only when /api/health/ready answers 200), by its installed path.
	hc := api.HealthCheck
	if hc == nil || hc.Disable {
		t.Fatalf("api healthcheck = %+v, want pairup health", hc)
	}
	if want := []string{"CMD", binary, "health"}; !slices.Equal(hc.Test, want) {
		t.Errorf("api healthcheck test = %q, want %q (exec form: there is no shell)", hc.Test, want)
	}
	if hc.Interval == nil || hc.Retries == nil || hc.Timeout == nil {
		t.Errorf("api healthcheck has no interval, timeout or retries: %+v", hc)
	} else if time.Duration(*hc.Timeout) <= 3*time.Second {
		t.Errorf("api healthcheck timeout %v: pairup health waits up to 3s for the answer, give it more", time.Duration(*hc.Timeout))
	}
	if hc.StartPeriod == nil || time.Duration(*hc.StartPeriod) < 10*time.Second {
		t.Errorf("api healthcheck start_period %v: migrations run before the server is ready; allow at least 10s", hc.StartPeriod)
	}
}

// apiCommand is the api container's argv, from the Dockerfile's ENTRYPOINT and CMD with the
// service's overrides, and the path the runtime stage copies the binary to.
func apiCommand(t *testing.T, api types.ServiceConfig) (argv []string, binary string) {
	t.Helper()
	dockerfile, _ := dockerfileOf(t, api)
	stages := parseDockerfile(t, dockerfile)
	runtime := stages[len(stages)-1]
	entrypoint := runtime.exec(t, "ENTRYPOINT")
	cmd := runtime.exec(t, "CMD")
	if api.Entrypoint != nil {
		entrypoint, cmd = api.Entrypoint, nil // as Docker does: a new entrypoint drops the image's CMD
	}
	if api.Command != nil {
		cmd = api.Command
	}
	for _, c := range runtime.all("COPY") {
		if c.flag("from") != "" && len(c.words()) > 0 {
			binary = c.words()[len(c.words())-1]
		}
	}
	return append(slices.Clone(entrypoint), cmd...), binary
}

// readmeVariables are the variables in README.md's configuration table.
func readmeVariables(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z][A-Z0-9_]*)`").FindAllStringSubmatch(string(b), -1) {
		vars[m[1]] = true
	}
	if !vars["DATABASE_URL"] {
		t.Fatal("README.md has no configuration table listing DATABASE_URL")
	}
	return vars
}

func TestComposeWeb(t *testing.T) {
	t.Parallel()
	webSvc := service(t, "web")
	conf := nginxConfigOf(t, webSvc)
	listen := conf.listenPort(t)

	published := false
	for _, p := range webSvc.Ports {
		if p.Published == "8080" && strconv.Itoa(int(p.Target)) == listen {
			published = true
		}
	}
	if !published {
		t.Errorf("web ports = %+v, want host port 8080 on nginx's port %s", webSvc.Ports, listen)
	}
	// nginx starts once a replica is ready (the api's healthcheck), not merely started.
	if dep, ok := webSvc.DependsOn["api"]; !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("web depends_on = %+v, want api with condition service_healthy", webSvc.DependsOn)
	}

	// nginx forwards to the port the api listens on.
	addr, _ := env(service(t, "api"), "PAIRUP_ADDR")
	_, apiPort, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("api PAIRUP_ADDR %q: %v", addr, err)
	}
	if host, port := conf.apiUpstream(t); host != "api" || port != apiPort {
		t.Errorf("nginx proxies to %s:%s, want api:%s (the service and its PAIRUP_ADDR)", host, port, apiPort)
	}
}

// nginxConfigOf is the nginx configuration the web service's Dockerfile installs, parsed.
func nginxConfigOf(t *testing.T, webSvc types.ServiceConfig) *nginxFile {
	t.Helper()
	dockerfile, contextDir := dockerfileOf(t, webSvc)
	stages := parseDockerfile(t, dockerfile)
	for _, c := range stages[len(stages)-1].all("COPY") {
		w := c.words()
		if c.flag("from") == "" && len(w) == 2 && strings.HasPrefix(w[1], "/etc/nginx/") {
			return parseNginx(t, filepath.Join(contextDir, w[0]))
		}
	}
	t.Fatalf("%s: the runtime stage copies no nginx configuration into /etc/nginx/", dockerfile)
	return nil
}
