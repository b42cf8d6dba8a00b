package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/pairup/pairup/api/auth"
)

// siTSetHash stores a hash for a student directly, as an older server would have.
func siTSetHash(t *testing.T, f *fixture, number, hash string) {
	t.Helper()
	if _, err := f.Store.Pool().Exec(context.Background(), `UPDATE people SET pin_hash = $1 WHERE student_number = $2`, hash, number); err != nil {
		t.Fatal(err)
	}
}

// siTStoredCost is the bcrypt cost of a student's stored hash.
func siTStoredCost(t *testing.T, f *fixture, number string) int {
	t.Helper()
	c, err := auth.HashCost(siTStoredHash(t, f, number))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A hash of cost 10, as every server before PAIRUP_PIN_COST stored, signs in on a server at
// cost 6, and that sign-in rewrites it at cost 6 (peppered with a pepper); the next sign-in works
// from the new hash and leaves it as it is. A wrong PIN rewrites nothing.
func TestSigninPINCostUpgrade(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 0)
	old, err := auth.PINs{Cost: 10}.Hash(testPIN)
	if err != nil {
		t.Fatal(err)
	}
	for i, env := range []map[string]string{
		{"PAIRUP_PIN_COST": "6"},
		{"PAIRUP_PIN_COST": "6", "PAIRUP_PIN_PEPPER": siTPepper},
	} {
		number := studentNumber(i)
		siTSetHash(t, f, number, old)
		s := startServer(t, f.DBURL, env)

		authTWant401(t, authTSignIn(t, s, number, authTWrongPIN), "Basic", "wrong PIN against a cost-10 hash")
		if h := siTStoredHash(t, f, number); h != old {
			t.Fatalf("a wrong PIN changed the stored hash to %q", h)
		}
		if r := authTSignIn(t, s, number, testPIN); r.Status != http.StatusOK {
			t.Fatalf("sign in against a cost-10 hash: %d %s", r.Status, r.Body)
		}
		if c := siTStoredCost(t, f, number); c != 6 {
			t.Fatalf("stored hash of cost %d after the sign-in, want 6", c)
		}
		fresh := siTStoredHash(t, f, number)
		if _, peppered := env["PAIRUP_PIN_PEPPER"]; peppered {
			siTWantPeppered(t, fresh, testPIN, "rewritten at cost 6")
		} else if strings.HasPrefix(fresh, "peppered$") {
			t.Fatalf("rewritten without a pepper as %q", fresh)
		}
		if r := authTSignIn(t, s, number, testPIN); r.Status != http.StatusOK {
			t.Fatalf("sign in after the rewrite: %d %s", r.Status, r.Body)
		}
		if h := siTStoredHash(t, f, number); h != fresh {
			t.Fatal("a hash of the configured cost was rewritten again")
		}
	}
}

// PAIRUP_PIN_COST: the default, the bounds, and a bad value failing the configuration by name.
func TestSigninConfigPINCost(t *testing.T) {
	t.Parallel()
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cfg, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Signin.PINCost != auth.DefaultPINCost || auth.DefaultPINCost != 5 {
		t.Fatalf("default cost %d, want 5", cfg.Signin.PINCost)
	}
	for v, want := range map[string]int{"4": 4, " 14 ": 14, "10": 10} {
		cfg, err := loadConfig(env(map[string]string{"PAIRUP_PIN_COST": v}))
		if err != nil || cfg.Signin.PINCost != want {
			t.Fatalf("PAIRUP_PIN_COST=%q: cost %d, %v; want %d", v, cfg.Signin.PINCost, err, want)
		}
	}
	for _, v := range []string{"3", "15", "31", "eight", "8.5", "-8"} {
		_, err := loadConfig(env(map[string]string{"PAIRUP_PIN_COST": v}))
		if err == nil || !strings.Contains(err.Error(), "PAIRUP_PIN_COST") {
			t.Errorf("PAIRUP_PIN_COST=%q: err = %v, want one naming PAIRUP_PIN_COST", v, err)
		}
	}
}
