package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// DefaultPINCost is the bcrypt cost for stored PINs: slow enough that a stolen table of 4-digit
// PINs is not cracked in seconds, fast enough for a class signing in at once.
const DefaultPINCost = 10

// MinPepperLen is the shortest pepper PINs accepts, in bytes.
const MinPepperLen = 16

// pepperedPrefix marks a stored hash as bcrypt(base64(HMAC-SHA256(pepper, PIN))); a hash
// without it is bcrypt of the bare PIN.
const pepperedPrefix = "peppered$"

// PINs is how every part of Pair-Up hashes and checks PINs. Without a pepper a stored hash is
// bcrypt of the PIN; with one it is pepperedPrefix and bcrypt of the PIN keyed with the pepper,
// so a copy of the database alone does not let anyone try the 10,000 4-digit PINs offline.
// The zero value hashes without a pepper at DefaultPINCost.
type PINs struct {
	Pepper []byte // secret key for the PINs' HMAC; empty: none; otherwise at least MinPepperLen bytes
	Cost   int    // bcrypt cost; 0 means DefaultPINCost
}

// Peppered reports whether new hashes are keyed with a pepper.
func (p PINs) Peppered() bool { return len(p.Pepper) > 0 }

// Hash returns a salted hash of the PIN to store: peppered when p has a pepper.
func (p PINs) Hash(pin string) (string, error) {
	if p.Peppered() && len(p.Pepper) < MinPepperLen {
		return "", fmt.Errorf("hash PIN: the pepper must be at least %d bytes", MinPepperLen)
	}
	cost := p.Cost
	if cost == 0 {
		cost = DefaultPINCost
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

// Verify reports whether the PIN matches the stored hash, and whether the hash should be
// replaced by Hash(pin) (a plain hash while p has a pepper). It makes exactly one bcrypt
// comparison. A peppered hash never verifies without a pepper.
func (p PINs) Verify(hash, pin string) (ok, rehash bool) {
	ok, rehash, _ = p.check(bcrypt.CompareHashAndPassword, hash, pin)
	return ok, rehash
}

// check is Verify with the comparison given, so sign-in can count comparisons in tests.
// unpeppered reports a peppered hash met without a pepper: it is compared with the dummy hash
// instead, so the refusal takes as long as any other.
func (p PINs) check(compare func(hash, pin []byte) error, hash, pin string) (ok, rehash, unpeppered bool) {
	rest, peppered := strings.CutPrefix(hash, pepperedPrefix)
	switch {
	case peppered && !p.Peppered():
		_ = compare(dummy(), []byte(pin))
		return false, false, true
	case peppered:
		return compare([]byte(rest), p.keyed(pin)) == nil, false, false
	default:
		ok := compare([]byte(hash), []byte(pin)) == nil
		return ok, ok && p.Peppered(), false
	}
}
