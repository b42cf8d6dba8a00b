package auth

import (
	"context"
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

func (credStore) ReserveSigninAttempt(context.Context, string, time.Duration) (pairup.SigninAttempt, error) {
	return pairup.SigninAttempt{Attempt: 1}, nil
}

func (credStore) ReleaseSigninAttempt(context.Context, string) error { return nil }

// Every refused sign-in costs exactly one PIN comparison, so an attacker cannot tell a real
// student number from an unknown one by how long the answer takes.
func TestSignInComparesOnceWhateverIsWrong(t *testing.T) {
	t.Parallel()
	hash, err := HashPIN("2468", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, number, pin string }{
		{"wrong PIN", "21234567", "1357"},
		{"malformed PIN of a real student", "21234567", "x"},
		{"unknown student", "29999999", "2468"},
		{"unknown student, malformed PIN", "29999999", "x"},
		{"malformed student number", "2123", "2468"},
	}
	for _, c := range cases {
		comparisons := 0
		s := NewSignin(credStore{hash: hash}, NewTokens([]byte("k"), time.Hour, nil), DefaultThrottle)
		s.compare = func(h, p []byte) error {
			comparisons++
			return bcrypt.CompareHashAndPassword(h, p)
		}
		_, err := s.SignIn(context.Background(), c.number, c.pin)
		if pairup.ErrorCode(err) != pairup.EUNAUTHORIZED {
			t.Errorf("%s: err = %v, want unauthorized", c.name, err)
		}
		if comparisons != 1 {
			t.Errorf("%s: %d PIN comparisons, want exactly 1", c.name, comparisons)
		}
	}
}
