package auth

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/pairup"
)

// Throttle limits failed sign-ins per key (a student number, or a client address).
type Throttle struct {
	Window time.Duration // the fixed window that starts at the first failure
	Limit  int           // failures allowed in one window
}

// DefaultThrottle allows 10 failures per student number in 15 minutes.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, Limit: 10}

// DefaultAddressThrottle allows 100 failures from one client address in 15 minutes: a class of
// 400 behind one school NAT making a few typos never gets there, while one PIN tried across many
// student numbers (spraying, which the per-number throttle cannot see) soon does.
var DefaultAddressThrottle = Throttle{Window: 15 * time.Minute, Limit: 100}

// SigninOptions configures a Signin.
type SigninOptions struct {
	Throttle Throttle     // failures per student number
	Address  Throttle     // failures per client address (IPv4, or an IPv6 /64); a Limit of 0 turns it off
	PINs     PINs         // how PINs are hashed and checked, and the Limiter sign-ins queue in
	Logger   *slog.Logger // nil: slog.Default()
}

// Signin checks student numbers and PINs and issues tokens.
type Signin struct {
	creds  pairup.CredentialStore
	tokens *Tokens
	opt    SigninOptions
	// compare checks a PIN against a hash. Every attempt makes exactly one comparison, whatever
	// is wrong with it, so response times do not tell real student numbers apart.
	compare    func(hash, pin []byte) error
	warnPepper sync.Once
}

// NewSignin returns a Signin backed by the shared credential store that throttles per student
// number only and checks PINs without a pepper: NewSigninWith configures the rest.
func NewSignin(creds pairup.CredentialStore, tokens *Tokens, throttle Throttle) *Signin {
	return NewSigninWith(creds, tokens, SigninOptions{Throttle: throttle})
}

// NewSigninWith returns a Signin backed by the shared credential store.
func NewSigninWith(creds pairup.CredentialStore, tokens *Tokens, opt SigninOptions) *Signin {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Signin{creds: creds, tokens: tokens, opt: opt, compare: bcrypt.CompareHashAndPassword}
}

// PINs is how this Signin hashes PINs: whatever stores a PIN hashes it so.
func (s *Signin) PINs() PINs { return s.opt.PINs }

// Token is an issued bearer token.
type Token struct {
	Token   string
	Expires time.Time
}

var errBadCredentials = pairup.Errorf(pairup.EUNAUTHORIZED, "unknown student number or wrong PIN")

// SignIn returns a token for the right student number and PIN: EUNAUTHORIZED for an unknown
// student or a wrong PIN alike, ETHROTTLED once the number, or the client address addr (as
// the HTTP layer determined it; "" when unknown), has used up its failures.
//
// A sign-in first waits for its turn in the PINs' Limiter, behind every sign-in that came
// before it, and holds the slot until its PIN is checked (and, when the stored hash is stale,
// hashed anew). The attempt is counted against the address and the number only once its turn
// has come: a class of 500 signing in at once from behind one school NAT then has at most a
// slot's worth of attempts counted and not yet resolved, rather than the whole queue, which
// would go past the address limit and refuse right PINs. When ctx ends while the sign-in
// waits, it leaves the queue without hashing, counting or answering anything but ctx's error.
func (s *Signin) SignIn(ctx context.Context, number, pin, addr string) (Token, error) {
	lim := s.opt.PINs.limiter()
	if err := lim.Acquire(ctx); err != nil {
		return Token{}, fmt.Errorf("sign in: %w", err)
	}
	held := true
	release := func() {
		if held {
			held = false
			lim.Release()
		}
	}
	defer release()
	cost := s.opt.PINs.cost()

	addrKey, err := s.reserveAddress(ctx, addr)
	if err != nil {
		return Token{}, err
	}
	if !pairup.ValidStudentNumber(number) {
		// Not a number we could ever have issued: refuse without keeping state for it (its
		// address has counted it as a failure).
		_ = s.compare(dummy(cost), []byte(pin))
		return Token{}, errBadCredentials
	}
	attempt, err := s.creds.ReserveSigninAttempt(ctx, number, s.opt.Throttle.Window)
	if err != nil {
		return Token{}, fmt.Errorf("sign in: %w", err)
	}
	if attempt.Attempt > s.opt.Throttle.Limit {
		// No PIN is checked, so this is no guess the address should pay for.
		release()
		if err := s.release(ctx, addrKey); err != nil {
			return Token{}, err
		}
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
		_ = s.compare(dummy(cost), []byte(pin))
		return Token{}, errBadCredentials
	default:
		return Token{}, fmt.Errorf("sign in: %w", err)
	}
	if !pairup.ValidPIN(pin) {
		// Still one comparison, so a malformed PIN takes as long for a real student as for an
		// unknown one and the timing tells no student numbers apart.
		_ = s.compare(dummy(cost), []byte(pin))
		return Token{}, errBadCredentials
	}
	ok, rehash, unpeppered := s.opt.PINs.check(s.compare, hash, pin)
	if unpeppered {
		s.warnPepper.Do(func() {
			s.opt.Logger.WarnContext(ctx, "a stored PIN hash is peppered but PAIRUP_PIN_PEPPER is not set: "+
				"such PINs cannot sign in until the pepper is configured again or the PINs are reset")
		})
	}
	if !ok {
		return Token{}, errBadCredentials
	}
	// The new hash of a stale one is made in this sign-in's slot, not after queueing again.
	var fresh string
	var freshErr error
	if rehash {
		fresh, freshErr = s.opt.PINs.hash(pin)
	}
	release()
	if err := s.creds.ReleaseSigninAttempt(ctx, number); err != nil {
		return Token{}, fmt.Errorf("sign in: %w", err)
	}
	// Only failures count from the address too: give back this attempt's reservation, which
	// leaves the failures counted before it where they were.
	if err := s.release(ctx, addrKey); err != nil {
		return Token{}, err
	}
	if rehash {
		s.upgrade(ctx, number, hash, fresh, freshErr)
	}
	token, expires, err := s.tokens.Issue(number)
	if err != nil {
		return Token{}, err
	}
	return Token{Token: token, Expires: expires}, nil
}

// reserveAddress counts the attempt for the client's address before anything else is looked
// at: ETHROTTLED when the address has used up its failures. It returns the address's throttle
// key, "" when the address throttle is off.
func (s *Signin) reserveAddress(ctx context.Context, addr string) (string, error) {
	if s.opt.Address.Limit <= 0 {
		return "", nil
	}
	key := AddressKey(addr)
	attempt, err := s.creds.ReserveSigninAttempt(ctx, key, s.opt.Address.Window)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	if attempt.Attempt > s.opt.Address.Limit {
		return "", &pairup.Error{
			Code:       pairup.ETHROTTLED,
			Message:    "too many failed sign-ins from your network; try again later",
			RetryAfter: attempt.RetryAfter,
		}
	}
	return key, nil
}

// release gives back an address's reserved attempt ("" is no address).
func (s *Signin) release(ctx context.Context, addrKey string) error {
	if addrKey == "" {
		return nil
	}
	if err := s.creds.ReleaseSigninAttempt(ctx, addrKey); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	return nil
}

// upgrade stores fresh, the hash just made of the PIN that verified against old (a plain hash
// while there is a pepper, or one of another cost than the configured), unless the PIN was
// changed meanwhile. The sign-in stands whatever happens: a failed upgrade is tried again at
// the next sign-in.
func (s *Signin) upgrade(ctx context.Context, number, old, fresh string, err error) {
	if err == nil {
		err = s.creds.UpgradePINHash(ctx, number, old, fresh)
	}
	if err != nil {
		s.opt.Logger.WarnContext(ctx, "upgrade PIN hash", "student", number, "err", err)
	}
}

// AddressKey is the sign-in throttle's key for a client address: the IPv4 address, or the /64
// an IPv6 address is in (one host usually has a whole /64 to pick addresses from). Anything
// that is not an IP address shares one key.
func AddressKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return "addr:unknown"
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "addr:" + p.String()
	}
	return "addr:" + a.String()
}
