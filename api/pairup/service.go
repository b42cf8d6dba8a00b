package pairup

import (
	"context"
	"time"
)

// TokenStore keeps what every server instance must agree on about tokens.
type TokenStore interface {
	// SigningKey returns the shared signing key, generating and storing one on first use.
	SigningKey(ctx context.Context) ([]byte, error)
	// RevokeToken refuses the token with that id from now on, until it expires anyway.
	RevokeToken(ctx context.Context, tokenID string, expires time.Time) error
	// TokenRevoked reports whether the token with that id was revoked.
	TokenRevoked(ctx context.Context, tokenID string) (bool, error)
}

// SigninAttempt is the throttle's verdict on one sign-in attempt.
type SigninAttempt struct {
	Attempt    int           // this attempt's number within the current window, 1-based
	RetryAfter time.Duration // time left in the current window
}

// CredentialStore holds what sign-in needs, shared by every instance.
type CredentialStore interface {
	// PINHash returns the stored hash of the student's PIN: ENOTFOUND when no such student.
	PINHash(ctx context.Context, number string) (string, error)
	// UpgradePINHash replaces the student's PIN hash old with new, if old is still the one
	// stored (a PIN reset meanwhile wins).
	UpgradePINHash(ctx context.Context, number, old, new string) error
	// ReserveSigninAttempt counts an attempt for the key (a student number, or a client
	// address's "addr:" key) before the PIN is checked.
	ReserveSigninAttempt(ctx context.Context, key string, window time.Duration) (SigninAttempt, error)
	// ReleaseSigninAttempt gives back the key's attempt of a successful sign-in.
	ReleaseSigninAttempt(ctx context.Context, key string) error
}
