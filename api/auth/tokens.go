// Package auth signs people in: PIN hashing, sign-in throttling, bearer tokens (JWT) and the
// caller carried in a request's context.
package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/pairup/pairup/api/pairup"
)

const issuer = "pairup"

// Claims is what a verified token says.
type Claims struct {
	Subject string // the student number
	ID      string // the token id (jti), the unit of revocation
	Issued  time.Time
	Expires time.Time
}

// IssuedBefore reports whether the token was issued before t, to the millisecond (the precision
// of its iat).
func (c Claims) IssuedBefore(t time.Time) bool { return c.Issued.Before(t.Truncate(time.Millisecond)) }

func init() {
	// Token times carry milliseconds, so a sign-in just after a PIN reset is told apart from one
	// just before it.
	jwt.TimePrecision = time.Millisecond
}

// Tokens issues and verifies HS256 bearer tokens whose revocations live in a shared store.
type Tokens struct {
	key   []byte
	ttl   time.Duration
	store pairup.TokenStore
	now   func() time.Time
}

// NewTokens returns Tokens that sign with key and last ttl.
func NewTokens(key []byte, ttl time.Duration, store pairup.TokenStore) *Tokens {
	return &Tokens{key: key, ttl: ttl, store: store, now: time.Now}
}

// Issue signs a token for the student.
func (t *Tokens) Issue(studentNumber string) (token string, expires time.Time, err error) {
	now := t.now()
	expires = now.Add(t.ttl).Truncate(time.Second)
	claims := jwt.RegisteredClaims{
		Issuer:    issuer,
		Subject:   studentNumber,
		ID:        uuid.NewString(),
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(expires),
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token: %w", err)
	}
	return signed, expires, nil
}

// Verify checks the token's algorithm, signature, issuer and expiry, then that it has not been
// revoked: EUNAUTHORIZED for any failure of the token itself.
func (t *Tokens) Verify(ctx context.Context, token string) (Claims, error) {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, pairup.Errorf(pairup.EUNAUTHORIZED, "the token has expired")
	case err != nil:
		return Claims{}, pairup.Errorf(pairup.EUNAUTHORIZED, "the token is not valid")
	case claims.Subject == "" || claims.ID == "":
		return Claims{}, pairup.Errorf(pairup.EUNAUTHORIZED, "the token is not valid")
	}
	revoked, err := t.store.TokenRevoked(ctx, claims.ID)
	if err != nil {
		return Claims{}, fmt.Errorf("verify token: %w", err)
	}
	if revoked {
		return Claims{}, pairup.Errorf(pairup.EUNAUTHORIZED, "the token has been revoked")
	}
	out := Claims{Subject: claims.Subject, ID: claims.ID, Expires: claims.ExpiresAt.Time}
	if claims.IssuedAt != nil {
		out.Issued = claims.IssuedAt.Time
	}
	return out, nil
}

// Revoke refuses the token from now on, on every instance.
func (t *Tokens) Revoke(ctx context.Context, c Claims) error {
	return t.store.RevokeToken(ctx, c.ID, c.Expires)
}

// Caller is the signed-in person making a request.
type Caller struct {
	pairup.Person
	Token Claims
}

type callerKey struct{}

// WithCaller returns a context carrying the caller.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller the context carries, if any.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}
