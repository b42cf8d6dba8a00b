package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// DefaultPINCost is the bcrypt cost for stored PINs. A PIN of 4 digits falls to 10,000 guesses
// whatever the cost (at cost 10, 73 ms a comparison here, that is 12 minutes of one core), so
// against a stolen database the pepper is what protects PINs and the cost is only defence in
// depth; what the cost does decide is how long a class signing in at once waits, as bcrypt
// doubles per step. At 5 a comparison takes about 2.3 ms on a development VM's core, and 500
// sign-ins at 9:00 on two instances sharing its two cores finish with p99 about 1.2 s (6 just
// makes the 2 s target, 8 takes 5.6 s, 10 19 s: see `make bench`).
const DefaultPINCost = 5

// MinPINCost and MaxPINCost bound the bcrypt costs PAIRUP_PIN_COST accepts: bcrypt's own minimum,
// and a cost at which one comparison already takes about a second on a server core.
const (
	MinPINCost = bcrypt.MinCost
	MaxPINCost = 14
)

// MinPepperLen is the shortest pepper PINs accepts, in bytes.
const MinPepperLen = 16

// pepperedPrefix marks a stored hash as bcrypt(base64(HMAC-SHA256(pepper, PIN))); a hash
// without it is bcrypt of the bare PIN.
const pepperedPrefix = "peppered$"

// PINs is how every part of Pair-Up hashes and checks PINs. Without a pepper a stored hash is
// bcrypt of the PIN; with one it is pepperedPrefix and bcrypt of the PIN keyed with the pepper,
// so a copy of the database alone does not let anyone try the 10,000 4-digit PINs offline.
// Every bcrypt goes through a Limiter, so no more run at once than there are cores. The zero
// value hashes without a pepper at DefaultPINCost through the process's shared Limiter.
type PINs struct {
	Pepper  []byte   // secret key for the PINs' HMAC; empty: none; otherwise at least MinPepperLen bytes
	Cost    int      // bcrypt cost, MinPINCost..31; 0 means DefaultPINCost
	Limiter *Limiter // bounds concurrent hashing; nil: one Limiter for the process, of GOMAXPROCS slots
}

// Peppered reports whether new hashes are keyed with a pepper.
func (p PINs) Peppered() bool { return len(p.Pepper) > 0 }

// cost is the bcrypt cost new hashes get.
func (p PINs) cost() int {
	if p.Cost == 0 {
		return DefaultPINCost
	}
	return p.Cost
}

// limiter is the Limiter p's hashing waits in.
func (p PINs) limiter() *Limiter {
	if p.Limiter != nil {
		return p.Limiter
	}
	return sharedLimiter()
}

// Hash returns a salted hash of the PIN to store: peppered when p has a pepper. It waits for a
// hashing slot first.
func (p PINs) Hash(pin string) (string, error) {
	return p.HashContext(context.Background(), pin)
}

// HashContext is Hash that gives up, without hashing, when ctx ends while it waits for a slot.
func (p PINs) HashContext(ctx context.Context, pin string) (string, error) {
	if err := p.limiter().Acquire(ctx); err != nil {
		return "", fmt.Errorf("hash PIN: %w", err)
	}
	defer p.limiter().Release()
	return p.hash(pin)
}

// hash is Hash for a caller that holds a slot already.
func (p PINs) hash(pin string) (string, error) {
	if p.Peppered() && len(p.Pepper) < MinPepperLen {
		return "", fmt.Errorf("hash PIN: the pepper must be at least %d bytes", MinPepperLen)
	}
	cost := p.cost()
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		// bcrypt would quietly use its default cost below its minimum, and every sign-in would
		// then find the stored cost stale.
		return "", fmt.Errorf("hash PIN: bcrypt cost %d is not within %d..%d", cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	prefix, secret := "", []byte(pin)
	if p.Peppered() {
		prefix, secret = pepperedPrefix, p.keyed(pin)
	}
	h, err := bcrypt.GenerateFromPassword(secret, cost)
	if err != nil {
		return "", fmt.Errorf("hash PIN: %w", err)
	}
	return prefix + string(h), nil
}

// keyed is the PIN keyed with the pepper, base64-encoded so the bytes bcrypt sees hold no NUL
// (which some other bcrypt implementations stop at).
func (p PINs) keyed(pin string) []byte {
	m := hmac.New(sha256.New, p.Pepper)
	m.Write([]byte(pin))
	return []byte(base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

// IsPeppered reports whether a stored hash is of the peppered kind.
func IsPeppered(hash string) bool { return strings.HasPrefix(hash, pepperedPrefix) }

// HashCost is the bcrypt cost of a stored hash, peppered or not.
func HashCost(hash string) (int, error) {
	return bcrypt.Cost([]byte(strings.TrimPrefix(hash, pepperedPrefix)))
}

// Verify reports whether the PIN matches the stored hash, and whether the hash should be
// replaced by Hash(pin): a plain hash while p has a pepper, or a hash of another cost than p's.
// It waits for a hashing slot, then makes exactly one bcrypt comparison. A peppered hash never
// verifies without a pepper.
func (p PINs) Verify(hash, pin string) (ok, rehash bool) {
	if err := p.limiter().Acquire(context.Background()); err != nil {
		return false, false
	}
	defer p.limiter().Release()
	ok, rehash, _ = p.check(bcrypt.CompareHashAndPassword, hash, pin)
	return ok, rehash
}

// check is Verify with the comparison given, so sign-in can count comparisons in tests; the
// caller holds a hashing slot. unpeppered reports a peppered hash met without a pepper: it is
// compared with the dummy hash instead, so the refusal takes as long as any other.
func (p PINs) check(compare func(hash, pin []byte) error, hash, pin string) (ok, rehash, unpeppered bool) {
	rest, peppered := strings.CutPrefix(hash, pepperedPrefix)
	switch {
	case peppered && !p.Peppered():
		_ = compare(dummy(p.cost()), []byte(pin))
		return false, false, true
	case peppered:
		ok := compare([]byte(rest), p.keyed(pin)) == nil
		return ok, ok && p.stale(rest), false
	default:
		ok := compare([]byte(hash), []byte(pin)) == nil
		return ok, ok && (p.Peppered() || p.stale(hash)), false
	}
}

// stale reports whether a bcrypt hash (past any prefix) is of another cost than new hashes get.
func (p PINs) stale(bcryptHash string) bool {
	c, err := bcrypt.Cost([]byte(bcryptHash))
	return err == nil && c != p.cost()
}

// dummies holds one dummy hash per bcrypt cost.
var dummies sync.Map // int → []byte

// dummy is compared against when the student is unknown, so an unknown number takes as long as
// a wrong PIN and the two cannot be told apart: a hash at the cost new hashes get, which is the
// cost of every stored hash once its student has signed in since the cost was set.
func dummy(cost int) []byte {
	if h, ok := dummies.Load(cost); ok {
		return h.([]byte)
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("00000000"), cost)
	v, _ := dummies.LoadOrStore(cost, h)
	return v.([]byte)
}
