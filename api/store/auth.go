package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

const signingKeySetting = "jwt_signing_key"

// SigningKey implements pairup.TokenStore. The first instance to start stores a random key; the
// insert is a no-op for the others, so every instance reads the same one.
func (s *Store) SigningKey(ctx context.Context) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	if err := s.q.InsertSettingIfAbsent(ctx, dbgen.InsertSettingIfAbsentParams{Key: signingKeySetting, Value: key}); err != nil {
		return nil, fmt.Errorf("store signing key: %w", err)
	}
	stored, err := s.q.GetSetting(ctx, signingKeySetting)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	return stored, nil
}

// RevokeToken implements pairup.TokenStore.
func (s *Store) RevokeToken(ctx context.Context, tokenID string, expires time.Time) error {
	id, err := uuid.Parse(tokenID)
	if err != nil {
		return pairup.Errorf(pairup.EUNAUTHORIZED, "malformed token id")
	}
	if err := s.q.RevokeToken(ctx, dbgen.RevokeTokenParams{TokenID: id, ExpiresAt: expires}); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// TokenRevoked implements pairup.TokenStore.
func (s *Store) TokenRevoked(ctx context.Context, tokenID string) (bool, error) {
	id, err := uuid.Parse(tokenID)
	if err != nil {
		return true, nil // we never issue such an id
	}
	revoked, err := s.q.TokenRevoked(ctx, id)
	if err != nil {
		return false, fmt.Errorf("check token revocation: %w", err)
	}
	return revoked, nil
}

// PINHash returns the stored hash of the student's PIN: ENOTFOUND when there is no such student.
func (s *Store) PINHash(ctx context.Context, number string) (string, error) {
	h, err := s.q.GetPINHash(ctx, number)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", pairup.Errorf(pairup.ENOTFOUND, "no such student")
	} else if err != nil {
		return "", fmt.Errorf("get PIN hash: %w", err)
	}
	return h, nil
}

// UpgradePINHash implements pairup.CredentialStore: a no-op when the stored hash is no longer old.
func (s *Store) UpgradePINHash(ctx context.Context, number, old, new string) error {
	if _, err := s.q.UpgradePINHash(ctx, dbgen.UpgradePINHashParams{StudentNumber: number, OldHash: old, NewHash: new}); err != nil {
		return fmt.Errorf("upgrade PIN hash: %w", err)
	}
	return nil
}

// ReserveSigninAttempt counts an attempt for the key before the PIN is checked: a student
// number, or a client address's "addr:" key (signin_throttle's student_number column holds
// both; no student number has a colon). Counting first, atomically, means concurrent guesses
// cannot slip past the limit.
func (s *Store) ReserveSigninAttempt(ctx context.Context, key string, window time.Duration) (pairup.SigninAttempt, error) {
	row, err := s.q.ReserveSigninAttempt(ctx, dbgen.ReserveSigninAttemptParams{StudentNumber: key, WindowSeconds: window.Seconds()})
	if err != nil {
		return pairup.SigninAttempt{}, fmt.Errorf("reserve sign-in attempt: %w", err)
	}
	return pairup.SigninAttempt{Attempt: int(row.Failures), RetryAfter: row.WindowStart.Add(window).Sub(row.Now)}, nil
}

// ReleaseSigninAttempt gives back the key's attempt of a successful sign-in: only failures
// count. It takes back one attempt, never the failures before it.
func (s *Store) ReleaseSigninAttempt(ctx context.Context, key string) error {
	if err := s.q.ReleaseSigninAttempt(ctx, key); err != nil {
		return fmt.Errorf("release sign-in attempt: %w", err)
	}
	return nil
}

// Prune deletes revoked tokens that have expired anyway and throttle windows long past.
func (s *Store) Prune(ctx context.Context, window time.Duration) error {
	if _, err := s.q.PruneRevokedTokens(ctx); err != nil {
		return fmt.Errorf("prune revoked tokens: %w", err)
	}
	if _, err := s.q.PruneSigninThrottle(ctx, window.Seconds()); err != nil {
		return fmt.Errorf("prune sign-in throttle: %w", err)
	}
	return nil
}
