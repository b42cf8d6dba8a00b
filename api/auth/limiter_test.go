package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// newTestLimiter is a Limiter of n slots that sends on the returned channel each time a job
// starts to wait, so a test knows the queue's order without sleeping.
func newTestLimiter(n int) (*Limiter, <-chan struct{}) {
	queued := make(chan struct{}, 1024)
	l := NewLimiter(n)
	l.enqueued = func() { queued <- struct{}{} }
	return l, queued
}

// With one slot, waiters are served strictly in the order they arrived.
func TestLimiterServesInArrivalOrder(t *testing.T) {
	t.Parallel()
	l, queued := newTestLimiter(1)
	if err := l.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	const waiters = 50
	order := make(chan int, waiters)
	var wg sync.WaitGroup
	for i := range waiters {
		wg.Go(func() {
			if err := l.Acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			order <- i
			l.Release()
		})
		select { // waiter i is in the queue before waiter i+1 starts
		case <-queued:
		case got := <-order:
			t.Fatalf("waiter %d ran while the only slot was held", got)
		}
	}
	l.Release()
	wg.Wait()
	close(order)
	want := 0
	for got := range order {
		if got != want {
			t.Fatalf("waiter %d ran in place %d", got, want)
		}
		want++
	}
	if want != waiters {
		t.Fatalf("%d of %d waiters ran", want, waiters)
	}
}

// At most n jobs hold a slot at once, and n do: the first n run together while the rest wait,
// and the most ever running, counted under -race, is n.
func TestLimiterBoundsConcurrency(t *testing.T) {
	t.Parallel()
	const slots, jobs = 3, 40
	l, queued := newTestLimiter(slots)
	var running, most atomic.Int64
	started := make(chan struct{}, jobs)
	proceed := make(chan struct{})
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			if err := l.Acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			started <- struct{}{}
			<-proceed
			running.Add(-1)
			l.Release()
		})
	}
	// Each job either runs or waits; until proceed is closed no running job finishes.
	runs, waits := 0, 0
	for runs+waits < jobs {
		select {
		case <-started:
			runs++
		case <-queued:
			waits++
		}
	}
	if runs != slots {
		t.Fatalf("%d jobs ran at once with %d slots (%d waited)", runs, slots, waits)
	}
	close(proceed)
	wg.Wait()
	if m := most.Load(); m != slots {
		t.Fatalf("at most %d jobs ran at once, want %d", m, slots)
	}
	if l.Waiting() != 0 || l.free != slots {
		t.Fatalf("after the jobs: %d waiting, %d free slots; want 0 and %d", l.Waiting(), l.free, slots)
	}
}

// A waiter whose context ends leaves the queue and never runs, whether it noticed before the
// slot came free or was handed the slot as its context ended; the slot goes to the next waiter.
func TestLimiterCancelledWaiterNeverRuns(t *testing.T) {
	t.Parallel()
	for _, releaseFirst := range []bool{false, true} {
		l, queued := newTestLimiter(1)
		if err := l.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var ran atomic.Bool
		cancelled := make(chan error, 1)
		go func() {
			err := l.Acquire(ctx)
			if err == nil {
				ran.Store(true)
				l.Release()
			}
			cancelled <- err
		}()
		select {
		case <-queued:
		case err := <-cancelled:
			t.Fatalf("a waiter got past the held slot (%v)", err)
		}
		next := make(chan error, 1)
		go func() {
			err := l.Acquire(context.Background())
			next <- err
		}()
		select {
		case <-queued:
		case err := <-next:
			t.Fatalf("a second waiter got past the held slot (%v)", err)
		}

		cancel()
		if releaseFirst {
			// The slot frees as the context ends: it may be handed to the cancelled waiter,
			// which must pass it on.
			l.Release()
		}
		if err := <-cancelled; !errors.Is(err, context.Canceled) {
			t.Fatalf("release first %v: cancelled waiter: err = %v, want context.Canceled", releaseFirst, err)
		}
		if !releaseFirst {
			if l.Waiting() != 1 {
				t.Fatalf("%d waiting after the cancelled one left, want 1", l.Waiting())
			}
			l.Release()
		}
		if err := <-next; err != nil {
			t.Fatalf("release first %v: the next waiter: %v", releaseFirst, err)
		}
		if ran.Load() {
			t.Fatalf("release first %v: the cancelled waiter ran", releaseFirst)
		}
		l.Release()
		if l.Waiting() != 0 || l.free != 1 {
			t.Fatalf("release first %v: %d waiting, %d free, want 0 and 1", releaseFirst, l.Waiting(), l.free)
		}
		// A context that has already ended never gets a slot, even a free one.
		if err := l.Acquire(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("ended context: err = %v", err)
		}
		if l.free != 1 {
			t.Fatal("an ended context took a slot")
		}
	}
}
