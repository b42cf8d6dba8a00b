package deploy

import (
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pairup/pairup/api/web"
)

// An nginx configuration read as text: directives, blocks, quoting and escapes as nginx's own
// parser treats them, and location selection and header inheritance as nginx applies them. The
// tests ask what nginx would do with a given URI rather than whether some line is present.

type directive struct {
	name   string
	args   []string
	block  []*directive // nil for a simple directive
	parent *directive   // the enclosing block; nil at the top of the file
}

type nginxFile struct {
	file   string
	top    []*directive
	server *directive
}

func parseNginx(t *testing.T, file string) *nginxFile {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := nginxTokens(string(b))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	i := 0
	top, err := nginxBlock(tokens, &i, nil)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if i != len(tokens) {
		t.Fatalf("%s: unbalanced }", file)
	}
	f := &nginxFile{file: file, top: top}
	for _, d := range top {
		if d.name == "server" {
			if f.server != nil {
				t.Fatalf("%s: more than one server block", file)
			}
			f.server = d
		}
	}
	if f.server == nil {
		t.Fatalf("%s: no server block", file)
	}
	return f
}

type nginxToken struct {
	text  string
	punct bool // one of { } ;
}

func nginxTokens(s string) ([]nginxToken, error) {
	var out []nginxToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '{' || c == '}' || c == ';':
			out = append(out, nginxToken{text: string(c), punct: true})
			i++
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, strconv.ErrSyntax
			}
			out = append(out, nginxToken{text: nginxUnescape(s[i+1 : j])})
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n;{}", rune(s[j])) {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			out = append(out, nginxToken{text: nginxUnescape(s[i:min(j, len(s))])})
			i = j
		}
	}
	return out, nil
}

// nginxUnescape drops the backslash before a quote or a backslash, as nginx does; any other
// escape (such as \. in a regular expression) is kept.
func nginxUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.ContainsRune(`"'\`, rune(s[i+1])) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func nginxBlock(tokens []nginxToken, i *int, parent *directive) ([]*directive, error) {
	var out []*directive
	for *i < len(tokens) {
		tok := tokens[*i]
		if tok.punct && tok.text == "}" {
			if parent == nil {
				return nil, strconv.ErrSyntax
			}
			*i++
			return out, nil
		}
		if tok.punct {
			return nil, strconv.ErrSyntax
		}
		d := &directive{name: tok.text, parent: parent}
		for *i++; *i < len(tokens) && !tokens[*i].punct; *i++ {
			d.args = append(d.args, tokens[*i].text)
		}
		if *i == len(tokens) {
			return nil, strconv.ErrSyntax
		}
		switch tokens[*i].text {
		case ";":
			*i++
		case "{":
			*i++
			block, err := nginxBlock(tokens, i, d)
			if err != nil {
				return nil, err
			}
			d.block = block
			if d.block == nil {
				d.block = []*directive{}
			}
		default:
			return nil, strconv.ErrSyntax
		}
		out = append(out, d)
	}
	if parent != nil {
		return nil, strconv.ErrSyntax // a block left open
	}
	return out, nil
}

func (d *directive) first(name string) *directive {
	for _, c := range d.block {
		if c.name == name {
			return c
		}
	}
	return nil
}

// effective is what a directive inherits: the ones of that name at the nearest level (the
// location itself, then each enclosing block) that has any. This is nginx's rule for add_header,
// proxy_set_header, expires, proxy_read_timeout… (a single add_header in a location drops every
// add_header of the server).
func (d *directive) effective(name string) []*directive {
	for level := d; level != nil; level = level.parent {
		var found []*directive
		for _, c := range level.block {
			if c.name == name {
				found = append(found, c)
			}
		}
		if len(found) > 0 {
			return found
		}
	}
	return nil
}

// header is the value of the add_header of that name in effect for a location, or "".
func (d *directive) header(name string) string {
	for _, h := range d.effective("add_header") {
		if len(h.args) >= 2 && strings.EqualFold(h.args[0], name) {
			return h.args[1]
		}
	}
	return ""
}

func (d *directive) proxyHeader(name string) string {
	for _, h := range d.effective("proxy_set_header") {
		if len(h.args) == 2 && strings.EqualFold(h.args[0], name) {
			return h.args[1]
		}
	}
	return ""
}

// locate is the location nginx chooses for uri among those in blocks (and nested in them):
// an exact match ends the search; otherwise the longest prefix, then its nested locations, then
// (unless that prefix has ^~) the regular expressions in order. final is false when the choice
// is only a prefix, which regular expressions at an outer level may still override.
func locate(t *testing.T, block []*directive, uri string) (loc *directive, final bool) {
	t.Helper()
	var prefix *directive
	prefixLen := -1
	for _, d := range block {
		if d.name != "location" {
			continue
		}
		mod, pattern := locationPattern(t, d)
		switch mod {
		case "=":
			if uri == pattern {
				return d, true
			}
		case "", "^~":
			if strings.HasPrefix(uri, pattern) && len(pattern) > prefixLen {
				prefix, prefixLen = d, len(pattern)
			}
		}
	}
	noRegex := false
	if prefix != nil {
		loc = prefix
		if inner, innerFinal := locate(t, prefix.block, uri); inner != nil {
			if innerFinal {
				return inner, true
			}
			loc = inner
		}
		mod, _ := locationPattern(t, prefix)
		noRegex = mod == "^~"
	}
	if !noRegex {
		for _, d := range block {
			if d.name != "location" {
				continue
			}
			mod, pattern := locationPattern(t, d)
			if mod != "~" && mod != "~*" {
				continue
			}
			if mod == "~*" {
				pattern = "(?i)" + pattern
			}
			if regexp.MustCompile(pattern).MatchString(uri) {
				if inner, _ := locate(t, d.block, uri); inner != nil {
					return inner, true
				}
				return d, true
			}
		}
	}
	return loc, false
}

func locationPattern(t *testing.T, d *directive) (modifier, pattern string) {
	t.Helper()
	switch len(d.args) {
	case 1:
		return "", d.args[0]
	case 2:
		return d.args[0], d.args[1]
	}
	t.Fatalf("location %q: want [modifier] pattern", d.args)
	return "", ""
}

func (f *nginxFile) location(t *testing.T, uri string) *directive {
	t.Helper()
	loc, _ := locate(t, f.server.block, uri)
	if loc == nil {
		t.Fatalf("%s: no location serves %s", f.file, uri)
	}
	return loc
}

// value resolves $name from a `set` in the server block; other text is returned as it is.
func (f *nginxFile) value(t *testing.T, s string) string {
	t.Helper()
	if !strings.HasPrefix(s, "$") {
		return s
	}
	for _, d := range f.server.block {
		if d.name == "set" && len(d.args) == 2 && d.args[0] == s {
			return d.args[1]
		}
	}
	t.Fatalf("%s: %s is not set in the server block", f.file, s)
	return ""
}

func (f *nginxFile) listenPort(t *testing.T) string {
	t.Helper()
	l := f.server.first("listen")
	if l == nil {
		t.Fatalf("%s: no listen", f.file)
	}
	addr := l.args[0]
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		addr = addr[i+1:]
	}
	return addr
}

// apiUpstream is the host and port every proxy_pass in the server sends requests to.
func (f *nginxFile) apiUpstream(t *testing.T) (host, port string) {
	t.Helper()
	var walk func([]*directive)
	walk = func(block []*directive) {
		for _, d := range block {
			if d.name == "proxy_pass" {
				u, err := url.Parse(f.value(t, d.args[0]))
				if err != nil || u.Scheme != "http" {
					t.Fatalf("%s: proxy_pass %s: want http://host:port", f.file, d.args[0])
				}
				if host != "" && (u.Hostname() != host || u.Port() != port) {
					t.Fatalf("%s: proxy_pass to %s and to %s:%s", f.file, u.Host, host, port)
				}
				host, port = u.Hostname(), u.Port()
			}
			walk(d.block)
		}
	}
	walk(f.server.block)
	if host == "" {
		t.Fatalf("%s: no proxy_pass", f.file)
	}
	return host, port
}

func webNginx(t *testing.T) *nginxFile {
	t.Helper()
	return nginxConfigOf(t, service(t, "web"))
}

// nginxDuration reads nginx's time syntax: 90, 30s, 1h, 1h30m, 1y…
func nginxDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	units := map[string]time.Duration{"ms": time.Millisecond, "": time.Second, "s": time.Second,
		"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
		"M": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour}
	parts := regexp.MustCompile(`(\d+)(ms|s|m|h|d|w|M|y)?`).FindAllStringSubmatch(s, -1)
	var total time.Duration
	consumed := 0
	for _, p := range parts {
		n, _ := strconv.Atoi(p[1])
		total += time.Duration(n) * units[p[2]]
		consumed += len(p[0])
	}
	if len(parts) == 0 || consumed != len(s) {
		t.Fatalf("%q is not an nginx time", s)
	}
	return total
}

// caching is what a location tells browsers: no-cache, or a max-age.
func caching(t *testing.T, loc *directive) (noCache bool, maxAge time.Duration) {
	t.Helper()
	if cc := loc.header("Cache-Control"); cc != "" {
		for _, part := range strings.Split(cc, ",") {
			part = strings.TrimSpace(part)
			if part == "no-cache" {
				noCache = true
			}
			if v, ok := strings.CutPrefix(part, "max-age="); ok {
				maxAge = nginxDuration(t, v)
			}
		}
		return noCache, maxAge
	}
	exp := loc.effective("expires")
	if len(exp) == 0 {
		return false, 0
	}
	v := exp[len(exp)-1].args[len(exp[len(exp)-1].args)-1]
	switch {
	case v == "epoch" || strings.HasPrefix(v, "-"):
		return true, 0 // nginx sends Cache-Control: no-cache
	case v == "max":
		return false, 10 * 365 * 24 * time.Hour
	case v == "off":
		return false, 0
	}
	return false, nginxDuration(t, strings.TrimPrefix(v, "@"))
}

func TestNginxWebSocket(t *testing.T) {
	t.Parallel()
	f := webNginx(t)
	// The value the map gives $var when the client sends Upgrade (its default entry).
	upgradeValue := func(v string) string {
		for _, d := range f.top {
			if d.name == "map" && len(d.args) == 2 && d.args[0] == "$http_upgrade" && d.args[1] == v {
				if def := d.first("default"); def != nil {
					return def.args[0]
				}
			}
		}
		return v
	}
	for _, uri := range []string{"/api/ws", "/api/ws/"} {
		loc := f.location(t, uri)
		if loc.first("proxy_pass") == nil {
			t.Errorf("%s: not proxied", uri)
			continue
		}
		if v := loc.effective("proxy_http_version"); len(v) == 0 || v[0].args[0] != "1.1" {
			t.Errorf("%s: proxy_http_version is not 1.1, which the upgrade needs", uri)
		}
		if up := loc.proxyHeader("Upgrade"); up != "$http_upgrade" {
			t.Errorf("%s: proxy_set_header Upgrade = %q, want $http_upgrade", uri, up)
		}
		if c := loc.proxyHeader("Connection"); !strings.EqualFold(upgradeValue(c), "upgrade") {
			t.Errorf("%s: proxy_set_header Connection = %q, want upgrade", uri, c)
		}
		// Sockets stay open for as long as the page does; 60 s of quiet is nginx's default.
		if rt := loc.effective("proxy_read_timeout"); len(rt) == 0 || nginxDuration(t, rt[0].args[0]) < 10*time.Minute {
			t.Errorf("%s: proxy_read_timeout under 10 minutes would close quiet sockets", uri)
		}
	}
}

// Every /api path goes to the server, which sends its own security headers: a second CSP from
// nginx would be enforced on top of the server's.
func TestNginxProxiesTheAPI(t *testing.T) {
	t.Parallel()
	f := webNginx(t)
	for _, uri := range []string{"/api", "/api/", "/api/health", "/api/labs", "/api/students/21234567/project",
		"/api/openapi.yaml", "/api/docs", "/api/assets/x.js"} {
		loc := f.location(t, uri)
		if loc.first("proxy_pass") == nil {
			t.Errorf("%s: served by nginx, want it proxied to the api", uri)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control"} {
			if v := loc.header(h); v != "" {
				t.Errorf("%s: nginx adds %s: %s to the server's answer", uri, h, v)
			}
		}
		if loc.effective("expires") != nil {
			t.Errorf("%s: nginx sets expires on the server's answer", uri)
		}
	}
}

// The SPA as `pairup serve` serves it (api/web/web.go): index.html for client-side routes, 404
// for missing files, the same security headers, no-cache for index.html and a year for assets.
func TestNginxServesTheSPA(t *testing.T) {
	t.Parallel()
	f := webNginx(t)
	checkHeaders := func(uri string, loc *directive) {
		t.Helper()
		if got := loc.header("Content-Security-Policy"); got != web.ContentSecurityPolicy {
			t.Errorf("%s: Content-Security-Policy = %q, want the server's %q", uri, got, web.ContentSecurityPolicy)
		}
		if got := loc.header("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", uri, got)
		}
		if got := loc.header("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s: Referrer-Policy = %q", uri, got)
		}
		for _, h := range loc.effective("add_header") {
			if h.args[len(h.args)-1] != "always" {
				t.Errorf("%s: add_header %s without always is dropped from error answers", uri, h.args[0])
			}
		}
	}
	// Client-side routes: the file if there is one, else index.html.
	for _, uri := range []string{"/", "/projects", "/students/21234567/project", "/apiary"} {
		loc := f.location(t, uri)
		tf := loc.first("try_files")
		if tf == nil || tf.args[len(tf.args)-1] != "/index.html" {
			t.Errorf("%s: want try_files … /index.html, got %v", uri, tf)
			continue
		}
		checkHeaders(uri, loc)
	}
	// …where the fallback lands.
	index := f.location(t, "/index.html")
	if tf := index.first("try_files"); tf != nil && !slices.Contains(tf.args, "$uri") {
		t.Errorf("/index.html: try_files %v does not serve the file", tf.args)
	}
	checkHeaders("/index.html", index)
	if noCache, _ := caching(t, index); !noCache {
		t.Error("/index.html is not sent with Cache-Control: no-cache")
	}
	// Hashed assets: cached for long; missing ones are 404, not index.html.
	for _, uri := range []string{"/assets/index-C0xtpSdR.js", "/assets/index-C0xtpSdR.css"} {
		loc := f.location(t, uri)
		checkHeaders(uri, loc)
		if _, maxAge := caching(t, loc); maxAge < 30*24*time.Hour {
			t.Errorf("%s: cached for %v, want a long max-age", uri, maxAge)
		}
		if tf := loc.first("try_files"); tf == nil || tf.args[len(tf.args)-1] != "=404" {
			t.Errorf("%s: a missing asset must be a 404, not index.html", uri)
		}
	}
	// Other files: not cached for long, and a missing one is a 404.
	for _, uri := range []string{"/favicon.svg", "/robots.txt"} {
		loc := f.location(t, uri)
		checkHeaders(uri, loc)
		if tf := loc.first("try_files"); tf == nil || tf.args[len(tf.args)-1] != "=404" {
			t.Errorf("%s: a missing file must be a 404, not index.html", uri)
		}
		if noCache, _ := caching(t, loc); !noCache {
			t.Errorf("%s: not sent with Cache-Control: no-cache", uri)
		}
	}
}

func TestNginxGzip(t *testing.T) {
	t.Parallel()
	f := webNginx(t)
	if g := f.server.first("gzip"); g == nil || g.args[0] != "on" {
		t.Error("gzip is not on")
	}
	types := f.server.first("gzip_types")
	if types == nil {
		t.Fatal("no gzip_types: only text/html would be compressed")
	}
	for _, want := range []string{"application/javascript", "text/css", "application/json"} {
		if !slices.Contains(types.args, want) {
			t.Errorf("gzip_types lacks %s", want)
		}
	}
}

// nginx must send requests to every api replica, including ones started after it.
func TestNginxBalancesOverAPIReplicas(t *testing.T) {
	t.Parallel()
	f := webNginx(t)
	r := f.server.first("resolver")
	if r == nil || !slices.Contains(r.args, "127.0.0.11") || !slices.ContainsFunc(r.args, func(a string) bool {
		return strings.HasPrefix(a, "valid=")
	}) {
		t.Fatalf("want `resolver 127.0.0.11 valid=…` (Docker's DNS, re-asked while serving); got %v", r)
	}
	var walk func([]*directive)
	walk = func(block []*directive) {
		for _, d := range block {
			if d.name == "proxy_pass" && !strings.HasPrefix(d.args[0], "$") {
				t.Errorf("proxy_pass %s: a literal host is resolved once at startup; use a variable so "+
					"the resolver finds every replica", d.args[0])
			}
			walk(d.block)
		}
	}
	walk(f.server.block)
}

// A request the replica it went to could not answer (refused, reset, no answer in time) goes to
// the next replica, once, so that a replica that stops or dies shows as no errors; POSTs too,
// since a draining replica resets the ones in its listen backlog unread (see the comment in
// nginx.conf for what that costs when a replica dies).
func TestNginxRetriesTheNextReplica(t *testing.T) {
	t.Parallel()
	f := webNginx(t)
	for _, uri := range []string{"/api", "/api/", "/api/labs", "/api/students/21234567/project", "/api/ws", "/api/ws/"} {
		loc := f.location(t, uri)
		if loc.first("proxy_pass") == nil {
			t.Errorf("%s: not proxied", uri)
			continue
		}
		next := loc.effective("proxy_next_upstream")
		if len(next) != 1 {
			t.Errorf("%s: %d proxy_next_upstream in effect, want one", uri, len(next))
			continue
		}
		for _, want := range []string{"error", "timeout", "non_idempotent"} {
			if !slices.Contains(next[0].args, want) {
				t.Errorf("%s: proxy_next_upstream %v lacks %s", uri, next[0].args, want)
			}
		}
		for _, a := range next[0].args {
			// An error answer is the app's: sending the request again could do a write twice.
			if a == "off" || strings.HasPrefix(a, "http_") || a == "invalid_header" {
				t.Errorf("%s: proxy_next_upstream %s: want only failures before an answer", uri, a)
			}
		}
		if tries := loc.effective("proxy_next_upstream_tries"); len(tries) != 1 || tries[0].args[0] != "2" {
			var got [][]string
			for _, d := range tries {
				got = append(got, d.args)
			}
			t.Errorf("%s: want proxy_next_upstream_tries 2 (one resend; 0 is unlimited), got %v", uri, got)
		}
		ct := loc.effective("proxy_connect_timeout")
		if len(ct) != 1 {
			t.Errorf("%s: no proxy_connect_timeout: a replica that is gone holds requests for nginx's 60 s", uri)
			continue
		}
		if d := nginxDuration(t, ct[0].args[0]); d <= 0 || d > 5*time.Second {
			t.Errorf("%s: proxy_connect_timeout %v, want at most 5s", uri, d)
		}
	}
}
