package deploy

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// A Dockerfile read as text: stages of instructions. Enough for the files in this repository:
// comments, line continuations, FROM … AS, flags such as --from=, and exec-form JSON arrays.

type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY…
	rest string // everything after it, continuation lines joined
	line int
}

type stage struct {
	base, name string
	instrs     []instruction
}

func parseDockerfile(t *testing.T, file string) []stage {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		stages  []stage
		pending strings.Builder
		start   int
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && pending.Len() == 0) {
			continue // a comment (or parser directive), which may sit between continuation lines
		}
		if pending.Len() == 0 {
			start = n
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			pending.WriteString(cont + " ")
			continue
		}
		pending.WriteString(line)
		text := pending.String()
		pending.Reset()
		cmd, rest, _ := strings.Cut(text, " ")
		in := instruction{cmd: strings.ToUpper(cmd), rest: strings.TrimSpace(rest), line: start}
		if in.cmd == "FROM" {
			w := in.words()
			s := stage{base: w[0]}
			if len(w) == 3 && strings.EqualFold(w[1], "AS") {
				s.name = w[2]
			}
			stages = append(stages, s)
		} else if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("%s:%d: %s before FROM", file, in.line, in.cmd)
			}
			continue
		}
		stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, in)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(stages) == 0 {
		t.Fatalf("%s has no FROM", file)
	}
	return stages
}

// fields splits rest into its leading --flags and the other words (a JSON array in exec form).
func (in instruction) fields() (flags map[string]string, words []string) {
	flags = map[string]string{}
	rest := in.rest
	for strings.HasPrefix(rest, "--") {
		f, after, _ := strings.Cut(rest, " ")
		k, v, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		flags[k] = v
		rest = strings.TrimSpace(after)
	}
	if strings.HasPrefix(rest, "[") {
		if err := json.Unmarshal([]byte(rest), &words); err == nil {
			return flags, words
		}
	}
	return flags, strings.Fields(rest)
}

func (in instruction) flag(name string) string {
	flags, _ := in.fields()
	return flags[name]
}

func (in instruction) words() []string {
	_, words := in.fields()
	return words
}

func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.instrs {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// exec is the argv of the stage's last ENTRYPOINT or CMD, which must be in exec form (a shell
// form would run under /bin/sh, which a minimal image lacks, and would not forward signals).
func (s stage) exec(t *testing.T, cmd string) []string {
	t.Helper()
	all := s.all(cmd)
	if len(all) == 0 {
		return nil
	}
	in := all[len(all)-1]
	var argv []string
	if err := json.Unmarshal([]byte(in.rest), &argv); err != nil {
		t.Fatalf("line %d: %s %s is not in exec form: %v", in.line, cmd, in.rest, err)
	}
	return argv
}

// copiesFrom is the COPY instructions of stages[i] that take files from stages[j], named or
// numbered.
func copiesFrom(stages []stage, i, j int) []instruction {
	var out []instruction
	for _, c := range stages[i].all("COPY") {
		if ref := c.flag("from"); ref != "" && (ref == stages[j].name || ref == strconv.Itoa(j)) {
			out = append(out, c)
		}
	}
	return out
}

func runs(s stage, substrings ...string) bool {
	for _, in := range s.all("RUN") {
		ok := true
		for _, sub := range substrings {
			ok = ok && strings.Contains(in.rest, sub)
		}
		if ok {
			return true
		}
	}
	return false
}

func TestAPIDockerfileIsMultiStage(t *testing.T) {
	t.Parallel()
	file, _ := dockerfileOf(t, service(t, "api"))
	stages := parseDockerfile(t, file)
	if len(stages) < 2 {
		t.Fatalf("%s has %d stage(s), want a build stage and a runtime stage", file, len(stages))
	}
	build, runtime := stages[0], stages[len(stages)-1]
	if !strings.HasPrefix(build.base, "golang:") {
		t.Errorf("build stage FROM %s, want a golang image", build.base)
	}
	// A static binary, so the runtime image needs no C library.
	if !runs(build, "go build", "CGO_ENABLED=0", "./cmd/pairup") {
		t.Error("the build stage does not run CGO_ENABLED=0 go build … ./cmd/pairup")
	}
	if strings.HasPrefix(runtime.base, "golang:") || len(runtime.all("RUN")) != 0 {
		t.Errorf("runtime stage FROM %s with %d RUN: want a small image that only receives the binary",
			runtime.base, len(runtime.all("RUN")))
	}
	if len(copiesFrom(stages, len(stages)-1, 0)) == 0 {
		t.Error("the runtime stage copies nothing from the build stage")
	}
	// TestComposeAPI checks that the container runs `pairup serve`.
}

func TestWebDockerfileIsMultiStage(t *testing.T) {
	t.Parallel()
	webSvc := service(t, "web")
	file, _ := dockerfileOf(t, webSvc)
	stages := parseDockerfile(t, file)
	if len(stages) < 2 {
		t.Fatalf("%s has %d stage(s), want a Node build stage and an nginx stage", file, len(stages))
	}
	build, runtime := stages[0], stages[len(stages)-1]
	if !strings.HasPrefix(build.base, "node:") {
		t.Errorf("build stage FROM %s, want a node image", build.base)
	}
	if !runs(build, "npm ci") || !runs(build, "npm run build") {
		t.Error("the build stage does not run npm ci and npm run build")
	}
	skip := runs(build, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	for _, in := range build.all("ENV") {
		skip = skip || slices.Contains(in.words(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	}
	if !skip {
		t.Error("the build stage does not set PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1: npm ci would fetch browsers")
	}
	if !strings.HasPrefix(runtime.base, "nginx:") {
		t.Errorf("runtime stage FROM %s, want an nginx image", runtime.base)
	}

	// The built files land where nginx serves from.
	root := nginxConfigOf(t, webSvc).server.first("root")
	if root == nil {
		t.Fatal("the nginx server block has no root")
	}
	served := false
	for _, c := range copiesFrom(stages, len(stages)-1, 0) {
		w := c.words()
		served = served || (len(w) == 2 && path.Base(w[0]) == "dist" && path.Clean(w[1]) == path.Clean(root.args[0]))
	}
	if !served {
		t.Errorf("the nginx stage does not copy the build stage's dist/ to nginx's root %s", root.args[0])
	}
}

// Every COPY from a build context names files that are there and that .dockerignore keeps.
func TestBuildContextsHoldWhatTheDockerfilesCopy(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"api", "web"} {
		file, contextDir := dockerfileOf(t, service(t, name))
		rules := loadDockerignore(t, contextDir)
		for _, st := range parseDockerfile(t, file) {
			for _, c := range st.all("COPY") {
				w := c.words()
				if c.flag("from") != "" || len(w) < 2 {
					continue
				}
				for _, src := range w[:len(w)-1] {
					if _, err := os.Stat(filepath.Join(contextDir, src)); err != nil {
						t.Errorf("%s:%d: COPY %s: %v", file, c.line, src, err)
					}
					if rel := path.Clean(src); rel != "." && rules.excludes(rel) {
						t.Errorf("%s:%d: COPY %s, which .dockerignore excludes", file, c.line, src)
					}
				}
			}
		}
	}
}

func TestDockerignore(t *testing.T) {
	t.Parallel()
	rules := loadDockerignore(t, repoRoot)
	for _, p := range []string{
		".git/HEAD",
		"node_modules/x/package.json",
		"frontend/node_modules/vite/package.json",
		"postman/node_modules/newman/package.json",
		".data/pg/PG_VERSION",
		"bin/pairup",
		"frontend/dist/index.html",
		"frontend/test-results/screenshots/a.png",
		"test-results/x",
		"frontend/playwright-report/index.html",
		"cmd/pairup/pairup.test",
	} {
		if !rules.excludes(p) {
			t.Errorf(".dockerignore keeps %s in the build context", p)
		}
	}

	// …and keeps every input of the two builds (`COPY . .` takes the whole context).
	inputs := regexp.MustCompile(`(^go\.(mod|sum)$|\.(go|sql|ya?ml|json|ts|vue|css|html|svg|conf|mjs)$)`)
	skip := map[string]bool{".git": true, "node_modules": true, ".data": true, "bin": true, "dist": true,
		"test-results": true, "playwright-report": true}
	kept := 0
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skip[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(repoRoot, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if inputs.MatchString(d.Name()) {
			kept++
			if rules.excludes(rel) {
				t.Errorf(".dockerignore excludes %s, which a build may need", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if kept < 50 {
		t.Fatalf("found only %d build inputs under %s", kept, repoRoot)
	}
}

// dockerignore holds .dockerignore's patterns, Docker's way: Go filepath.Match syntax plus
// "**" for any number of directories; a pattern also excludes everything under a directory it
// matches; a later pattern overrides an earlier one, and "!" re-includes.
type dockerignore []struct {
	re     *regexp.Regexp
	negate bool
}

func loadDockerignore(t *testing.T, dir string) dockerignore {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var rules dockerignore
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		negate := strings.HasPrefix(line, "!")
		pattern := path.Clean(strings.TrimPrefix(strings.TrimPrefix(line, "!"), "/"))
		var re strings.Builder
		re.WriteString("^")
		for i := 0; i < len(pattern); i++ {
			switch c := pattern[i]; {
			case strings.HasPrefix(pattern[i:], "**/"):
				re.WriteString("(.*/)?")
				i += 2
			case strings.HasPrefix(pattern[i:], "**"):
				re.WriteString(".*")
				i++
			case c == '*':
				re.WriteString("[^/]*")
			case c == '?':
				re.WriteString("[^/]")
			case c == '\\' && i+1 < len(pattern):
				i++
				re.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString("$")
		rules = append(rules, struct {
			re     *regexp.Regexp
			negate bool
		}{regexp.MustCompile(re.String()), negate})
	}
	return rules
}

func (rules dockerignore) excludes(rel string) bool {
	excluded := false
	for _, r := range rules {
		for p := rel; p != "."; p = path.Dir(p) {
			if r.re.MatchString(p) {
				excluded = !r.negate
				break
			}
		}
	}
	return excluded
}
