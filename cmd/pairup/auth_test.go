package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/pairup/pairup/internal/apitest"
)

// authTSecretEnv makes a server sign with testSecret, so tests can forge tokens it would accept.
var authTSecretEnv = map[string]string{"PAIRUP_JWT_SECRET": testSecret}

// authTToken is the body of a successful sign-in.
type authTToken struct {
	Token  string    `json:"token"`
	Expiry time.Time `json:"expiry"`
}

// authTWrongPIN differs from testPIN but is a well-formed PIN.
const authTWrongPIN = "1357"

// authTUnknownNumber is a well-formed student number that is on no roster.
const authTUnknownNumber = "31111111"

// authTSignIn posts Basic credentials to /api/tokens.
func authTSignIn(t *testing.T, s *testServer, number, pin string) *apitest.Response {
	t.Helper()
	return s.Client.Do(t, "POST", "/api/tokens", apitest.Basic{User: number, Password: pin}, nil)
}

// authTWant401 checks a 401 problem carrying a WWW-Authenticate challenge of the scheme.
func authTWant401(t *testing.T, r *apitest.Response, scheme, what string) {
	t.Helper()
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("%s: status %d, want 401; body %s", what, r.Status, r.Body)
	}
	r.Problem(t)
	if got := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, scheme+" ") {
		t.Fatalf("%s: WWW-Authenticate %q, want a %s challenge", what, got, scheme)
	}
}

// authTRetryAfter checks a 429 problem and returns its Retry-After in seconds.
func authTRetryAfter(t *testing.T, r *apitest.Response, what string) int {
	t.Helper()
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("%s: status %d, want 429; body %s", what, r.Status, r.Body)
	}
	r.Problem(t)
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil {
		t.Fatalf("%s: Retry-After %q is not a number of seconds", what, r.Header.Get("Retry-After"))
	}
	return secs
}

// authTRaw sends a request with a hand-written Authorization header, which the spec-validating
// client cannot express, and checks the answer is a 401 problem with the scheme's challenge.
func authTRaw401(t *testing.T, s *testServer, method, path, authorization, scheme string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", authorization)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("%s %s with Authorization %q: status %d, want 401; body %s", method, path, authorization, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Authorization %q: Content-Type %q, want application/problem+json", authorization, ct)
	}
	if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, scheme+" ") {
		t.Fatalf("Authorization %q: WWW-Authenticate %q, want a %s challenge", authorization, got, scheme)
	}
}

// authTClaims are the claims of a token the server would issue for the student.
func authTClaims(number string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss": "pairup",
		"sub": number,
		"jti": uuid.NewString(),
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
}

// authTSign signs claims with a method and key.
func authTSign(t *testing.T, method jwt.SigningMethod, claims jwt.MapClaims, key any) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatalf("sign token: %v", err)
	}
	return tok
}

func TestAuthSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 3, 0)
	s := startServer(t, f.DBURL, map[string]string{"PAIRUP_TOKEN_TTL": "7m"})
	number := studentNumber(0)

	t.Run("right PIN gets a token that lasts PAIRUP_TOKEN_TTL", func(t *testing.T) {
		before := time.Now()
		r := authTSignIn(t, s, number, testPIN)
		after := time.Now()
		if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		var tok authTToken
		r.JSON(t, &tok)
		// The expiry is truncated to whole seconds, so it may be up to a second early.
		lo, hi := before.Add(7*time.Minute-time.Second), after.Add(7*time.Minute)
		if tok.Expiry.Before(lo) || tok.Expiry.After(hi) {
			t.Fatalf("expiry %s, want between %s and %s (now + 7m)", tok.Expiry, lo, hi)
		}
		var claims jwt.RegisteredClaims
		parsed, _, err := jwt.NewParser().ParseUnverified(tok.Token, &claims)
		if err != nil {
			t.Fatalf("token %q is not a JWT: %v", tok.Token, err)
		}
		if alg := parsed.Method.Alg(); alg != "HS256" {
			t.Errorf("alg %s, want HS256", alg)
		}
		if claims.Subject != number || claims.Issuer != "pairup" || claims.ExpiresAt == nil || !claims.ExpiresAt.Equal(tok.Expiry) {
			t.Errorf("claims %+v do not match student %s and expiry %s", claims, number, tok.Expiry)
		}
		if _, err := uuid.Parse(claims.ID); err != nil {
			t.Errorf("jti %q is not a UUID", claims.ID)
		}
		if got := s.Client.Do(t, "GET", "/api/students/"+number, apitest.Bearer(tok.Token), nil); got.Status != http.StatusOK {
			t.Fatalf("the issued token is refused: %d %s", got.Status, got.Body)
		}
	})

	t.Run("trailing slash", func(t *testing.T) {
		r := s.Client.Do(t, "POST", "/api/tokens/", apitest.Basic{User: studentNumber(1), Password: testPIN}, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("POST /api/tokens/: %d %s", r.Status, r.Body)
		}
	})

	t.Run("wrong PIN and unknown student are indistinguishable", func(t *testing.T) {
		wrong := authTSignIn(t, s, studentNumber(2), authTWrongPIN)
		authTWant401(t, wrong, "Basic", "wrong PIN")
		unknown := authTSignIn(t, s, authTUnknownNumber, testPIN)
		authTWant401(t, unknown, "Basic", "unknown student")
		if string(wrong.Body) != string(unknown.Body) {
			t.Fatalf("bodies differ:\nwrong PIN: %s\nunknown:   %s", wrong.Body, unknown.Body)
		}
		if wrong.Header.Get("WWW-Authenticate") != unknown.Header.Get("WWW-Authenticate") {
			t.Fatalf("challenges differ: %q vs %q", wrong.Header.Get("WWW-Authenticate"), unknown.Header.Get("WWW-Authenticate"))
		}
		// Malformed credentials answer exactly the same, so they reveal nothing either.
		for _, c := range []apitest.Basic{
			{User: "3000000a", Password: testPIN},      // non-digit number
			{User: "3000000", Password: testPIN},       // seven digits
			{User: studentNumber(2), Password: "24a8"}, // PIN with a letter
			{User: studentNumber(2), Password: ""},     // empty PIN
		} {
			r := s.Client.Do(t, "POST", "/api/tokens", c, nil)
			authTWant401(t, r, "Basic", "credentials "+c.User+":"+c.Password)
			if string(r.Body) != string(wrong.Body) {
				t.Errorf("credentials %s:%s: body %s differs from the wrong-PIN body %s", c.User, c.Password, r.Body, wrong.Body)
			}
		}
	})

	t.Run("no or non-Basic credentials", func(t *testing.T) {
		authTWant401(t, s.Client.Do(t, "POST", "/api/tokens", nil, nil), "Basic", "no Authorization")
		authTWant401(t, s.Client.Do(t, "POST", "/api/tokens", apitest.Bearer("abc"), nil), "Basic", "Bearer on sign-in")
		authTRaw401(t, s, "POST", "/api/tokens", "Basic !!!not-base64!!!", "Basic")
		authTRaw401(t, s, "POST", "/api/tokens", "Basic "+base64.StdEncoding.EncodeToString([]byte(number+testPIN)), "Basic") // no colon
		authTRaw401(t, s, "POST", "/api/tokens", "Basic", "Basic")
	})
}

func TestAuthDefaultTokenTTLIsAnHour(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1, 0)
	s := startServer(t, f.DBURL, nil)
	before := time.Now()
	r := authTSignIn(t, s, studentNumber(0), testPIN)
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var tok authTToken
	r.JSON(t, &tok)
	if d := tok.Expiry.Sub(before); d < time.Hour-time.Second || d > time.Hour+time.Minute {
		t.Fatalf("expiry is %s after sign-in, want 1h", d)
	}
}

func TestAuthForgedTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 0)
	s := startServer(t, f.DBURL, authTSecretEnv)
	victim, other := studentNumber(0), studentNumber(1)
	key := []byte(testSecret)
	path := "/api/students/" + victim

	// The control: a token crafted exactly as the server issues them is accepted, so each
	// refusal below is for what was changed and not for how tests build tokens.
	good := authTSign(t, jwt.SigningMethodHS256, authTClaims(victim), key)
	if r := s.Client.Do(t, "GET", path, apitest.Bearer(good), nil); r.Status != http.StatusOK {
		t.Fatalf("well-formed crafted token refused: %d %s", r.Status, r.Body)
	}

	// A real token of the other student, to tamper with.
	issued := string(signIn(t, s, other))
	parts := strings.Split(issued, ".")
	if len(parts) != 3 {
		t.Fatalf("issued token %q is not a JWS", issued)
	}
	var payload map[string]any
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(raw, &payload) != nil {
		t.Fatalf("issued token payload %q: %v", parts[1], err)
	}
	payload["sub"] = victim
	raw, _ = json.Marshal(payload)
	tamperedClaims := parts[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + parts[2]
	// Change the first signature character: the last one has padding bits a lenient decoder ignores.
	sig := []byte(parts[2])
	sig[0] = map[bool]byte{true: 'B', false: 'A'}[sig[0] == 'A']
	tamperedSig := parts[0] + "." + parts[1] + "." + string(sig)
	if r := s.Client.Do(t, "GET", "/api/students/"+other, apitest.Bearer(issued), nil); r.Status != http.StatusOK {
		t.Fatalf("untampered issued token refused: %d %s", r.Status, r.Body)
	}

	withClaim := func(k string, v any) jwt.MapClaims {
		c := authTClaims(victim)
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	noneAlg := authTSign(t, jwt.SigningMethodNone, authTClaims(victim), jwt.UnsafeAllowNoneSignatureType)
	goodParts := strings.Split(good, ".")
	cases := []struct {
		name, token, path string
	}{
		{"alg none", noneAlg, path},
		{"alg none with a valid HS256 signature", strings.Split(noneAlg, ".")[0] + "." + goodParts[1] + "." + goodParts[2], path},
		{"HS512 with the right key", authTSign(t, jwt.SigningMethodHS512, authTClaims(victim), key), path},
		{"HS384 with the right key", authTSign(t, jwt.SigningMethodHS384, authTClaims(victim), key), path},
		{"HS256 with a wrong key", authTSign(t, jwt.SigningMethodHS256, authTClaims(victim), []byte(strings.ToUpper(testSecret))), path},
		{"tampered signature", tamperedSig, "/api/students/" + other},
		{"tampered claims", tamperedClaims, path},
		{"no signature", parts[0] + "." + parts[1] + ".", "/api/students/" + other},
		{"expired", authTSign(t, jwt.SigningMethodHS256, withClaim("exp", time.Now().Add(-time.Minute).Unix()), key), path},
		{"no exp", authTSign(t, jwt.SigningMethodHS256, withClaim("exp", nil), key), path},
		{"wrong issuer", authTSign(t, jwt.SigningMethodHS256, withClaim("iss", "someone-else"), key), path},
		{"no issuer", authTSign(t, jwt.SigningMethodHS256, withClaim("iss", nil), key), path},
		{"no jti", authTSign(t, jwt.SigningMethodHS256, withClaim("jti", nil), key), path},
		{"no sub", authTSign(t, jwt.SigningMethodHS256, withClaim("sub", nil), key), path},
		{"sub not on the roster", authTSign(t, jwt.SigningMethodHS256, withClaim("sub", authTUnknownNumber), key), "/api/labs"},
		{"not yet valid", authTSign(t, jwt.SigningMethodHS256, withClaim("nbf", time.Now().Add(time.Hour).Unix()), key), path},
		{"garbage", "not-a-token", path},
		{"three garbage segments", "a.b.c", path},
		{"empty token", "", path},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			authTWant401(t, s.Client.Do(t, "GET", c.path, apitest.Bearer(c.token), nil), "Bearer", c.name)
		})
	}
	t.Run("other schemes", func(t *testing.T) {
		t.Parallel()
		authTWant401(t, s.Client.Do(t, "GET", path, apitest.Basic{User: victim, Password: testPIN}, nil), "Bearer", "Basic on a bearer route")
		authTWant401(t, s.Client.Do(t, "GET", path, nil, nil), "Bearer", "no Authorization")
		authTRaw401(t, s, "GET", path, "Token "+good, "Bearer")
		authTRaw401(t, s, "GET", path, good, "Bearer")
		authTRaw401(t, s, "GET", path, "Bearer", "Bearer")
	})
}

func TestAuthRevocationAcrossInstances(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 0)
	a := startServer(t, f.DBURL, authTSecretEnv)
	b := startServer(t, f.DBURL, authTSecretEnv)
	number := studentNumber(0)
	path := "/api/students/" + number
	revoked, kept := signIn(t, a, number), signIn(t, a, number)
	for _, s := range []*testServer{a, b} {
		for _, tok := range []apitest.Bearer{revoked, kept} {
			if r := s.Client.Do(t, "GET", path, tok, nil); r.Status != http.StatusOK {
				t.Fatalf("before revocation: %d %s", r.Status, r.Body)
			}
		}
	}

	if r := a.Client.Do(t, "DELETE", "/api/tokens", revoked, nil); r.Status != http.StatusNoContent {
		t.Fatalf("DELETE /api/tokens: %d %s", r.Status, r.Body)
	}
	authTWant401(t, b.Client.Do(t, "GET", path, revoked, nil), "Bearer", "revoked token on the other instance")
	authTWant401(t, a.Client.Do(t, "GET", path, revoked, nil), "Bearer", "revoked token on the revoking instance")
	authTWant401(t, b.Client.Do(t, "DELETE", "/api/tokens", revoked, nil), "Bearer", "revoking a revoked token")
	for _, s := range []*testServer{a, b} {
		if r := s.Client.Do(t, "GET", path, kept, nil); r.Status != http.StatusOK {
			t.Fatalf("the student's other token stopped working: %d %s", r.Status, r.Body)
		}
	}

	// The other token, revoked on the other instance through the trailing-slash path.
	if r := b.Client.Do(t, "DELETE", "/api/tokens/", kept, nil); r.Status != http.StatusNoContent {
		t.Fatalf("DELETE /api/tokens/: %d %s", r.Status, r.Body)
	}
	authTWant401(t, a.Client.Do(t, "GET", path, kept, nil), "Bearer", "second revoked token")
	// Signing in again still works.
	if r := a.Client.Do(t, "GET", path, signIn(t, b, number), nil); r.Status != http.StatusOK {
		t.Fatalf("a fresh token after revocations: %d %s", r.Status, r.Body)
	}
}

func TestAuthGeneratedKeyIsShared(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 0)
	a := startServer(t, f.DBURL, nil)
	b := startServer(t, f.DBURL, nil)
	fromA, fromB := signIn(t, a, studentNumber(0)), signIn(t, b, studentNumber(1))
	if r := b.Client.Do(t, "GET", "/api/students/"+studentNumber(0), fromA, nil); r.Status != http.StatusOK {
		t.Fatalf("token from A on B: %d %s", r.Status, r.Body)
	}
	if r := a.Client.Do(t, "GET", "/api/students/"+studentNumber(1), fromB, nil); r.Status != http.StatusOK {
		t.Fatalf("token from B on A: %d %s", r.Status, r.Body)
	}

	var key []byte
	if err := f.Store.Pool().QueryRow(context.Background(), `SELECT value FROM settings WHERE key = 'jwt_signing_key'`).Scan(&key); err != nil {
		t.Fatalf("read the stored signing key: %v", err)
	}
	if len(key) < 32 {
		t.Fatalf("stored signing key is %d bytes, want at least 32", len(key))
	}
	// The stored key is the one in use: a token signed with it works, and an instance with a
	// different key refuses the generated-key tokens.
	crafted := authTSign(t, jwt.SigningMethodHS256, authTClaims(studentNumber(0)), key)
	if r := a.Client.Do(t, "GET", "/api/students/"+studentNumber(0), apitest.Bearer(crafted), nil); r.Status != http.StatusOK {
		t.Fatalf("token signed with the stored key: %d %s", r.Status, r.Body)
	}
	c := startServer(t, f.DBURL, authTSecretEnv)
	authTWant401(t, c.Client.Do(t, "GET", "/api/students/"+studentNumber(0), fromA, nil), "Bearer", "generated-key token on a PAIRUP_JWT_SECRET instance")
}

func TestAuthThrottle(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 3, 0)
	s := startServer(t, f.DBURL, authTSecretEnv)
	ctx := context.Background()
	target := studentNumber(0)

	for i := range 10 {
		authTWant401(t, authTSignIn(t, s, target, authTWrongPIN), "Basic", "wrong PIN "+strconv.Itoa(i+1))
	}
	if secs := authTRetryAfter(t, authTSignIn(t, s, target, testPIN), "right PIN after 10 failures"); secs < 1 || secs > 900 {
		t.Fatalf("Retry-After %d, want 1..900", secs)
	}
	authTRetryAfter(t, authTSignIn(t, s, target, authTWrongPIN), "wrong PIN after 10 failures")

	// Another student is unaffected.
	if r := authTSignIn(t, s, studentNumber(1), testPIN); r.Status != http.StatusOK {
		t.Fatalf("another student: %d %s", r.Status, r.Body)
	}

	// An unknown but well-formed number is throttled alike, so throttling does not reveal who exists.
	for i := range 10 {
		authTWant401(t, authTSignIn(t, s, authTUnknownNumber, testPIN), "Basic", "unknown number "+strconv.Itoa(i+1))
	}
	authTRetryAfter(t, authTSignIn(t, s, authTUnknownNumber, testPIN), "unknown number after 10 failures")

	// Retry-After is the time left in the window.
	if _, err := f.Store.Pool().Exec(ctx, `UPDATE signin_throttle SET window_start = now() - interval '14 minutes 30 seconds' WHERE student_number = $1`, target); err != nil {
		t.Fatal(err)
	}
	if secs := authTRetryAfter(t, authTSignIn(t, s, target, testPIN), "30 seconds before the window ends"); secs < 1 || secs > 30 {
		t.Fatalf("Retry-After %d with 30s left in the window, want 1..30", secs)
	}

	// Once the window has passed, the right PIN works again.
	if _, err := f.Store.Pool().Exec(ctx, `UPDATE signin_throttle SET window_start = now() - interval '16 minutes' WHERE student_number = $1`, target); err != nil {
		t.Fatal(err)
	}
	if r := authTSignIn(t, s, target, testPIN); r.Status != http.StatusOK {
		t.Fatalf("right PIN after the window: %d %s", r.Status, r.Body)
	}
	authTWant401(t, authTSignIn(t, s, target, authTWrongPIN), "Basic", "wrong PIN in a fresh window")
}

func TestAuthThrottleCountsOnlyFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1, 0)
	s := startServer(t, f.DBURL, authTSecretEnv)
	number := studentNumber(0)
	for i := range 9 {
		authTWant401(t, authTSignIn(t, s, number, authTWrongPIN), "Basic", "wrong PIN "+strconv.Itoa(i+1))
	}
	// Successful sign-ins, however many, do not use up the allowance.
	for i := range 12 {
		if r := authTSignIn(t, s, number, testPIN); r.Status != http.StatusOK {
			t.Fatalf("right PIN %d after 9 failures: %d %s", i+1, r.Status, r.Body)
		}
	}
	authTWant401(t, authTSignIn(t, s, number, authTWrongPIN), "Basic", "10th failure")
	authTRetryAfter(t, authTSignIn(t, s, number, testPIN), "after the 10th failure")
}

func TestAuthThrottleConcurrentAcrossInstances(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1, 0)
	servers := []*testServer{startServer(t, f.DBURL, authTSecretEnv), startServer(t, f.DBURL, authTSecretEnv)}
	number := studentNumber(0)

	const guesses = 30
	statuses := make([]int, guesses)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := authTSignIn(t, servers[i%2], number, authTWrongPIN)
			statuses[i] = r.Status
		}()
	}
	close(start)
	wg.Wait()

	counts := map[int]int{}
	for _, st := range statuses {
		counts[st]++
	}
	if counts[http.StatusUnauthorized] != 10 || counts[http.StatusTooManyRequests] != 20 || len(counts) != 2 {
		t.Fatalf("statuses %v, want exactly 10 × 401 and 20 × 429", counts)
	}
	for _, s := range servers {
		authTRetryAfter(t, authTSignIn(t, s, number, testPIN), "right PIN after the burst")
	}
}

func TestAuthDeletedStudentTokenRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1, 0)
	s := startServer(t, f.DBURL, authTSecretEnv)
	number := studentNumber(0)
	tok := signIn(t, s, number)
	if r := s.Client.Do(t, "GET", "/api/labs", tok, nil); r.Status != http.StatusOK {
		t.Fatalf("before deletion: %d %s", r.Status, r.Body)
	}
	if _, err := f.Store.Pool().Exec(context.Background(), `DELETE FROM people WHERE student_number = $1`, number); err != nil {
		t.Fatal(err)
	}
	authTWant401(t, s.Client.Do(t, "GET", "/api/labs", tok, nil), "Bearer", "token of a deleted student")
	authTWant401(t, s.Client.Do(t, "DELETE", "/api/tokens", tok, nil), "Bearer", "revoking with a deleted student's token")
	authTWant401(t, authTSignIn(t, s, number, testPIN), "Basic", "sign-in of a deleted student")
}
