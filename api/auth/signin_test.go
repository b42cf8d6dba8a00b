package auth

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/pairup"
)

// credStore is an in-memory pairup.CredentialStore: one student, no throttling.
type credStore struct{ hash string }

func (c credStore) PINHash(_ context.Context, number string) (string, error) {
	if number != "21234567" {
		return "", pairup.Errorf(pairup.ENOTFOUND, "no such student")
	}
	return c.hash, nil
}

func (credStore) UpgradePINHash(context.Context, string, string, string) error { return nil }

func (credStore) ReserveSigninAttempt(context.Context, string, time.Duration) (pairup.SigninAttempt, error) {
	return pairup.SigninAttempt{Attempt: 1}, nil
}

func (credStore) ReleaseSigninAttempt(context.Context, string) error { return nil }

// Every refused sign-in costs exactly one PIN comparison, so an attacker cannot tell a real
// student number from an unknown one by how long the answer takes; with a pepper or without,
// and with a peppered hash met without the pepper.
func TestSignInComparesOnceWhateverIsWrong(t *testing.T) {
	t.Parallel()
	pepper := []byte("a-pepper-of-at-least-16-bytes")
	plain, err := PINs{Cost: bcrypt.MinCost}.Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	peppered, err := PINs{Pepper: pepper, Cost: bcrypt.MinCost}.Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, number, pin, hash string
		pepper                  []byte
	}{
		{"wrong PIN", "21234567", "1357", plain, nil},
		{"malformed PIN of a real student", "21234567", "x", plain, nil},
		{"unknown student", "29999999", "2468", plain, nil},
		{"unknown student, malformed PIN", "29999999", "x", plain, nil},
		{"malformed student number", "2123", "2468", plain, nil},
		{"wrong PIN, peppered", "21234567", "1357", peppered, pepper},
		{"wrong PIN against a plain hash, with a pepper", "21234567", "1357", plain, pepper},
		{"unknown student, with a pepper", "29999999", "2468", peppered, pepper},
		{"right PIN, peppered hash, no pepper", "21234567", "2468", peppered, nil},
		{"right PIN, peppered hash, wrong pepper", "21234567", "2468", peppered, []byte("another-pepper-of-16-bytes")},
	}
	for _, c := range cases {
		comparisons := 0
		s := NewSigninWith(credStore{hash: c.hash}, NewTokens([]byte("k"), time.Hour, nil), SigninOptions{
			Throttle: DefaultThrottle, Address: DefaultAddressThrottle, PINs: PINs{Pepper: c.pepper, Cost: bcrypt.MinCost},
		})
		s.compare = func(h, p []byte) error {
			comparisons++
			return bcrypt.CompareHashAndPassword(h, p)
		}
		_, err := s.SignIn(context.Background(), c.number, c.pin, "192.0.2.1")
		if pairup.ErrorCode(err) != pairup.EUNAUTHORIZED {
			t.Errorf("%s: err = %v, want unauthorized", c.name, err)
		}
		if comparisons != 1 {
			t.Errorf("%s: %d PIN comparisons, want exactly 1", c.name, comparisons)
		}
	}
}

func TestPINsHashAndVerify(t *testing.T) {
	t.Parallel()
	pepper := []byte("a-pepper-of-at-least-16-bytes")
	plainPINs := PINs{Cost: bcrypt.MinCost}
	pepperPINs := PINs{Pepper: pepper, Cost: bcrypt.MinCost}

	plain, err := plainPINs.Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	if IsPeppered(plain) || bcrypt.CompareHashAndPassword([]byte(plain), []byte("2468")) != nil {
		t.Fatalf("plain hash %q is not bcrypt of the PIN", plain)
	}
	peppered, err := pepperPINs.Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	if !IsPeppered(peppered) {
		t.Fatalf("peppered hash %q lacks its prefix", peppered)
	}
	// bcrypt of the bare PIN does not match the stored bcrypt part: the pepper is needed.
	if bcrypt.CompareHashAndPassword([]byte(peppered[len(pepperedPrefix):]), []byte("2468")) == nil {
		t.Fatal("the peppered hash verifies as bcrypt of the bare PIN")
	}
	for _, c := range []struct {
		name         string
		pins         PINs
		hash, pin    string
		ok, rehashed bool
	}{
		{"plain, no pepper", plainPINs, plain, "2468", true, false},
		{"plain, no pepper, wrong PIN", plainPINs, plain, "1357", false, false},
		{"plain hash with a pepper: upgrade", pepperPINs, plain, "2468", true, true},
		{"plain hash with a pepper, wrong PIN: no upgrade", pepperPINs, plain, "1357", false, false},
		{"peppered", pepperPINs, peppered, "2468", true, false},
		{"peppered, wrong PIN", pepperPINs, peppered, "1357", false, false},
		{"peppered hash without a pepper", plainPINs, peppered, "2468", false, false},
		{"peppered hash, wrong pepper", PINs{Pepper: []byte("another-pepper-of-16-bytes")}, peppered, "2468", false, false},
	} {
		ok, rehash := c.pins.Verify(c.hash, c.pin)
		if ok != c.ok || rehash != c.rehashed {
			t.Errorf("%s: Verify = %v, %v; want %v, %v", c.name, ok, rehash, c.ok, c.rehashed)
		}
	}
	if _, err := (PINs{Pepper: []byte("short")}).Hash("2468"); err == nil {
		t.Error("a pepper shorter than 16 bytes hashed")
	}
}

func TestAddressKey(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"192.0.2.7":            "addr:192.0.2.7",
		"::ffff:192.0.2.7":     "addr:192.0.2.7",
		"2001:db8:1:2:3:4:5:6": "addr:2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "addr:2001:db8:1:2::/64",
		"fe80::1%eth0":         "addr:fe80::/64",
		"":                     "addr:unknown",
		"not an address":       "addr:unknown",
		"2001:db8:1:3:3:4:5:6": "addr:2001:db8:1:3::/64",
		"198.51.100.1":         "addr:198.51.100.1",
	} {
		if got := AddressKey(addr); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", addr, got, want)
		}
	}
}

// A peppered hash met without a pepper refuses the sign-in as a wrong PIN would, and the server
// says why in its log, once rather than at every attempt.
func TestSignInWarnsOnceWithoutPepper(t *testing.T) {
	t.Parallel()
	peppered, err := PINs{Pepper: []byte("a-pepper-of-at-least-16-bytes"), Cost: bcrypt.MinCost}.Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	s := NewSigninWith(credStore{hash: peppered}, NewTokens([]byte("k"), time.Hour, nil), SigninOptions{
		Throttle: DefaultThrottle, PINs: PINs{Cost: bcrypt.MinCost}, Logger: slog.New(slog.NewTextHandler(&log, nil)),
	})
	for range 3 {
		if _, err := s.SignIn(context.Background(), "21234567", "2468", ""); pairup.ErrorCode(err) != pairup.EUNAUTHORIZED {
			t.Fatalf("err = %v, want unauthorized", err)
		}
	}
	if n := strings.Count(log.String(), "PAIRUP_PIN_PEPPER is not set"); n != 1 {
		t.Fatalf("%d warnings, want 1; log:\n%s", n, log.String())
	}
}
