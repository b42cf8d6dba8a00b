package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/pairup/pairup/api/pairup"
)

// memTokens is an in-memory pairup.TokenStore.
type memTokens struct {
	mu      sync.Mutex
	revoked map[string]bool
	err     error // returned by TokenRevoked when set
}

func (m *memTokens) SigningKey(context.Context) ([]byte, error) { return []byte("unused"), nil }

func (m *memTokens) RevokeToken(_ context.Context, id string, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.revoked == nil {
		m.revoked = map[string]bool{}
	}
	m.revoked[id] = true
	return nil
}

func (m *memTokens) TokenRevoked(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.revoked[id], m.err
}

var testKey = []byte("unit-test-key-that-is-at-least-32-bytes")

// newTestTokens returns Tokens on a clock the test moves.
func newTestTokens() (*Tokens, *memTokens, *time.Time) {
	store := &memTokens{}
	now := time.Date(2027, 5, 20, 17, 15, 0, 0, time.UTC)
	tk := NewTokens(testKey, time.Hour, store)
	tk.now = func() time.Time { return now }
	return tk, store, &now
}

func TestVerifyRoundTripAndExpiry(t *testing.T) {
	t.Parallel()
	tk, _, now := newTestTokens()
	ctx := context.Background()
	token, expires, err := tk.Issue("21234567")
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(time.Hour); !expires.Equal(want) {
		t.Fatalf("expires %s, want %s", expires, want)
	}
	*now = expires.Add(-time.Second)
	c, err := tk.Verify(ctx, token)
	if err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	if c.Subject != "21234567" || !c.Expires.Equal(expires) {
		t.Fatalf("claims %+v", c)
	}
	if _, err := uuid.Parse(c.ID); err != nil {
		t.Fatalf("jti %q is not a UUID", c.ID)
	}
	*now = expires.Add(time.Second)
	if _, err := tk.Verify(ctx, token); pairup.ErrorCode(err) != pairup.EUNAUTHORIZED {
		t.Fatalf("a second after expiry: %v, want EUNAUTHORIZED", err)
	}
}

func TestVerifyRefusesOtherAlgorithms(t *testing.T) {
	t.Parallel()
	tk, _, now := newTestTokens()
	claims := jwt.MapClaims{"iss": issuer, "sub": "21234567", "jti": uuid.NewString(), "exp": now.Add(time.Hour).Unix()}
	sign := func(m jwt.SigningMethod, key any) string {
		s, err := jwt.NewWithClaims(m, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// The control proves the claims themselves are acceptable.
	if _, err := tk.Verify(context.Background(), sign(jwt.SigningMethodHS256, testKey)); err != nil {
		t.Fatalf("HS256 control: %v", err)
	}
	for name, token := range map[string]string{
		"none":            sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType),
		"HS384":           sign(jwt.SigningMethodHS384, testKey),
		"HS512":           sign(jwt.SigningMethodHS512, testKey),
		"HS256 wrong key": sign(jwt.SigningMethodHS256, []byte("another-key-that-is-at-least-32-bytes")),
	} {
		if _, err := tk.Verify(context.Background(), token); pairup.ErrorCode(err) != pairup.EUNAUTHORIZED {
			t.Errorf("%s: %v, want EUNAUTHORIZED", name, err)
		}
	}
}

func TestVerifyRevocation(t *testing.T) {
	t.Parallel()
	tk, store, _ := newTestTokens()
	ctx := context.Background()
	revoked, _, _ := tk.Issue("21234567")
	kept, _, _ := tk.Issue("21234567")
	c, err := tk.Verify(ctx, revoked)
	if err != nil {
		t.Fatal(err)
	}
	if err := tk.Revoke(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.Verify(ctx, revoked); pairup.ErrorCode(err) != pairup.EUNAUTHORIZED {
		t.Fatalf("revoked token: %v, want EUNAUTHORIZED", err)
	}
	if _, err := tk.Verify(ctx, kept); err != nil {
		t.Fatalf("the other token: %v", err)
	}
	// A store failure is ours, not the client's: it must not pass for a bad token (401).
	store.err = errors.New("database down")
	if _, err := tk.Verify(ctx, kept); err == nil || pairup.ErrorCode(err) == pairup.EUNAUTHORIZED {
		t.Fatalf("store failure: %v, want an internal error", err)
	}
}
