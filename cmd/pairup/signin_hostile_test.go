package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/internal/apitest"
)

// Hostile sign-ins (issue 11 §3): one PIN sprayed across many student numbers from one
// address, a forged X-Forwarded-For, and PIN hashes keyed with a pepper.

// siTPepper is a pepper long enough for PAIRUP_PIN_PEPPER.
const siTPepper = "pepper-for-the-sign-in-tests-0123"

// siTFrom is a client of the server whose connections come from the loopback address from
// (any of 127.0.0.0/8 reaches a server on 127.0.0.1), so one test has several client addresses.
// Every answer is checked against the spec.
type siTFrom struct {
	s    *testServer
	http *http.Client
}

func siTClient(t *testing.T, s *testServer, from string) *siTFrom {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	tr := &http.Transport{DialContext: dialer.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &siTFrom{s: s, http: &http.Client{Transport: s.Client.Transport(tr)}}
}

// signIn posts Basic credentials to /api/tokens, with an X-Forwarded-For header unless xff is "".
func (c *siTFrom) signIn(t *testing.T, number, pin, xff string) *apitest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.s.URL+"/api/tokens", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(number, pin)
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("sign in %s: %v", number, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &apitest.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// siTWantAddressThrottled checks a 429 from the address throttle (not the student number's).
func siTWantAddressThrottled(t *testing.T, r *apitest.Response, what string) {
	t.Helper()
	if secs := authTRetryAfter(t, r, what); secs < 1 || secs > 900 {
		t.Fatalf("%s: Retry-After %d, want 1..900", what, secs)
	}
	if p := r.Problem(t); !strings.Contains(p.Detail, "network") {
		t.Fatalf("%s: detail %q, want the address throttle's", what, p.Detail)
	}
}

// siTEnv is a server environment with the address limit n and more settings as key, value pairs.
func siTEnv(n int, kv ...string) map[string]string {
	env := map[string]string{"PAIRUP_SIGNIN_ADDRESS_LIMIT": strconv.Itoa(n)}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return env
}

// One wrong PIN tried once on each of many student numbers stays under every number's limit,
// but not under the address's: after the limit the address gets 429 (even with a right PIN),
// while another address signs in and fails as usual.
func TestSigninSprayThrottledPerAddress(t *testing.T) {
	t.Parallel()
	const limit, numbers = 25, 40
	f := newFixture(t, numbers+1, 0)
	s := startServer(t, f.DBURL, siTEnv(limit))
	attacker, other := siTClient(t, s, "127.0.0.2"), siTClient(t, s, "127.0.0.3")

	for i := range numbers {
		r := attacker.signIn(t, studentNumber(i), authTWrongPIN, "")
		if i < limit {
			authTWant401(t, r, "Basic", fmt.Sprintf("sprayed guess %d", i+1))
		} else {
			siTWantAddressThrottled(t, r, fmt.Sprintf("sprayed guess %d", i+1))
		}
	}
	siTWantAddressThrottled(t, attacker.signIn(t, studentNumber(numbers), testPIN, ""), "right PIN from the sprayed address")

	// The student numbers themselves were not locked out by the spraying (one failure each).
	authTWant401(t, other.signIn(t, studentNumber(0), authTWrongPIN, ""), "Basic", "wrong PIN from another address")
	if r := other.signIn(t, studentNumber(0), testPIN, ""); r.Status != http.StatusOK {
		t.Fatalf("right PIN from another address: %d %s", r.Status, r.Body)
	}
}

// Right PINs do not count against the address, and do not wipe the failures counted before
// them either: interleaving known-good sign-ins buys an attacker nothing.
func TestSigninAddressCountsFailuresOnly(t *testing.T) {
	t.Parallel()
	const limit = 10
	f := newFixture(t, 30, 0)
	s := startServer(t, f.DBURL, siTEnv(limit))
	c := siTClient(t, s, "127.0.0.4")

	// A class behind one address signing in: many right PINs in a row use up nothing.
	for i := range 30 {
		if r := c.signIn(t, studentNumber(i), testPIN, ""); r.Status != http.StatusOK {
			t.Fatalf("student %d: %d %s", i, r.Status, r.Body)
		}
	}
	for i := range limit - 1 {
		authTWant401(t, c.signIn(t, studentNumber(i), authTWrongPIN, ""), "Basic", fmt.Sprintf("failure %d", i+1))
		if r := c.signIn(t, studentNumber(29), testPIN, ""); r.Status != http.StatusOK {
			t.Fatalf("known-good sign-in after failure %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	authTWant401(t, c.signIn(t, studentNumber(20), authTWrongPIN, ""), "Basic", "the limit-th failure")
	siTWantAddressThrottled(t, c.signIn(t, studentNumber(21), authTWrongPIN, ""), "one failure past the limit")
	siTWantAddressThrottled(t, c.signIn(t, studentNumber(29), testPIN, ""), "known-good sign-in past the limit")
}

// PAIRUP_SIGNIN_ADDRESS_LIMIT=0 turns the address throttle off; the per-number one stays.
func TestSigninAddressLimitOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 40, 0)
	s := startServer(t, f.DBURL, siTEnv(0))
	c := siTClient(t, s, "127.0.0.5")
	for i := range 40 {
		authTWant401(t, c.signIn(t, studentNumber(i), authTWrongPIN, ""), "Basic", fmt.Sprintf("guess %d", i+1))
	}
	for i := range 9 {
		authTWant401(t, c.signIn(t, studentNumber(0), authTWrongPIN, ""), "Basic", fmt.Sprintf("number's failure %d", i+2))
	}
	authTRetryAfter(t, c.signIn(t, studentNumber(0), testPIN, ""), "number past its own limit")
}

// Concurrent sprayed guesses across two instances: the reservation is one atomic statement, so
// exactly the limit reaches a PIN check (401) and every other guess is refused unchecked (429).
func TestSigninSprayConcurrentAcrossInstances(t *testing.T) {
	t.Parallel()
	const limit, guesses = 10, 40
	f := newFixture(t, guesses, 0)
	servers := []*testServer{startServer(t, f.DBURL, siTEnv(limit)), startServer(t, f.DBURL, siTEnv(limit))}
	clients := []*siTFrom{siTClient(t, servers[0], "127.0.0.6"), siTClient(t, servers[1], "127.0.0.6")}

	statuses := make([]int, guesses)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = clients[i%2].signIn(t, studentNumber(i), authTWrongPIN, "").Status
		}()
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, st := range statuses {
		counts[st]++
	}
	if counts[http.StatusUnauthorized] != limit || counts[http.StatusTooManyRequests] != guesses-limit || len(counts) != 2 {
		t.Fatalf("statuses %v, want exactly %d × 401 and %d × 429", counts, limit, guesses-limit)
	}
	for _, c := range clients {
		siTWantAddressThrottled(t, c.signIn(t, studentNumber(0), testPIN, ""), "right PIN after the burst")
	}
}

// Without trusted proxies X-Forwarded-For is the client's own to write: a new forged address per
// request does not escape the limit. Listing some other range does not make loopback (or any
// private range) trusted either.
func TestSigninForwardedForIgnoredWithoutTrustedProxies(t *testing.T) {
	t.Parallel()
	const limit = 10
	f := newFixture(t, 20, 0)
	for _, env := range []map[string]string{siTEnv(limit), siTEnv(limit, "PAIRUP_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")} {
		s := startServer(t, f.DBURL, env)
		c := siTClient(t, s, "127.0.0.7")
		for i := range 15 {
			xff := fmt.Sprintf("198.51.100.%d", i+1)
			r := c.signIn(t, studentNumber(i), authTWrongPIN, xff)
			if i < limit {
				authTWant401(t, r, "Basic", "guess with forged X-Forwarded-For "+xff)
			} else {
				siTWantAddressThrottled(t, r, "guess with forged X-Forwarded-For "+xff)
			}
		}
		if _, err := f.Store.Pool().Exec(context.Background(), `DELETE FROM signin_throttle`); err != nil {
			t.Fatal(err)
		}
	}
}

// Behind a trusted proxy the client is the last address X-Forwarded-For names before the
// proxies: distinct clients are counted apart, and a client prepending forged addresses is
// still counted as itself. A peer outside the trusted ranges still has its header ignored.
func TestSigninForwardedForHonouredFromTrustedProxies(t *testing.T) {
	t.Parallel()
	const limit = 10
	f := newFixture(t, 30, 0)
	s := startServer(t, f.DBURL, siTEnv(limit, "PAIRUP_TRUSTED_PROXIES", "127.0.0.8/32,::1"))
	proxy := siTClient(t, s, "127.0.0.8")

	// Many clients behind the proxy, one failure each: none is throttled.
	for i := range 2 * limit {
		authTWant401(t, proxy.signIn(t, studentNumber(i), authTWrongPIN, fmt.Sprintf("203.0.113.%d", i+1)), "Basic", "client "+strconv.Itoa(i+1))
	}
	// One client behind the proxy, forging a new address to the left each time.
	for i := range limit + 1 {
		xff := fmt.Sprintf("198.51.100.%d, 192.0.2.77", i+1)
		r := proxy.signIn(t, studentNumber(i), authTWrongPIN, xff)
		if i < limit {
			authTWant401(t, r, "Basic", "one client's guess "+strconv.Itoa(i+1))
		} else {
			siTWantAddressThrottled(t, r, "one client's guess past the limit")
		}
	}
	// Another client behind the same proxy is unaffected.
	if r := proxy.signIn(t, studentNumber(25), testPIN, "192.0.2.78"); r.Status != http.StatusOK {
		t.Fatalf("another client behind the proxy: %d %s", r.Status, r.Body)
	}
	// A peer that is no trusted proxy cannot claim to be a fresh client.
	direct := siTClient(t, s, "127.0.0.9")
	for i := range limit + 1 {
		r := direct.signIn(t, studentNumber(i), authTWrongPIN, fmt.Sprintf("203.0.113.%d", 100+i))
		if i < limit {
			authTWant401(t, r, "Basic", "untrusted peer's guess "+strconv.Itoa(i+1))
		} else {
			siTWantAddressThrottled(t, r, "untrusted peer's guess past the limit")
		}
	}
}

// siTStoredHash reads a person's stored PIN hash.
func siTStoredHash(t *testing.T, f *fixture, number string) string {
	t.Helper()
	var h string
	if err := f.Store.Pool().QueryRow(context.Background(), `SELECT pin_hash FROM people WHERE student_number = $1`, number).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

// siTWantPeppered checks that a stored hash is of the peppered kind and that bcrypt of the bare
// PIN does not verify against it, whole or past its prefix.
func siTWantPeppered(t *testing.T, hash, pin, what string) {
	t.Helper()
	if !strings.HasPrefix(hash, "peppered$") {
		t.Fatalf("%s: stored hash %q is not peppered", what, hash)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin)) == nil ||
		bcrypt.CompareHashAndPassword([]byte(strings.TrimPrefix(hash, "peppered$")), []byte(pin)) == nil {
		t.Fatalf("%s: bcrypt of the bare PIN verifies against the peppered hash", what)
	}
	if ok, _ := (auth.PINs{}).Verify(hash, pin); ok {
		t.Fatalf("%s: the peppered hash verifies without the pepper", what)
	}
	if ok, _ := (auth.PINs{Pepper: []byte(siTPepper)}).Verify(hash, pin); !ok {
		t.Fatalf("%s: the peppered hash does not verify with the pepper", what)
	}
}

// With PAIRUP_PIN_PEPPER set, every way of setting a PIN stores a peppered hash (the console's
// enrolment and PIN reset, the command line's import), which signs in with the pepper and not
// without it or with another.
func TestSigninPepperNewHashes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 0)
	s := startServer(t, f.DBURL, map[string]string{"PAIRUP_PIN_PEPPER": siTPepper})
	coord := signIn(t, s, adminNumber)

	const fresh, freshPIN = "30000777", "8642"
	if r := s.Client.Do(t, "PUT", "/api/units/default/enrolments/"+fresh, coord, map[string]any{"name": "Fresh Student", "role": "student", "pin": freshPIN}); r.Status != http.StatusOK {
		t.Fatalf("enrol: %d %s", r.Status, r.Body)
	}
	siTWantPeppered(t, siTStoredHash(t, f, fresh), freshPIN, "enrolled with a PIN")

	r := s.Client.Do(t, "POST", "/api/units/default/students/"+studentNumber(0)+"/pin", coord, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("reset PIN: %d %s", r.Status, r.Body)
	}
	var reset struct{ Pin string }
	r.JSON(t, &reset)
	siTWantPeppered(t, siTStoredHash(t, f, studentNumber(0)), reset.Pin, "reset PIN")

	getenv := func(k string) string {
		switch k {
		case "DATABASE_URL":
			return f.DBURL
		case "PAIRUP_PIN_PEPPER":
			return siTPepper
		}
		return ""
	}
	const imported, importedPIN = "30000888", "97531"
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "students", ccTFile(t, "students.csv", "student_number,name,pin,role\n"+imported+",Imported Student,"+importedPIN+",student\n")}, getenv, &out, testLogWriter{t}); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	siTWantPeppered(t, siTStoredHash(t, f, imported), importedPIN, "imported")

	for number, pin := range map[string]string{fresh: freshPIN, studentNumber(0): reset.Pin, imported: importedPIN} {
		if r := authTSignIn(t, s, number, pin); r.Status != http.StatusOK {
			t.Fatalf("sign in %s with the pepper: %d %s", number, r.Status, r.Body)
		}
	}
	// Without the pepper, or with another, these PINs fail as a wrong PIN would (and the stored
	// hashes stay as they are).
	unpeppered := startServer(t, f.DBURL, nil)
	wrong := startServer(t, f.DBURL, map[string]string{"PAIRUP_PIN_PEPPER": "another-pepper-entirely-0123456"})
	for number, pin := range map[string]string{fresh: freshPIN, imported: importedPIN} {
		authTWant401(t, authTSignIn(t, unpeppered, number, pin), "Basic", "peppered PIN on a server without the pepper")
		authTWant401(t, authTSignIn(t, wrong, number, pin), "Basic", "peppered PIN on a server with another pepper")
	}
	siTWantPeppered(t, siTStoredHash(t, f, fresh), freshPIN, "after refused sign-ins")
	if r := authTSignIn(t, s, fresh, freshPIN); r.Status != http.StatusOK {
		t.Fatalf("sign in with the pepper again: %d %s", r.Status, r.Body)
	}
}

// A hash stored before the pepper was set signs in, and that sign-in rewrites it in the
// peppered form; the next sign-in works from the new hash. A wrong PIN upgrades nothing.
func TestSigninPepperUpgradesPlainHashes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 0)
	s := startServer(t, f.DBURL, map[string]string{"PAIRUP_PIN_PEPPER": siTPepper})
	number := studentNumber(0)
	old := siTStoredHash(t, f, number)
	if strings.HasPrefix(old, "peppered$") {
		t.Fatal("the fixture's hash is already peppered")
	}

	authTWant401(t, authTSignIn(t, s, number, authTWrongPIN), "Basic", "wrong PIN against a plain hash")
	if h := siTStoredHash(t, f, number); h != old {
		t.Fatalf("a wrong PIN changed the stored hash to %q", h)
	}
	if r := authTSignIn(t, s, number, testPIN); r.Status != http.StatusOK {
		t.Fatalf("sign in with a plain hash: %d %s", r.Status, r.Body)
	}
	upgraded := siTStoredHash(t, f, number)
	siTWantPeppered(t, upgraded, testPIN, "upgraded at sign-in")
	if r := authTSignIn(t, s, number, testPIN); r.Status != http.StatusOK {
		t.Fatalf("sign in after the upgrade: %d %s", r.Status, r.Body)
	}
	if h := siTStoredHash(t, f, number); h != upgraded {
		t.Fatal("a peppered hash was rewritten again")
	}
	// The other student, never signed in, keeps the plain hash.
	if h := siTStoredHash(t, f, studentNumber(1)); h != old {
		t.Fatalf("another student's hash changed to %q", h)
	}

	// The upgrade is conditional on the hash it checked: a PIN reset in between wins.
	ctx := context.Background()
	if err := f.Store.UpgradePINHash(ctx, studentNumber(1), "not the stored hash", upgraded); err != nil {
		t.Fatal(err)
	}
	if h := siTStoredHash(t, f, studentNumber(1)); h != old {
		t.Fatalf("an upgrade against a stale hash changed the row to %q", h)
	}
}

// The sign-in settings' defaults, and a bad value of each failing the configuration by name.
func TestSigninConfig(t *testing.T) {
	t.Parallel()
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cfg, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Signin.AddressLimit != 100 || len(cfg.Signin.TrustedProxies) != 0 || len(cfg.Signin.PINPepper) != 0 {
		t.Fatalf("defaults %+v, want a limit of 100, no trusted proxies, no pepper", cfg.Signin)
	}
	cfg, err = loadConfig(env(map[string]string{
		"PAIRUP_TRUSTED_PROXIES":      " 10.1.2.3/8, 192.0.2.1,::ffff:198.51.100.0/120, 2001:db8::/32,",
		"PAIRUP_SIGNIN_ADDRESS_LIMIT": "0",
		"PAIRUP_PIN_PEPPER":           siTPepper,
	}))
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, p := range cfg.Signin.TrustedProxies {
		ranges = append(ranges, p.String())
	}
	if got := strings.Join(ranges, " "); got != "10.0.0.0/8 192.0.2.1/32 198.51.100.0/24 2001:db8::/32" {
		t.Fatalf("trusted proxies %s", got)
	}
	if cfg.Signin.AddressLimit != 0 || string(cfg.Signin.PINPepper) != siTPepper {
		t.Fatalf("settings %+v", cfg.Signin)
	}
	for name, bad := range map[string][]string{
		"PAIRUP_TRUSTED_PROXIES":      {"proxy.example", "10.0.0.0/33", "10.0.0.1 10.0.0.2", "fe80::1%eth0"},
		"PAIRUP_SIGNIN_ADDRESS_LIMIT": {"-1", "lots", "1.5"},
		"PAIRUP_PIN_PEPPER":           {"short", "fifteen-bytes!!"},
	} {
		for _, v := range bad {
			_, err := loadConfig(env(map[string]string{name: v}))
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%q: err = %v, want one naming %s", name, v, err, name)
			}
		}
	}
}
