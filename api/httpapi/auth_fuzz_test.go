package httpapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// validHeaderValue reports whether net/http would send v as a header value at all (no control
// characters but tab): the others never reach a server.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// FuzzAuthorization sends arbitrary Authorization headers to a bearer route (GET /api/me) and to
// the Basic route (POST /api/tokens). Never a 5xx; every refusal a problem. On the bearer route
// only a header carrying a token that verifies gets in, and a 401 challenges for Bearer; on the
// Basic route only the right student number and PIN get a token, a 401 challenges for Basic and
// a 429 says when to retry.
func FuzzAuthorization(f *testing.F) {
	env := newFuzzEnv(f)
	basic := func(user, pin string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pin))
	}
	for _, s := range []struct {
		basicRoute bool
		header     string
	}{
		{false, "Bearer " + env.freeTok},
		{false, "bearer   " + env.freeTok + "  "},
		{false, "Bearer " + env.freeTok[:len(env.freeTok)-2]},
		{false, "Bearer " + strings.Replace(env.freeTok, ".", "..", 1)},
		{false, "Bearer"},
		{false, "Bearer "},
		{false, "Basic " + env.freeTok},
		{false, "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIzOTAwMDAwNCJ9."},
		{false, "Bearer \xff\xfe"},
		{false, ""},
		{true, basic(freeNo, fuzzPIN)},
		{true, basic(freeNo, "0000")},
		{true, basic("nobody", fuzzPIN)},
		{true, basic(freeNo+":x", fuzzPIN)},
		{true, "Basic !!!not-base64"},
		{true, "Basic "},
		{true, "basic " + base64.StdEncoding.EncodeToString([]byte(freeNo+":"+fuzzPIN))},
		{true, "Bearer " + env.freeTok},
		{true, basic("\xff", "\x00")},
	} {
		f.Add(s.basicRoute, s.header)
	}
	f.Fuzz(func(t *testing.T, basicRoute bool, header string) {
		if !validHeaderValue(header) {
			return
		}
		h := http.Header{}
		if header != "" {
			h.Set("Authorization", header)
		}
		if !basicRoute {
			what := "GET /api/me with Authorization " + strconv.Quote(header)
			r := env.do(t, http.MethodGet, "/api/me", h, nil)
			checkAnswer(t, what, r)
			scheme, token, _ := strings.Cut(header, " ")
			_, verr := env.tokens.Verify(context.WithoutCancel(t.Context()), strings.TrimSpace(token))
			sound := strings.EqualFold(scheme, "Bearer") && verr == nil
			switch {
			case r.status == http.StatusOK && !sound:
				t.Fatalf("%s: let in, though it carries no valid bearer token (%v)", what, verr)
			case r.status == http.StatusOK:
			case r.status == http.StatusUnauthorized:
				if sound {
					t.Fatalf("%s: refused a valid token: %s", what, r.body)
				}
				if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer ") {
					t.Fatalf("%s: 401 with WWW-Authenticate %q", what, r.header.Get("WWW-Authenticate"))
				}
			default:
				t.Fatalf("%s: %d %s", what, r.status, r.body)
			}
			return
		}
		what := "POST /api/tokens with Authorization " + strconv.Quote(header)
		r := env.do(t, http.MethodPost, "/api/tokens", h, nil)
		checkAnswer(t, what, r)
		req, _ := http.NewRequest(http.MethodPost, "/", nil)
		req.Header = h
		user, pin, ok := req.BasicAuth()
		right := ok && user == freeNo && pin == fuzzPIN
		switch r.status {
		case http.StatusOK:
			if !right {
				t.Fatalf("%s: got a token without the right student number and PIN", what)
			}
		case http.StatusUnauthorized:
			if right {
				t.Fatalf("%s: the right PIN was refused: %s", what, r.body)
			}
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Basic ") {
				t.Fatalf("%s: 401 with WWW-Authenticate %q", what, r.header.Get("WWW-Authenticate"))
			}
		case http.StatusTooManyRequests:
			// Too many wrong PINs for a real student number: refused until the window ends.
			if n, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || n < 1 {
				t.Fatalf("%s: 429 with Retry-After %q", what, r.header.Get("Retry-After"))
			}
		default:
			t.Fatalf("%s: %d %s", what, r.status, r.body)
		}
	})
}
