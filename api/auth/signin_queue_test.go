package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/pairup"
)

// countingStore is an in-memory pairup.CredentialStore that throttles as the real one does: a
// reservation counts until it is released. Every student 2xxxxxxx has the same hash; upgrades
// are recorded.
type countingStore struct {
	hash string

	mu       sync.Mutex
	reserved map[string]int // key → attempts counted and not given back
	upgrades map[string]string
}

func newCountingStore(hash string) *countingStore {
	return &countingStore{hash: hash, reserved: map[string]int{}, upgrades: map[string]string{}}
}

func (c *countingStore) PINHash(_ context.Context, number string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h, ok := c.upgrades[number]; ok {
		return h, nil
	}
	return c.hash, nil
}

func (c *countingStore) UpgradePINHash(_ context.Context, number, old, new string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.upgrades[number]
	if !ok {
		cur = c.hash
	}
	if cur == old {
		c.upgrades[number] = new
	}
	return nil
}

func (c *countingStore) ReserveSigninAttempt(_ context.Context, key string, window time.Duration) (pairup.SigninAttempt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reserved[key]++
	return pairup.SigninAttempt{Attempt: c.reserved[key], RetryAfter: window}, nil
}

func (c *countingStore) ReleaseSigninAttempt(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reserved[key]--
	return nil
}

func (c *countingStore) reservedFor(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reserved[key]
}

func (c *countingStore) upgraded(number string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.upgrades[number]
	return h, ok
}

// A burst of right PINs from one address, more than the address limit: each sign-in waits for
// its hashing slot before its attempt is counted, so while they queue nothing is counted and
// all of them sign in (counted first, the queue alone would pass the limit and refuse them).
func TestSignInQueuesBeforeCounting(t *testing.T) {
	t.Parallel()
	hash, err := PINs{Cost: bcrypt.MinCost}.Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	lim, queued := newTestLimiter(1)
	creds := newCountingStore(hash)
	const limit, burst = 3, 12
	s := NewSigninWith(creds, NewTokens([]byte("k"), time.Hour, nil), SigninOptions{
		Throttle: DefaultThrottle, Address: Throttle{Window: time.Minute, Limit: limit},
		PINs: PINs{Cost: bcrypt.MinCost, Limiter: lim},
	})
	if err := lim.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, burst)
	answered := make(chan struct{}, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Go(func() {
			_, errs[i] = s.SignIn(context.Background(), strconv.Itoa(21000000+i), "2468", "192.0.2.9")
			answered <- struct{}{}
		})
	}
	// Each sign-in either waits in the queue or (were it not to wait) answers.
	waits, answers := 0, 0
	for waits+answers < burst {
		select {
		case <-queued:
			waits++
		case <-answered:
			answers++
		}
	}
	counted := creds.reservedFor(AddressKey("192.0.2.9"))
	lim.Release()
	wg.Wait()
	if answers != 0 || counted != 0 {
		t.Fatalf("while the test held the only hashing slot: %d sign-ins answered and %d attempts were counted against the address; want 0 and 0",
			answers, counted)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("sign-in %d of the burst: %v", i, err)
		}
	}
	if n := creds.reservedFor(AddressKey("192.0.2.9")); n != 0 {
		t.Fatalf("%d attempts still counted against the address after right PINs, want 0", n)
	}
}

// A sign-in whose request ends while it waits leaves the queue: no PIN comparison, no attempt
// counted, ctx's error.
func TestSignInCancelledWhileQueued(t *testing.T) {
	t.Parallel()
	hash, err := PINs{Cost: bcrypt.MinCost}.Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	lim, queued := newTestLimiter(1)
	creds := newCountingStore(hash)
	s := NewSigninWith(creds, NewTokens([]byte("k"), time.Hour, nil), SigninOptions{
		Throttle: DefaultThrottle, Address: DefaultAddressThrottle, PINs: PINs{Cost: bcrypt.MinCost, Limiter: lim},
	})
	var comparisons atomic.Int64
	s.compare = func(h, p []byte) error {
		comparisons.Add(1)
		return bcrypt.CompareHashAndPassword(h, p)
	}
	if err := lim.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.SignIn(ctx, "21234567", "2468", "192.0.2.10")
		done <- err
	}()
	select {
	case <-queued:
	case err := <-done:
		t.Fatalf("the sign-in answered (%v) while the test held the only hashing slot", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	lim.Release()
	if n := comparisons.Load(); n != 0 {
		t.Fatalf("%d PIN comparisons for a sign-in cancelled in the queue, want 0", n)
	}
	if n := creds.reservedFor("21234567") + creds.reservedFor(AddressKey("192.0.2.10")); n != 0 {
		t.Fatalf("%d attempts counted for a sign-in cancelled in the queue, want 0", n)
	}
	// The slot it never took is free for the next sign-in.
	if _, err := s.SignIn(context.Background(), "21234567", "2468", "192.0.2.10"); err != nil {
		t.Fatal(err)
	}
	if n := comparisons.Load(); n != 1 {
		t.Fatalf("%d comparisons, want 1", n)
	}
}

// Every sign-in's comparison, and the rehash of a stale hash, runs in the Signin's Limiter: with
// its one slot held elsewhere, a sign-in only waits, whatever is wrong with it.
func TestSignInHashesOnlyInItsSlot(t *testing.T) {
	t.Parallel()
	stale, err := PINs{Cost: bcrypt.MinCost + 1}.Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, number, pin string }{
		{"right PIN, stale hash", "21234567", "2468"},
		{"wrong PIN", "21234567", "1357"},
		{"malformed number", "2123", "2468"},
		{"malformed PIN", "21234567", "x"},
	} {
		lim, queued := newTestLimiter(1)
		s := NewSigninWith(newCountingStore(stale), NewTokens([]byte("k"), time.Hour, nil), SigninOptions{
			Throttle: DefaultThrottle, PINs: PINs{Cost: bcrypt.MinCost, Limiter: lim},
		})
		var inSlot atomic.Bool // set while the test holds the one slot
		var outside atomic.Int64
		s.compare = func(h, p []byte) error {
			if inSlot.Load() {
				outside.Add(1)
			}
			return bcrypt.CompareHashAndPassword(h, p)
		}
		if err := lim.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		inSlot.Store(true)
		done := make(chan error, 1)
		go func() {
			_, err := s.SignIn(context.Background(), c.number, c.pin, "")
			done <- err
		}()
		select {
		case <-queued:
		case err := <-done:
			t.Fatalf("%s: answered (%v) while the test held the only hashing slot", c.name, err)
		}
		inSlot.Store(false)
		lim.Release()
		err := <-done
		if outside.Load() != 0 {
			t.Errorf("%s: compared while another held the only slot", c.name)
		}
		if (err == nil) != (c.pin == "2468" && c.number == "21234567") {
			t.Errorf("%s: err = %v", c.name, err)
		}
		if lim.Waiting() != 0 || lim.free != 1 {
			t.Errorf("%s: the sign-in kept its slot", c.name)
		}
	}
}

// A right PIN against a hash of another cost than the configured signs in and stores a hash of
// the configured cost (peppered when there is a pepper), which signs in after; a wrong PIN
// rewrites nothing, nor does a hash of the configured cost.
func TestSignInRehashesOtherCosts(t *testing.T) {
	t.Parallel()
	pepper := []byte("a-pepper-of-at-least-16-bytes")
	const from, to = bcrypt.MinCost + 2, bcrypt.MinCost
	for _, c := range []struct {
		name   string
		stored PINs
		pins   PINs
	}{
		{"plain, higher cost", PINs{Cost: from}, PINs{Cost: to}},
		{"plain, lower cost", PINs{Cost: to}, PINs{Cost: from}},
		{"peppered, higher cost", PINs{Pepper: pepper, Cost: from}, PINs{Pepper: pepper, Cost: to}},
		{"plain to peppered, other cost", PINs{Cost: from}, PINs{Pepper: pepper, Cost: to}},
	} {
		old, err := c.stored.Hash("2468")
		if err != nil {
			t.Fatal(err)
		}
		creds := newCountingStore(old)
		s := NewSigninWith(creds, NewTokens([]byte("k"), time.Hour, nil), SigninOptions{Throttle: DefaultThrottle, PINs: c.pins})
		if _, err := s.SignIn(context.Background(), "21234567", "1357", ""); pairup.ErrorCode(err) != pairup.EUNAUTHORIZED {
			t.Fatalf("%s: wrong PIN: %v", c.name, err)
		}
		if _, ok := creds.upgraded("21234567"); ok {
			t.Fatalf("%s: a wrong PIN rewrote the hash", c.name)
		}
		if _, err := s.SignIn(context.Background(), "21234567", "2468", ""); err != nil {
			t.Fatalf("%s: sign in against the old hash: %v", c.name, err)
		}
		fresh, ok := creds.upgraded("21234567")
		if !ok {
			t.Fatalf("%s: the hash of cost %d was not rewritten", c.name, c.stored.cost())
		}
		if cost, err := HashCost(fresh); err != nil || cost != c.pins.cost() {
			t.Fatalf("%s: rewritten at cost %d (%v), want %d", c.name, cost, err, c.pins.cost())
		}
		if IsPeppered(fresh) != c.pins.Peppered() {
			t.Fatalf("%s: rewritten hash %q, peppered %v", c.name, fresh, c.pins.Peppered())
		}
		if _, err := s.SignIn(context.Background(), "21234567", "2468", ""); err != nil {
			t.Fatalf("%s: sign in against the new hash: %v", c.name, err)
		}
		if again, _ := creds.upgraded("21234567"); again != fresh {
			t.Fatalf("%s: a hash of the configured cost was rewritten again", c.name)
		}
	}
}

// BenchmarkPINCompare is one PIN comparison at each cost PAIRUP_PIN_COST might take (the
// default and its neighbours, and bcrypt's old default of 10), in ms per comparison.
func BenchmarkPINCompare(b *testing.B) {
	for cost := MinPINCost; cost <= 12; cost++ {
		b.Run(fmt.Sprintf("cost=%d", cost), func(b *testing.B) {
			p := PINs{Cost: cost}
			h, err := p.Hash("2468")
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if ok, _ := p.Verify(h, "2468"); !ok {
					b.Fatal("no match")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/compare")
		})
	}
}
