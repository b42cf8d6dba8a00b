package auth

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/pairup"
)

// DefaultPINCost is the bcrypt cost for stored PINs: slow enough that a stolen table of 4-digit
// PINs is not cracked in seconds, fast enough for a class signing in at once.
const DefaultPINCost = 10

// HashPIN returns a salted bcrypt hash of the PIN.
func HashPIN(pin string, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pin), cost)
	if err != nil {
		return "", fmt.Errorf("hash PIN: %w", err)
	}
	return string(h), nil
}

// Throttle limits failed sign-ins per student number.
type Throttle struct {
	Window time.Duration // the fixed window that starts at the first failure
	Limit  int           // failures allowed in one window
}

// DefaultThrottle allows 10 failures in 15 minutes.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, Limit: 10}

// Signin checks student numbers and PINs and issues tokens.
type Signin struct {
	creds    pairup.CredentialStore
	tokens   *Tokens
	throttle Throttle
	// compare checks a PIN against a hash. Every attempt makes exactly one comparison, whatever
	// is wrong with it, so response times do not tell real student numbers apart.
	compare func(hash, pin []byte) error
}

// NewSignin returns a Signin backed by the shared credential store.
func NewSignin(creds pairup.CredentialStore, tokens *Tokens, throttle Throttle) *Signin {
	return &Signin{creds: creds, tokens: tokens, throttle: throttle, compare: bcrypt.CompareHashAndPassword}
}

// Token is an issued bearer token.
type Token struct {
	Token   string
	Expires time.Time
}

var (
	dummyOnce sync.Once
	dummyHash []byte
)

// dummy is compared against when the student is unknown, so an unknown number takes as long as
// a wrong PIN and the two cannot be told apart.
func dummy() []byte {
	dummyOnce.Do(func() {
		dummyHash, _ = bcrypt.GenerateFromPassword([]byte("00000000"), DefaultPINCost)
	})
	return dummyHash
}

var errBadCredentials = pairup.Errorf(pairup.EUNAUTHORIZED, "unknown student number or wrong PIN")

// SignIn returns a token for the right student number and PIN: EUNAUTHORIZED for an unknown
// student or a wrong PIN alike, ETHROTTLED once the number has used up its failures.
func (s *Signin) SignIn(ctx context.Context, number, pin string) (Token, error) {
	if !pairup.ValidStudentNumber(number) {
		// Not a number we could ever have issued: refuse without keeping state for it.
		_ = s.compare(dummy(), []byte(pin))
		return Token{}, errBadCredentials
	}
	attempt, err := s.creds.ReserveSigninAttempt(ctx, number, s.throttle.Window)
	if err != nil {
		return Token{}, fmt.Errorf("sign in: %w", err)
	}
	if attempt.Attempt > s.throttle.Limit {
		return Token{}, &pairup.Error{
			Code:       pairup.ETHROTTLED,
			Message:    "too many failed attempts for this student number; try again later",
			RetryAfter: attempt.RetryAfter,
		}
	}
	hash, err := s.creds.PINHash(ctx, number)
	switch pairup.ErrorCode(err) {
	case "":
	case pairup.ENOTFOUND:
		_ = s.compare(dummy(), []byte(pin))
		return Token{}, errBadCredentials
	default:
		return Token{}, fmt.Errorf("sign in: %w", err)
	}
	if !pairup.ValidPIN(pin) {
		// Still one comparison, so a malformed PIN takes as long for a real student as for an
		// unknown one and the timing tells no student numbers apart.
		_ = s.compare(dummy(), []byte(pin))
		return Token{}, errBadCredentials
	}
	if s.compare([]byte(hash), []byte(pin)) != nil {
		return Token{}, errBadCredentials
	}
	if err := s.creds.ReleaseSigninAttempt(ctx, number); err != nil {
		return Token{}, fmt.Errorf("sign in: %w", err)
	}
	token, expires, err := s.tokens.Issue(number)
	if err != nil {
		return Token{}, err
	}
	return Token{Token: token, Expires: expires}, nil
}
